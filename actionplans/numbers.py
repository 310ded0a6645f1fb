"""Numbers as plan documents and spreadsheets write them: "17 340 $", "1 250,50", "90 h".

The one place that reads them: document imports, spreadsheet imports and targets all ask here
(a target's text, which may hold years and several numbers, is read by
``actionplans.imports.targets``).
"""

import re
from decimal import Decimal, InvalidOperation

# Thousands grouped by (no-break) spaces, decimals after a comma or a point.
WRITTEN = r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?"
_ALONE = re.compile(rf"^{WRITTEN}\s*(?:\$|h(?:eures?)?\.?)?$", re.IGNORECASE)


def to_decimal(whole, fraction=None):
    """``("17 340", "5")`` → ``Decimal("17340.5")``; None if it is not a number."""
    digits = re.sub(r"\D", "", whole or "")
    try:
        return Decimal(f"{digits}.{fraction or '0'}") if digits else None
    except InvalidOperation:
        return None


def read_number(text):
    """A cell that is a number and nothing else ("17 340 $", "1 250,50", "90 h"), else None."""
    match = _ALONE.match(str(text if text is not None else "").strip())
    return to_decimal(*match.groups()) if match else None
