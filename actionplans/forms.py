from django import forms
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm, ImportForm

from actionplans.imports.documents import preview_document
from actionplans.imports.parsing import PlanParseError, plan_period_error
from actionplans.imports.rows import check_size
from actionplans.models import Indicator, Plan
from actionplans.services import indicator_targets_set
from common.spreadsheets import MAX_SPREADSHEET_BYTES

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


class PlanImportForm(forms.Form):
    """Upload or paste a plan document; the preview step carries the text in ``source``."""

    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("Texte copié de Word ou d'un PDF (.txt) ou classeur .xlsx, 5 Mo au plus."),
    )
    text = forms.CharField(
        label=_("… ou collez le tableau du plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    revised_plan = forms.ModelChoiceField(
        label=_("Importer comme"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("Nouveau plan"),
        help_text=_(
            "Une révision met à jour le plan choisi : les moyens d'action sont appariés par "
            "numéro et gardent leurs activités."
        ),
    )
    title = forms.CharField(
        label=_("Titre du plan"),
        max_length=300,
        required=False,
        help_text=_("Pour un nouveau plan."),
    )
    slug = forms.SlugField(
        label=_("Identifiant"),
        required=False,
        max_length=200,
        help_text=_("Laissé vide, il est tiré du titre."),
    )
    start_date = forms.DateField(
        label=_("Début du plan"),
        required=False,
        help_text=_(
            "Laissé vide, il est lu dans le document (« Du 1 avril 2022 au 31 mars 2025 »)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, table=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = Plan.objects.none()
        if table is not None and user is not None:
            plans = Plan.objects.managed_by(user).filter(table=table)
        self.fields["revised_plan"].queryset = plans
        self.fields["revised_plan"].label_from_instance = lambda plan: (
            _("Révision du plan « %(title)s »") % {"title": plan.title}
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Un plan porte déjà cet identifiant."))
        return slug

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document")
        try:
            if document is not None:
                check_size(document.size)
                cleaned["preview"] = preview_document(data=document.read())
            else:
                cleaned["preview"] = preview_document(
                    text=cleaned.get("text"), source=cleaned.get("source")
                )
        except PlanParseError as error:
            raise forms.ValidationError(error.messages) from error
        preview = cleaned["preview"]
        if cleaned.get("revised_plan") is not None:
            return cleaned  # the plan keeps its title and dates
        if not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", self.fields["title"].error_messages["required"])
        start = cleaned.get("start_date")
        if start is None and preview.parsed.start_date is None:
            self.add_error(
                "start_date",
                _("Le document ne donne pas les dates du plan : indiquez sa date de début."),
            )
        elif start is not None and (problem := plan_period_error(start, preview.parsed.end_date)):
            self.add_error("start_date", problem)
        return cleaned


class PlanSheetImportForm(ImportForm):
    """import-export's import form, with the plan the spreadsheet belongs to."""

    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label=_("Plan"))

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["import_file"].help_text = _("Tableur .xlsx ou .csv, %(size)s Mo au plus.") % {
            "size": MAX_SPREADSHEET_BYTES // 2**20
        }

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload is not None and upload.size > MAX_SPREADSHEET_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": MAX_SPREADSHEET_BYTES // 2**20}
            )
        return upload


class PlanSheetConfirmForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
