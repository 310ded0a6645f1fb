"""PDFs read nothing but the site's static files: a report with hostile tags still renders,
with its own stylesheet, and never opens a file, a socket or a URL."""

import logging
import re
import socket
import urllib.request
from datetime import date

import pytest

from accountability import reports
from accountability.services import pdf_from_html
from actionplans.periods import parse_period
from common import pdf
from tests.factories import ActivityFactory, PlanFactory, measure_in
from tests.pdf import pdf_text

HOSTILE = (
    '<img src="file:///etc/passwd" alt="">'
    '<link rel="stylesheet" href="http://example.org/x.css">'
    '<img src="https://example.org/pixel.png" alt="">'
    '<link rel="stylesheet" href="file:///etc/hostname">'
)


@pytest.fixture
def tripwires(monkeypatch):
    """Every attempt to reach the network or open a URL, recorded (WeasyPrint swallows a
    fetcher's exceptions, so raising alone would not fail the test)."""
    attempts = []

    def record(name):
        def tripped(*args, **kwargs):
            attempts.append((name, args[:2]))
            raise AssertionError(f"{name} was called")

        return tripped

    monkeypatch.setattr(socket.socket, "connect", record("socket.connect"))
    monkeypatch.setattr(socket, "create_connection", record("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", record("socket.getaddrinfo"))
    monkeypatch.setattr(urllib.request, "urlopen", record("urlopen"))
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record("OpenerDirector.open"))
    return attempts


@pytest.fixture
def report_html(db, table_a):
    plan = PlanFactory(table=table_a, title="Plan de la Beauce", slug="beauce")
    ActivityFactory(
        measure=measure_in(plan, "1.1.1", title="Accueillir les familles"),
        title="Fête interculturelle",
        date=date(2023, 6, 15),
    )
    request = reports.ReportRequest(plan=plan, period=parse_period(plan, "all"))
    return reports.render_html(request)


def test_a_report_with_hostile_tags_renders_without_fetching_them(report_html, tripwires, caplog):
    hostile = report_html.replace("<body>", "<body>" + HOSTILE, 1)
    assert HOSTILE in hostile
    with caplog.at_level(logging.WARNING, logger="common.pdf"):
        text = pdf_text(pdf_from_html(hostile))
    assert tripwires == []
    refused = caplog.text
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/pixel.png",
        "file:///etc/hostname",
    ):
        assert f"refused to fetch {url}" in refused
    assert "root:" not in text
    # The report's own print stylesheet still applies: its running footer numbers the pages
    # after the cover ("Page 2 de 4"), with the table's name at the top.
    assert re.search(r"Table A Rapport d'étape\s+Page 2 de \d+", text)
    assert "Fête interculturelle" in text


def test_the_sites_own_stylesheet_is_read_from_the_static_files(db, settings, tmp_path, tripwires):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "probe.css").write_text('h1::after { content: " (feuille du site)"; }')
    settings.STATICFILES_DIRS = [tmp_path]
    for href in ("/static/css/probe.css", "static/css/probe.css"):
        html = f'<html><head><link rel="stylesheet" href="{href}"></head><body><h1>Titre</h1>'
        assert "Titre (feuille du site)" in pdf_text(pdf.pdf_from_html(html)), href
    assert tripwires == []


def test_an_inline_image_is_allowed(db, tripwires, caplog):
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    with caplog.at_level(logging.WARNING, logger="common.pdf"):
        content = pdf.pdf_from_html(f'<p>Logo</p><img src="{pixel}" alt="">')
    assert "refused" not in caplog.text and b"/Image" in content
    assert tripwires == []
