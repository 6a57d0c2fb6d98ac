from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from .models import Application, ReviewRecord
from .permissions import can_view_application
from .sections import RECORD_SECTIONS


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


def record_overview(person) -> list[dict]:
    """The person's record, section by section: how many rows, how many verified, and the link."""
    return [
        {
            "key": key,
            "label": section.label,
            "count": rows.count(),
            "verified": rows.filter(verified_at__isnull=False).count(),
            "url": reverse("record:section", args=[key]),
        }
        for key, section in RECORD_SECTIONS.items()
        for rows in [section.record_rows(person)]
    ]
