"""Who may see, print, hand over and download certificates and documents. Views ask here only.

Certificates: the holder, window staff and bureau approvers whose region covers the applicant's
unit, and admins. Application documents (receipt, form): whoever may see the application.
Department documents: that department's reviewers. A print batch: the staff of its window. A
file's cover sheet (档案封面): the window staff whose region covers the unit. A committee
session's documents (聘请函, 签到表, 评审结果名单): the office of its committee, and the bureau
approvers whose region covers a unit of an application in the session."""

from applications.permissions import can_view_application
from portal.organizations.models import Role
from portal.organizations.permissions import is_admin
from portal.organizations.scope import covers, reviewer_memberships, units_q
from reviews import offices

from .models import SESSION_KINDS, DocumentJob, DocumentKind

CERTIFICATE_STAFF_ROLES = (Role.WINDOW_STAFF, Role.BUREAU_APPROVER)


def window_memberships(user):
    return [m for m in reviewer_memberships(user) if m.role == Role.WINDOW_STAFF]


def department_memberships(user):
    return [m for m in reviewer_memberships(user) if m.role == Role.DEPT_REVIEWER]


def print_membership(user, application):
    """The window membership under which `user` prints this application's certificate, or None."""
    return next((m for m in window_memberships(user) if covers(m, application.unit)), None)


def is_certificate_staff(user, application) -> bool:
    return any(m.role in CERTIFICATE_STAFF_ROLES and covers(m, application.unit) for m in reviewer_memberships(user))


def can_view_certificate(user, certificate) -> bool:
    if not user.is_authenticated:
        return False
    if certificate.holder_id == user.pk or is_admin(user):
        return True
    return is_certificate_staff(user, certificate.application)


def can_print_cover(user, application) -> bool:
    """The cover sheet goes on the paper file the window took in: its staff in scope, once accepted."""
    return bool(application.acceptance_number) and print_membership(user, application) is not None


def can_manage_certificate(user, certificate) -> bool:
    """Print, record the hand-over, re-run its job: window staff in scope (and admins)."""
    return user.is_authenticated and (is_admin(user) or print_membership(user, certificate.application) is not None)


def bureau_covers_session(user, session) -> bool:
    """A bureau approver whose region covers a unit of one of the session's applications."""
    bureaus = [m for m in reviewer_memberships(user) if m.role == Role.BUREAU_APPROVER]
    return any(session.applications.filter(units_q(m)).exists() for m in bureaus)


def can_request_session_documents(user, session) -> bool:
    """The session's office (and the administrator) makes its documents, from the session page."""
    return user.is_authenticated and offices.runs(user, session.committee)


def can_view_session_documents(user, session) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin(user) or offices.runs(user, session.committee) or bureau_covers_session(user, session)


def can_see_document_jobs(user) -> bool:
    """The list of document jobs (failures with their retry button) is for staff."""
    return (
        is_admin(user)
        or any(m.role in (*CERTIFICATE_STAFF_ROLES, Role.DEPT_REVIEWER) for m in reviewer_memberships(user))
        or offices.is_office(user)
    )


def can_view_job(user, job: DocumentJob) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if job.kind == DocumentKind.CERTIFICATE:
        if job.certificate is not None:
            return can_view_certificate(user, job.certificate)
        return is_certificate_staff(user, job.application)
    if job.kind in (DocumentKind.RECEIPT, DocumentKind.FORM):
        return can_view_application(user, job.application)
    if job.kind in (DocumentKind.ROSTER, DocumentKind.COMMISSION):
        return any(m.organization_id == job.organization_id for m in department_memberships(user))
    if job.kind == DocumentKind.COVER:
        return print_membership(user, job.application) is not None
    if job.kind == DocumentKind.PRINT_BATCH:
        return any(m.organization_id == job.organization_id for m in window_memberships(user))
    if job.kind in SESSION_KINDS:
        return job.session is not None and can_view_session_documents(user, job.session)
    if job.kind == DocumentKind.LIST_EXPORT:
        # A list export holds what its requester's page showed them: theirs alone.
        return job.requested_by_id == user.pk
    return False


def can_retry_job(user, job: DocumentJob) -> bool:
    """Retrying a failed job changes nothing but the attempt: whoever may have the file may ask."""
    return can_view_job(user, job)
