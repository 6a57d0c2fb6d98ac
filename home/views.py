from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from portal.catalog import selectors as catalog
from portal.catalog.models import Committee
from portal.organizations import selectors as orgs
from portal.organizations.models import Organization, Role
from portal.organizations.permissions import is_admin

from .dashboard import dashboard_sections


def home(request):
    return render(request, "home/home.html", {"items": catalog.online_items()})


def committee_directory(request):
    query = request.GET.get("q", "").strip()
    series_id = request.GET.get("series") or None
    level_code = request.GET.get("level", "")
    try:
        series_id = int(series_id) if series_id else None
    except ValueError:
        series_id = None
    committees = catalog.committee_directory(query=query, series_id=series_id, level_code=level_code)
    return render(
        request,
        "home/committees.html",
        {
            "committees": committees,
            "total": Committee.objects.filter(is_active=True).count(),
            "series_list": catalog.series_with_titles().only("id", "name", "number"),
            "levels": catalog.levels(),
            "q": query,
            "series_id": series_id,
            "level_code": level_code,
        },
    )


def series_catalogue(request):
    return render(
        request,
        "home/series.html",
        {"series_list": catalog.series_with_titles(), "levels": list(catalog.levels().order_by("-rank"))},
    )


def hr_offices(request):
    offices = Organization.objects.departments().approved().select_related("region").order_by("id")
    page = Paginator(offices, 50).get_page(request.GET.get("page"))
    return render(request, "home/hr_offices.html", {"page": page})


@login_required
def dashboard(request):
    memberships = list(orgs.memberships_of(request.user))
    return render(
        request,
        "home/dashboard.html",
        {
            "memberships": memberships,
            "sections": dashboard_sections(request.user, memberships),
            "is_admin": is_admin(request.user),
            "invitation_count": orgs.open_invitations_for(request.user.mobile).count(),
            "Role": Role,
        },
    )
