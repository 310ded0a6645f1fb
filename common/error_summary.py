"""The errors of a form sent back, in page order, each with the id of its field: what the
error summary at the top of a page lists (``templates/admin/_error_summary.html``)."""

from dataclasses import dataclass

from django.forms.forms import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext


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


def form_errors(form=None, formsets=(), form_anchor="content-main"):
    """Every error of ``form`` then of each ``(row name, rows name, formset)`` in
    ``formsets``, in page order, each with the id of its field."""
    errors = []
    if form is not None:
        errors.extend(_form_errors(form, form_anchor))
    for name, plural, formset in formsets:
        group = f"{formset.prefix}-group"
        for message in formset.non_form_errors():
            errors.append(FormError(str(capfirst(plural)), message, group))
        for index, row_form in enumerate(formset.forms):
            row = gettext("%(item)s %(number)s") % {"item": capfirst(name), "number": index + 1}
            errors.extend(_form_errors(row_form, f"{formset.prefix}-{index}", row))
    return errors
