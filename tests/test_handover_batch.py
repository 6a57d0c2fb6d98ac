"""Batch hand-over at the window (批量发放): many printed certificates recorded in one action, each
by the single hand-over service in its own transaction (one Handover row each, a refusal leaves
the others done), each the way its applicant chose; out-of-scope ids behave like missing ones."""

import pytest
from django.urls import reverse

from applications.models import Application, State
from certificates.models import Handover, HandoverMethod, PrintLog
from portal.organizations.models import Organization
from tests.factories import ApplicationFactory, member
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db
URL = reverse("certificates:handover_batch")


def _printed(*, express=False, unit=None, printed=True):
    application = ApplicationFactory(
        state=State.APPROVED, with_certificate=True, unit=unit or Organization.objects.get(name="昆明市第一中学")
    )
    if express:
        Application.objects.filter(pk=application.pk).update(wants_express=True, express_address="昆明市五华区1号")
    if printed:
        PrintLog.objects.create(certificate=application.certificate, sequence=1, printed_by=user("window_staff"))
    return application.certificate


def test_many_certificates_are_handed_over_in_one_action_each_recorded_singly(client, demo):
    pickup = [_printed(), _printed()]
    posted = _printed(express=True)
    client.force_login(user("window_staff"))
    page = client.get(reverse("certificates:print_queue")).content.decode()
    assert 'id="handover-form"' in page and f'name="tracking-{posted.pk}"' in page
    response = client.post(
        URL,
        {
            "certificate": [c.pk for c in [*pickup, posted]],
            "carrier": "顺丰速运",
            f"tracking-{posted.pk}": "sf 1234 5678 90",
        },
    )
    assert response.status_code == 302 and response.url == reverse("certificates:print_queue")
    rows = {h.certificate_id: h for h in Handover.objects.all()}
    assert set(rows) == {c.pk for c in [*pickup, posted]}
    for certificate in pickup:
        assert rows[certificate.pk].method == HandoverMethod.PICKUP
        assert rows[certificate.pk].collected_by == certificate.holder_name
    assert (rows[posted.pk].method, rows[posted.pk].carrier, rows[posted.pk].tracking_number) == (
        HandoverMethod.EXPRESS,
        "顺丰速运",
        "SF1234567890",
    )
    assert {h.recorded_by for h in rows.values()} == {user("window_staff")}
    page = client.get(reverse("certificates:print_queue")).content.decode()
    assert all(f'id="handover-{c.application_id}"' not in page for c in [*pickup, posted])


def test_a_unit_officer_collecting_for_several_is_recorded_on_each(client, demo):
    certificates = [_printed(), _printed()]
    client.force_login(user("window_staff"))
    officer = user("unit_hr")
    client.post(
        URL,
        {"certificate": [c.pk for c in certificates], "collected_by": "王芳", "collector_id_number": officer.id_number},
    )
    assert set(Handover.objects.values_list("collected_by", "collector_id_number")) == {("王芳", officer.id_number)}
    assert Handover.objects.count() == 2


def test_refusals_are_told_per_certificate_and_the_rest_is_done(client, demo):
    good = _printed()
    unprinted = _printed(printed=False)
    posted = _printed(express=True)
    badly_typed = _printed(express=True)
    client.force_login(user("window_staff"))
    response = client.post(
        URL,
        {
            "certificate": [good.pk, unprinted.pk, posted.pk, badly_typed.pk],
            f"tracking-{posted.pk}": "SF1234567890",
            f"tracking-{badly_typed.pk}": "快递",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{unprinted.number}：证书尚未打印，不能发放。" in page
    assert f"{posted.number}：请填写快递公司。" in page
    assert f"{badly_typed.number}：快递单号应为6至40位字母或数字。" in page
    assert 'value="SF1234567890"' in page and 'value="快递"' in page  # nothing typed is lost
    assert list(Handover.objects.values_list("certificate_id", flat=True)) == [good.pk]


def test_nothing_ticked_or_a_bad_collector_id_is_told_at_the_form(client, demo):
    certificate = _printed()
    client.force_login(user("window_staff"))
    response = client.post(URL, {})
    assert response.status_code == 400 and "请勾选要发放的证书。" in response.content.decode()
    response = client.post(URL, {"certificate": [certificate.pk], "collected_by": "王芳", "collector_id_number": "123"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_collector_id_number-errors"' in page and 'aria-invalid="true"' in page
    assert 'value="王芳"' in page
    assert not Handover.objects.exists()


def test_another_windows_certificates_are_skipped_like_missing_ones(client, demo):
    ours = _printed()
    client.force_login(member("window_staff"))  # a window of another region
    response = client.post(URL, {"certificate": [ours.pk, 999999]})
    assert response.status_code == 302
    assert not Handover.objects.exists()
