"""The date polls' forms: a slot entered as a day and two times (Montreal time), and a
participant's answers, one radio group per slot."""

from datetime import datetime

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, PollAnswer, PollSlot
from meetings.polls import slot_label


def _local(value):
    return timezone.localtime(value) if value else None


class PollSlotForm(forms.ModelForm):
    """A proposed slot: its day, its start and its end, read and shown in America/Montreal
    (the site's time zone), whatever the daylight saving time of that day."""

    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = PollSlot
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start, end = _local(self.instance.starts_at), _local(self.instance.ends_at)
            self.initial.update(day=start.date(), start=start.time(), end=end.time())

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            if end <= start:
                self.add_error("end", _("La fin doit suivre le début."))
            else:
                zone = timezone.get_current_timezone()
                self.instance.starts_at = datetime.combine(day, start, zone)
                self.instance.ends_at = datetime.combine(day, end, zone)
        return data


class PollSlotFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        """The admin's tabular inline shows labels as column headers only: each input names
        itself and its row for screen readers (« Début, date proposée 2 »)."""
        super().add_fields(form, index)
        for field in form.fields.values():
            name = str(field.label)
            if index is not None:
                name = _("%(field)s, date proposée %(number)s") % {
                    "field": name,
                    "number": index + 1,
                }
            field.widget.attrs["aria-label"] = name

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("day"), form.cleaned_data.get("start"))
            if None in key:
                continue
            if key in seen:
                form.add_error("start", _("Cette date est déjà proposée à la même heure."))
            seen.add(key)


CHOICES = [
    (PollAnswer.Choice.YES, _("Oui")),
    (PollAnswer.Choice.IF_NEED_BE, _("Si nécessaire")),
    (PollAnswer.Choice.NO, _("Non")),
]


class PollAnswerForm(forms.Form):
    """One required radio group per slot, named ``slot_<id>``, its legend the slot itself."""

    def __init__(self, *args, slots, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot in slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=slot_label(slot),
                choices=CHOICES,
                widget=forms.RadioSelect,
                initial=answers.get(slot.pk),
                error_messages={"required": _("Choisissez oui, si nécessaire ou non.")},
            )

    def choices(self):
        return {slot.pk: self.cleaned_data[f"slot_{slot.pk}"] for slot in self.slots}


class MeetingDetailsForm(forms.ModelForm):
    """What the convocation sent on choosing a slot says besides the date: how and where the
    members meet, and the agenda."""

    class Meta:
        model = Meeting
        fields = ["mode", "location", "online_url", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5, "cols": 60})}

    online_url = Meeting._meta.get_field("online_url").formfield(assume_scheme="https")
