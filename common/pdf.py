"""PDFs from HTML with WeasyPrint, reading nothing but the project's own static files.

WeasyPrint's default URL fetcher opens whatever a document names: ``file:///etc/passwd``, an
``http://`` address inside the network, a slow server that holds the worker. The HTML we render
is our own templates, but a kit's Markdown, a title or an import could one day bring a tag
through; ``StaticFilesFetcher`` makes that harmless: it serves ``/static/…`` (and the same path
on ``SITE_URL``, which relative addresses resolve against) from the static files, images written
inline as ``data:image/…``, and refuses everything else, logged, so the PDF is made without it.

WeasyPrint is imported when this module is, and this module only where a PDF is made (the
worker, commands), so that the web processes never load it.
"""

import base64
import binascii
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

DATA_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}


class RefusedURL(ValueError):
    """A document named something other than one of our static files."""


def base_url():
    """What relative addresses in our HTML resolve against: the site itself."""
    return settings.SITE_URL.rstrip("/") + "/"


def _static_prefix():
    prefix = urlsplit(settings.STATIC_URL).path
    return "/" + prefix.strip("/") + "/"


def static_name(url):
    """The static file name (``css/site.css``) that ``url`` names, or ``None``: ``/static/…``
    on this site only, nothing above the static folders."""
    parts = urlsplit(url)
    site = urlsplit(base_url())
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
    path = unquote(parts.path)
    prefix = _static_prefix()
    if not path.startswith(prefix) or "\\" in path or "\x00" in path:
        return None
    name = path[len(prefix) :]
    if not name or posixpath.normpath(name) != name or name.startswith(("/", "..")):
        return None
    return name


def _read_static(name):
    found = finders.find(name)  # development and tests: the source folders
    if found:
        with open(found, "rb") as source:
            return source.read()
    if staticfiles_storage.exists(name):  # production: collected (hashed) files
        with staticfiles_storage.open(name) as stored:
            return stored.read()
    return None


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's fetcher for our documents: static files and inline images only."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return self._data_image(url)
        name = static_name(url)
        if name is None:
            return self._refuse(url, "not one of the site's static files")
        body = _read_static(name)
        if body is None:
            return self._refuse(url, "no such static file")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _data_image(self, url):
        """An image written in the document itself (decoded here: nothing is opened)."""
        header, _, payload = url[len("data:") :].partition(",")
        params = [part.strip().lower() for part in header.split(";")]
        if params[0] not in DATA_IMAGE_TYPES:
            return self._refuse(url, "data: that is not an image")
        body = unquote_to_bytes(payload)
        if "base64" in params[1:]:
            try:
                body = base64.b64decode(b"".join(body.split()), validate=True)
            except binascii.Error:
                return self._refuse(url, "data: that is not base64")
        return URLFetcherResponse(url, body, {"Content-Type": params[0]})

    def _refuse(self, url, reason):
        logger.warning("pdf: refused to fetch %s (%s)", url[:200], reason)
        raise RefusedURL(url)


# Tagged for screen readers (PDF/UA-1: the structure of headings, lists and tables, the
# document's language and title).
PDF_VARIANT = "pdf/ua-1"


def html_document(html):
    """A WeasyPrint document of ``html`` that fetches only our static files."""
    return weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=StaticFilesFetcher())


def pdf_from_html(html):
    """The PDF bytes of ``html``, tagged for screen readers (:data:`PDF_VARIANT`)."""
    return html_document(html).write_pdf(pdf_variant=PDF_VARIANT)
