"""Who made a request, on every log line: the user id beside django-guid's request id, with
times in UTC (as gunicorn's and honcho's lines are)."""

import contextvars
import logging
import time

_user_id = contextvars.ContextVar("user_id", default="-")


class UserIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Set, not reset after the response: Django logs a 404 or 500 once the middleware has
        # returned. The next request on this thread (or task) sets its own.
        _user_id.set(str(user.pk) if user is not None and user.is_authenticated else "-")
        return self.get_response(request)


class UserIdFilter(logging.Filter):
    def filter(self, record):
        record.user_id = _user_id.get()
        if getattr(record, "correlation_id", None) is None:  # no request: the worker, a command
            record.correlation_id = "-"
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_msec_format = "%s.%03dZ"
