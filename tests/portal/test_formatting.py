from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from common.formatting import (
    format_date,
    format_hours,
    format_money,
    format_percent,
    format_time,
    format_time_range,
    format_when,
)

NBSP = "\u00a0"


def test_money_is_written_the_quebec_way():
    with translation.override("fr"):
        assert format_money(Decimal("17340.00")) == f"17{NBSP}340{NBSP}$"
        assert format_money(Decimal("1234567.5"), decimals=2) == f"1{NBSP}234{NBSP}567,50{NBSP}$"
        assert format_money(0) == f"0{NBSP}$"
    with translation.override("en"):
        assert format_money(Decimal("17340")) == "$17,340"


def test_dates_and_times_in_french():
    with translation.override("fr"):
        assert format_date(date(2025, 2, 6)) == "6 février 2025"
        assert format_date(date(2022, 4, 1)) == "1er avril 2022"
        assert format_time(time(10, 0)) == f"10{NBSP}h"
        assert format_time(time(13, 30)) == f"13{NBSP}h{NBSP}30"
        assert format_hours(Decimal("90.0")) == f"90{NBSP}h"


def test_aware_datetimes_are_shown_in_montreal_time():
    start = datetime(2025, 2, 6, 15, 0, tzinfo=ZoneInfo("UTC"))
    end = datetime(2025, 2, 6, 16, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("fr"):
        assert format_time_range(start, end) == f"10{NBSP}h à 11{NBSP}h"
    with translation.override("en"):
        assert format_date(start) == "February 6, 2025"


def test_template_filters_are_builtin():
    rendered = Template("{{ amount|money }} · {{ day|longdate }}").render(
        Context({"amount": 17340, "day": date(2025, 2, 6)})
    )
    assert rendered == f"17{NBSP}340{NBSP}$ · 6 février 2025"


def test_a_moment_reads_as_one_phrase_in_montreal_time():
    """Convocations, polls, registrations and announcements all say when the same way."""
    start = datetime(2031, 3, 20, 13, 30, tzinfo=ZoneInfo("UTC"))  # 9 h 30 EDT
    end = datetime(2031, 3, 20, 15, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("fr"):
        assert format_when(start, end) == "20 mars 2031, 9\u00a0h\u00a030 à 11\u00a0h\u00a030"
        assert format_when(start, end, weekday=True).startswith("jeudi 20 mars 2031, 9")
    with translation.override("en"):
        assert format_when(start, end, weekday=True).startswith("Thursday, March 20, 2031, ")


def test_a_percentage_never_breaks_before_its_sign():
    with translation.override("fr"):
        assert format_percent(45) == "45\u00a0%"
    with translation.override("en"):
        assert format_percent(45) == "45%"
    assert format_percent(None) == ""
