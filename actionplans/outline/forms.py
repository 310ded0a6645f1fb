"""The outline's forms: an axis, an objective, and the measure editor (the measure, its
indicators with a year × target grid, its budget lines)."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from actionplans import services
from actionplans.forms import WHOLE_PLAN_FIELD, indicator_form_for_years
from actionplans.imports.organisations import fold
from actionplans.models import Axis, BudgetLine, Indicator, Measure, Objective, PlanYear
from common.admin import name_inputs
from common.error_summary import form_errors
from common.fields import site_formfield


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["number", "title"]


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["number", "title"]


class MeasureForm(forms.ModelForm):
    """The measure itself; leads and partners among the table's organisations, its schedule
    among the plan's years (checkboxes: they work by keyboard and without JavaScript)."""

    class Meta:
        model = Measure
        fields = [
            "number",
            "title",
            "responsibility",
            "leads",
            "partners",
            "years",
            "is_continuous",
            "schedule_text",
            "outside_pac",
            "notes",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "responsibility": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "leads": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "years": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisations, years, **kwargs):
        super().__init__(*args, **kwargs)
        # In French alphabetical order (« Cégep » before « Conseil »), read once for both lists.
        names = [(org.pk, str(org)) for org in sorted(organisations, key=lambda o: fold(o.name))]
        for name in ("leads", "partners"):
            self.fields[name].queryset = organisations
            self.fields[name].choices = names
        self.fields["years"].queryset = PlanYear.objects.filter(pk__in=[y.pk for y in years])
        self.fields["years"].choices = [(year.pk, str(year)) for year in years]


class IndicatorRowForm(forms.ModelForm):
    pass


class BudgetLineRowForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        formfield_callback = site_formfield
        fields = [
            "description",
            "staff_amount",
            "staff_hours",
            "other_amount",
            "funding_source",
            "source",
            "year",
        ]

    def __init__(self, *args, plan_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.queryset = PlanYear.objects.filter(pk__in=[year.pk for year in plan_years])
        field.choices = [("", _("Réparti sur l'échéance"))] + [
            (year.pk, str(year)) for year in plan_years
        ]


class RowsFormSet(forms.BaseInlineFormSet):
    """A grid's rows, each box named by its column and its row for screen readers
    (« Cible an 2 (indicateur 1) »), as the admin's inlines are (``common.admin.name_inputs``)."""

    row_label = _("ligne %(number)s")
    new_row_label = _("nouvelle ligne")

    def __init__(self, *args, plan_years=(), **kwargs):
        self.plan_years = plan_years
        super().__init__(*args, **kwargs)

    def removed(self):
        """The existing rows ticked « Supprimer »."""
        return [form.instance for form in self.deleted_forms if form.instance.pk]

    def written(self):
        """The rows to save: changed or new, not ticked « Supprimer »."""
        return [f for f in self.forms if f not in self.deleted_forms and f.has_changed()]

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, BudgetLineRowForm):
            kwargs["plan_years"] = self.plan_years
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Supprimer")
        initial = index is not None and index < self.initial_form_count()
        name_inputs(form, self.row_label % {"number": index + 1} if initial else self.new_row_label)


class IndicatorRows(RowsFormSet):
    row_label = _("indicateur %(number)s")
    new_row_label = _("nouvel indicateur")


class BudgetRows(RowsFormSet):
    row_label = _("ligne budgétaire %(number)s")
    new_row_label = _("nouvelle ligne budgétaire")


def _indicator_formset_class(years):
    targets_form = indicator_form_for_years(years)
    form = type("IndicatorRowForPlanForm", (IndicatorRowForm, targets_form), {})
    fields = ["label", "unit", "baseline", "is_cumulative"]
    return inlineformset_factory(
        Measure, Indicator, form=form, formset=IndicatorRows, fields=fields, extra=1
    )


BudgetLineFormSet = inlineformset_factory(
    Measure, BudgetLine, form=BudgetLineRowForm, formset=BudgetRows, extra=1
)


class MeasureEditor:
    """The measure's form with its indicators' grid and its budget lines, validated and saved
    together: nothing is saved unless all three are valid."""

    def __init__(self, *, measure, plan, years, organisations, data=None):
        self.measure, self.plan, self.years = measure, plan, years
        self.form = MeasureForm(
            data, instance=measure, organisations=organisations, years=years, prefix="mesure"
        )
        indicator_rows = _indicator_formset_class(years)
        self.indicators = indicator_rows(
            data,
            instance=measure,
            prefix="indicateurs",
            queryset=_indicators_of(measure),
            plan_years=years,
        )
        self.budget_lines = BudgetLineFormSet(
            data,
            instance=measure,
            prefix="lignes",
            queryset=_lines_of(measure),
            plan_years=years,
        )
        self.warnings = []

    def is_valid(self):
        results = [self.form.is_valid(), self.indicators.is_valid(), self.budget_lines.is_valid()]
        return all(results)

    def error_list(self, anchor):
        """Every error of the measure, its grid and its lines, each with its box's id."""
        return form_errors(
            self.form,
            [
                (_("indicateur"), _("indicateurs"), self.indicators),
                (_("ligne budgétaire"), _("lignes budgétaires"), self.budget_lines),
            ],
            form_anchor=anchor,
        )

    @property
    def has_errors(self):
        return bool(
            self.form.errors
            or any(self.indicators.errors)
            or self.indicators.non_form_errors()
            or any(self.budget_lines.errors)
            or self.budget_lines.non_form_errors()
        )

    def save(self, *, user):
        """Through the services, in one transaction (the caller's)."""
        measure = self.form.save(commit=False)
        links = {
            "leads": self.form.cleaned_data["leads"],
            "partners": self.form.cleaned_data["partners"],
            "years": self.form.cleaned_data["years"],
        }
        if measure.pk is None:
            services.measure_add(measure=measure, user=user, **links)
        else:
            services.measure_change(measure=measure, user=user, **links)
        for indicator in self.indicators.removed():
            services.indicator_delete(indicator=indicator, user=user)
        for form in self.indicators.written():
            indicator = form.save(commit=False)
            indicator.measure = measure
            texts = {
                year: form.cleaned_data.get(f"target_year_{year.number}") for year in self.years
            }
            texts[None] = form.cleaned_data.get(WHOLE_PLAN_FIELD)
            self.warnings += [
                _("Indicateur « %(label)s » : %(warning)s")
                % {"label": indicator.label, "warning": warning}
                for warning in services.indicator_save(
                    indicator=indicator, texts_by_year=texts, user=user
                )
            ]
        for line in self.budget_lines.removed():
            services.budget_line_delete(line=line, user=user)
        for form in self.budget_lines.written():
            line = form.save(commit=False)
            line.measure = measure
            services.budget_line_save(line=line, user=user)
        return measure


def _indicators_of(measure):
    if measure.pk is None:
        return Indicator.objects.none()
    return measure.indicators.prefetch_related("targets")


def _lines_of(measure):
    if measure.pk is None:
        return BudgetLine.objects.none()
    return measure.budget_lines.select_related("year")
