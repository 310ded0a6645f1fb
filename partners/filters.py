import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import Mrc, Municipality
from partners.models import Organisation


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    municipalite = django_filters.ModelChoiceFilter(
        method="by_municipality",
        to_field_name="slug",
        queryset=Municipality.objects.order_by("name"),
        label=_("Municipalité"),
        empty_label=_("Toutes"),
    )
    mrc = django_filters.ModelChoiceFilter(
        field_name="territory",
        to_field_name="slug",
        queryset=Mrc.objects.order_by("name"),
        label=_("MRC"),
        empty_label=_("Toutes"),
    )
    service = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Organisation.Kind.choices,
        label=_("Type de service"),
        empty_label=_("Tous"),
    )

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("municipalite", "mrc", "service"):
            self.filters[name].extra["widget"] = forms.Select

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(acronym__icontains=value) | Q(description__icontains=value)
        )

    def by_municipality(self, queryset, name, value):
        """Organisations based in the municipality or serving its MRC."""
        return queryset.filter(Q(municipality=value) | Q(territory=value.mrc_id)).distinct()
