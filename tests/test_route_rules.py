"""Issue 11: no configuration can produce an unlawful record. An item's route passes the single
window and the approving authority (the admin and the model refuse otherwise, in Chinese at the
field), and a certificate is refused for an application whose recorded route lacks the approval."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from certificates import services as certificate_services
from certificates.models import Certificate
from portal.accounts.models import User
from portal.catalog.models import Item
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.filter(is_superuser=True).first())
    return client


def item_data(item, **overrides):
    data = {
        "code": item.code,
        "name": item.name,
        "short_name": item.short_name,
        "description": item.description,
        "stages": list(item.stages),
        "online": "on" if item.online else "",
        "needs_committee": "on" if item.needs_committee else "",
        "obtained_by": item.obtained_by,
        "order": item.order,
        "is_active": "on",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (["unit_review"], "窗口受理初审、人才主管部门审核"),
        (["unit_review", "window_intake", "certificate_issue"], "人才主管部门审核"),
        (["unit_review", "bureau_approval"], "窗口受理初审"),
    ],
)
def test_the_admin_refuses_a_route_without_window_or_bureau(admin_client, stages, message):
    item = Item.objects.get(code="initial_recognition")
    url = reverse("admin:catalog_item_change", args=[item.pk])
    response = admin_client.post(url, item_data(item, stages=stages))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["stages"])
    item.refresh_from_db()
    assert "bureau_approval" in item.stages and "window_intake" in item.stages


def test_the_committee_stage_goes_with_needs_committee():
    item = Item.objects.get(code="evaluation")
    item.stages = [s for s in item.stages if s != "committee_review"]
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "评委会评审" in error.value.message_dict["stages"][0]


def test_a_lawful_route_still_saves(admin_client):
    item = Item.objects.get(code="initial_recognition")
    url = reverse("admin:catalog_item_change", args=[item.pk])
    response = admin_client.post(url, item_data(item))
    assert response.status_code == 302


def test_no_certificate_for_an_application_whose_route_lacks_the_approval(catalog):
    application = ApplicationFactory(approved=True)
    application.route = ["unit_review"]
    application.save(update_fields=["route"])
    assert application.state == State.APPROVED
    with pytest.raises(certificate_services.CertificateRefused, match="人才主管部门审核批准"):
        certificate_services.certificate_issue(application_id=application.pk)
    assert not Certificate.objects.filter(application=application).exists()
