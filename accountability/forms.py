from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.periods import plan_periods

CUSTOM = "custom"


class AccountabilityForm(forms.Form):
    """Which report: period (or a custom range), kind, language, version."""

    periode = forms.ChoiceField(label=_("Période"))
    debut = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fin = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.ChoiceField(
        label=_("Document"),
        choices=[
            ("etape", _("Rapport d'étape")),
            ("bilan", _("Bilan annuel (avec le bilan de chaque axe)")),
        ],
    )
    langue = forms.ChoiceField(label=_("Langue"), choices=[("fr", "Français"), ("en", "English")])
    version = forms.ChoiceField(
        label=_("Version"), choices=[("full", _("Complète")), ("public", _("Publique"))]
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = [
            *plan_periods(plan),
            (CUSTOM, _("Autre période (dates ci-dessous)")),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("periode") == CUSTOM:
            start, end = cleaned.get("debut"), cleaned.get("fin")
            if not (start and end):
                raise forms.ValidationError(_("Indiquez le début et la fin de la période."))
            if end < start:
                raise forms.ValidationError(_("La fin de la période précède son début."))
            cleaned["periode"] = f"{start.isoformat()}:{end.isoformat()}"
        return cleaned


class SubmissionForm(forms.Form):
    """Which report goes to the ministry: a plan year or a half-year (never the whole plan nor
    another range: a submission locks its period), the kind, the language."""

    periode = forms.ChoiceField(label=_("Période à soumettre"))
    type = forms.ChoiceField(
        label=_("Document"),
        choices=[("etape", _("Rapport d'étape")), ("bilan", _("Bilan annuel"))],
    )
    langue = forms.ChoiceField(label=_("Langue"), choices=[("fr", "Français"), ("en", "English")])

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = [
            (key, label) for key, label in plan_periods(plan) if key != "all"
        ]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Il est conservé avec la période et affiché dans la liste des rapports soumis."
        ),
    )
