"""The error summary at the top of an admin change form: every error of the form and of its
inlines, each a link to its field (``templates/admin/change_form.html``)."""

from django import template

from common.error_summary import form_errors

register = template.Library()


@register.simple_tag(takes_context=True)
def error_summary(context):
    """An admin change form's errors: its own fields, then each inline's rows."""
    adminform = context.get("adminform")
    return form_errors(
        adminform.form if adminform is not None else None,
        [
            (inline.opts.verbose_name, inline.opts.verbose_name_plural, inline.formset)
            for inline in context.get("inline_admin_formsets") or ()
        ],
    )
