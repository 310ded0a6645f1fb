"""Numbers, money, dates and times written the Quebec way in French, the Canadian way in English.

Every screen, PDF and export goes through these functions so that "17 340 $" and
"6 février 2025" look the same everywhere.
"""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format

NBSP = "\u00a0"


def _is_french():
    return (translation.get_language() or "fr").startswith("fr")


def format_number(value, decimals=0):
    """Group thousands with a no-break space (fr) or a comma (en); drop ",00" on whole numbers."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimals == 0 or number == number.to_integral_value():
        number = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        text = f"{number:,}"
    else:
        text = f"{number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,}"
    if _is_french():
        return text.replace(",", NBSP).replace(".", ",")
    return text


def format_money(value, decimals=None):
    """17 340 $ and 1 250,50 $ in French, $17,340 and $1,250.50 in English: cents when there
    are some (``decimals`` forces a number of decimals)."""
    if value is None or value == "":
        return ""
    if decimals is None:
        amount = Decimal(str(value))
        decimals = 0 if amount == amount.to_integral_value() else 2
    text = format_number(value, decimals)
    if _is_french():
        return f"{text}{NBSP}$"
    if text.startswith("-"):
        return f"-${text[1:]}"
    return f"${text}"


def format_percent(value):
    """45 % in French (a non-breaking space: never « 45 » and « % » on two lines), 45% in
    English."""
    if value is None or value == "":
        return ""
    text = format_number(value)
    return f"{text}{NBSP}%" if _is_french() else f"{text}%"


def format_hours(value):
    """90 h (a quantity of hours)."""
    if value is None or value == "":
        return ""
    return f"{format_number(value, 1)}{NBSP}h"


def format_time(value):
    """10 h, 10 h 30 in French; 10:00 a.m. style in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).time() if timezone.is_aware(value) else value.time()
    if not isinstance(value, time):
        return str(value)
    if _is_french():
        minutes = f"{NBSP}{value.minute:02d}" if value.minute else ""
        return f"{value.hour}{NBSP}h{minutes}"
    return date_format(value, "g:i a") if value.minute else date_format(value, "g a")


def format_date(value):
    """6 février 2025 (with "1er" on the first of the month), February 6, 2025 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return str(value)
    if _is_french():
        text = date_format(value, "j F Y")
        return f"1er {text[2:]}" if value.day == 1 else text
    return date_format(value, "F j, Y")


def format_time_range(start, end):
    """10 h à 11 h; 10 a.m. to 11 a.m."""
    if end is None:
        return format_time(start)
    if _is_french():
        return f"{format_time(start)} à {format_time(end)}"
    return f"{format_time(start)} to {format_time(end)}"


def format_when(start, end=None, *, weekday=False):
    """« 6 février 2025, 10 h à 12 h » (« jeudi 6 février 2025, … » with ``weekday``), in local
    time; "Thursday, February 6, 2025, 10 a.m. to noon" in English."""
    start = timezone.localtime(start)
    end = timezone.localtime(end) if end is not None else None
    day = format_date(start)
    if weekday:
        name = date_format(start.date(), "l")
        day = f"{name} {day}" if _is_french() else f"{name}, {day}"
    return f"{day}, {format_time_range(start, end)}"


def in_sentence(text):
    """``text`` placed inside a sentence: its first letter in lower case, the rest as it is
    (« Du 1er avril » → « du 1er avril », "From April 1" → "from April 1")."""
    text = str(text)
    return text[:1].lower() + text[1:]
