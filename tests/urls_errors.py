"""The portal's URLs plus one view that fails, for the error-page tests."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


class Boom(Exception):
    pass


@csrf_exempt
def boom(request):
    raise Boom("an injected fault")


urlpatterns = [*urlpatterns, path("boom/", boom)]
