"""A province-sized synthetic data set and timings of the main pages (``make bench``).

Built with bulk inserts so that 100 tables × 60 measures load in seconds. Later issues add
their own pages to :data:`PAGES`.
"""

import functools
import hashlib
import io
import statistics
import subprocess
import time
import tracemalloc
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from actionplans.models import (
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
    PlanYear,
    Target,
)
from actionplans.services import plan_year_periods
from events.models import Event
from municipalities.models import Mrc, Municipality, Region
from partners.models import Organisation, Table
from portal import bench_http
from portal.bench_http import (
    MAX_CHANGED_FEED_MS,
    MAX_PLAN_QUERIES,
    TIME_TOLERANCE,
    french_number,
    goal_text,
    within,
)

MONTREAL = ZoneInfo("America/Montreal")


def build_province(*, tables=100, measures_per_plan=60, events_per_table=10):
    """Create ``tables`` tables, each with a published 3-year plan of ``measures_per_plan``
    measures (3 axes × 2 objectives), one indicator per measure with a target per year,
    a budget line per measure, and ``events_per_table`` events."""
    region, _ = Region.objects.get_or_create(code="17", defaults={"name": "Centre-du-Québec"})
    mrcs = Mrc.objects.bulk_create(
        Mrc(name=f"MRC synthétique {n}", slug=f"mrc-synthetique-{n}", region=region)
        for n in range(tables)
    )
    Municipality.objects.bulk_create(
        Municipality(name=f"Municipalité {n}-{m}", slug=f"municipalite-{n}-{m}", mrc=mrc)
        for n, mrc in enumerate(mrcs)
        for m in range(10)
    )
    carriers = Organisation.objects.bulk_create(
        Organisation(name=f"MRC porteuse {n}", slug=f"porteur-{n}", kind="mrc")
        for n in range(tables)
    )
    partners = Organisation.objects.bulk_create(
        Organisation(name=f"Organisme partenaire {n}", slug=f"partenaire-{n}", kind="community")
        for n in range(20)
    )
    table_objs = Table.objects.bulk_create(
        Table(name=f"Table synthétique {n}", slug=f"table-synthetique-{n}", carrier=carriers[n])
        for n in range(tables)
    )
    Table.mrcs.through.objects.bulk_create(
        Table.mrcs.through(table_id=table.pk, mrc_id=mrc.pk)
        for table, mrc in zip(table_objs, mrcs, strict=True)
    )
    plans = Plan.objects.bulk_create(
        Plan(
            table=table,
            title=f"Plan d'action {table.name}",
            slug=f"plan-synthetique-{n}",
            start_date=date(2024, 4, 1),
            end_date=date(2027, 3, 31),
            status=Plan.Status.PUBLISHED,
        )
        for n, table in enumerate(table_objs)
    )
    periods = plan_year_periods(date(2024, 4, 1), date(2027, 3, 31))
    years = PlanYear.objects.bulk_create(
        PlanYear(plan=plan, number=number, start_date=start, end_date=end)
        for plan in plans
        for number, (start, end) in enumerate(periods, start=1)
    )
    years_by_plan = {}
    for year in years:
        years_by_plan.setdefault(year.plan_id, []).append(year)
    axes = Axis.objects.bulk_create(
        Axis(plan=plan, number=a, title=f"Axe {a}") for plan in plans for a in (1, 2, 3)
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            axis=axis, number=f"{axis.number}.{o}", title=f"Objectif {axis.number}.{o}", position=o
        )
        for axis in axes
        for o in (1, 2)
    )
    per_objective = max(1, measures_per_plan // 6)
    measures = Measure.objects.bulk_create(
        Measure(
            objective=objective,
            number=f"{objective.number}.{m}",
            title=f"Moyen d'action {objective.number}.{m} : organiser des activités interculturelles",
            position=m,
            responsibility="MRC, organisme d'accueil",
        )
        for objective in objectives
        for m in range(1, per_objective + 1)
    )
    plan_of_axis = {axis.pk: axis.plan_id for axis in axes}
    plan_of_objective = {objective.pk: plan_of_axis[objective.axis_id] for objective in objectives}
    Measure.years.through.objects.bulk_create(
        Measure.years.through(measure_id=measure.pk, planyear_id=year.pk)
        for measure in measures
        for year in years_by_plan[plan_of_objective[measure.objective_id]]
    )
    Measure.leads.through.objects.bulk_create(
        Measure.leads.through(measure_id=measure.pk, organisation_id=partners[n % 20].pk)
        for n, measure in enumerate(measures)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(measure=measure, staff_amount=11340, staff_hours=90, other_amount=6000)
        for measure in measures
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(measure=measure, label="Nombre d'activités", unit="activités")
        for measure in measures
    )
    measure_plan = {measure.pk: plan_of_objective[measure.objective_id] for measure in measures}
    Target.objects.bulk_create(
        Target(indicator=indicator, year=year, value=19, text="19 activités")
        for indicator in indicators
        for year in years_by_plan[measure_plan[indicator.measure_id]]
    )
    start = datetime(2026, 1, 8, 10, tzinfo=MONTREAL)
    Event.objects.bulk_create(
        Event(
            table=table,
            title=f"Activité {e} de {table.name}",
            slug=f"activite-{n}-{e}",
            start=start + timedelta(days=7 * e),
            end=start + timedelta(days=7 * e, hours=1),
        )
        for n, table in enumerate(table_objs)
        for e in range(events_per_table)
    )
    return plans


@dataclass
class Page:
    name: str
    url: str
    admin: bool = False


def pages(plan):
    measure = Measure.objects.of_plan(plan).first()
    return [
        Page("Accueil public", reverse("home")),
        Page("Page de la table", plan.table.get_absolute_url()),
        Page("Page du plan (60 mesures)", plan.get_absolute_url()),
        Page("Page d'une mesure", measure.get_absolute_url()),
        Page("Calendrier des événements", reverse("events:list") + "?quand=passes"),
        Page("Calendrier, vue du mois", reverse("events:month", args=[2026, 1])),
        Page("Flux iCalendar (1 000 événements)", "/fr/evenements.ics"),
        Page("Répertoire des partenaires", reverse("directory")),
        Page("Admin : liste des plans", reverse("admin:actionplans_plan_changelist"), True),
        Page("Admin : liste des mesures", reverse("admin:actionplans_measure_changelist"), True),
        Page(
            "Admin : fiche du plan", reverse("admin:actionplans_plan_change", args=[plan.pk]), True
        ),
        Page(
            "Admin : fiche d'une mesure",
            reverse("admin:actionplans_measure_change", args=[measure.pk]),
            True,
        ),
    ]


def measure_page(client, url, repeat=5):
    """Best time of ``repeat`` requests (ms), queries and peak Python memory (MiB) of one."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        client.get(url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return min(timings), len(queries), peak / 2**20


def run(*, tables=100, measures_per_plan=60, database_url=None, database="", out=print):
    started = time.perf_counter()
    plans = build_province(tables=tables, measures_per_plan=measures_per_plan)
    out(
        f"Données : {tables} tables, {Measure.objects.count()} mesures, "
        f"{Target.objects.count()} cibles, {Event.objects.count()} événements "
        f"(générées en {time.perf_counter() - started:.1f} s)"
    )
    admin = get_user_model().objects.create_superuser("bench@example.org", "bench@example.org", "x")
    anonymous, staff = Client(), Client()
    staff.force_login(admin)
    out(f"{'page':<32} {'temps (ms)':>11} {'requêtes':>9} {'mémoire (Mio)':>14}")
    for page in pages(plans[len(plans) // 2]):
        ms, queries, peak = measure_page(staff if page.admin else anonymous, page.url)
        out(f"{page.name:<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}")
    if database_url:
        run_server(plans[len(plans) // 2], database_url=database_url, database=database, out=out)
    run_plan_scaling(plans[0], out=out)
    run_reporting(plans[len(plans) // 2], out=out)
    out("")
    run_plan_transfer(out=out)
    run_hostile_files(out=out)


def synthetic_plan_text(measures=300):
    """A plan document in the Beauce layout with ``measures`` measures (10 axes × 3 objectives)."""
    lines = ["PLAN D'ACTION", "Version complète (Du 1 avril 2024 au 31 mars 2027)"]
    per_objective = max(1, measures // 30)
    for axis in range(1, 11):
        lines.append(f"AXE {axis} : Axe d'intervention numéro {axis}\t\t\t\t\t\t\t")
        for objective in range(1, 4):
            lines.append(f"Objectif spécifique {axis}.{objective} : Objectif {axis}.{objective}")
            lines.append(
                "Moyens d'action\tResponsables Partenaires\tÉchéance\tBudget\t\t\tRésultats attendus\t"
            )
            lines.append("\t\t\tRH\tHR\tAutres\tIndicateurs\tCibles")
            for number in range(1, per_objective + 1):
                lines.append(
                    f"{axis}.{objective}.{number} Organiser des activités interculturelles\t"
                    f"MRC, organisme d'accueil\tAns 1-2-3\t11 340\\$\t90\t6 000\\$\tNb d'activités\t"
                    f"An 1 : 19 activités An 2: 19 activités An 3: 19 activités"
                )
                lines.append("\t\t\tTotal : 17 340\\$\t\t\t\t")
    lines.append("Frais de gestion\t\t\t13 000\\$")
    return "\n".join(lines)


def timed(function):
    """``(result, milliseconds, queries, peak MiB)``: timed on a first call, memory traced on a
    second one (tracing slows Python down, so it never runs while the clock does)."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    elapsed = (time.perf_counter() - started) * 1000
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, len(queries), peak / 2**20


def run_plan_transfer(*, measures=300, out=print):
    from actionplans.exports.plan import plan_export
    from actionplans.imports.documents import import_document, preview_document

    table = Table.objects.first()
    text = synthetic_plan_text(measures).encode()
    out(
        f"{'plan de ' + str(measures) + ' mesures':<32} {'temps (ms)':>11} {'requêtes':>9} {'mémoire (Mio)':>14}"
    )
    preview, ms, queries, peak = timed(lambda: preview_document(data=text))
    out(f"{'Lecture du document':<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}")
    plan, ms, queries, peak = timed(
        lambda: import_document(table=table, preview=preview, title="Plan synthétique 300")
    )
    out(f"{'Importation (création)':<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}")
    for file_format in ("xlsx", "csv", "json"):
        _, ms, queries, peak = timed(lambda file_format=file_format: plan_export(plan, file_format))
        out(f"{'Exportation ' + file_format:<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}")
    run_plan_documents(measures=measures, out=out)


def synthetic_plan_docx(measures=300):
    """:func:`synthetic_plan_text` laid out as a Word document: headings, one table per
    objective under the two-row header, a shaded row every tenth measure."""
    from tests.plan_documents import BEAUCE_HEADER, BEAUCE_WIDTHS, Paragraph, Table, docx_bytes

    blocks, table = [], None
    for line in synthetic_plan_text(measures).replace("\\$", "$").splitlines():
        cells = line.rstrip("\t").split("\t")
        if cells[0].startswith(("AXE", "Objectif")):
            blocks.append(
                Paragraph(cells[0], "Heading 1" if cells[0].startswith("AXE") else "Heading 2")
            )
            table = None
        elif cells[0] == "Moyens d'action":
            table = Table(header=BEAUCE_HEADER, rows=[], widths=BEAUCE_WIDTHS)
            blocks.append(table)
        elif table is not None and (cells[0] or "Total" in line):
            if cells[0] and len(table.rows) % 20 == 10:
                table.shaded.add(len(table.rows))
            table.rows.append((cells + [""] * 8)[:8])
        elif cells[0] and "\t" not in line:
            blocks.append(Paragraph(cells[0]))
    return docx_bytes(blocks)


def run_plan_documents(*, measures=300, out=print):
    """Read and parse a ``measures``-measure plan as Word and as the PDF LibreOffice exports
    (goals: under 2 s and 5 s); the PDF is skipped, saying so, without LibreOffice."""
    from actionplans.imports.documents import preview_document
    from tests.plan_documents import libreoffice_convert

    docx = synthetic_plan_docx(measures)
    documents = [("Lecture .docx (objectif 2 s)", docx)]
    try:
        documents.append(("Lecture PDF (objectif 5 s)", libreoffice_convert(docx, "pdf")))
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        out(f"PDF non mesuré : {error}")
    for name, data in documents:
        preview, ms, queries, peak = timed(lambda data=data: preview_document(data=data))
        count = len(preview.parsed.measures)
        out(
            f"{name:<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}  {count} mesures, {len(data) // 1024} Kio"
        )


def add_reports(plan, count=1000):
    """``count`` reports on ``plan`` in every review state, each with an indicator value."""
    from activities.models import Activity, IndicatorValue

    author = get_user_model().objects.filter(username="partenaire-bench@example.org").first()
    author = author or get_user_model().objects.create_user("partenaire-bench@example.org")
    measures = list(Measure.objects.of_plan(plan).prefetch_related("indicators"))
    organisation = Organisation.objects.filter(kind="community").first()
    for measure in measures:
        measure.leads.add(organisation)
    statuses = ["approved", "approved", "submitted", "draft"]
    reports = Activity.objects.bulk_create(
        Activity(
            measure=measures[n % len(measures)],
            organisation=organisation,
            author=author,
            date=plan.start_date + timedelta(days=n % 1000),
            title=f"Activité {n}",
            participants=12,
            status=statuses[n % 4],
        )
        for n in range(count)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(activity=report, indicator=report.measure.indicators.all()[0], value=1)
        for report in reports
        if report.measure.indicators.all()
    )
    return author


def run_reporting(plan, *, out=print):
    from partners.models import Person

    partner = add_reports(plan)
    Person.objects.create(
        user=partner,
        organisation=Organisation.objects.filter(kind="community").first(),
        title="Intervenante",
    )
    coordinator = get_user_model().objects.create_user(
        "coordination-bench@example.org", is_staff=True
    )
    plan.table.coordinators.add(coordinator)
    out("")
    out(
        f"{'1 000 activités sur un plan':<32} {'temps (ms)':>11} {'requêtes':>9} {'mémoire (Mio)':>14}"
    )
    for name, user, url in [
        ("Mon espace (partenaire)", partner, reverse("dashboard")),
        ("Mon espace (coordination)", coordinator, reverse("dashboard")),
        ("File de révision", coordinator, reverse("activities:review_queue")),
        ("Liste des activités", coordinator, reverse("activities:list")),
        ("Page du plan (avancement)", None, plan.get_absolute_url()),
    ]:
        client = Client()
        if user is not None:
            client.force_login(user)
        ms, queries, peak = measure_page(client, url)
        out(f"{name:<32} {ms:>11.1f} {queries:>9} {peak:>14.1f}")


def run_report(*, activities=1000, growth=10, out=print):
    """The Beauce plan (seed 001) with ``activities`` approved activities, as a PDF and XLSX;
    then with ``growth`` times as many, in the same run, and the ratio between the two."""
    import resource

    from accountability.data import FULL
    from accountability.reports import ReportRequest, render_html, report_xlsx
    from actionplans.periods import parse_period
    from activities.models import Activity
    from common.pdf import PDF_VARIANT, html_document
    from portal import demo

    demo.load_geography()
    demo.load_partners()
    demo.load_beauce_plan()
    plan = Plan.objects.get(slug=demo.BEAUCE_PLAN["slug"])
    out(
        f"{'rapport, activités approuvées':<32} {'temps (ms)':>11} {'requêtes':>9} "
        f"{'pic RSS (Mio)':>14}"
    )
    times = []
    for count in (activities, activities * growth):
        add_reports(plan, count=count - Activity.objects.of_plan(plan).count())
        Activity.objects.of_plan(plan).update(status="approved")
        request = ReportRequest(plan=plan, period=parse_period(plan, "all"), variant=FULL)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            html = render_html(request)
        document = html_document(html).render()
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)  # as the worker writes it
        elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        label = f"PDF {count} ({len(document.pages)} p., {len(pdf) // 1024} Kio)"
        out(f"{label:<32} {elapsed:>11.1f} {len(queries):>9} {peak:>14.1f}")
        _, ms, queries_count, _ = timed(lambda request=request: report_xlsx(request))
        out(f"{'XLSX ' + str(count):<32} {ms:>11.1f} {queries_count:>9}")
    out(f"{'PDF : rapport ×' + str(growth) + ' / ×1':<32} {times[1] / times[0]:>11.1f}")


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx_cell(reference, value):
    """One ``<c>``: a number, or inline text."""
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xlsx_sheet(rows, *, dimension=None):
    """Worksheet XML of ``rows`` (lists of values; None leaves a cell out)."""
    from openpyxl.utils import get_column_letter

    body = "".join(
        f'<row r="{number}">'
        + "".join(
            xlsx_cell(f"{get_column_letter(column)}{number}", value)
            for column, value in enumerate(row, start=1)
            if value is not None
        )
        + "</row>"
        for number, row in enumerate(rows, start=1)
    )
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{head}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def xlsx_bytes(sheet, *, sheet_name="Plan", shared_strings=None, parts=None):
    """A minimal .xlsx written part by part, as spreadsheet programs and openpyxl read it.

    ``sheet`` is the worksheet XML, as bytes or as an iterable of byte chunks (written as a
    stream, so a sheet of hundreds of megabytes never sits in memory); ``shared_strings`` the
    same for ``xl/sharedStrings.xml``; ``parts`` more members, ``{name: bytes}``."""
    shared = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings is not None
        else ""
    )
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{shared}</Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
            f'xmlns:r="{RELATIONSHIPS_NS}"><sheets><sheet name="{escape(sheet_name)}" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS_NS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS_NS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        **({"xl/sharedStrings.xml": shared_strings} if shared_strings is not None else {}),
        **(parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, str):
                content = content.encode()
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in content:
                    member.write(chunk)
    return buffer.getvalue()


def _noise(size):
    """``size`` bytes of hexadecimal text that compresses about 2:1, the same on every run."""
    chunks, seed, length = [], b"bench", 0
    while length < size:
        seed = hashlib.sha256(seed).digest()
        chunks.append(seed.hex().encode())
        length += 64
    return b"".join(chunks)[:size]


def _repeated(head, row, count, tail, per_chunk=1000):
    yield head
    for start in range(0, count, per_chunk):
        yield row * min(per_chunk, count - start)
    yield tail


SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
PLAN_ROWS = [
    ["AXE 1 : Accueil"],
    ["Objectif spécifique 1.1 : Accueillir"],
    ["1.1.1 Organiser une fête", "MRC", "Ans 1-2", "1 000 $", "", "", "Nb", "1"],
]


def xlsx_sheet_bytes(rows, **kwargs):
    return xlsx_bytes(xlsx_sheet(rows, **kwargs))


INLINE_ROW = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"  # 1 Ko
LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))


def _sheet_of(body):
    return (SHEET_HEAD + body + SHEET_TAIL).encode()


def _inflated_sheet():
    """300 Mo of the same row once inflated, under a megabyte compressed."""
    return xlsx_bytes(_repeated(SHEET_HEAD.encode(), INLINE_ROW, 300_000, SHEET_TAIL.encode()))


def _high_ratio():
    """20 Mo inflated (under the total limit), compressed several hundred times."""
    return xlsx_bytes(_repeated(SHEET_HEAD.encode(), INLINE_ROW * 10, 2_000, SHEET_TAIL.encode()))


def _elements_outside_rows():
    return xlsx_bytes(
        f'<worksheet xmlns="{MAIN_NS}"><sheetData/>'.encode()
        + b"".join(b'<x a="%d"/>' % (n * 7919) for n in range(300_000))
        + b"</worksheet>"
    )


def _shared_strings():
    return xlsx_bytes(
        xlsx_sheet([["x"]]),
        shared_strings=f'<sst xmlns="{MAIN_NS}">'.encode()
        + b"".join(b"<si><t>%d</t></si>" % n for n in range(600_000))
        + b"</sst>",
    )


def _big_styles():
    styles = f'<styleSheet xmlns="{MAIN_NS}"><!-- '.encode() + _noise(6 * 2**20) + b" -->"
    return xlsx_bytes(xlsx_sheet(PLAN_ROWS), parts={"xl/styles.xml": styles + b"</styleSheet>"})


def _entities():
    return xlsx_bytes(
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">{LAUGHS}]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>".encode()
    )


#: Workbooks built to exhaust a reader, each under the 5 Mo upload limit: ``{name: (builder,
#: refused)}``; ``refused`` is False for the one the import must read (within bounds).
#: Used by ``make bench`` and ``tests/hostile``.
HOSTILE_WORKBOOKS = {
    "300 Mo une fois décompressé": (_inflated_sheet, True),
    "compressé plusieurs centaines de fois": (_high_ratio, True),
    "un million de lignes annoncées": (
        lambda: xlsx_sheet_bytes(PLAN_ROWS, dimension="A1:XFD1048576"),
        False,
    ),
    "une cellule en XFD1048576": (
        lambda: xlsx_bytes(_sheet_of('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
        True,
    ),
    "6 000 lignes": (lambda: xlsx_sheet_bytes([[f"Ligne {n}"] for n in range(6000)]), True),
    "150 colonnes": (lambda: xlsx_sheet_bytes([[f"Colonne {n}" for n in range(150)]]), True),
    "300 000 éléments hors des lignes": (_elements_outside_rows, True),
    "une cellule de 5 000 fragments": (
        lambda: xlsx_bytes(
            _sheet_of(
                '<row r="1"><c r="A1" t="inlineStr"><is>'
                + "<r><t>x</t></r>" * 5000
                + "</is></c></row>"
            )
        ),
        True,
    ),
    "600 000 textes partagés": (_shared_strings, True),
    "styles de 6 Mo": (_big_styles, True),
    "entités XML en cascade": (_entities, True),
    "2 000 parties": (
        lambda: xlsx_bytes(
            xlsx_sheet(PLAN_ROWS), parts={f"customXml/item{n}.xml": b"<a/>" for n in range(2000)}
        ),
        True,
    ),
}


@functools.cache
def hostile_workbook(name):
    """The bytes of ``HOSTILE_WORKBOOKS[name]``, built once."""
    return HOSTILE_WORKBOOKS[name][0]()


MAX_HOSTILE_PEAK_MIB = 200


class BenchFailure(Exception):
    """A measured limit was not held: the bench fails loudly."""


def _hostile_uploads(client, table, plan):
    """The two real ways in for a workbook, as ``(name, post(data) → refused?)``."""
    plan_url = reverse("admin:actionplans_plan_import", args=[table.pk])
    sheet_url = reverse("admin:actionplans_measure_import")
    formats = client.get(sheet_url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if label == "xlsx")

    def plan_document(data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            plan_url,
            {
                "document": SimpleUploadedFile("plan.xlsx", data),
                "title": "Plan",
                "start_date": "2024-04-01",
                "preview": "1",
            },
        )
        return response.status_code == 200 and response.context["preview"] is None

    def spreadsheet(data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            sheet_url,
            {
                "import_file": SimpleUploadedFile("plan.xlsx", data),
                "format": xlsx,
                "plan": plan.pk,
            },
        )
        return response.status_code == 200 and bool(response.context["form"].errors)

    return [("document de plan", plan_document), ("tableur du plan", spreadsheet)]


def run_hostile_files(*, out=print):
    """Each workbook of :data:`HOSTILE_WORKBOOKS` posted to both import pages, timed, then
    posted again with its peak Python memory traced: fails if a peak passes 200 Mio or if a workbook is not handled as expected
    (refused, or read within bounds)."""
    plan = Plan.objects.select_related("table").first()
    user = get_user_model().objects.create_superuser(
        "bench-fichiers@example.org", "bench-fichiers@example.org", "x"
    )
    client = Client()
    client.force_login(user)
    uploads = _hostile_uploads(client, plan.table, plan)
    out("")
    out(f"{'fichiers hostiles':<40} {'page':<17} {'temps (ms)':>11} {'mémoire (Mio)':>14}")
    failures = []
    for name, (_build, refused) in HOSTILE_WORKBOOKS.items():
        data = hostile_workbook(name)
        for page, post in uploads:
            was_refused, elapsed, _queries, peak = timed(lambda post=post, data=data: post(data))
            verdict = "refusé" if was_refused else "lu"
            if peak > MAX_HOSTILE_PEAK_MIB:
                failures.append(f"{name} ({page}) : {peak:.1f} Mio > {MAX_HOSTILE_PEAK_MIB} Mio")
            if was_refused != refused:
                failures.append(f"{name} ({page}) : {verdict}, attendu l'inverse")
            out(f"{name:<40} {page:<17} {elapsed:>11.1f} {peak:>14.1f}  {verdict}")
    if failures:
        raise BenchFailure("Fichiers hostiles hors limites :\n" + "\n".join(failures))


def run_server(plan, *, database_url, database, out=print):
    """The HTTP sections, under gunicorn: requests per second against the bare view, the plan
    page at 1× and 10× approved activities (in-process, for its queries), the feed of 10,000
    events with its validators."""
    measure = Measure.objects.of_plan(plan).first()
    pages = [
        ("Accueil public", reverse("home"), bench_http.RATIO_GOALS["home"]),
        ("Page du plan (60 mesures)", plan.get_absolute_url(), bench_http.RATIO_GOALS["plan"]),
        ("Page d'une mesure", measure.get_absolute_url(), None),
        ("Calendrier des événements", reverse("events:list"), None),
        (
            f"Flux iCalendar ({bench_http.french_number(Event.objects.count())} événements)",
            reverse("events_feed"),
            None,
        ),
    ]
    with bench_http.workspace() as directory:
        with bench_http.gunicorn(database_url, log_dir=directory) as server:
            bench_http.run_throughput(server, pages, database=database, out=out)
            run_feed(server, out=out)


def _median_page(client, url, *, cold, repeat):
    """Median time (ms) of ``repeat`` requests and the queries of the last one; ``cold``
    empties the shared cache before each, so that each renders from the database."""
    timings = []
    for _ in range(repeat):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(queries)


def run_plan_scaling(plan, *, activities=1000, growth=10, out=print):
    """The plan page's queries and median time with ``activities`` approved activities, then
    ``growth`` times as many: with the cache emptied before each request, and with it."""
    from activities.models import Activity

    out("")
    out(
        f"{'Page du plan, activités approuvées':<36} {'requêtes':>9} {'médiane (ms)':>13}"
        f"  (objectifs : ≤ {MAX_PLAN_QUERIES} requêtes, même temps ±{TIME_TOLERANCE:.0%})"
    )
    client, url, medians = Client(), plan.get_absolute_url(), {}
    for count in (activities, activities * growth):
        add_reports(plan, count=count - Activity.objects.of_plan(plan).count())
        Activity.objects.of_plan(plan).update(status=Activity.Status.APPROVED)
        cache.clear()  # bulk writes bump no version: start from what the database holds
        for cold, repeat in ((True, 5), (False, 20)):
            ms, queries = _median_page(client, url, cold=cold, repeat=repeat)
            medians[count, cold] = ms
            label = (
                f"{french_number(count)} {'sans cache' if cold else 'avec cache'} ({repeat} req.)"
            )
            out(
                f"{label:<36} {queries:>9} {french_number(ms, 1):>13}  "
                f"≤ {MAX_PLAN_QUERIES} requêtes : {goal_text(queries <= MAX_PLAN_QUERIES)}"
            )
    for cold in (True, False):
        small, large = medians[activities, cold], medians[activities * growth, cold]
        label = f"×{growth} {'sans cache' if cold else 'avec cache'}"
        out(
            f"{label:<36} {'':>9} {'×' + french_number(large / small, 2):>13}  "
            f"même temps ±{TIME_TOLERANCE:.0%} : {goal_text(within(large, small))}"
        )


def more_events(total):
    """Public events up to ``total`` in all, spread over the tables, one an hour from February
    2026."""
    tables = list(Table.objects.order_by("pk"))
    start = datetime(2026, 2, 5, 10, tzinfo=MONTREAL)
    Event.objects.bulk_create(
        (
            Event(
                table=tables[n % len(tables)],
                title=f"Café-rencontre {n}",
                slug=f"cafe-rencontre-bench-{n}",
                start=start + timedelta(hours=n),
                end=start + timedelta(hours=n, minutes=90),
            )
            for n in range(total - Event.objects.count())
        ),
        batch_size=1000,
    )


def run_feed(server, *, events=10_000, out=print):
    """The all-tables feed with ``events`` events, through HTTP as a calendar client polls it:
    the first request, the same one with its validator (goal: 304), then the same again after
    one event changed (goal: the change served in ≤ 100 ms)."""
    more_events(events)
    path = reverse("events_feed")
    out("")
    out(
        f"{'Flux iCalendar, ' + french_number(Event.objects.count()) + ' événements (HTTP)':<52} "
        f"{'statut':>6} {'temps (ms)':>11} {'taille':>10}"
    )

    def row(label, response, verdict=""):
        status, _headers, body, ms = response
        size = f"{french_number(len(body) / 1024)} Kio"
        out(f"{label:<52} {status:>6} {french_number(ms):>11} {size:>10}  {verdict}".rstrip())

    first = bench_http.fetch(server.base, path)
    row("Première requête", first)
    validator = bench_http.conditional_headers(first[1])
    named = " et ".join(validator) or "aucun validateur reçu"
    repeat = bench_http.fetch(server.base, path, headers=validator)
    row(f"La même ({named})", repeat, f"objectif 304 : {goal_text(repeat[0] == 304)}")
    # One event changed as the admin's form saves it, with the shared cache gunicorn reads in
    # case what invalidates the feed is kept there.
    with override_settings(CACHES=bench_http.DATABASE_CACHE):
        event = Event.objects.order_by("pk").first()
        event.title = f"{event.title} (modifié)"
        event.save()
    changed = bench_http.fetch(server.base, path, headers=validator)
    unfolded = changed[2].decode(errors="replace").replace("\r\n ", "")
    served = changed[0] == 200 and "(modifié)" in unfolded
    met = served and changed[3] <= MAX_CHANGED_FEED_MS
    row(
        "Après un événement modifié",
        changed,
        f"objectif ≤ {MAX_CHANGED_FEED_MS} ms, modification servie : {goal_text(met)}"
        + ("" if served else " (modification absente)"),
    )
