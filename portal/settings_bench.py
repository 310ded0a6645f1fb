"""The production settings plus one bare view, for ``make bench`` only.

``make bench`` starts gunicorn with this module so that it can compare each page's requests per
second with a view that does nothing, under the same server, middleware and settings in the
same run. Production never loads it (``portal.wsgi`` defaults to ``portal.settings``).
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "portal.bench_urls"
