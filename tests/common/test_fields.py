from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.fields import QuebecDecimalField


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1 500,50 $", Decimal("1500.50")),
        ("1\u202f500,50", Decimal("1500.50")),
        ("1500.50", Decimal("1500.50")),
        ("1,500.50", Decimal("1500.50")),
        ("12,5 h", Decimal("12.5")),
        ("7239", Decimal("7239")),
        ("", None),
    ],
)
def test_an_amount_is_read_as_typed_in_quebec(typed, value):
    field = QuebecDecimalField(max_digits=10, decimal_places=2, required=False)
    assert field.clean(typed) == value


def test_a_word_is_refused_with_the_usual_message_and_the_box_shows_the_french_comma():
    field = QuebecDecimalField(max_digits=10, decimal_places=2)
    with translation.override("fr"):
        with pytest.raises(ValidationError, match="Saisissez un nombre."):
            field.clean("mille")
        html = field.widget.render("amount", field.prepare_value(Decimal("7239.00")))
    assert 'value="7239,00"' in html and 'type="text"' in html and 'inputmode="decimal"' in html
