"""Conditional GET and proxy caching of the public pages.

An anonymous visitor (no pending message) gets ``ETag`` (and ``Last-Modified`` where the data
has a time), ``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` and ``Vary: Cookie``; a repeat
request with ``If-None-Match`` / ``If-Modified-Since`` is answered 304. The ETag is a digest of
the release (code, templates, translations, static files), the language, the address and either
a validator the view names (a plan's content version: the 304 then costs one small query and
no rendering) or the rendered content. A logged-in visitor's pages name them (the header, Mon
espace): they are ``private`` and carry no validator; a draft's preview stays
``private, no-store``.

A page whose view names a validator is also kept whole in the shared cache under its ETag
(``PAGE_CACHE_SECONDS``) when it is the same for every anonymous visitor: the next visitor
without a copy of their own gets it for that small query and a cache read, without rendering;
a write changes the validator, hence the key.
"""

import hashlib
import os
import re
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag

PUBLIC_MAX_AGE = 60
PAGE_CACHE_SECONDS = 24 * 60 * 60
_RELEASE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".json", ".xml"}
_RELEASE_SKIPPED = {".venv", "node_modules", "media", ".git", "tests", "staticfiles", "__pycache__"}


@lru_cache(maxsize=1)
def release():
    """What identifies the deployed code: ``settings.RELEASE`` (the ``RELEASE`` variable) when
    set, else a digest of the sizes and times of the source files, templates, catalogues and
    static files (read once per process: a deployment restarts the processes)."""
    if getattr(settings, "RELEASE", ""):
        return settings.RELEASE
    digest = hashlib.sha256()
    for root, directories, files in os.walk(Path(settings.BASE_DIR)):
        directories[:] = sorted(d for d in directories if d not in _RELEASE_SKIPPED)
        for name in sorted(files):
            if os.path.splitext(name)[1] in _RELEASE_SUFFIXES:
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def is_shared(request):
    """Whether the page is the same for every anonymous visitor: nobody logged in, no message
    waiting to be shown."""
    if request.user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


# A form's token is masked afresh on every rendering: the digest of a page reads past it.
_CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _etag(request, parts):
    digest = hashlib.sha256()
    # The page's forms hold a token of this visitor's CSRF secret (new if the page made one).
    csrf_cookie = request.META.get("CSRF_COOKIE") or request.COOKIES.get(
        settings.CSRF_COOKIE_NAME, ""
    )
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    for part in (release(), translation.get_language(), address, csrf_cookie):
        digest.update(f"{part}\x1f".encode())
    digest.update(parts if isinstance(parts, bytes) else str(parts).encode())
    return quote_etag(digest.hexdigest()[:32])


def _page_key(request, etag):
    """The shared cache's key of a whole page: its ETag names the release, language, address
    and the data shown (``HEAD`` keeps its own, bodiless, answers)."""
    return f"page:{request.method}:{etag}"


def _shared_headers(request, response):
    patch_vary_headers(response, ["Cookie"])
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return response
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # A form's CSRF cookie is this visitor's: the browser may keep the page, not a proxy.
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _private(response):
    patch_vary_headers(response, ["Cookie"])
    if "no-store" not in response.get("Cache-Control", ""):
        patch_cache_control(response, private=True)
    return response


def conditional_page(validator=None):
    """Decorate a public view: conditional GET and cache headers (see the module).

    ``validator(request, *args, **kwargs)`` returns ``(data, last_modified)`` identifying what
    the page shows (``data`` a string, ``last_modified`` a datetime or ``None``), or ``None``
    when it cannot tell (the view then runs and the ETag is the content's digest).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not is_shared(request):
                return _private(view(request, *args, **kwargs))
            found = validator(request, *args, **kwargs) if validator else None
            etag = last_modified = None
            if found is not None:
                data, modified = found
                etag = _etag(request, data)
                last_modified = int(modified.timestamp()) if modified else None
                not_modified = get_conditional_response(
                    request, etag=etag, last_modified=last_modified
                )
                if not_modified is not None:
                    not_modified["ETag"] = etag
                    if last_modified is not None:
                        not_modified["Last-Modified"] = http_date(last_modified)
                    return _shared_headers(request, not_modified)
                kept = cache.get(_page_key(request, etag))
                if kept is not None:
                    return _shared_headers(request, kept)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return (
                    _shared_headers(request, response) if response.status_code == 200 else response
                )
            if etag is None:
                etag = _etag(request, _CSRF_TOKEN.sub(rb"\1", response.content))
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
            if etag is not None and found is None:
                not_modified = get_conditional_response(request, etag=etag, response=response)
                if not_modified is not response:
                    return _shared_headers(request, not_modified)
            response = _shared_headers(request, response)
            if found is not None and "public" in response.get("Cache-Control", ""):
                cache.set(_page_key(request, etag), response, PAGE_CACHE_SECONDS)
            return response

        return wrapper

    return decorator
