"""The Content-Security-Policy refuses inline code: no template of ours may rely on any (the
end-to-end tests check the pages as Chromium enforces the policy, third-party ones included)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(
    path
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "email" not in path.parts
)
INLINE = {
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> without the nonce": re.compile(r"<style(?![^>]*nonce)", re.IGNORECASE),
    "inline <script>": re.compile(
        r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.IGNORECASE
    ),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_no_template_relies_on_inline_code(path):
    text = path.read_text()
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == [], f"{path}: {found}"


@pytest.mark.parametrize(
    ("snippet", "name"),
    [
        ('<span style="width: 5%">', "style attribute"),
        ("<style>p {}</style>", "<style> without the nonce"),
        ("<script>alert(1)</script>", "inline <script>"),
        ('<button onclick="go()">', "event handler attribute"),
        ('<a href="javascript:go()">', "javascript: address"),
    ],
)
def test_the_scan_finds_inline_code(snippet, name):
    """Guards the scan above: each kind of inline code is caught."""
    assert INLINE[name].search(snippet)


def test_the_scan_lets_nonced_styles_and_external_scripts_through():
    assert not INLINE["<style> without the nonce"].search('<style nonce="{{ csp_nonce }}">')
    assert not INLINE["inline <script>"].search('<script src="/static/js/copy.js" defer>')
    assert not INLINE["style attribute"].search('<link rel="stylesheet" href="x.css">')
