"""Filters of the public plan page; they live in the URL and work without JavaScript."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.progress import Status
from actionplans.models import Axis, Measure, PlanYear
from municipalities.models import Municipality
from partners.models import Organisation


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    axe = django_filters.ModelChoiceFilter(
        field_name="objective__axis",
        queryset=Axis.objects.none(),
        label=_("Axe"),
        empty_label=_("Tous les axes"),
    )
    organisation = django_filters.ModelChoiceFilter(
        method="by_organisation",
        queryset=Organisation.objects.none(),
        label=_("Organisation"),
        empty_label=_("Toutes"),
    )
    municipalite = django_filters.ModelChoiceFilter(
        method="by_municipality",
        queryset=Municipality.objects.none(),
        label=_("Municipalité"),
        empty_label=_("Toutes"),
    )
    annee = django_filters.ModelChoiceFilter(
        field_name="years",
        queryset=PlanYear.objects.none(),
        label=_("Année du plan"),
        empty_label=_("Toutes"),
    )
    statut = django_filters.ChoiceFilter(
        method="by_status",
        choices=[(key, Status.LABELS[key]) for key in Status.ORDER],
        label=_("Statut"),
        empty_label=_("Tous"),
    )

    class Meta:
        model = Measure
        fields = []

    def __init__(self, data=None, *args, plan, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.plan = plan
        self.filters["axe"].queryset = plan.axes.all()
        self.filters["annee"].queryset = plan.years.all()
        measures = Measure.objects.of_plan(plan).current()
        self.filters["organisation"].queryset = Organisation.objects.filter(
            Q(led_measures__in=measures) | Q(partner_measures__in=measures)
        ).distinct()
        self.filters["municipalite"].queryset = Municipality.objects.filter(
            mrc__tables=plan.table_id
        ).order_by("name")
        for name in ("axe", "organisation", "municipalite", "annee", "statut"):
            self.filters[name].extra["widget"] = forms.Select

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(responsibility__icontains=value)
        )

    def by_organisation(self, queryset, name, value):
        return queryset.filter(Q(leads=value) | Q(partners=value)).distinct()

    def by_municipality(self, queryset, name, value):
        return queryset.filter(
            activities__municipalities=value,
            activities__status="approved",
            activities__is_deleted=False,
        ).distinct()

    def by_status(self, queryset, name, value):
        """Statuses are derived from reports, not stored: the view filters on them."""
        return queryset
