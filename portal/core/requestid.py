"""A request id for every request: given to the response (X-Request-ID), to every log line written
while the request runs, and to the error pages, so that a user's "错误编号" leads to the trace.

A proxy's X-Request-ID is kept when it looks like one (so the proxy's log and ours agree);
anything else is replaced, since a client could otherwise write arbitrary text into our logs."""

import re
import uuid
from contextvars import ContextVar

HEADER = "HTTP_X_REQUEST_ID"
ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current_request: ContextVar = ContextVar("current_request", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def request_id_of(request) -> str:
    return getattr(request, "request_id", "") if request is not None else ""


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(HEADER, "")
        request.request_id = given if ACCEPTABLE.match(given) else new_id()
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
