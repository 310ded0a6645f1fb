from django import forms
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm, ImportForm

from actionplans.imports.documents import preview_document
from actionplans.imports.organisations import OrganisationChoice, looks_like_acronym
from actionplans.imports.parsing import PlanParseError, plan_period_error
from actionplans.imports.rows import check_size
from actionplans.models import ActualExpense, Indicator, Plan
from actionplans.rules import PeriodLocked, period_open_check
from actionplans.services import indicator_targets_set
from common.fields import site_formfield
from common.spreadsheets import MAX_SPREADSHEET_BYTES

WHOLE_PLAN_FIELD = "target_plan"


def _year_field_name(year):
    return f"target_year_{year.number}"


class IndicatorTargetsForm(forms.ModelForm):
    """An indicator with one text box per plan year for its targets, as plans are written.

    Built for one plan by :func:`indicator_form_for_years`; ``plan_years`` is set there.
    After saving, ``target_warnings`` says which targets were kept without a value and why
    (« 3 à 5 rencontres »): the page shows them, the text is saved as typed.
    """

    plan_years = ()
    target_warnings = ()

    class Meta:
        model = Indicator
        formfield_callback = site_formfield
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
        self.target_warnings = [
            _("Indicateur « %(label)s » : %(warning)s")
            % {"label": self.instance.label, "warning": warning}
            for warning in indicator_targets_set(indicator=self.instance, texts_by_year=texts)
        ]


TARGET_HELP = _(
    "Le texte du plan ; sa valeur est le nombre qu'il contient (« An 2 : 3 capsules » → 3). "
    "Plusieurs nombres (« 3 à 5 rencontres ») : aucune valeur."
)


def indicator_form_for_years(plan_years):
    """An IndicatorTargetsForm class with a target field for each of ``plan_years``."""
    fields = {
        _year_field_name(year): forms.CharField(
            label=_("Cible an %(number)s") % {"number": year.number},
            required=False,
            max_length=500,
            help_text=TARGET_HELP,
        )
        for year in plan_years
    }
    fields[WHOLE_PLAN_FIELD] = forms.CharField(
        label=_("Cible pour le plan"), required=False, max_length=500, help_text=TARGET_HELP
    )
    fields["plan_years"] = tuple(plan_years)
    return type("IndicatorTargetsForPlanForm", (IndicatorTargetsForm,), fields)


class PlanImportForm(forms.Form):
    """Upload or paste a plan document; the preview step carries the text in ``source``."""

    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_(
            "Document Word (.docx), OpenDocument (.odt) ou PDF, classeur .xlsx, ou texte copié "
            "de l'un d'eux (.txt), 5 Mo au plus."
        ),
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


class PlanOrganisationsForm(forms.Form):
    """What to do with each name of the plan that matches none of the table's organisations:
    leave it as text (the default), map it to one of them, or create it as a new organisation
    of the table.

    Fields are ``org_<n>_…``; ``org_<n>_written`` carries the name back, so that a list that
    changed since the preview (an organisation added to the table meanwhile) is noticed, never
    applied to the wrong name.
    """

    TEXT = "text"

    def __init__(self, data=None, *, names, organisations):
        super().__init__(data)
        self.names = list(names)
        # Choices built once: a select per name costs no query.
        self.organisation_ids = {organisation.pk for organisation in organisations}
        organisation_choices = [("", "---------")] + [
            (str(organisation.pk), str(organisation)) for organisation in organisations
        ]
        actions = [
            (self.TEXT, _("Laisser en texte")),
            (OrganisationChoice.MAP, _("Associer à une organisation de la table")),
            (OrganisationChoice.CREATE, _("Créer une organisation de la table")),
        ]
        for index, name in enumerate(self.names):
            prefix = f"org_{index}_"
            self.fields[f"{prefix}written"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=name.text
            )
            self.fields[f"{prefix}action"] = forms.ChoiceField(
                label=name.text,
                choices=actions,
                initial=self.TEXT,
                required=False,  # a confirmation without choices leaves every name as text
                widget=forms.RadioSelect,
            )
            candidates = name.candidates
            self.fields[f"{prefix}organisation"] = forms.ChoiceField(
                label=_("Organisation de la table"),
                choices=organisation_choices,
                required=False,
                initial=None,
                help_text=_("Peut désigner : %(names)s.")
                % {"names": ", ".join(str(candidate) for candidate in candidates)}
                if candidates
                else "",
                error_messages={
                    "invalid_choice": _(
                        "Cette organisation n'est pas une organisation de la table : "
                        "choisissez-en une dans la liste."
                    )
                },
            )
            self.fields[f"{prefix}name"] = forms.CharField(
                label=_("Nom de la nouvelle organisation"),
                max_length=200,
                required=False,
                initial=name.text,
            )
            self.fields[f"{prefix}acronym"] = forms.CharField(
                label=_("Sigle"),
                max_length=30,
                required=False,
                initial=name.text if looks_like_acronym(name.text) else "",
            )

    def rows(self):
        """For the template: each name with its bound fields."""
        return [
            {
                "name": name,
                "written": self[f"org_{index}_written"],
                "action": self[f"org_{index}_action"],
                "organisation": self[f"org_{index}_organisation"],
                "new_name": self[f"org_{index}_name"],
                "acronym": self[f"org_{index}_acronym"],
            }
            for index, name in enumerate(self.names)
        ]

    def clean(self):
        cleaned = super().clean()
        for index, name in enumerate(self.names):
            prefix = f"org_{index}_"
            action = cleaned.get(f"{prefix}action") or self.TEXT
            if action != self.TEXT and self.data.get(f"{prefix}written") != name.text:
                raise forms.ValidationError(
                    _(
                        "Les noms à associer ont changé depuis l'aperçu (les organisations de "
                        "la table ont changé) : vérifiez les choix ci-dessous et confirmez de "
                        "nouveau."
                    )
                )
            if action == OrganisationChoice.MAP and not cleaned.get(f"{prefix}organisation"):
                self.add_error(f"{prefix}organisation", _("Choisissez l'organisation de la table."))
            if action == OrganisationChoice.CREATE and not cleaned.get(f"{prefix}name", "").strip():
                self.add_error(f"{prefix}name", _("Donnez le nom de la nouvelle organisation."))
        return cleaned

    def choices(self):
        """The names mapped or created, as :class:`OrganisationChoice`."""
        chosen = []
        for index, name in enumerate(self.names):
            prefix = f"org_{index}_"
            action = self.cleaned_data[f"{prefix}action"]
            if action == OrganisationChoice.MAP:
                chosen.append(
                    OrganisationChoice(
                        text=name.text,
                        action=action,
                        organisation_id=int(self.cleaned_data[f"{prefix}organisation"]),
                    )
                )
            elif action == OrganisationChoice.CREATE:
                chosen.append(
                    OrganisationChoice(
                        text=name.text,
                        action=action,
                        name=self.cleaned_data[f"{prefix}name"].strip(),
                        acronym=self.cleaned_data[f"{prefix}acronym"].strip(),
                    )
                )
        return chosen


class ActualExpenseForm(forms.ModelForm):
    """An actual expense against one line of one of the user's plans; the plan follows from
    the line. ``user`` and ``perm`` are set by the admin: the rule book is asked about the
    expense as it would be saved (its table, its date), so a predicate there (a locked period,
    say) refuses it with the form's message, before anything is written."""

    user = None
    perm = None

    class Meta:
        model = ActualExpense
        fields = ["budget_line", "plan_expense", "date", "amount", "description"]
        error_messages = {
            "amount": {"min_value": _("Un montant ne peut pas être négatif.")},
        }

    def clean(self):
        cleaned = super().clean()
        line, plan_line = cleaned.get("budget_line"), cleaned.get("plan_expense")
        if bool(line) == bool(plan_line):
            if "budget_line" not in self.errors and "plan_expense" not in self.errors:
                raise forms.ValidationError(
                    _(
                        "Choisissez une seule ligne : celle d'un moyen d'action ou une ligne du "
                        "plan (imprévus, frais de gestion)."
                    )
                )
            return cleaned
        self.instance.plan = line.measure.objective.axis.plan if line else plan_line.plan
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if not self.is_valid():
            return
        days = [self.instance.date]
        if self.instance.pk is not None:
            days.append(self.initial.get("date"))
        try:  # first: a locked period is the reason to give, not a bare refusal
            period_open_check(self.instance.plan_id, *days)
        except PeriodLocked as locked:
            self.add_error(None, str(locked))
            return
        if self.perm and not self.user.has_perm(self.perm, self.instance):
            self.add_error(None, _("Vous ne pouvez pas enregistrer cette dépense."))
