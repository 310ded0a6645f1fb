"""The minutes in the meeting's change page: decisions and follow-ups (inlines), and the
« Envoyer le compte rendu » page (who receives it, then one e-mail each)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import RuleBookTabularInline
from common.formatting import format_date, format_time
from meetings import minutes
from meetings.members import members_of
from meetings.models import Decision, FollowUp
from partners.models import Organisation


class ShortTextMixin:
    """One or two lines each: a decision or a follow-up is a sentence, not a page."""

    formfield_overrides = {
        **RuleBookTabularInline.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }


class DecisionInline(ShortTextMixin, RuleBookTabularInline):
    model = Decision
    fields = ["order", "text"]
    verbose_name_plural = gettext_lazy("Décisions (dans l'ordre)")


class FollowUpInline(ShortTextMixin, RuleBookTabularInline):
    """A follow-up's responsible organisation: one of the meeting's table."""

    model = FollowUp
    fields = ["text", "organisation", "due_on", "done_at"]
    # Marked done from Mon espace (« Marquer comme fait », by the assignee or the coordination).
    readonly_fields = ["done_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("organisation")
        if field is not None:
            if obj is not None:
                organisations = Organisation.objects.of_tables([obj.table_id])
            else:
                organisations = Organisation.objects.of_tables_managed_by(request.user)
            field.queryset = organisations.order_by("name")
            field.help_text = _("Une organisation de la table.")
        return formset


class MinutesAdminMixin:
    """What the meeting's admin gains for the minutes (mixed into ``MeetingAdmin``)."""

    minutes_inlines = [DecisionInline, FollowUpInline]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *self.minutes_inlines]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "minutes_sent_at"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/compte-rendu/envoyer/",
                self.admin_site.admin_view(self.send_minutes_view),
                name="meetings_meeting_send_minutes",
            ),
            *super().get_urls(),
        ]

    def send_minutes_view(self, request, object_id):
        """« Envoyer le compte rendu »: GET shows who receives what; POST sends it."""
        meeting = self.get_object(request, object_id)  # another table's meeting: 404
        if not request.user.has_perm("meetings.send_minutes", meeting):
            raise PermissionDenied
        change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
        if request.method == "POST":
            try:
                members = minutes.minutes_send(meeting=meeting, by=request.user)
            except minutes.MinutesError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Le compte rendu a été envoyé à %(count)s membres.")
                    % {"count": len(members)},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Envoyer le compte rendu"),
            "opts": self.opts,
            "meeting": meeting,
            "original": meeting,
            "members": members_of(meeting.table, meeting.committee),
            "sent_before": meeting.minutes_sent_at
            and _("le %(date)s à %(time)s")
            % {
                "date": format_date(meeting.minutes_sent_at),
                "time": format_time(meeting.minutes_sent_at),
            },
            "change_url": change_url,
            **minutes.minutes_content(meeting),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/meetings/meeting/send_minutes.html", context)
