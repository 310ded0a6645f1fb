"""Report PDFs rendered by the worker into stored files: what a coordinator or a visitor sees
while the worker renders, once it has, and when it failed; emoji kept in the PDF."""

import html
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accountability import reports
from accountability.data import plan_for_report
from accountability.models import ReportFile
from actionplans.models import Plan
from actionplans.periods import parse_period
from tests.factories import ActivityFactory, PlanFactory, coordinator_of, measure_in
from tests.pdf import pdf_font_names, pdf_text

pytestmark = pytest.mark.django_db
QUERY = {
    "periode": "2023-2024",
    "type": "etape",
    "langue": "fr",
    "version": "full",
    "format": "pdf",
}
RENDER_TASK = "accountability.services.render_report_file"
REFRESH = '<meta http-equiv="refresh" content="3">'


@pytest.fixture
def plan(table_a):
    plan = PlanFactory(table=table_a, title="Plan Chaudière-Appalaches", slug="chaudiere")
    ActivityFactory(
        measure=measure_in(plan, "1.1.1", title="Accueillir les familles"),
        title="Fête interculturelle 🎉",
        date=date(2023, 6, 15),
    )
    return plan


@pytest.fixture
def worker_stopped(settings):
    """The production queue (tasks wait in the database), with no worker running."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What ``manage.py worker --batch`` runs (django-tasks-db's worker loop, every queue),
    without the signal handlers and logging levels the command installs process-wide."""
    Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    ).run()


def link(page, text):
    """The address of the link reading ``text``, as a browser would follow it."""
    match = re.search(rf'<a href="([^"]*)">{re.escape(text)}</a>', page)
    assert match, f"no link « {text} »"
    return html.unescape(match.group(1))


def queued_renderings():
    return DBTaskResult.objects.filter(task_path=RENDER_TASK, status="READY").count()


@pytest.mark.django_db(transaction=True)
def test_a_report_asked_while_the_worker_is_stopped_is_offered_once_rendered(
    client, plan, worker_stopped
):
    client.force_login(coordinator_of(plan.table, username="a@example.org"))
    url = reverse("accountability:plan", args=[plan.slug])
    response = client.get(url, QUERY)
    page = response.content.decode()
    assert response.status_code == 202
    assert "<h1>Rapport en préparation</h1>" in page and REFRESH in page
    assert "chaudiere-rapport-2023-2024-fr.pdf" in page
    assert "Il vous sera offert sur cette page dès qu'il sera prêt" in page
    assert link(page, "Actualiser") == f"{url}?{urlencode(QUERY)}"
    assert queued_renderings() == 1

    assert client.get(url, QUERY).status_code == 202  # refreshed: still waiting, not queued twice
    assert queued_renderings() == 1

    run_worker()
    response = client.get(link(page, "Actualiser"))
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="chaudiere-rapport-2023-2024-fr.pdf"'
    )
    assert "Plan Chaudière-Appalaches" in pdf_text(response.content)
    assert DBTaskResult.objects.get(task_path=RENDER_TASK).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_the_public_report_waits_for_the_worker_too(client, plan, worker_stopped):
    url = reverse("plans:public_report", args=[plan.slug])
    response = client.get(url, {"periode": "2023-2024"})
    page = response.content.decode()
    assert response.status_code == 202 and response["Content-Type"].startswith("text/html")
    assert "<h1>Rapport en préparation</h1>" in page and REFRESH in page
    assert link(page, "Actualiser") == f"{url}?periode=2023-2024"
    assert link(page, "Retour au plan") == plan.get_absolute_url()

    run_worker()
    response = client.get(url, {"periode": "2023-2024"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = pdf_text(response.content)
    assert "Plan Chaudière-Appalaches" in text and "version publique" in text


@pytest.mark.django_db(transaction=True)
def test_a_rendering_lost_with_its_worker_is_queued_again(client, plan, worker_stopped):
    url = reverse("plans:public_report", args=[plan.slug])
    assert client.get(url).status_code == 202
    assert queued_renderings() == 1
    ReportFile.objects.update(
        created_at=ReportFile.objects.get().created_at - timedelta(minutes=11)
    )

    assert client.get(url).status_code == 202
    assert queued_renderings() == 2  # the lost one is forgotten (its task will find nothing)
    run_worker()
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_an_unchanged_report_is_served_from_its_stored_file(client, plan, weasyprint_calls):
    client.force_login(coordinator_of(plan.table, username="a@example.org"))
    url = reverse("accountability:plan", args=[plan.slug])
    first = client.get(url, QUERY)
    assert first["Content-Type"] == "application/pdf" and len(weasyprint_calls) == 1
    assert client.get(url, QUERY).content == first.content and len(weasyprint_calls) == 1
    stored = ReportFile.objects.get()
    assert stored.file.name.startswith("reports/") and stored.source == ""

    activity = plan.axes.get().objectives.get().measures.get().activities.get()
    activity.title = "Souper aux saveurs du monde"
    activity.save()
    changed = client.get(url, QUERY)
    assert len(weasyprint_calls) == 2 and "Souper aux saveurs du monde" in pdf_text(changed.content)
    # The new file replaces the old one: one stored file per report.
    assert ReportFile.objects.get().pk != stored.pk
    assert not stored.file.storage.exists(stored.file.name)


def test_a_failed_rendering_says_so_and_can_be_retried(client, plan, monkeypatch, caplog):
    import weasyprint

    attempts, original = [], weasyprint.HTML

    def broken(*args, **kwargs):
        attempts.append(1)
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(weasyprint, "HTML", broken)
    client.force_login(coordinator_of(plan.table, username="a@example.org"))
    url = reverse("accountability:plan", args=[plan.slug])
    response = client.get(url, QUERY)
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>La préparation du rapport a échoué</h1>" in page
    assert "n'a pas pu être produit" in page and "police introuvable" not in page
    assert REFRESH not in page  # a broken report is not rendered again every three seconds
    assert "police introuvable" in ReportFile.objects.get().error
    assert "failed to render" in caplog.text
    assert client.get(url, QUERY).status_code == 500 and len(attempts) == 1

    monkeypatch.setattr(weasyprint, "HTML", original)
    retry = client.get(link(page, "Réessayer"))
    assert retry.status_code == 302 and retry["Location"] == f"{url}?{urlencode(QUERY)}"
    response = client.get(retry["Location"])
    assert response["Content-Type"] == "application/pdf"
    assert "Plan Chaudière-Appalaches" in pdf_text(response.content)


def test_emoji_of_activity_titles_are_printed_with_an_emoji_font(plan):
    request = reports.ReportRequest(
        plan=plan_for_report(Plan.objects.all()).get(pk=plan.pk),
        period=parse_period(plan, "2023-2024"),
    )
    _filename, _content_type, content = reports.report_pdf(request)
    assert "Fête interculturelle 🎉" in pdf_text(content)
    assert any("Emoji" in name for name in pdf_font_names(content))


def test_the_render_report_command_renders_at_once_even_with_the_worker_stopped(
    plan, worker_stopped, tmp_path
):
    out = tmp_path / "rapport.pdf"
    call_command("render_report", plan.slug, "--period", "2023-2024", "--out", str(out))
    assert "Plan Chaudière-Appalaches" in pdf_text(out.read_bytes())
    assert not ReportFile.objects.exists() and queued_renderings() == 0
