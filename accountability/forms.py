from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.periods import parse_period, plan_periods

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
        locks = list(plan.locks.active())
        choices, open_keys = [], []
        for key, label in plan_periods(plan):
            if key == "all":
                continue
            period = parse_period(plan, key)
            if any(
                lock.start_date <= period.end and lock.end_date >= period.start for lock in locks
            ):
                label = _("%(period)s — déjà soumise, verrouillée") % {"period": label}
            else:
                open_keys.append(key)
            choices.append((key, label))
        self.fields["periode"].choices = choices
        if open_keys:
            self.fields["periode"].initial = open_keys[0]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Il est conservé avec la période et affiché dans la liste des rapports soumis."
        ),
    )


# A text longer than this is a paste gone wrong, not a report's paragraph.
NARRATIVE_MAX_LENGTH = 20_000


class NarrativePeriodForm(forms.Form):
    """Which period's texts to write (the plan's own periods only)."""

    periode = forms.ChoiceField(label=_("Période"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = plan_periods(plan)


def _text_field(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class NarrativesForm(forms.Form):
    """A period's texts, saved together: the general narrative's three texts, then one text
    per axis (field ``axe_<id>``). ``initial`` comes from the narratives already written."""

    realisations = _text_field(
        _("Réalisations"), _("Ce que la table a accompli durant la période.")
    )
    difficultes = _text_field(
        _("Difficultés"), _("Les obstacles rencontrés et ce qui a retardé les moyens d'action.")
    )
    ajustements = _text_field(
        _("Ajustements"), _("Ce que la table change pour la suite, et pourquoi.")
    )

    GENERAL = {
        "realisations": "achievements",
        "difficultes": "difficulties",
        "ajustements": "adjustments",
    }

    def __init__(self, *args, axes, narratives, **kwargs):
        super().__init__(*args, **kwargs)
        self.axes = list(axes)
        general = narratives.general
        for name, attribute in self.GENERAL.items():
            self.fields[name].initial = getattr(general, attribute) if general else ""
        for axis in self.axes:
            self.fields[self.axis_field(axis)] = _text_field(str(axis))
            self.fields[self.axis_field(axis)].initial = narratives.axis_text(axis.pk)

    @staticmethod
    def axis_field(axis):
        return f"axe_{axis.pk}"

    def general_fields(self):
        return [self[name] for name in self.GENERAL]

    def axis_fields(self):
        return [(axis, self[self.axis_field(axis)]) for axis in self.axes]

    def texts(self):
        """What ``narratives_save`` takes: ``{None: general texts, axis id: text}``."""
        data = self.cleaned_data
        texts = {None: {attribute: data[name] for name, attribute in self.GENERAL.items()}}
        for axis in self.axes:
            texts[axis.pk] = data[self.axis_field(axis)]
        return texts
