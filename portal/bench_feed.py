"""Timings of the ``.ics`` subscription feed at 10,000 events (``make bench`` may call
:func:`run_feed`): the first request, a repeat with its ETag (304), and a request after one
event changed."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client

from events.models import Event
from partners.models import Table

MONTREAL = ZoneInfo("America/Montreal")


def build_events(*, table, count=10_000, slug_prefix="bench-feed"):
    """``count`` public events of ``table``, one every 12 hours from 1 January 2025, a tenth
    of them with a place and a description."""
    start = datetime(2025, 1, 1, 10, tzinfo=MONTREAL)
    Event.objects.bulk_create(
        Event(
            table=table,
            title=f"Activité interculturelle {n}",
            slug=f"{slug_prefix}-{n}",
            start=start + timedelta(hours=12 * n),
            end=start + timedelta(hours=12 * n + 2),
            location="Salle municipale, 12 rue Principale" if n % 10 == 0 else "",
            description="Un café-rencontre, ouvert à tous ; apportez vos questions."
            * (n % 10 == 0),
        )
        for n in range(count)
    )


def _timed(client, url, **headers):
    began = time.perf_counter()
    response = client.get(url, **headers)
    return response, (time.perf_counter() - began) * 1000


def feed_timings(url="/fr/evenements.ics", *, repeat=5):
    """``{"first": ms, "repeat_304": ms, "changed": ms, "events": n}``, each the best of
    ``repeat`` runs (the first request is run once, on an empty cache)."""
    client = Client(HTTP_HOST="localhost")
    response, first = _timed(client, url)
    assert response.status_code == 200, response.status_code
    etag = response["ETag"]
    not_modified = []
    for _ in range(repeat):
        again, elapsed = _timed(client, url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, again.status_code
        not_modified.append(elapsed)
    changed = []
    for n in range(repeat):
        event = Event.objects.order_by("pk")[n]
        event.title = f"{event.title} (modifié)"
        event.save()
        fresh, elapsed = _timed(client, url, HTTP_IF_NONE_MATCH=etag)
        assert fresh.status_code == 200, fresh.status_code
        etag = fresh["ETag"]
        changed.append(elapsed)
    return {
        "events": Event.objects.count(),
        "first": first,
        "repeat_304": min(not_modified),
        "changed": min(changed),
    }


def run_feed(*, count=10_000, out=print):
    table = Table.objects.order_by("pk").first()
    if table is None:
        raise SystemExit("No table: load the demo data (or make bench's province) first.")
    if Event.objects.count() < count:
        build_events(table=table, count=count - Event.objects.count())
    figures = feed_timings()
    out(
        f".ics feed, {figures['events']} events: first {figures['first']:.0f} ms, "
        f"repeat (304) {figures['repeat_304']:.0f} ms, one event changed "
        f"{figures['changed']:.0f} ms"
    )
    return figures
