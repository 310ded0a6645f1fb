"""Who made a request, on every log line: the user id beside django-guid's request id."""

import contextvars
import logging

_user_id = contextvars.ContextVar("user_id", default="-")


class UserIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _user_id.set(str(user.pk) if user is not None and user.is_authenticated else "-")
        try:
            return self.get_response(request)
        finally:
            _user_id.reset(token)


class UserIdFilter(logging.Filter):
    def filter(self, record):
        record.user_id = _user_id.get()
        return True
