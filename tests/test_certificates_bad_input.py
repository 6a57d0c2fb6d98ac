"""Bad input at the window and on the public page: tampered or out-of-scope print selections,
double-submitted batches, hand-overs with missing or malformed fields, retries of jobs that need
none, verification queries typed in odd ways. Each is refused in Simplified Chinese at the field
it concerns, with nothing half-saved."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import DocumentJob, DocumentKind, Handover, JobStatus, PrintLog
from portal.organizations.models import Organization
from tests.test_certificates_helpers import another_applicant, approved, issued
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db

PRINT = "/certificates/print/"


def batches() -> int:
    return DocumentJob.objects.filter(kind=DocumentKind.PRINT_BATCH).count()


def printed(application, django_capture_on_commit_callbacks, reason=""):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_batch_request(user=user("window_staff"), application_ids=[application.pk], reason=reason)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return job


# --- the print selection ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999", "2147483648", "0", "-1", "1 OR 1=1", ""])
def test_a_tampered_selection_is_refused_not_a_500(demo, client, value):
    issued(approved())
    client.force_login(user("window_staff"))
    response = client.post(PRINT, {"application": [value]})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="application-errors"' in page
    assert "所选申报无效" in page
    assert batches() == 0


def test_nothing_ticked(demo, client):
    client.force_login(user("window_staff"))
    response = client.post(PRINT, {"reason": ""})
    assert response.status_code == 400 and "请勾选要打印证书的申报" in response.content.decode()
    assert batches() == 0


def test_another_windows_or_a_missing_application_looks_the_same(demo, client):
    """Out of scope and not there get the same message: no hint which applications exist."""
    from tests.factories import UnitFactory, member

    elsewhere = approved(applicant=member("applicant", UnitFactory()))
    mine = approved()
    issued(mine)
    client.force_login(user("window_staff"))
    answers = []
    for ids in ([mine.pk, elsewhere.pk], [mine.pk, 987654]):
        response = client.post(PRINT, {"application": ids})
        assert response.status_code == 400
        page = response.content.decode()
        assert "所选申报中有不存在或不在本窗口服务范围内的，未提交打印。" in page
        answers.append(page.count("不在本窗口"))
    assert answers[0] == answers[1] and batches() == 0


def test_duplicates_are_printed_once_and_the_limit_holds(demo, client, settings, django_capture_on_commit_callbacks):
    first, second = approved(), approved(applicant=another_applicant("王芳"))
    issued(first), issued(second)
    settings.CERTIFICATE_PRINT_BATCH_MAX = 1
    client.force_login(user("window_staff"))
    response = client.post(PRINT, {"application": [first.pk, second.pk]})
    assert response.status_code == 400 and "一次最多打印 1 张证书" in response.content.decode()
    assert batches() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PRINT, {"application": [first.pk, str(first.pk), f" {first.pk} "]})
    assert response.status_code == 302
    job = DocumentJob.objects.get(kind=DocumentKind.PRINT_BATCH)
    assert job.params["certificate_ids"] == [first.certificate.pk]
    assert list(PrintLog.objects.values_list("sequence", flat=True)) == [1]


def test_not_approved_and_void_are_named_in_the_list(demo, client):
    waiting = at("bureau_approval", "initial_recognition", another_applicant("王芳"))
    ready = approved()
    issued(ready)
    client.force_login(user("window_staff"))
    response = client.post(PRINT, {"application": [ready.pk, waiting.pk]})
    page = response.content.decode()
    assert response.status_code == 400 and "王芳：申报尚未审批通过，不能打印证书。" in page
    assert f'value="{ready.pk}" checked' in page  # what was ticked stays ticked
    assert batches() == 0


def test_a_reprint_without_a_reason_is_refused_at_the_reason_field(demo, client, django_capture_on_commit_callbacks):
    application = approved()
    issued(application)
    printed(application, django_capture_on_commit_callbacks)
    client.force_login(user("window_staff"))
    response = client.post(PRINT, {"application": [application.pk], "reason": " \u3000 "})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="reason-errors"' in page and "重印须填写原因" in page
    assert page.index('id="field-reason"') < page.index("重印须填写原因")
    response = client.post(PRINT, {"application": [application.pk], "reason": "损" * 201})
    assert response.status_code == 400 and "重印原因不能超过 200 个字" in response.content.decode()
    assert batches() == 1


def test_a_double_submitted_batch_is_not_a_silent_reprint(demo, django_capture_on_commit_callbacks):
    """Two clicks before the first batch has rendered: the second needs a reason like any reprint,
    and whichever finishes second is logged as the reprint, with a reason."""
    application = approved()
    certificate = issued(application)
    with django_capture_on_commit_callbacks(execute=False):
        first = services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    with pytest.raises(Exception, match="正在打印"):
        services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    with django_capture_on_commit_callbacks(execute=False):
        second = services.print_batch_request(
            user=user("window_staff"), application_ids=[application.pk], reason="第一份卡纸"
        )
    services.document_job_run(job_id=second.pk)  # the one with the reason finishes first
    services.document_job_run(job_id=first.pk)
    logs = list(certificate.print_logs.order_by("sequence").values_list("sequence", "job", "reason"))
    assert logs == [(1, second.pk, ""), (2, first.pk, "同一证书的另一打印批次先完成")]
    services.document_job_run(job_id=first.pk)  # run again: nothing more
    assert certificate.print_logs.count() == 2


def test_a_failed_batch_does_not_count_as_printed(demo, django_capture_on_commit_callbacks):
    application = approved()
    issued(application)
    with django_capture_on_commit_callbacks(execute=False):
        failed = services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    DocumentJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)
    job = printed(application, django_capture_on_commit_callbacks)  # no reason needed
    assert list(PrintLog.objects.values_list("sequence", "job")) == [(1, job.pk)]


# --- hand-over ----------------------------------------------------------------------------------


@pytest.fixture
def ready_for_pickup(demo, django_capture_on_commit_callbacks):
    application = approved()
    certificate = issued(application)
    printed(application, django_capture_on_commit_callbacks)
    return certificate


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"collected_by": ""}, "collected_by", "请填写领取人姓名。"),
        ({"collected_by": "\u3000"}, "collected_by", "请填写领取人姓名。"),
        ({"collected_by": "张" * 51}, "collected_by", "50"),
        ({"collected_by": "李娜", "collector_id_number": "123"}, "collector_id_number", "身份证号码应为18位"),
        (
            {"collected_by": "李娜", "collector_id_number": "530102198803152016"},
            "collector_id_number",
            "校验位不正确",
        ),
    ],
)
def test_pickup_errors_at_their_field_and_nothing_saved(client, ready_for_pickup, data, field, message):
    client.force_login(user("window_staff"))
    response = client.post(reverse("certificates:handover", args=[ready_for_pickup.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    at = page.index(f'id="field-{field}"')
    assert message in page[at : page.index("</div>", at)]
    assert not Handover.objects.exists()


def test_pickup_by_a_proxy_keeps_a_normalised_id_number(client, ready_for_pickup):
    proxy = user("unit_hr").id_number
    client.force_login(user("window_staff"))
    response = client.post(
        reverse("certificates:handover", args=[ready_for_pickup.pk]),
        {
            "collected_by": " 李娜 ",
            "collector_id_number": f"{proxy[:6]} {proxy[6:14]}\u3000{proxy[14:]}",
            "carrier": "顺丰",
        },
    )
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert (handover.method, handover.collected_by, handover.carrier) == ("pickup", "李娜", "")
    assert handover.collector_id_number == user("unit_hr").id_number


def test_a_second_hand_over_is_refused_visibly(client, ready_for_pickup):
    client.force_login(user("window_staff"))
    url = reverse("certificates:handover", args=[ready_for_pickup.pk])
    assert client.post(url, {"collected_by": "张伟"}).status_code == 302
    response = client.post(url, {"collected_by": "李娜"})
    assert response.status_code == 400 and "该证书已发放。" in response.content.decode()
    assert Handover.objects.get().collected_by == "张伟"


def test_express_needs_carrier_and_tracking_number_whatever_else_is_sent(
    demo, client, django_capture_on_commit_callbacks
):
    application = approved(wants_express=True, express_address="昆明市五华区人民中路1号")
    certificate = issued(application)
    printed(application, django_capture_on_commit_callbacks)
    client.force_login(user("window_staff"))
    url = reverse("certificates:handover", args=[certificate.pk])
    response = client.post(url, {"collected_by": "张伟"})  # the other way's fields
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写快递公司。" in page and "请填写快递单号。" in page
    assert 'id="field-collected_by"' not in page
    response = client.post(url, {"carrier": "顺丰速运", "tracking_number": "SF 1234？"})
    assert response.status_code == 400 and "快递单号应为6至40位字母或数字。" in response.content.decode()
    assert not Handover.objects.exists()
    response = client.post(url, {"carrier": "顺丰速运", "tracking_number": "ｓｆ１２３４ ５６７８９０"})
    assert response.status_code == 302
    assert Handover.objects.get().tracking_number == "SF1234567890"


# --- document jobs -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.DONE, JobStatus.PENDING])
def test_retrying_a_job_that_needs_none_changes_nothing(demo, client, status, django_capture_on_commit_callbacks):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    DocumentJob.objects.filter(pk=job.pk).update(status=status, attempts=1)
    client.force_login(user("window_staff"))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("certificates:job_retry", args=[job.pk]), follow=True)
    assert "该任务正在处理或已完成，无需重试。" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempts, queued) == (status, 1, [])


def test_a_commission_letter_without_a_committee_says_so_at_the_field(demo, client):
    client.force_login(user("dept_reviewer"))
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    from django.utils import timezone

    response = client.post(
        reverse("certificates:department_documents"),
        {"department": department.pk, "year": timezone.localdate().year, "kind": DocumentKind.COMMISSION},
    )
    page = response.content.decode()
    assert response.status_code == 400
    at = page.index('id="field-committee"')
    assert "请选择受委托的评审委员会。" in page[at : page.index("</div>", at)]
    assert not DocumentJob.objects.exists()


# --- the public verification page --------------------------------------------------------------


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    ("number", "name"),
    [
        (lambda n: full_width(n), "张伟"),
        (lambda n: f"{n[:6]} {n[6:10]} {n[10:]}", "张伟"),
        (lambda n: f"\u3000{n}\u3000", "张\u3000伟"),
        (lambda n: n.lower(), "\u200b张伟\ufeff"),
    ],
)
def test_a_number_typed_as_people_type_it_is_found(demo, client, settings, number, name):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    certificate = issued(approved())
    response = client.post("/verify/", {"number": number(certificate.number), "name": name})
    assert response.status_code == 200 and "查验结果：证书有效。" in response.content.decode()


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("' OR '1'='1", "' OR '1'='1"),
        ("%", "%"),
        ("5301002026______", "张伟"),
        ("\u3000", "\u3000"),
    ],
)
def test_odd_queries_find_nothing_and_break_nothing(demo, client, settings, number, name):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    issued(approved())
    response = client.post("/verify/", {"number": number, "name": name})
    page = response.content.decode()
    assert response.status_code == 200 and "证书有效" not in page and "张伟" not in page.replace(name, "")


def test_a_nul_byte_in_a_query_is_a_bad_request(demo, client, settings):
    """Refused by RejectNulBytesMiddleware before the view (PostgreSQL cannot hold it in text)."""
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    issued(approved())
    response = client.post("/verify/", {"number": "\x00", "name": "张伟"})
    assert response.status_code == 400 and "证书有效" not in response.content.decode()


def test_an_overlong_query_or_token_is_refused_plainly(demo, client, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    response = client.post("/verify/", {"number": "5" * 5000, "name": "张伟"})
    assert response.status_code == 200 and "证书有效" not in response.content.decode()
    assert "40" in response.content.decode()  # the field says how long a number may be
    assert client.get("/verify/c/" + "x" * 5000 + "/").status_code == 404


@pytest.mark.parametrize("role", ["window_staff", "admin"])
def test_making_the_certificate_of_an_unapproved_application_says_why(demo, client, role):
    application = at("bureau_approval", "initial_recognition")
    client.force_login(user(role))
    response = client.post(reverse("certificates:issue_now", args=[application.pk]), follow=True)
    assert response.status_code == 200 and "申报尚未审批通过，不能制作证书。" in response.content.decode()
    assert not DocumentJob.objects.exists()
