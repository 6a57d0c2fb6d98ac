from django.db.models import QuerySet
from django.http import Http404

from .models import Application, ReviewRecord
from .permissions import can_view_application


def applications_of(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("item", "series", "level", "title", "committee", "window", "unit")
        .order_by("-created_at")
    )


def application_for(user, pk) -> Application:
    """The application `pk` if `user` may see it; 404 otherwise (no hint that it exists)."""
    application = (
        Application.objects.select_related(
            "applicant", "unit", "unit__region", "item", "series", "level", "title", "committee", "window"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_view_application(user, application):
        raise Http404
    return application


def application_history(application) -> QuerySet[ReviewRecord]:
    return application.records.select_related("actor", "organization").order_by("created_at", "id")
