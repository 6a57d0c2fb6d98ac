"""Applications at any point of their route, for workflow tests."""

import datetime

from django.utils import timezone

from applications import services as filing
from applications.models import Application
from applications.workflow import services
from home.demo import ACCOUNTS
from portal.accounts.models import User
from portal.catalog.models import Item, Level, Series, TitleName
from reviews.models import NoticeKind, NoticeResult, UnitNotice
from tests.factories import ApplicationFactory
from tests.filing_helpers import fill_everything, teacher_evaluation

# The demo accounts' mobiles by role, as the demo data defines them.
DEMO = {str(account.role): account.mobile for account in ACCOUNTS}


def user(role) -> User:
    return User.objects.get(mobile=DEMO[role])


def start(item_code: str, applicant=None) -> Application:
    applicant = applicant or user("applicant")
    if item_code == "evaluation":
        return teacher_evaluation(applicant)
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhuli" if item_code == "initial_recognition" else "zhongji")
    title = TitleName.objects.filter(series=series, level=level).first()
    return filing.application_start(
        user=applicant, item=Item.objects.get(code=item_code), series=series, level=level, title=title
    )


def submitted(item_code: str, applicant=None) -> Application:
    application = fill_everything(start(item_code, applicant))
    application, _ = filing.application_submit(application=application, user=application.applicant)
    return application


def at(state: str, item_code: str, applicant=None, **fields) -> Application:
    """An application of the demo applicant (or `applicant`) in `state`, built by the factory with
    what filing and the steps before would have left (for tests that do not test filing itself)."""
    return ApplicationFactory(state=state, item_code=item_code, applicant=applicant or user("applicant"), **fields)


def step(application, role, name, opinion="同意", **kwargs) -> Application:
    return services.fire(application_id=application.pk, user=user(role), step=name, opinion=opinion, **kwargs)


def file_result(application) -> Application:
    """The committee's result notice of `application` ended with no objection and the bureau
    filed the result (核准备案): what lets a committee's pass become approved."""
    today = timezone.localdate()
    notice = UnitNotice.objects.create(
        kind=NoticeKind.RESULT,
        unit=application.unit,
        title="评审结果公示",
        contact_person="周洁",
        phone="0871-63130000",
        start_date=today - datetime.timedelta(days=14),
        working_days=5,
        end_date=today - datetime.timedelta(days=7),
        result=NoticeResult.NO_OBJECTION,
        concluded_at=timezone.now(),
        created_by=user("committee_office"),
    )
    notice.applications.add(application)
    return step(Application.objects.get(pk=application.pk), "bureau_approver", "result_file", "核准备案")
