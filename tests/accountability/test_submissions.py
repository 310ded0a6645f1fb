"""Submitting a report to the ministry: the files kept as sent, the period locked, reopening."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accountability import submissions
from accountability.models import Submission
from actionplans.models import ActualExpense, PeriodLock, PlanExpense
from actionplans.periods import parse_period
from actionplans.rules import PeriodLocked
from actionplans.services import actual_expense_delete, actual_expense_save
from activities import services as activity_services
from activities.models import Activity, IndicatorValue
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    OrganisationFactory,
    coordinator_of,
    partner_of,
)

pytestmark = pytest.mark.django_db
YEAR = "2023-2024"  # plan_a's second year: 1 April 2023 to 31 March 2024
LOCKED_MESSAGE = "Cette période (du 1er avril 2023 au 31 mars 2024) a été soumise au ministère le"


@pytest.fixture
def fake_pdf(monkeypatch):
    """WeasyPrint takes seconds: most tests keep a PDF made of the HTML's length instead."""
    made = []

    def render(html):
        made.append(html)
        return f"%PDF-fake {len(made)} {len(html)}".encode()

    monkeypatch.setattr(submissions, "pdf_from_html", render)
    return made


@pytest.fixture
def org():
    return OrganisationFactory(name="Carrefour jeunesse-emploi")


@pytest.fixture
def partner(org):
    return partner_of(org, username="partenaire@example.org")


@pytest.fixture
def activity(measure_a, org, partner):
    measure_a.leads.add(org)
    return ActivityFactory(
        measure=measure_a,
        organisation=org,
        author=partner,
        title="Fête des voisins",
        date=date(2023, 6, 15),
        status="submitted",
    )


def stored(field):
    with field.open("rb") as file:
        return file.read()


def submit(client, plan, period=YEAR, kind="etape", lang="fr"):
    return client.post(
        reverse("accountability:submit", args=[plan.slug]),
        {"periode": period, "type": kind, "langue": lang},
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def lock_year(plan, coordinator):
    return submissions.report_submit(
        plan=plan, period=parse_period(plan, YEAR), annual=False, lang="fr", user=coordinator
    )


# --- Submitting ---------------------------------------------------------------------------------


def test_the_confirmation_says_what_will_be_locked(client, plan_a, coordinator_a, activity):
    ActivityFactory(
        measure=activity.measure, organisation=activity.organisation, date=date(2022, 6, 1)
    )
    line = PlanExpense.objects.create(plan=plan_a, label="Frais de gestion", amount=1000)
    ActualExpense.objects.create(plan=plan_a, plan_expense=line, date=date(2023, 5, 1), amount=10)
    client.force_login(coordinator_a)
    page = client.get(
        reverse("accountability:submit", args=[plan_a.slug]),
        {"periode": YEAR, "type": "bilan", "langue": "fr"},
    )
    text = page.content.decode()
    assert "Soumettre verrouille la période du 1er avril 2023 au 31 mars 2024." in text
    assert "1 activité y est datée" in text  # the 2022 one is outside
    assert "1 dépense réelle." in text
    assert "Bilan annuel" in text
    assert not Submission.objects.exists() and not PeriodLock.objects.exists()


def test_submitting_keeps_the_files_and_locks_the_period(
    client, plan_a, coordinator_a, activity, fake_pdf
):
    client.force_login(coordinator_a)
    response = submit(client, plan_a)
    assert (
        "la période du 1er avril 2023 au 31 mars 2024 est verrouillée" in messages_of(response)[-1]
    )
    submission = Submission.objects.get()
    assert (submission.period_start, submission.period_end) == (date(2023, 4, 1), date(2024, 3, 31))
    assert submission.submitted_by == coordinator_a and not submission.annual
    lock = submission.lock
    assert lock.is_active and lock.reason == "Rapport d'étape soumis au ministère"
    assert stored(submission.pdf).startswith(b"%PDF-fake 1")  # rendered from the HTML kept
    assert submission.pdf_source == ""
    sheet = load_workbook(BytesIO(stored(submission.xlsx)), read_only=True)["Sommaire"]
    assert "Du 1er avril 2023 au 31 mars 2024" in [
        cell for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    assert submission.pdf.name.endswith("-plan-a-rapport-2023-2024-fr.pdf")
    page = client.get(reverse("accountability:plan", args=[plan_a.slug])).content.decode()
    assert "Rapports soumis" in page and "PDF tel que soumis" in page
    assert reverse("accountability:reopen", args=[plan_a.slug, submission.pk]) in page


def test_only_a_plan_year_or_half_year_can_be_submitted(client, plan_a, coordinator_a, fake_pdf):
    client.force_login(coordinator_a)
    for period in ("all", "2023-05-01:2023-05-31"):
        response = submit(client, plan_a, period=period)
        assert "Choisissez une année ou un semestre du plan" in messages_of(response)[-1]
    assert not Submission.objects.exists() and not PeriodLock.objects.exists()
    submit(client, plan_a, period="2023-10-01:2024-03-31")  # a half-year: offered
    assert Submission.objects.get().period_key == "2023-10-01:2024-03-31"


def test_a_locked_period_cannot_be_submitted_again(client, plan_a, coordinator_a, fake_pdf):
    client.force_login(coordinator_a)
    submit(client, plan_a)
    for period in (YEAR, "2023-04-01:2023-09-30"):  # the year again, or a half of it
        response = submit(client, plan_a, period=period)
        assert "est déjà verrouillée" in messages_of(response)[-1]
        assert "rouvrez-la avant de la soumettre de nouveau" in messages_of(response)[-1]
    assert Submission.objects.count() == 1 and PeriodLock.objects.count() == 1


def test_the_real_pdf_is_rendered_by_the_worker_into_the_submission(
    client, plan_a, coordinator_a, activity
):
    client.force_login(coordinator_a)
    submit(client, plan_a)
    submission = Submission.objects.get()
    url = reverse("accountability:submission_pdf", args=[plan_a.slug, submission.pk])
    response = client.get(url)
    assert response.content.startswith(b"%PDF")
    assert response.content == stored(submission.pdf)
    assert 'attachment; filename="' in response["Content-Disposition"]


def test_a_failed_rendering_is_shown_and_never_served(client, plan_a, coordinator_a, monkeypatch):
    def broken(html):
        raise RuntimeError("WeasyPrint en panne")

    monkeypatch.setattr(submissions, "pdf_from_html", broken)
    client.force_login(coordinator_a)
    submit(client, plan_a)
    submission = Submission.objects.get()
    assert not submission.pdf and "WeasyPrint en panne" in submission.pdf_error
    assert submission.pdf_source  # kept, to render again
    page = client.get(reverse("accountability:plan", args=[plan_a.slug])).content.decode()
    assert "PDF : Échec" in page and "PDF tel que soumis" not in page
    url = reverse("accountability:submission_pdf", args=[plan_a.slug, submission.pk])
    assert client.get(url).status_code == 404


# --- Served as sent ------------------------------------------------------------------------------


def activity_titles(content):
    sheet = load_workbook(BytesIO(content), read_only=True)["Activités"]
    return [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_submitted_files_are_served_as_sent_after_a_reopening_and_a_change(
    client, plan_a, coordinator_a, activity, fake_pdf
):
    Activity.objects.filter(pk=activity.pk).update(status="approved")
    client.force_login(coordinator_a)
    submit(client, plan_a)
    first = Submission.objects.get()
    urls = [
        reverse(f"accountability:submission_{kind}", args=[plan_a.slug, first.pk])
        for kind in ("pdf", "xlsx")
    ]
    sent = [client.get(url).content for url in urls]
    assert sent[0].startswith(b"%PDF-fake") and activity_titles(sent[1]) == ["Fête des voisins"]

    client.post(
        reverse("accountability:reopen", args=[plan_a.slug, first.pk]),
        {"reason": "Une activité était mal datée."},
    )
    activity.refresh_from_db()
    activity.title = "Fête des voisins (corrigée)"
    activity_services.activity_save(  # edited once approved: back to review, out of the report
        activity=activity, user=coordinator_a, values={}, municipalities=[], files=[]
    )
    assert [client.get(url).content for url in urls] == sent

    submit(client, plan_a)  # submitted again: a new submission and lock
    second = Submission.objects.exclude(pk=first.pk).get()
    assert second.lock.is_active and not PeriodLock.objects.get(pk=first.lock_id).is_active
    again = client.get(reverse("accountability:submission_xlsx", args=[plan_a.slug, second.pk]))
    assert activity_titles(again.content) == []
    assert activity_titles(client.get(urls[1]).content) == ["Fête des voisins"]


def test_the_ministry_downloads_but_neither_submits_nor_reopens(
    client, plan_a, coordinator_a, ministry, fake_pdf
):
    submission = lock_year(plan_a, coordinator_a)
    client.force_login(ministry)
    page = client.get(reverse("accountability:plan", args=[plan_a.slug])).content.decode()
    assert "Rapports soumis" in page and "XLSX tel que soumis" in page
    assert "Soumettre au ministère" not in page and "Rouvrir la période" not in page
    xlsx = client.get(reverse("accountability:submission_xlsx", args=[plan_a.slug, submission.pk]))
    assert xlsx.content == stored(submission.xlsx)
    assert submit(client, plan_a, period="2022-2023").status_code == 403
    reopen = client.post(
        reverse("accountability:reopen", args=[plan_a.slug, submission.pk]), {"reason": "Non."}
    )
    assert reopen.status_code == 403
    assert Submission.objects.count() == 1 and PeriodLock.objects.get().is_active


def test_another_tables_coordinator_gets_nothing(client, plan_a, plan_b, coordinator_a, fake_pdf):
    submission = lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_of(plan_b.table, username="coord-b@example.org"))
    url = reverse("accountability:submission_xlsx", args=[plan_a.slug, submission.pk])
    assert client.get(url).status_code == 403
    # Another plan's address with this submission's number: refused.
    client.force_login(coordinator_a)
    wrong = reverse("accountability:submission_xlsx", args=[plan_b.slug, submission.pk])
    assert client.get(wrong).status_code == 403


# --- Reopening -----------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_is_recorded(client, plan_a, coordinator_a, fake_pdf):
    submission = lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("accountability:reopen", args=[plan_a.slug, submission.pk])
    page = client.get(url).content.decode()
    assert "La période du 1er avril 2023 au 31 mars 2024 a été soumise au ministère le" in page
    refused = client.post(url, {"reason": "  "})
    assert "Ce champ est obligatoire." in refused.content.decode()
    assert PeriodLock.objects.get().is_active

    client.post(url, {"reason": "Une activité était mal datée."})
    lock = PeriodLock.objects.get()
    assert not lock.is_active and lock.reopened_by == coordinator_a
    assert lock.reopen_reason == "Une activité était mal datée."
    latest = lock.history.order_by("-history_id").first()
    assert latest.reopened_at and latest.history_user == coordinator_a
    page = client.get(reverse("accountability:plan", args=[plan_a.slug])).content.decode()
    assert "Rouverte le" in page and "Une activité était mal datée." in page
    again = client.post(url, {"reason": "Encore"})
    assert "Cette période n'est pas verrouillée." in messages_of(again)


# --- Locks enforced: activities ------------------------------------------------------------------


def unchanged(activity, **fields):
    stored = Activity.objects.get(pk=activity.pk)
    return all(getattr(stored, name) == value for name, value in fields.items())


def test_a_locked_activity_is_shown_read_only_with_the_reason(
    client, plan_a, coordinator_a, partner, activity, fake_pdf
):
    lock_year(plan_a, coordinator_a)
    for user in (partner, coordinator_a):
        client.force_login(user)
        page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
        assert LOCKED_MESSAGE in page.replace("&#x27;", "'")
        assert reverse("activities:update", args=[activity.pk]) not in page
        assert reverse("activities:approve", args=[activity.pk]) not in page
        response = client.get(reverse("activities:update", args=[activity.pk]))
        assert response.status_code == 302 and LOCKED_MESSAGE in messages_of(response)[-1]


def test_a_locked_activity_cannot_be_edited_through_the_web_form(
    client, plan_a, coordinator_a, partner, activity, fake_pdf
):
    lock_year(plan_a, coordinator_a)
    client.force_login(partner)
    response = client.post(
        reverse("activities:update", args=[activity.pk]),
        {
            "measure": activity.measure_id,
            "date": "2023-06-15",
            "title": "Changée en douce",
            "participants": 99,
            "version": activity.version,
        },
    )
    assert LOCKED_MESSAGE in messages_of(response)[-1]
    assert unchanged(activity, title="Fête des voisins", participants=20, version=1)


@pytest.mark.parametrize("action", ["approve", "return", "submit", "delete"])
def test_a_locked_activity_is_neither_reviewed_nor_deleted(
    client, plan_a, coordinator_a, activity, action, fake_pdf
):
    lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    response = client.post(
        reverse(f"activities:{action}", args=[activity.pk]),
        {"version": activity.version, "comment": "À corriger"},
    )
    assert LOCKED_MESSAGE in messages_of(response)[-1]
    assert unchanged(activity, status="submitted", is_deleted=False, version=1)


def test_the_services_refuse_too(plan_a, coordinator_a, activity, fake_pdf):
    lock_year(plan_a, coordinator_a)
    for call in (
        lambda: activity_services.activity_approve(activity=activity, reviewer=coordinator_a),
        lambda: activity_services.activity_delete(activity=activity, user=coordinator_a),
    ):
        with pytest.raises(activity_services.ActivityLocked, match="rouvrir la période"):
            call()
    assert unchanged(activity, status="submitted", is_deleted=False)


def test_nothing_moves_into_or_out_of_a_locked_period(
    client, plan_a, coordinator_a, partner, activity, fake_pdf
):
    outside = ActivityFactory(
        measure=activity.measure,
        organisation=activity.organisation,
        author=partner,
        date=date(2022, 6, 1),
        status="draft",
        title="Hors période",
    )
    lock_year(plan_a, coordinator_a)
    client.force_login(partner)
    form = {"measure": outside.measure_id, "title": "Hors période", "participants": 5}
    moved_in = client.post(
        reverse("activities:update", args=[outside.pk]),
        {**form, "date": "2023-07-01", "version": outside.version},
    )
    assert LOCKED_MESSAGE in moved_in.content.decode().replace("&#x27;", "'")
    assert unchanged(outside, date=date(2022, 6, 1))
    created = client.post(
        reverse("activities:create"), {**form, "date": "2023-08-01", "title": "Nouvelle"}
    )
    assert LOCKED_MESSAGE in created.content.decode().replace("&#x27;", "'")
    assert not Activity.objects.filter(title="Nouvelle").exists()
    # Out of it, through the service (the web form refuses the page itself).
    activity.date = date(2022, 7, 1)
    with pytest.raises(activity_services.ActivityLocked):
        activity_services.activity_save(
            activity=activity, user=coordinator_a, values={}, municipalities=[], files=[]
        )
    assert unchanged(activity, date=date(2023, 6, 15))


def test_indicator_values_of_a_locked_activity_stay(
    client, plan_a, coordinator_a, activity, fake_pdf
):
    indicator = IndicatorFactory(measure=activity.measure)
    value = IndicatorValue.objects.create(activity=activity, indicator=indicator, value=12)
    lock_year(plan_a, coordinator_a)
    assert not coordinator_a.has_perm("activities.change_indicatorvalue", value)
    assert not coordinator_a.has_perm("activities.delete_indicatorvalue", value)
    with pytest.raises(activity_services.ActivityLocked):
        activity_services.activity_save(
            activity=activity,
            user=coordinator_a,
            values={indicator: Decimal(40)},
            municipalities=[],
            files=[],
        )
    assert IndicatorValue.objects.get(pk=value.pk).value == 12


def test_the_admin_does_not_delete_a_locked_activity(
    client, plan_a, coordinator_a, activity, fake_pdf, settings
):
    settings.REQUIRE_STAFF_MFA = False
    lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    change = client.get(reverse("admin:activities_activity_change", args=[activity.pk]))
    assert LOCKED_MESSAGE in change.content.decode().replace("&#x27;", "'")
    assert "/delete/" not in change.content.decode()
    url = reverse("admin:activities_activity_delete", args=[activity.pk])
    for response in (client.get(url), client.post(url, {"post": "yes"})):
        assert LOCKED_MESSAGE in messages_of(response)[-1]
    bulk = client.post(
        reverse("admin:activities_activity_changelist"),
        {"action": "delete_selected", "_selected_action": [activity.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302, 403}
    assert unchanged(activity, is_deleted=False)


def test_reopening_allows_edits_again(client, plan_a, coordinator_a, activity, fake_pdf):
    submission = lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    client.post(
        reverse("accountability:reopen", args=[plan_a.slug, submission.pk]),
        {"reason": "Correction demandée par le ministère."},
    )
    response = client.post(
        reverse("activities:approve", args=[activity.pk]), {"version": activity.version}
    )
    assert messages_of(response)[-1] == "Activité approuvée."
    assert unchanged(activity, status="approved")


# --- Locks enforced: actual expenses -------------------------------------------------------------


@pytest.fixture
def expense(plan_a):
    line = PlanExpense.objects.create(plan=plan_a, label="Frais de gestion", amount=1000)
    return ActualExpense.objects.create(
        plan=plan_a, plan_expense=line, date=date(2023, 5, 1), amount=Decimal("1250.50")
    )


def test_an_expense_in_a_locked_period_cannot_change(plan_a, coordinator_a, expense, fake_pdf):
    lock_year(plan_a, coordinator_a)
    assert coordinator_a.has_perm("actionplans.view_actualexpense", expense)
    assert not coordinator_a.has_perm("actionplans.change_actualexpense", expense)
    assert not coordinator_a.has_perm("actionplans.delete_actualexpense", expense)
    expense.amount = Decimal(1)
    with pytest.raises(PeriodLocked, match="rouvrir la période") as refused:
        actual_expense_save(expense=expense, user=coordinator_a)
    assert str(refused.value).startswith(LOCKED_MESSAGE)
    with pytest.raises(PeriodLocked):
        actual_expense_delete(expense=expense, user=coordinator_a)
    added = ActualExpense(
        plan=plan_a, plan_expense=expense.plan_expense, date=date(2024, 1, 10), amount=5
    )
    with pytest.raises(PeriodLocked):
        actual_expense_save(expense=added, user=coordinator_a)
    moved_out = ActualExpense.objects.get(pk=expense.pk)
    moved_out.date = date(2024, 5, 1)
    with pytest.raises(PeriodLocked):
        actual_expense_save(expense=moved_out, user=coordinator_a)
    stored = ActualExpense.objects.get()
    assert (stored.amount, stored.date) == (Decimal("1250.50"), date(2023, 5, 1))


def test_an_expense_may_change_once_reopened(plan_a, coordinator_a, expense, fake_pdf):
    submission = lock_year(plan_a, coordinator_a)
    from actionplans.services import period_reopen

    period_reopen(lock=submission.lock, reason="Facture corrigée", user=coordinator_a)
    assert coordinator_a.has_perm("actionplans.change_actualexpense", expense)
    expense.amount = Decimal("1300.00")
    actual_expense_save(expense=expense, user=coordinator_a)
    assert ActualExpense.objects.get().amount == Decimal("1300.00")


def test_the_admin_says_why_a_locked_expense_cannot_change(
    client, plan_a, coordinator_a, expense, fake_pdf
):
    lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    change = reverse("admin:actionplans_actualexpense_change", args=[expense.pk])
    page = client.get(change)
    assert LOCKED_MESSAGE in page.content.decode()
    refused = client.get(reverse("admin:actionplans_actualexpense_delete", args=[expense.pk]))
    assert refused.url == change
    assert any(m.startswith(LOCKED_MESSAGE) for m in messages_of(refused))
    bulk = client.post(
        reverse("admin:actionplans_actualexpense_changelist"),
        {"action": "delete_selected", "_selected_action": [expense.pk]},
    )
    assert LOCKED_MESSAGE in bulk.content.decode()
    assert ActualExpense.objects.filter(pk=expense.pk).exists()


def test_moving_an_expense_into_a_locked_period_names_the_period(
    client, plan_a, coordinator_a, expense, fake_pdf
):
    lock_year(plan_a, coordinator_a)
    later = ActualExpense.objects.create(
        plan=plan_a, plan_expense=expense.plan_expense, date=date(2024, 6, 1), amount=10
    )
    client.force_login(coordinator_a)
    page = client.post(
        reverse("admin:actionplans_actualexpense_change", args=[later.pk]),
        {"plan_expense": expense.plan_expense_id, "date": "2024-01-15", "amount": "10"},
    )
    assert LOCKED_MESSAGE in page.content.decode()
    assert ActualExpense.objects.get(pk=later.pk).date == date(2024, 6, 1)


def test_a_line_whose_expenses_are_locked_is_not_split(plan_a, coordinator_a, fake_pdf):
    from actionplans.services import budget_line_split
    from tests.factories import BudgetLineFactory, MeasureFactory

    measure = MeasureFactory(objective__axis__plan=plan_a)
    line = BudgetLineFactory(measure=measure)
    ActualExpense.objects.create(plan=plan_a, budget_line=line, date=date(2023, 6, 1), amount=5)
    lock_year(plan_a, coordinator_a)
    with pytest.raises(PeriodLocked, match="rouvrir la période"):
        budget_line_split(line=line)
    assert ActualExpense.objects.get().budget_line == line
    assert measure.budget_lines.get() == line


def test_the_submit_form_starts_on_a_period_not_yet_submitted(
    client, plan_a, coordinator_a, fake_pdf
):
    from accountability.forms import SubmissionForm

    lock_year(plan_a, coordinator_a)
    form = SubmissionForm(plan=plan_a)
    labels = dict(form.fields["periode"].choices)
    assert labels[YEAR].endswith("déjà soumise, verrouillée")
    assert form.fields["periode"].initial == "2022-2023"


# --- Queries -------------------------------------------------------------------------------------


def test_the_submissions_list_keeps_a_flat_query_count(client, plan_a, coordinator_a, fake_pdf):
    from actionplans.services import period_reopen

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("accountability:plan", args=[plan_a.slug]))
        assert page.status_code == 200
        return len(queries), page.content.decode().count("XLSX tel que soumis")

    client.force_login(coordinator_a)
    submission = lock_year(plan_a, coordinator_a)
    period_reopen(lock=submission.lock, reason="Correction", user=coordinator_a)
    small = count()
    for _ in range(9):
        submission = lock_year(plan_a, coordinator_a)
        period_reopen(lock=submission.lock, reason="Correction", user=coordinator_a)
    large = count()
    assert (small[1], large[1]) == (1, 10)
    assert small[0] == large[0]


def test_a_line_with_locked_expenses_keeps_its_year_and_source(plan_a, coordinator_a, fake_pdf):
    from django.core.exceptions import ValidationError

    from actionplans.models import FundingSource
    from tests.factories import BudgetLineFactory, MeasureFactory

    line = BudgetLineFactory(measure=MeasureFactory(objective__axis__plan=plan_a))
    ActualExpense.objects.create(plan=plan_a, budget_line=line, date=date(2023, 6, 1), amount=5)
    year3 = plan_a.years.get(number=3)
    line.year = year3
    with pytest.raises(ValidationError, match="tombent hors de l'An 3"):
        line.full_clean()
    line.year = None
    lock_year(plan_a, coordinator_a)
    line.source = FundingSource.MRC_CASH
    with pytest.raises(ValidationError, match="période soumise au ministère"):
        line.full_clean()


def test_the_reopen_page_writes_the_period_in_a_sentence(client, plan_a, coordinator_a, fake_pdf):
    submission = lock_year(plan_a, coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("accountability:reopen", args=[plan_a.slug, submission.pk])
    french = " ".join(client.get(url).content.decode().split())
    assert "du 1er avril 2023 au 31 mars 2024" in french
    english = " ".join(client.get(url.replace("/fr/", "/en/", 1)).content.decode().split())
    assert "from April 1, 2023 to March 31, 2024" in english
