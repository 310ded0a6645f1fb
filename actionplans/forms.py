from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.models import Indicator
from actionplans.services import indicator_targets_set

WHOLE_PLAN_FIELD = "target_plan"


def _year_field_name(year):
    return f"target_year_{year.number}"


class IndicatorTargetsForm(forms.ModelForm):
    """An indicator with one text box per plan year for its targets, as plans are written.

    Built for one plan by :func:`indicator_form_for_years`; ``plan_years`` is set there.
    """

    plan_years = ()

    class Meta:
        model = Indicator
        fields = ["label", "unit", "is_cumulative", "baseline", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            texts = {target.year_id: target.text for target in self.instance.targets.all()}
            for year in self.plan_years:
                self.fields[_year_field_name(year)].initial = texts.get(year.pk, "")
            self.fields[WHOLE_PLAN_FIELD].initial = texts.get(None, "")

    def save(self, commit=True):
        indicator = super().save(commit=commit)
        if commit:
            self.save_targets()
        return indicator

    def save_targets(self):
        texts = {year: self.cleaned_data.get(_year_field_name(year)) for year in self.plan_years}
        texts[None] = self.cleaned_data.get(WHOLE_PLAN_FIELD)
        indicator_targets_set(indicator=self.instance, texts_by_year=texts)


def indicator_form_for_years(plan_years):
    """An IndicatorTargetsForm class with a target field for each of ``plan_years``."""
    fields = {
        _year_field_name(year): forms.CharField(
            label=_("Cible an %(number)s") % {"number": year.number},
            required=False,
            max_length=500,
        )
        for year in plan_years
    }
    fields[WHOLE_PLAN_FIELD] = forms.CharField(
        label=_("Cible pour le plan"), required=False, max_length=500
    )
    fields["plan_years"] = tuple(plan_years)
    return type("IndicatorTargetsForPlanForm", (IndicatorTargetsForm,), fields)
