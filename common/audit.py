"""One log line per workflow or import event, on the "audit" logger (stdout in production,
with the request id and user id the logging filters add): ``action=activity.approve
activity=42 table=7``. The who-and-when that users see stays in the change history."""

import logging

logger = logging.getLogger("audit")


def record(action, **objects):
    details = " ".join(f"{name}={value}" for name, value in objects.items())
    logger.info("action=%s %s", action, details)
