import pytest
from django.utils import timezone

from mailing.models import Subscriber


@pytest.fixture
def subscribe():
    """A subscriber of ``table`` in the given state, consent recorded."""

    def make(table, email, status=Subscriber.Status.SUBSCRIBED, **fields):
        return Subscriber.objects.create(
            table=table,
            email=email,
            status=status,
            source=fields.pop("source", Subscriber.Source.COORDINATION),
            consented_at=timezone.now(),
            consent_evidence="Demandé en personne.",
            **fields,
        )

    return make
