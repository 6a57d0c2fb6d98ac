"""Reads the certificate pages need, scoped per role: window staff and bureau approvers see their
region (and the regions below it), department reviewers their units, the holder their own."""

import unicodedata

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from applications.models import Application, State
from portal.catalog.models import Committee
from portal.organizations.models import Role
from portal.organizations.permissions import is_admin
from portal.organizations.scope import reviewer_memberships, scope_q
from reviews import offices
from reviews.models import CommitteeSession

from .jobkeys import certificate_key, cover_key, form_key, receipt_key
from .models import SESSION_KINDS, Certificate, DocumentJob, DocumentKind, Handover, PrintLog
from .permissions import CERTIFICATE_STAFF_ROLES, can_view_certificate, can_view_job


def window_applications(user) -> QuerySet[Application]:
    """Approved applications of the regions this user's windows serve."""
    scope = scope_q(user, roles=[Role.WINDOW_STAFF]) or Q(pk__in=[])
    return (
        Application.objects.filter(scope, state=State.APPROVED)
        .select_related("applicant", "unit", "item", "series", "level", "title", "certificate")
        .annotate(
            printed=Exists(PrintLog.objects.filter(certificate__application=OuterRef("pk"))),
            handed_over=Exists(Handover.objects.filter(certificate__application=OuterRef("pk"))),
        )
        .order_by("decided_at", "id")
    )


def awaiting_print(user) -> QuerySet[Application]:
    """Approved, not printed yet, and not voided (a certificate may still be in the making)."""
    return (
        window_applications(user)
        .filter(printed=False)
        .filter(Q(certificate__isnull=True) | Q(certificate__is_void=False))
    )


def awaiting_handover(user) -> QuerySet[Application]:
    return window_applications(user).filter(printed=True, handed_over=False, certificate__is_void=False)


def certificates_for_window(user, ids) -> QuerySet[Certificate]:
    """These certificates, of the applications this user's windows serve (others: as if missing)."""
    return Certificate.objects.filter(pk__in=ids, application__in=window_applications(user).values("pk")).order_by("pk")


def certificate_for(user, pk) -> Certificate:
    """The certificate `pk` if `user` may see it; 404 otherwise."""
    certificate = (
        Certificate.objects.select_related(
            "application",
            "application__unit",
            "application__unit__region",
            "application__item",
            "holder",
            "replaced_by",
            "authority",
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None or not can_view_certificate(user, certificate):
        raise Http404
    return certificate


def certificate_chain(certificate: Certificate) -> list[Certificate]:
    """Every certificate of this line of reissues, oldest first."""
    first, seen = certificate, {certificate.pk}
    while (previous := Certificate.objects.filter(replaced_by=first).first()) and previous.pk not in seen:
        seen.add(previous.pk)
        first = previous
    chain, current = [first], first
    while current.replaced_by_id and current.replaced_by_id not in {c.pk for c in chain}:
        current = Certificate.objects.get(pk=current.replaced_by_id)
        chain.append(current)
    return chain


def print_logs(certificate: Certificate) -> QuerySet[PrintLog]:
    return certificate.print_logs.select_related("printed_by", "window").order_by("sequence")


def handover_of(certificate: Certificate) -> Handover | None:
    return Handover.objects.filter(certificate=certificate).select_related("recorded_by").first()


def certificate_job(certificate: Certificate) -> DocumentJob | None:
    return DocumentJob.objects.filter(key=certificate_key(certificate.application_id)).first()


def job_for(user, pk) -> DocumentJob:
    job = (
        DocumentJob.objects.select_related(
            "application",
            "application__unit",
            "application__unit__region",
            "certificate",
            "certificate__application",
            "certificate__application__unit",
            "certificate__application__unit__region",
            "organization",
            "committee",
            "session",
            "session__committee",
        )
        .filter(pk=pk)
        .first()
    )
    if job is None or not can_view_job(user, job):
        raise Http404
    return job


def jobs_for(user) -> QuerySet[DocumentJob]:
    """Document jobs this staff member may see (and retry): per role scope."""
    jobs = DocumentJob.objects.select_related(
        "application", "application__applicant", "organization", "requested_by", "session__committee"
    )
    if is_admin(user):
        return jobs
    memberships = reviewer_memberships(user)
    windows = [m.organization_id for m in memberships if m.role == Role.WINDOW_STAFF]
    departments = [m.organization_id for m in memberships if m.role == Role.DEPT_REVIEWER]
    query = Q(pk__in=[])
    staff_scope = scope_q(user, roles=CERTIFICATE_STAFF_ROLES, unit_field="application__unit")
    if staff_scope is not None:
        query |= Q(staff_scope, kind__in=[DocumentKind.CERTIFICATE, DocumentKind.RECEIPT, DocumentKind.FORM])
    if windows:
        query |= Q(kind=DocumentKind.PRINT_BATCH, organization__in=windows)
    if offices.is_office(user):
        query |= Q(kind__in=SESSION_KINDS, session__committee__in=offices.office_committees(user))
    bureau_scope = scope_q(user, roles=[Role.BUREAU_APPROVER], unit_field="applications__unit")
    if bureau_scope is not None:
        sessions = CommitteeSession.objects.filter(bureau_scope).values("pk")
        query |= Q(kind__in=SESSION_KINDS, session__in=sessions)
    query |= Q(kind=DocumentKind.LIST_EXPORT, requested_by=user)
    if departments:
        query |= Q(kind__in=[DocumentKind.ROSTER, DocumentKind.COMMISSION], organization__in=departments)
        department_scope = scope_q(user, roles=[Role.DEPT_REVIEWER], unit_field="application__unit")
        query |= Q(department_scope, kind__in=[DocumentKind.RECEIPT, DocumentKind.FORM])
    return jobs.filter(query)


def session_documents(session) -> list[tuple[str, str, DocumentJob | None]]:
    """The session page's documents: each kind (value, label) with its latest job, if any."""
    latest = {}
    for job in DocumentJob.objects.filter(session=session, kind__in=SESSION_KINDS).order_by("-created_at", "-id"):
        latest.setdefault(job.kind, job)
    return [(kind.value, kind.label, latest.get(kind.value)) for kind in SESSION_KINDS]


def application_documents(application: Application) -> dict:
    """What the applicant's timeline shows about documents and the certificate."""
    certificate = Certificate.objects.filter(application=application).select_related("replaced_by").first()
    return {
        "application": application,
        "certificate": certificate,
        "certificate_job": DocumentJob.objects.filter(key=certificate_key(application.pk)).first(),
        "printed": bool(certificate and certificate.print_logs.exists()),
        "handover": handover_of(certificate) if certificate else None,
    }


def receipt_job_of(application: Application) -> DocumentJob | None:
    """The acceptance receipt's job if anyone asked for it (acceptance does), else None."""
    return DocumentJob.objects.filter(key=receipt_key(application.pk)).first()


def cover_job_of(application: Application) -> DocumentJob | None:
    """The cover sheet's job for the current acceptance number, if the window asked for it."""
    if not application.acceptance_number:
        return None
    return DocumentJob.objects.filter(key=cover_key(application)).first()


def form_job_of(application: Application) -> DocumentJob | None:
    """The job of the form as filed now (see jobkeys.form_key), else None."""
    return DocumentJob.objects.filter(key=form_key(application)[0]).first()


# --- department documents ----------------------------------------------------------------------

FORWARDED_STATES = [State.WINDOW_INTAKE, State.BUREAU_APPROVAL, State.COMMITTEE_REVIEW, State.APPROVED]


def department_applications(department, *, year: int) -> QuerySet[Application]:
    """The roster: filed applications of the department's units for the year (not withdrawn)."""
    return (
        Application.objects.filter(unit__parent=department, year=year, submitted_at__isnull=False)
        .exclude(state__in=[State.WITHDRAWN, State.DRAFT])
        .select_related("applicant", "unit", "item", "series", "level", "title", "committee")
        .order_by("unit__name", "submitted_at", "id")
    )


def commission_applications(department, *, committee, year: int) -> QuerySet[Application]:
    """Evaluations the department passed on to the committee this year."""
    return department_applications(department, year=year).filter(committee=committee, state__in=FORWARDED_STATES)


def commission_committees(department, *, year: int):
    ids = department_applications(department, year=year).filter(committee__isnull=False).values("committee")
    return Committee.objects.filter(pk__in=ids).order_by("grade", "id")


# --- verification ------------------------------------------------------------------------------


def _typed(value: str) -> str:
    """What a person typed, as stored: full-width digits and letters (an input method's) made ASCII,
    every space (also U+3000) and invisible format character (U+200B, U+FEFF) removed."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch) != "Cf")


def verify_lookup(*, number: str, name: str) -> Certificate | None:
    """The certificate with this number AND this holder name, else None: the caller cannot tell
    a wrong number from a wrong name."""
    number, name = _typed(number).upper(), _typed(name)
    if not number or not name:
        return None
    return (
        Certificate.objects.filter(number=number, holder_name=name).select_related("replaced_by", "application").first()
    )


def verify_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 64:
        return None
    return Certificate.objects.filter(verify_token=token).select_related("replaced_by").first()
