import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import Indicator, Measure
from activities.models import MAX_INDICATOR_VALUE, Activity
from activities.selectors import reportable_measures
from common.fields import QuebecDecimalField, site_formfield
from common.formatting import format_date
from common.uploads import sniff_content_type
from events.models import Event
from municipalities.models import Municipality

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
INDICATOR_FIELD = re.compile(r"^indicator_(\d+)$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ActivityForm(forms.ModelForm):
    """The partner's form: works without JavaScript, one column on a phone."""

    attachments = MultipleFileField(
        label=_("Pièces jointes (photos, PDF)"),
        required=False,
        help_text=_("JPEG, PNG, GIF, WebP ou PDF, 10 Mo au plus chacun."),
    )
    # The version the form was read at: saving over a later version is refused (services).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Activity
        formfield_callback = site_formfield
        fields = [
            "measure",
            "date",
            "title",
            "description",
            "municipalities",
            "participants",
            "participants_immigrant",
            "participants_host",
            "amount_spent",
            "event",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "municipalities": forms.CheckboxSelectMultiple,
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "participants_immigrant": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "participants_host": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        measures = reportable_measures(user)
        if self.instance.pk:  # the activity's own measure stays offered, to correct it
            measures = Measure.objects.filter(
                Q(pk__in=measures.values("pk")) | Q(pk=self.instance.measure_id)
            )
        measures = measures.select_related("objective__axis__plan")
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: f"{m.number} {m.title[:70]}"
        self.measure = self._chosen_measure(measures)
        self.indicators = list(self.measure.indicators.all()) if self.measure else []
        values = {}
        if self.instance.pk:
            values = {value.indicator_id: value.value for value in self.instance.values.all()}
        for indicator in self.indicators:
            label = indicator.label + (f" ({indicator.unit})" if indicator.unit else "")
            self.fields[f"indicator_{indicator.pk}"] = QuebecDecimalField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_INDICATOR_VALUE,
                max_digits=12,
                decimal_places=2,
                initial=values.get(indicator.pk),
            )
        if self.measure:
            plan = self.measure.objective.axis.plan
            self.fields["municipalities"].queryset = Municipality.objects.filter(
                mrc__tables=plan.table_id
            ).order_by("name")
            self.fields["event"].queryset = Event.objects.filter(table=plan.table_id).order_by(
                "-start"
            )
        else:
            self.fields["municipalities"].queryset = Municipality.objects.none()
            self.fields["event"].queryset = Event.objects.none()

    def _chosen_measure(self, measures):
        key = self.data.get("measure") if self.is_bound else None
        key = key or self.initial.get("measure") or self.instance.measure_id
        if not key:
            return None
        try:
            return measures.prefetch_related("indicators").get(pk=key)
        except (ValueError, TypeError, measures.model.DoesNotExist):
            return None

    @property
    def selected_measure(self):
        """The measure the form is built for (its indicators, municipalities, events)."""
        return self.measure

    @property
    def indicator_fields(self):
        return [self[f"indicator_{indicator.pk}"] for indicator in self.indicators]

    def clean_date(self):
        day, today = self.cleaned_data["date"], timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                _(
                    "Une activité future est un événement : déclarez-la ici une fois réalisée "
                    "(au plus tard aujourd'hui, le %(today)s). D'ici là, la coordination de la "
                    "table peut l'annoncer au calendrier des événements."
                )
                % {"today": format_date(today)}
            )
        return day

    def _left_indicator_ids(self, measure):
        """When the activity moves to ``measure``, the indicators of the measure it leaves (the
        page still showed their fields; their values are dropped with the move); else None."""
        if not (self.instance.pk and measure and measure.pk != self.instance.measure_id):
            return None
        left = Indicator.objects.filter(measure=self.instance.measure_id).values_list(
            "pk", flat=True
        )
        return {str(pk) for pk in left}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") is None:
            raise forms.ValidationError(
                _("Cette page n'était plus à jour : rechargez-la avant d'enregistrer.")
            )
        measure, day = cleaned.get("measure"), cleaned.get("date")
        if measure and day:
            plan = measure.objective.axis.plan
            if not plan.start_date <= day <= plan.end_date:
                self.add_error(
                    "date",
                    _("La date doit être dans la période du plan (du %(start)s au %(end)s).")
                    % {"start": format_date(plan.start_date), "end": format_date(plan.end_date)},
                )
        total = cleaned.get("participants") or 0
        split = (cleaned.get("participants_immigrant") or 0) + (
            cleaned.get("participants_host") or 0
        )
        if split > total:
            self.add_error(
                "participants",
                _("La répartition (%(split)s) dépasse le nombre de participants (%(total)s).")
                % {"split": split, "total": total},
            )
        own = {str(indicator.pk) for indicator in self.indicators}
        posted = {match.group(1) for key in self.data if (match := INDICATOR_FIELD.match(key))}
        left = self._left_indicator_ids(measure)
        if posted - own - (left or set()):
            raise forms.ValidationError(
                _("Une valeur vise un indicateur qui n'appartient pas à ce moyen d'action.")
            )
        if left is not None and own and not posted & own:
            # The page did not show the new measure's indicators: show them before saving.
            self.add_error(
                "measure",
                _(
                    "Vous avez changé de moyen d'action : ses indicateurs sont maintenant "
                    "affichés. Indiquez leurs valeurs, puis enregistrez de nouveau ; celles de "
                    "l'ancien moyen d'action ne seront pas conservées."
                ),
            )
        for upload in cleaned.get("attachments") or []:
            if upload.size > MAX_ATTACHMENT_BYTES:
                self.add_error(
                    "attachments",
                    _("« %(name)s » dépasse 10 Mo.") % {"name": upload.name},
                )
                continue
            upload.sniffed_type = sniff_content_type(upload)
            if upload.sniffed_type is None:
                self.add_error(
                    "attachments",
                    _("« %(name)s » n'est ni une image ni un PDF (type vérifié sur le contenu).")
                    % {"name": upload.name},
                )
        return cleaned

    def indicator_values(self):
        return {
            indicator: self.cleaned_data.get(f"indicator_{indicator.pk}")
            for indicator in self.indicators
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce qu'il faut corriger"),
        max_length=Activity.text_max_lengths["review_comment"],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Expliquez ce qu'il faut corriger.")},
    )
