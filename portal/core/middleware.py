"""Requests no page can answer sensibly, refused before any view runs."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulBytesMiddleware:
    """A NUL byte in the path, the query string or a posted form field is never meant: PostgreSQL
    refuses it in text (a DataError, a 500 in the view that queried), so it is a 400 here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"\x00" in unquote_to_bytes(request.path_info) or b"\x00" in unquote_to_bytes(
            request.META.get("QUERY_STRING", "")
        ):
            raise BadRequest("NUL byte in the URL")
        if request.method == "POST" and request.content_type in FORM_TYPES:
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                raise BadRequest("NUL byte in a form field")
        return self.get_response(request)
