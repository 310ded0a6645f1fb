"""Accountability reports: the PDF's text read back, periods, versions, cache, permissions."""

import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accountability import reports
from accountability.data import PUBLIC, plan_for_report
from accountability.narratives import narratives_save
from actionplans.models import Measure, Plan
from actionplans.periods import PeriodError, parse_period
from activities.services import activity_approve
from tests.builders import imported_beauce
from tests.factories import (
    ActivityFactory,
    EventFactory,
    OrganisationFactory,
    UserFactory,
    coordinator_of,
    ministry_user,
    partner_of,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def beauce(table_a):
    plan = imported_beauce(table_a)
    measures = {m.number: m for m in Measure.objects.of_plan(plan)}
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi")
    activities = measures["1.3.1"].indicators.get()
    for title, day, status in [
        ("Fête des voisins interculturelle", date(2023, 6, 15), "approved"),
        ("Souper aux saveurs du monde", date(2023, 9, 20), "approved"),
        ("Activité de l'an passé", date(2022, 10, 1), "approved"),
        ("Activité en révision", date(2023, 7, 1), "submitted"),
        ("Brouillon secret", date(2023, 7, 2), "draft"),
    ]:
        report = ActivityFactory(
            measure=measures["1.3.1"],
            organisation=cje,
            date=day,
            title=title,
            status=status,
            description="Description interne",
        )
        report.values.create(indicator=activities, value=5)
    return plan_for_report(Plan.objects.all()).get(pk=plan.pk)


def render(plan, period="2023-2024", **options):
    request = reports.ReportRequest(plan=plan, period=parse_period(plan, period), **options)
    return reports.report_pdf(request)


def test_the_beauce_report_reads_right(beauce):
    filename, content_type, content = render(beauce)
    assert (filename, content_type) == ("beauce-rapport-2023-2024-fr.pdf", "application/pdf")
    text = pdf_text(content)
    for axis in beauce.axes.all():
        assert axis.title[:40] in " ".join(text.split())
    assert "1.1.1 Soutenir les partenaires" in text
    assert "prévu 8 670 $" in text  # « Ans 1-2 », 17 340 $: its half planned for year 2
    assert "3 capsules" in text
    assert "An 2 : 19 activités" in text
    assert "Fête des voisins interculturelle" in text and "Souper aux saveurs du monde" in text
    assert "Activité de l'an passé" not in text  # outside the period
    assert "Activité en révision" not in text and "Brouillon secret" not in text
    assert "Page 1 de" in text or "Page 2 de" in text
    assert "Table des matières" in text and "Annexe A — Événements tenus" in text
    assert "Description interne" in text  # full version


def test_the_public_version_keeps_internal_text_out(beauce):
    text = pdf_text(render(beauce, variant=PUBLIC)[2])
    assert "Fête des voisins interculturelle" in text
    assert "Description interne" not in text and "version publique" in text


def test_a_period_without_activity_still_yields_a_report(beauce):
    text = pdf_text(render(beauce, "2024-04-01:2024-05-01")[2])
    assert "Aucune activité approuvée durant cette période." in text
    assert "1.1.1 Soutenir les partenaires" in text


def test_english_version_and_annual_review(beauce):
    axis = beauce.axes.get(number=1)
    narratives_save(
        plan=beauce,
        period=parse_period(beauce, "2023-2024"),
        texts={axis.pk: "Une année de fêtes de quartier réussies."},
        user=UserFactory(),
    )
    text = pdf_text(render(beauce, lang="en", annual=True)[2])
    assert "Annual review" in text and "Table of contents" in text
    assert "April 1, 2023" in text
    assert "Une année de fêtes de quartier réussies." in text


def test_repeated_downloads_are_cached_and_any_change_makes_a_new_file(beauce, weasyprint_calls):
    calls = weasyprint_calls  # the HTML is the cache key: only WeasyPrint is skipped on a hit
    first = render(beauce)[2]
    assert render(beauce)[2] == first and len(calls) == 1
    report = (
        beauce.axes.get(number=1)
        .objectives.get(number="1.3")
        .measures.get(number="1.3.1")
        .activities.get(title="Activité en révision")
    )
    activity_approve(activity=report, reviewer=UserFactory(is_superuser=True))
    changed = render(beauce)[2]
    assert len(calls) == 2 and "Activité en révision" in pdf_text(changed)


def test_xlsx_has_one_sheet_per_level(beauce):
    request = reports.ReportRequest(plan=beauce, period=parse_period(beauce, "2023-2024"))
    filename, _content_type, content = reports.report_xlsx(request)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "Sommaire",
        "Finances",
        "Axes",
        "Objectifs",
        "Moyens d'action",
        "Indicateurs",
        "Activités",
        "Textes",
    ]
    activities = [row[2] for row in workbook["Activités"].iter_rows(min_row=2, values_only=True)]
    assert sorted(activities) == ["Fête des voisins interculturelle", "Souper aux saveurs du monde"]
    measures = {
        row[0]: row for row in workbook["Moyens d'action"].iter_rows(min_row=2, values_only=True)
    }
    assert measures["1.1.1"][5] == 8670  # planned for the period's year (2 of « Ans 1-2 »)


def test_periods(beauce):
    assert parse_period(beauce, "2023-2024").start == date(2023, 4, 1)
    assert parse_period(beauce, "all").end == date(2025, 3, 31)
    for bad in ("2030-2031", "2023-13-01:2023-01-01", "2023-06-01:2023-01-01", "hier"):
        with pytest.raises(PeriodError):
            parse_period(beauce, bad)


def test_reports_page_permissions(client, beauce, table_b):
    url = reverse("accountability:plan", args=[beauce.slug])
    query = {
        "periode": "2023-2024",
        "type": "etape",
        "langue": "fr",
        "version": "full",
        "format": "pdf",
    }
    assert "/comptes/login/" in client.get(url)["Location"]
    for user in (
        UserFactory(),
        partner_of(OrganisationFactory(), username="p@example.org"),
        coordinator_of(table_b, username="b@example.org"),
    ):
        client.force_login(user)
        response = client.get(url, query)
        assert response.status_code == 403
        assert "réservés au ministère et à la coordination" in response.content.decode()
    for user in (
        ministry_user(username="m@example.org"),
        coordinator_of(beauce.table, username="a@example.org"),
    ):
        client.force_login(user)
        response = client.get(url, query)
        assert response["Content-Type"] == "application/pdf"
        assert "Description interne" in pdf_text(response.content)
    preview = client.get(url, {**query, "format": "html"}).content.decode()
    assert "Fête des voisins interculturelle" in preview
    page = client.get(
        url, {**query, "periode": "custom", "debut": "2023-06-01", "fin": "2023-01-01"}
    ).content.decode()
    assert "La fin de la période précède son début." in page


def test_the_public_gets_the_public_version_of_published_plans_only(client, beauce, table_a):
    response = client.get(
        reverse("plans:public_report", args=[beauce.slug]), {"periode": "2023-2024"}
    )
    text = pdf_text(response.content)
    assert "version publique" in text and "Description interne" not in text
    draft = Plan.objects.create(
        table=table_a,
        title="Brouillon",
        slug="brouillon",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
    )
    assert client.get(reverse("plans:public_report", args=[draft.slug])).status_code == 404
    assert (
        client.get(
            reverse("plans:public_report", args=[beauce.slug]), {"periode": "n'importe"}
        ).status_code
        == 404
    )


def test_events_of_the_period_are_in_the_annex(beauce):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    EventFactory(
        table=beauce.table,
        title="Jeudi Immigration de juin",
        start=datetime(2023, 6, 8, 10, tzinfo=ZoneInfo("America/Montreal")),
        end=datetime(2023, 6, 8, 11, tzinfo=ZoneInfo("America/Montreal")),
    )
    EventFactory(
        table=beauce.table,
        title="Rencontre interne",
        is_public=False,
        start=datetime(2023, 6, 9, 10, tzinfo=ZoneInfo("America/Montreal")),
        end=datetime(2023, 6, 9, 11, tzinfo=ZoneInfo("America/Montreal")),
    )
    full = pdf_text(render(beauce)[2])
    assert (
        "Jeudi Immigration de juin" in full
        and "8 juin 2023, 10 h à 11 h" in full
        and "Rencontre interne" in full
    )
    public = pdf_text(render(beauce, variant=PUBLIC)[2])
    assert "Rencontre interne" not in public


def test_render_report_command(beauce, tmp_path):
    out = tmp_path / "rapport.xlsx"
    call_command(
        "render_report",
        beauce.slug,
        "--period",
        "2023-04-01:2023-09-30",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert load_workbook(out).sheetnames[0] == "Sommaire"
    out = tmp_path / "rapport.pdf"
    call_command("render_report", beauce.slug, "--period", "all", "--lang", "en", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="Période illisible"):
        call_command("render_report", beauce.slug, "--period", "demain", "--out", str(out))
    with pytest.raises(CommandError, match="Aucun plan"):
        call_command("render_report", "inconnu", "--out", str(out))


def test_report_data_and_pages_keep_a_flat_query_count(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accountability.data import report_data
    from tests.builders import plan_with_measures

    def count(plan):
        plan = plan_for_report(Plan.objects.all()).get(pk=plan.pk)
        with CaptureQueriesContext(connection) as queries:
            data = report_data(plan, parse_period(plan, "all"))
            reports.render_html(
                reports.ReportRequest(plan=plan, period=parse_period(plan, "all")), data
            )
        return len(queries)

    small, large = (
        plan_with_measures(measures=2, slug="petit"),
        plan_with_measures(measures=20, slug="grand"),
    )
    assert count(small) == count(large)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    budgets = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accountability:home"))
            client.get(reverse("accountability:plan", args=[plan.slug]))
        budgets.append(len(queries))
    assert budgets[0] == budgets[1]


def test_the_public_report_offers_only_the_plan_periods(client, beauce, monkeypatch):
    from actionplans.periods import plan_periods

    served = []
    monkeypatch.setattr(
        reports,
        "report_pdf",
        lambda request: served.append(request.period) or ("r.pdf", "application/pdf", b"%PDF"),
    )
    url = reverse("plans:public_report", args=[beauce.slug])
    keys = [key for key, _label in plan_periods(beauce)]
    assert "2023-04-01:2023-09-30" in keys and "all" in keys and "2023-2024" in keys
    for key in keys:
        assert client.get(url, {"periode": key}).status_code == 200, key
    assert client.get(url).status_code == 200  # the whole plan by default
    assert [p.key for p in served] == [*keys, "all"]

    monkeypatch.setattr(reports, "render_html", lambda *a, **k: pytest.fail("HTML rendered"))
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", lambda *a, **k: pytest.fail("WeasyPrint called"))
    served.clear()
    for other in (
        "2023-04-01:2023-04-02",  # any range on demand
        "2023-04-01:2024-03-31",  # a plan year, but spelt as a range: not a listed period
        "2022-04-01:2025-03-31",
        "2023-06-01:2023-01-01",
        "2030-2031",
        "n'importe",
    ):
        assert client.get(url, {"periode": other}).status_code == 404, other
    assert served == []


def test_the_reports_page_keeps_custom_ranges(client, beauce, weasyprint_calls):
    client.force_login(coordinator_of(beauce.table, username="a@example.org"))
    response = client.get(
        reverse("accountability:plan", args=[beauce.slug]),
        {
            "periode": "custom",
            "debut": "2023-06-01",
            "fin": "2023-06-30",
            "type": "etape",
            "langue": "fr",
            "version": "public",
            "format": "pdf",
        },
    )
    assert response["Content-Type"] == "application/pdf" and len(weasyprint_calls) == 1
    text = pdf_text(response.content)
    assert "Fête des voisins interculturelle" in text and "Souper aux saveurs" not in text


def test_the_cache_follows_what_the_pdf_prints(beauce, weasyprint_calls):
    measure = Measure.objects.of_plan(beauce).get(number="1.2.1")
    measure.is_continuous = False
    measure.years.clear()
    measure.schedule_text = "Selon les disponibilités"
    measure.save()
    first = render(beauce)[2]
    assert "Selon les disponibilités" in pdf_text(first)
    assert render(beauce)[2] == first and len(weasyprint_calls) == 1  # unchanged: cached bytes

    beauce.funding_programme = "Programme d'appui en francisation"
    beauce.save()
    changed = render(beauce)[2]
    assert len(weasyprint_calls) == 2 and "Programme d'appui en francisation" in pdf_text(changed)

    beauce.end_date = date(2025, 6, 30)
    beauce.save()
    changed = render(beauce)[2]
    assert len(weasyprint_calls) == 3 and "30 juin 2025" in pdf_text(changed)

    measure.schedule_text = "Automne 2023"
    measure.save()
    changed = render(beauce)[2]
    text = pdf_text(changed)
    assert len(weasyprint_calls) == 4 and "Automne 2023" in text
    assert "Selon les disponibilités" not in text
    assert render(beauce)[2] == changed and len(weasyprint_calls) == 4


def test_the_xlsx_cache_follows_what_the_workbook_writes(beauce, monkeypatch):
    from common import spreadsheets

    exports, original = [], spreadsheets._xlsx
    monkeypatch.setattr(
        spreadsheets, "_xlsx", lambda *a, **k: exports.append(1) or original(*a, **k)
    )
    measure = Measure.objects.of_plan(beauce).get(number="1.2.1")
    measure.is_continuous = False
    measure.years.clear()
    measure.schedule_text = "Selon les disponibilités"
    measure.save()
    request = reports.ReportRequest(plan=beauce, period=parse_period(beauce, "2023-2024"))

    def schedule(content):
        sheet = load_workbook(io.BytesIO(content))["Moyens d'action"]
        return {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}["1.2.1"]

    first = reports.report_xlsx(request)[2]
    assert schedule(first) == "Selon les disponibilités"
    assert reports.report_xlsx(request)[2] == first and len(exports) == 1  # unchanged: cached
    measure.schedule_text = "Automne 2023"
    measure.save()
    assert schedule(reports.report_xlsx(request)[2]) == "Automne 2023" and len(exports) == 2


def test_the_status_table_puts_each_count_under_its_heading(beauce):
    """Read as laid out on the page: each number sits under the middle of its heading."""
    page = PdfReader(io.BytesIO(render(beauce)[2])).pages
    layout = next(
        text
        for text in (p.extract_text(extraction_mode="layout") for p in page[:3])
        if "Moyens d'action par statut" in text
    )
    lines = layout.splitlines()
    heading = next(i for i, line in enumerate(lines) if "Non commencée" in line)
    counts = next(line for line in lines[heading + 1 :] if line.strip())
    labels = ["Non commencée", "En cours", "En retard", "Atteinte"]
    centres = [lines[heading].index(label) + len(label) / 2 for label in labels]
    numbers = [(m.start(), int(m.group())) for m in re.finditer(r"\d+", counts)]
    assert len(numbers) == 4
    for centre, (position, _count) in zip(centres, numbers, strict=True):
        assert abs(position - centre) < 6, (lines[heading], counts)
    assert [count for _position, count in numbers] == [7, 0, 20, 0]


def test_the_pdf_is_tagged_for_screen_readers(beauce):
    reader = PdfReader(io.BytesIO(render(beauce)[2]))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr-CA"
