import pytest
from django.core.cache import cache

from tests.factories import PlanFactory, TableFactory, coordinator_of, measure_in, ministry_user


@pytest.fixture(autouse=True)
def _media_language_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "fr"
    # Django's test set-up sends mail straight to mail.outbox; send it through the task queue
    # as production does (tasks run at once here, delivering to mail.outbox).
    settings.EMAIL_BACKEND = "common.mail.QueuedEmailBackend"
    # The shared cache (rendered fragments, pictures, throttles) starts empty in each test.
    cache.clear()


@pytest.fixture
def table_a(db):
    return TableFactory(name="Table A", slug="table-a")


@pytest.fixture
def table_b(db):
    return TableFactory(name="Table B", slug="table-b")


@pytest.fixture
def plan_a(table_a):
    return PlanFactory(table=table_a, title="Plan de la table A", slug="plan-a")


@pytest.fixture
def plan_b(table_b):
    return PlanFactory(table=table_b, title="Plan de la table B", slug="plan-b")


@pytest.fixture
def measure_a(plan_a):
    return measure_in(plan_a, "1.1.1", title="Mesure de la table A")


@pytest.fixture
def measure_b(plan_b):
    return measure_in(plan_b, "1.1.1", title="Mesure de la table B")


@pytest.fixture
def coordinator_a(table_a):
    return coordinator_of(table_a, username="coord-a@example.org")


@pytest.fixture
def ministry(db):
    return ministry_user(username="ministere@example.org")


@pytest.fixture
def weasyprint_calls(monkeypatch):
    """Every WeasyPrint run (the expensive step a stored file or a cache hit skips)."""
    import weasyprint

    calls, original = [], weasyprint.HTML
    monkeypatch.setattr(weasyprint, "HTML", lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls
