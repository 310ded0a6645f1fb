"""Form fields for numbers as people in Quebec type them.

A browser's ``<input type="number">`` drops what it does not understand: Chromium reads
« 1500,50 » as 150050, without a word. Amounts and decimals are therefore plain text boxes
(``inputmode="decimal"``: the phone's number keypad) that accept « 1 500,50 $ », « 1500.50 »,
« 12,5 h », and show the value in the page's language (« 1500,50 » in French).
"""

import re

from django import forms
from django.db import models

from common.validation import text_max_length

SPACES_AND_UNITS = re.compile(r"[\s$h]", re.IGNORECASE)


def plain_decimal(text):
    """« 1 500,50 $ » → « 1500.50 »: spaces and units out, the last separator is the decimal
    one (« 1,500.50 » and « 1.500,50 » both read 1500.50)."""
    text = SPACES_AND_UNITS.sub("", text)
    last = max(text.rfind(","), text.rfind("."))
    if last == -1:
        return text
    whole = text[:last].replace(",", "").replace(".", "")
    return f"{whole}.{text[last + 1 :]}"


class DecimalInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class QuebecDecimalField(forms.DecimalField):
    """A decimal typed as written in Quebec; the errors are Django's (« Saisissez un
    nombre. »), the value the same Decimal."""

    widget = DecimalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_decimal(value)
        return super().to_python(value)


def site_formfield(db_field, **kwargs):
    """A ModelForm's ``Meta.formfield_callback``: texts bounded by :func:`text_max_length`,
    decimals typed as in Quebec (:class:`QuebecDecimalField`); the admin does the same in
    ``common.admin.ScopedChoicesMixin``."""
    if (limit := text_max_length(db_field)) is not None:
        kwargs.setdefault("max_length", limit)
    if isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", QuebecDecimalField)
    return db_field.formfield(**kwargs)
