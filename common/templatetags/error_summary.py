"""The error summary at the top of an admin change form: every error of the form and of its
inlines, each a link to its field (``templates/admin/change_form.html``)."""

from dataclasses import dataclass

from django import template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext

register = template.Library()


@dataclass
class FormError:
    label: str  # empty for an error of the whole form
    message: str
    anchor: str


def _form_errors(form, row_anchor, prefix_label=""):
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            label, anchor = prefix_label, row_anchor
        else:
            field_label = capfirst(form.fields[name].label or name)
            label = (
                gettext("%(row)s : %(field)s") % {"row": prefix_label, "field": field_label}
                if prefix_label
                else field_label
            )
            anchor = form[name].id_for_label or row_anchor
        for message in messages:
            yield FormError(str(label), str(message), anchor)


@register.simple_tag(takes_context=True)
def error_summary(context):
    """The form's errors in page order: its own fields, then each inline's rows."""
    adminform = context.get("adminform")
    inline_admin_formsets = context.get("inline_admin_formsets")
    errors = []
    if adminform is not None:
        errors.extend(_form_errors(adminform.form, "content-main"))
    for inline in inline_admin_formsets or ():
        formset = inline.formset
        name = capfirst(inline.opts.verbose_name)
        group = f"{formset.prefix}-group"
        for message in formset.non_form_errors():
            errors.append(FormError(str(capfirst(inline.opts.verbose_name_plural)), message, group))
        for index, form in enumerate(formset.forms):
            row = gettext("%(item)s %(number)s") % {"item": name, "number": index + 1}
            errors.extend(_form_errors(form, f"{formset.prefix}-{index}", row))
    return errors
