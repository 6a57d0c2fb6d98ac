"""Log records as one JSON object per line on stderr, with the request id and the user's id.

No personal data: the user is logged by primary key only, the path without its query string, and
the message as the code wrote it (the code never formats ID numbers, mobiles or codes into it)."""

import json
import logging
from datetime import UTC, datetime

from .requestid import current_request


def _user_id(request):
    # Only a user the request already loaded: looking one up here could query a database that is
    # the very thing failing.
    user = request.__dict__.get("_cached_user") if request is not None else None
    return getattr(user, "pk", None)


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id, method and path of the request being served (if any)."""

    def filter(self, record):
        request = getattr(record, "request", None) or current_request.get()
        record.request_id = getattr(request, "request_id", "") if request is not None else ""
        record.user_id = _user_id(request)
        record.http_method = getattr(request, "method", "") if request is not None else ""
        record.http_path = getattr(request, "path", "") if request is not None else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "user_id", "http_method", "http_path"):
            value = getattr(record, name, None)
            if value not in (None, ""):
                event[name] = value
        status = getattr(record, "status_code", None)
        if status is not None:
            event["status"] = status
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            event["exception"] = record.exc_text
        return json.dumps(event, ensure_ascii=False, default=str)
