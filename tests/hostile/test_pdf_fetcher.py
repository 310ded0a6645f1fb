"""Addresses a document could name, as WeasyPrint hands them to our fetcher: only the site's
own static files and inline images are served; everything else is refused without opening a
file, a socket or a URL."""

import socket
import urllib.request

import pytest

from common.pdf import RefusedURL, StaticFilesFetcher

REFUSED = {
    "local file": "file:///etc/passwd",
    "local file, capitals": "FILE:///etc/passwd",
    "local file with a query": "file:///etc/passwd?x=1",
    "web page": "http://example.org/x.css",
    "secure web page": "https://example.org/pixel.png",
    "cloud metadata": "http://169.254.169.254/latest/meta-data/",
    "loopback service": "http://127.0.0.1:6379/",
    "the site, other port": "http://127.0.0.1:9000/static/css/site.css",
    "the site over https (another origin)": "https://127.0.0.1:8000/static/css/site.css",
    "the site's name as a user name": "http://127.0.0.1:8000@evil.example/static/css/site.css",
    "scheme-relative": "//example.org/static/css/site.css",
    "ftp": "ftp://example.org/file.css",
    "javascript": "javascript:alert(1)",
    "data: HTML": "data:text/html,<script>alert(1)</script>",
    "data: stylesheet": "data:text/css,body{background:url(http://example.org/x)}",
    "data: without type": "data:,hello",
    "data: image, broken base64": "data:image/png;base64,@@@",
    "media folder of the site": "http://127.0.0.1:8000/media/activites/note.txt",
    "static, going up": "http://127.0.0.1:8000/static/../portal/settings.py",
    "static, going up, encoded": "http://127.0.0.1:8000/static/%2e%2e/portal/settings.py",
    "static, going up from a folder": "/static/css/../../portal/settings.py",
    "static, backslash": "/static/css\\..\\..\\portal\\settings.py",
    "static, NUL byte": "/static/css/site.css%00.png",
    "static, absolute inside": "/static//etc/passwd",
    "static folder itself": "/static/",
    "static file that does not exist": "/static/css/nothing-here.css",
    "source file beside static": "/portal/settings.py",
}


@pytest.fixture
def tripwires(monkeypatch):
    attempts = []

    def record(name):
        def tripped(*args, **kwargs):
            attempts.append(name)
            raise AssertionError(name)

        return tripped

    monkeypatch.setattr(socket.socket, "connect", record("socket.connect"))
    monkeypatch.setattr(socket, "getaddrinfo", record("socket.getaddrinfo"))
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record("OpenerDirector.open"))
    return attempts


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_the_fetcher_refuses(url, tripwires, caplog):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)
    assert tripwires == []
    assert "pdf: refused to fetch" in caplog.text


SERVED = {
    "static path": ("/static/css/site.css", "text/css"),
    "static on the site's address": ("http://127.0.0.1:8000/static/css/site.css", "text/css"),
    "inline PNG": (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
        "image/png",
    ),
    "inline SVG": (
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
        "image/svg+xml",
    ),
}


@pytest.mark.parametrize(("url", "content_type"), SERVED.values(), ids=SERVED.keys())
def test_the_fetcher_serves_static_files_and_inline_images(url, content_type, tripwires):
    response = StaticFilesFetcher().fetch(url)
    body = response.read()
    response.close()
    assert response.content_type == content_type and body
    assert tripwires == []
