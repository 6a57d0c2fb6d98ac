"""Requests no page can answer sensibly, refused before any view runs."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404

from .clients import address_in, client_address

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


class AdminNetworksMiddleware:
    """The admin site answers only clients from ADMIN_ALLOWED_NETWORKS (empty: everyone); to
    anyone else it does not exist (a 404, not a login page that invites guessing passwords). The
    client address is read as for the rate limits (REVERSE_PROXY_COUNT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        networks = settings.ADMIN_ALLOWED_NETWORKS
        match = request.resolver_match
        if networks and match is not None and "admin" in match.namespaces:
            if not address_in(client_address(request), networks):
                raise Http404
        return None
