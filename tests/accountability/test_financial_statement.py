"""The report's financial statement, read in the PDF as the ministry reads it: planned, spent
and variance by plan year and source for the Beauce plan with a known set of expenses."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accountability import reports
from accountability.data import plan_for_report
from actionplans.models import ActualExpense, BudgetLine, FundingSource, Measure, Plan
from actionplans.periods import parse_period
from actionplans.services import budget_line_split
from tests.builders import imported_beauce
from tests.factories import ActivityFactory, OrganisationFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def beauce(table_a):
    """The Beauce plan as imported (27 measures, all PAC, « Imprévus » 14 000 $ and « Frais de
    gestion » 13 000 $ over its three years), with:

    - 1.1.1 (« Ans 1-2 », 17 340 $) split per year (8 670 $ each), and a line from the MRC in
      services of 2 000 $ in year 2;
    - 2.2.7 (« En continu », 896 $) outside the PAC request;
    - actual expenses: 1 250,50 $ on 1.1.1 in year 2, 500 $ on the MRC's line, 4 000 $ of
      management fees, 100 $ on 2.2.7, and 999 $ on 1.1.1 in year 1 (not in year 2's figures);
    - 300 $ declared by a partner on an approved activity of year 2.
    """
    plan = imported_beauce(table_a)
    years = {year.number: year for year in plan.years.all()}
    measures = {m.number: m for m in Measure.objects.of_plan(plan)}
    year1_line, year2_line = budget_line_split(line=measures["1.1.1"].budget_lines.get())
    mrc = BudgetLine.objects.create(
        measure=measures["1.1.1"],
        description="Local prêté par la MRC",
        other_amount=2000,
        source=FundingSource.MRC_IN_KIND,
        year=years[2],
    )
    outside = measures["2.2.7"]
    outside.outside_pac = True
    outside.save()
    fees = plan.expenses.get(kind="management")
    for line, day, amount in [
        (year2_line, date(2023, 5, 10), "1250.50"),
        (mrc, date(2024, 1, 15), "500"),
        (year1_line, date(2022, 10, 1), "999"),
    ]:
        ActualExpense.objects.create(plan=plan, budget_line=line, date=day, amount=amount)
    ActualExpense.objects.create(
        plan=plan, plan_expense=fees, date=date(2023, 11, 1), amount=Decimal(4000)
    )
    ActualExpense.objects.create(
        plan=plan, budget_line=outside.budget_lines.get(), date=date(2023, 6, 1), amount=100
    )
    ActivityFactory(
        measure=measures["1.3.1"],
        organisation=OrganisationFactory(),
        date=date(2023, 6, 15),
        amount_spent=300,
    )
    return plan_for_report(Plan.objects.all()).get(pk=plan.pk)


def statement_text(plan, period="2023-2024"):
    request = reports.ReportRequest(plan=plan, period=parse_period(plan, period))
    text = " ".join(pdf_text(reports.report_pdf(request)[2]).split())
    start = text.index("État financier Prévu")
    return text[start : text.index("Pour information", start) + 200]


def figures(text, label):
    """The three amounts (planned, spent, variance) following ``label`` in the statement."""
    amount = r"(-?[\d  ]+(?:,\d\d)? \$)"
    match = re.search(re.escape(label) + rf" {amount} {amount} {amount}", text)
    assert match, f"no row « {label} » in: {text}"
    return tuple(match.groups())


def test_the_statement_shows_year_2_by_scope_and_source(beauce):
    text = statement_text(beauce)
    # PAC measures of year 2, as planned by the document (outside-PAC 2.2.7 not counted): the
    # measures of « Ans 2-3 », « Ans 1-2-3 », « En continu »… each share of their years.
    # Year 2's share of each PAC measure (2.2.7, outside the PAC, not counted), 1.1.1's split
    # line of year 2 and the MRC's line; spent: 1 250,50 $ + 500 $, not year 1's 999 $.
    assert figures(text, "Moyens d'action") == ("73 808,33 $", "1 750,50 $", "-72 057,83 $")
    # 14 000 $ / 3 = 4 666,66 $ and 13 000 $ / 3 = 4 333,33 $ (the last year takes the cents)
    assert figures(text, "Lignes du plan (imprévus, frais de gestion)") == (
        "8 999,99 $",
        "4 000 $",
        "-4 999,99 $",
    )
    total = figures(text, "Total de la demande PAC, An 2 (2023-2024)")
    assert total == ("82 808,32 $", "5 750,50 $", "-77 057,82 $")  # not the 100 $ outside PAC
    # By source: the ministry's share and the local share apart, adding up to the same total.
    assert figures(text, "Ministère : PAC") == ("80 808,32 $", "5 250,50 $", "-75 557,82 $")
    assert figures(text, "MRC : en services") == ("2 000 $", "500 $", "-1 500 $")
    assert figures(text, "Sous-total : Part locale") == ("2 000 $", "500 $", "-1 500 $")
    assert figures(text, "Total des sources, An 2 (2023-2024)") == total
    assert "Part du ministère" in text and "Partenaires : en argent" not in text


def amount(text):
    return Decimal(text.replace(" ", "").replace("$", "").replace(",", "."))


def test_the_totals_add_up(beauce):
    text = statement_text(beauce)
    measures = figures(text, "Moyens d'action")
    lines = figures(text, "Lignes du plan (imprévus, frais de gestion)")
    total = figures(text, "Total de la demande PAC, An 2 (2023-2024)")
    for column in range(3):
        assert amount(measures[column]) + amount(lines[column]) == amount(total[column])
    ministry = figures(text, "Sous-total : Part du ministère")
    local = figures(text, "Sous-total : Part locale")
    for column in range(3):
        assert amount(ministry[column]) + amount(local[column]) == amount(total[column])
    # The summary's planned figure is the same PAC total for the period's year.
    request = reports.ReportRequest(plan=beauce, period=parse_period(beauce, "2023-2024"))
    summary = " ".join(pdf_text(reports.report_pdf(request)[2]).split())
    assert f"{total[0]} budget prévu pour la période (demande PAC)" in summary
    # …and its spent figure the statement's (recorded expenses), not the amounts declared.
    assert f"{total[1]} dépensé durant la période (demande PAC)" in summary


def test_each_measure_shows_its_expenses_and_what_partners_declared(beauce):
    request = reports.ReportRequest(plan=beauce, period=parse_period(beauce, "2023-2024"))
    text = " ".join(pdf_text(reports.report_pdf(request)[2]).split())
    # 1.1.1: its split line of year 2 (1 250,50 $) and the MRC's line (500 $).
    assert "prévu 10 670 $ · dépensé durant la période 1 750,50 $" in text
    # 1.3.1: no expense recorded, 300 $ declared by a partner on its activity.
    assert "dépensé durant la période 0 $ · déclaré sur les activités 300 $" in text


def test_the_whole_plan_adds_its_years_up_to_the_documents_total(beauce):
    text = statement_text(beauce, "all")
    years = [
        figures(text, f"Total de la demande PAC, An {n} ({y}-{y + 1})")
        for n, y in [(1, 2022), (2, 2023), (3, 2024)]
    ]
    period = figures(text, "Total de la demande PAC, Ensemble de la période")
    for column in range(3):
        assert sum(amount(year[column]) for year in years) == amount(period[column])
    # The document's PAC request: every measure's « Total : » but 2.2.7's, the plan lines, and
    # the MRC's 2 000 $ added here.
    document = (
        sum(
            (
                line.total
                for line in BudgetLine.objects.filter(
                    measure__objective__axis__plan=beauce
                ).exclude(measure__number="2.2.7")
            ),
            Decimal(0),
        )
        + 27000
    )
    assert amount(period[0]) == document
    assert amount(period[1]) == Decimal("6749.50")  # 999 + 1 250,50 + 500 + 4 000


def test_outside_pac_measures_are_apart_and_declared_amounts_are_information(beauce):
    text = statement_text(beauce)
    outside = text[text.index("Moyens d'action hors demande PAC") :]
    assert figures(outside, "An 2 (2023-2024)") == ("298,66 $", "100 $", "-198,66 $")
    assert (
        "montants déclarés par les partenaires sur leurs activités approuvées de la période, 300 $"
        in text
    )


def test_the_workbook_has_a_finances_sheet_with_numbers(beauce):
    request = reports.ReportRequest(plan=beauce, period=parse_period(beauce, "2023-2024"))
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(request)[2]))
    rows = list(workbook["Finances"].iter_rows(min_row=2, values_only=True))
    by_label = {row[2]: row for row in rows}
    assert by_label["Lignes du plan"][3:] == (8999.99, 4000, -4999.99)
    assert by_label["MRC : en services"][3:] == (2000, 500, -1500)
    assert by_label["Total de la demande PAC"][3:] == (82808.32, 5750.5, -77057.82)


def test_splitting_a_line_keeps_the_measures_total_to_the_cent(beauce):
    measure = Measure.objects.of_plan(beauce).get(number="3.2.1")  # « En continu », 14 400 $
    line = measure.budget_lines.get()
    line.staff_amount, line.staff_hours, line.other_amount = Decimal("8100.01"), 162, 6300
    line.save()
    parts = budget_line_split(line=line)
    assert [part.year.number for part in parts] == [1, 2, 3]
    assert [part.total for part in parts] == [
        Decimal("4800.00"),
        Decimal("4800.00"),
        Decimal("4800.01"),
    ]
    assert sum(part.staff_hours for part in parts) == 162
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    split = BudgetLine.history.filter(
        measure_id=measure.pk, history_change_reason="Ligne budgétaire répartie par année"
    )
    assert sorted(split.values_list("history_type", flat=True)) == ["+", "+", "+", "-"]
