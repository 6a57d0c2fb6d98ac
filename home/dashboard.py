"""What waits for each role on its home page. One function per role, each a few queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.selectors import applications_of
from applications.workflow.permissions import waiting_states
from portal.accounts.lockout import locked_count
from portal.catalog.models import ApplicationWindow
from portal.catalog.selectors import online_items
from portal.organizations import selectors as orgs
from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Role
from portal.organizations.scope import units_q
from reviews import offices, online
from reviews.models import Expert
from reviews.selectors import review_queue
from stats.selectors import can_see_statistics


@dataclass
class Section:
    role: str
    title: str
    organization: Organization | None
    template: str
    context: dict = field(default_factory=dict)


def _applicant(user, membership):
    windows = ApplicationWindow.objects.open_at().select_related("committee", "item").order_by("closes_at")[:10]
    return {
        "unit": membership.organization,
        "items": online_items(),
        "open_windows": windows,
        "applications": applications_of(user)[:20],
    }


def _unit_hr(user, membership):
    unit = membership.organization
    # Counted in the database: a unit may have thousands of staff.
    staff = orgs.unit_staff(unit).order_by()
    return {
        **_waiting(user, membership),
        "notices_url": reverse("reviews:notice_list"),
        "unit": unit,
        "staff_count": staff.filter(role=Role.APPLICANT).count(),
        "locked_count": locked_count(staff.values("user__id_number_index")),
        "join_count": orgs.pending_join_requests(membership.organization).count(),
        "staff_url": reverse("organizations:unit_staff", args=[unit.pk]),
        "edit_url": reverse("organizations:unit_edit", args=[unit.pk]),
    }


def _dept_reviewer(user, membership):
    department = membership.organization
    pending = orgs.units_for_review(user).filter(parent=department)
    counts = (
        Organization.objects.units()
        .filter(parent=department)
        .aggregate(
            approved=Count("id", filter=Q(status=OrgStatus.APPROVED)),
            rejected=Count("id", filter=Q(status=OrgStatus.REJECTED)),
        )
    )
    return {
        "department": department,
        "pending": pending[:20],
        "pending_count": pending.count(),
        **counts,
        **_waiting(user, membership),
    }


def _waiting(user, membership) -> dict:
    """How many applications wait at this membership's stage, and the first few of them."""
    qs = review_queue(user).filter(units_q(membership), state__in=waiting_states(membership.role))
    return {"waiting_count": qs.count(), "waiting": qs[:10], "queue_url": reverse("reviews:queue")}


def _window_staff(user, membership):
    return {"window": membership.organization, **_waiting(user, membership)}


def _bureau(user, membership):
    stats = Organization.objects.aggregate(
        units=Count("id", filter=Q(kind=OrgKind.UNIT, status=OrgStatus.APPROVED)),
        pending_units=Count("id", filter=Q(kind=OrgKind.UNIT, status=OrgStatus.PENDING)),
        departments=Count("id", filter=Q(kind=OrgKind.DEPARTMENT)),
    )
    stats["applicants"] = Membership.objects.active().filter(role=Role.APPLICANT).count()
    context = {"bureau": membership.organization, "stats": stats, "statistics": can_see_statistics(user)}
    if membership.role == Role.BUREAU_APPROVER:
        context.update(_waiting(user, membership))
    return context


def _admin(user, membership):
    pending = orgs.units_for_review(user)
    return {
        "pending": pending[:20],
        "pending_count": pending.count(),
        "office_links": True,
        **_bureau(user, membership),
    }


def _expert(user, membership):
    return {
        "pools": Expert.objects.filter(user=user).select_related("series", "level"),
        "review_count": online.assignments_of(user).filter(status__in=online.OPEN).count(),
    }


def _office(user, membership):
    return {
        "committees": offices.office_committees(user).order_by("grade", "id"),
        "sessions": offices.sessions_of(user).order_by("-year", "-id")[:5],
        "statistics": can_see_statistics(user),
    }


BUILDERS = {
    Role.APPLICANT: (_("我的申报"), "home/dashboard/applicant.html", _applicant),
    Role.UNIT_HR: (_("单位经办"), "home/dashboard/unit_hr.html", _unit_hr),
    Role.DEPT_REVIEWER: (_("主管部门审核"), "home/dashboard/dept_reviewer.html", _dept_reviewer),
    Role.WINDOW_STAFF: (_("窗口受理"), "home/dashboard/window_staff.html", _window_staff),
    Role.BUREAU_APPROVER: (_("审核审批"), "home/dashboard/bureau.html", _bureau),
    Role.ADMIN: (_("系统管理"), "home/dashboard/admin.html", _admin),
    Role.COMMITTEE_EXPERT: (_("评审专家"), "home/dashboard/expert.html", _expert),
    Role.COMMITTEE_OFFICE: (_("评委会办事机构"), "home/dashboard/office.html", _office),
}


def dashboard_sections(user, memberships) -> list[Section]:
    sections = []
    for membership in memberships:
        title, template, build = BUILDERS[membership.role]
        sections.append(Section(membership.role, title, membership.organization, template, build(user, membership)))
    return sections
