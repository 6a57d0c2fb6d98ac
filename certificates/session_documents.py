"""A committee session's documents (评审会议文书), rendered from the session as it stands:

- 评审专家聘请函: one letter (one page) per drawn expert who has not declined;
- 评审会议签到表: the drawn experts with the attendance the office recorded and a signature column;
- 评审结果名单: once the result is signed, each application with 通过/未通过 and its tallies.

For the session's office and the bureau only. The result list prints the counts kept on each
CommitteeResult: individual ballots are secret and never read here."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from reviews.meetings import members
from reviews.models import CommitteeResult

from .documents import PDF, Rendered, chinese_date, html_to_pdf
from .models import DocumentJob, DocumentKind
from .refusals import DocumentRefused


def _session_context(job: DocumentJob) -> dict:
    session = job.session
    return {
        "sitting": session,
        "committee": session.committee,
        "year": session.year,
        "issued_on": chinese_date(timezone.localdate()),
        "portal_name": settings.PORTAL_NAME,
    }


def _members(job: DocumentJob) -> list:
    return list(members(job.session).select_related("expert__unit", "expert__level", "expert__series"))


def render_session_letters(job: DocumentJob, progress) -> Rendered:
    drawn = _members(job)
    if not drawn:
        raise DocumentRefused(gettext("该评审会议尚未抽取专家，没有聘请函。"))
    with translation.override("zh-hans"):
        html = render_to_string("certificates/pdf/session_letters.html", {**_session_context(job), "members": drawn})
    name = f"评审专家聘请函-{job.session.committee.name}-{job.session.year}.pdf"
    return Rendered(html_to_pdf(html, "document.css"), name, ".pdf", PDF)


def render_session_roster(job: DocumentJob, progress) -> Rendered:
    drawn = _members(job)
    if not drawn:
        raise DocumentRefused(gettext("该评审会议尚未抽取专家，没有签到表。"))
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/session_roster.html",
            {
                **_session_context(job),
                "members": drawn,
                "present": sum(1 for m in drawn if m.present),
                "recorded": any(m.present is not None for m in drawn),
            },
        )
    name = f"评审会议签到表-{job.session.committee.name}-{job.session.year}.pdf"
    return Rendered(html_to_pdf(html, "document.css"), name, ".pdf", PDF)


def render_session_results(job: DocumentJob, progress) -> Rendered:
    session = job.session
    if session.signed_at is None:
        raise DocumentRefused(gettext("评审结果尚未签发，没有评审结果名单。"))
    results = list(
        CommitteeResult.objects.filter(session=session)
        .select_related("application__applicant", "application__unit", "application__title", "application__level")
        .order_by("-passed", "application__applicant__real_name", "application_id")
    )
    passed = sum(1 for r in results if r.passed)
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/session_results.html",
            {
                **_session_context(job),
                "results": results,
                # The rule the results were judged by (kept on each result), else the committee's.
                "rule": results[0] if results else session.committee,
                "passed": passed,
                "failed": len(results) - passed,
                "signed_at": timezone.localtime(session.signed_at),
            },
        )
    name = f"评审结果名单-{session.committee.name}-{session.year}.pdf"
    return Rendered(html_to_pdf(html, "document.css"), name, ".pdf", PDF)


RENDERERS = {
    DocumentKind.SESSION_LETTERS: render_session_letters,
    DocumentKind.SESSION_ROSTER: render_session_roster,
    DocumentKind.SESSION_RESULTS: render_session_results,
}
