from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Attendance


class AnswerForm(forms.Form):
    """A convened member's answer, given through the link of the convocation."""

    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        widget=forms.RadioSelect,
        choices=[
            (Attendance.Answer.PRESENT, _("Je serai présent·e")),
            (Attendance.Answer.ABSENT, _("Je serai absent·e")),
            (Attendance.Answer.REPRESENTED, _("Je serai représenté·e")),
        ],
    )
    represented_by = forms.CharField(
        label=_("Représenté·e par"),
        max_length=200,
        required=False,
        help_text=_("Le nom de la personne qui vous représente."),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == Attendance.Answer.REPRESENTED and not data.get("represented_by"):
            self.add_error("represented_by", _("Indiquez qui vous représentera à cette rencontre."))
        return data
