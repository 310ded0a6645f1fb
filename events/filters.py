import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event
from municipalities.models import Municipality
from partners.models import Table


class EventFilter(django_filters.FilterSet):
    table = django_filters.ModelChoiceFilter(
        field_name="table",
        to_field_name="slug",
        queryset=Table.objects.order_by("name"),
        label=_("Table"),
        empty_label=_("Toutes"),
    )
    municipalite = django_filters.ModelChoiceFilter(
        field_name="municipality",
        to_field_name="slug",
        queryset=Municipality.objects.filter(events__is_public=True).distinct().order_by("name"),
        label=_("Municipalité"),
        empty_label=_("Toutes"),
    )
    type = django_filters.ChoiceFilter(
        field_name="kind", choices=Event.Kind.choices, label=_("Type"), empty_label=_("Tous")
    )
    public = django_filters.ChoiceFilter(
        field_name="audience",
        choices=Event.Audience.choices,
        label=_("Public visé"),
        empty_label=_("Tous"),
    )
    format = django_filters.ChoiceFilter(
        method="by_format",
        choices=[("en-ligne", _("En ligne")), ("en-personne", _("En personne"))],
        label=_("Format"),
        empty_label=_("Tous"),
    )

    class Meta:
        model = Event
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.filters:
            self.filters[name].extra["widget"] = forms.Select

    def by_format(self, queryset, name, value):
        if value == "en-ligne":
            return queryset.exclude(online_url="")
        return queryset.filter(online_url="")
