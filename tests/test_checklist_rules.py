"""Issue 11, the checklist: never ask the applicant for what the route produces later (the unit's
recommendation, the notice result, the acceptance receipt), nor a current-title certificate from
someone who has none; the reissue asks only what a reissue needs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as filing
from applications.materials import missing_required_materials
from applications.models import CurrentTitle
from portal.accounts.models import User
from portal.catalog.models import Item, MaterialRequirement, route_produced
from tests.filing_helpers import teacher_evaluation
from tests.workflow_helpers import DEMO

pytestmark = pytest.mark.django_db


def test_no_item_asks_for_what_its_route_produces(catalog):
    for requirement in MaterialRequirement.objects.select_related("item"):
        assert route_produced(requirement.name) == "", (requirement.item.code, requirement.name)
    names = set(MaterialRequirement.objects.values_list("name", flat=True))
    assert "单位推荐意见表" not in names and "单位公示结果" not in names


@pytest.mark.parametrize("name", ["单位推荐意见表", "单位公示结果", "受理凭证"])
def test_the_admin_refuses_a_material_the_route_produces(catalog, name):
    requirement = MaterialRequirement(item=Item.objects.get(code="evaluation"), name=name)
    with pytest.raises(ValidationError) as error:
        requirement.full_clean()
    assert "不能要求申报人上传" in error.value.message_dict["name"][0]


def test_the_admin_page_says_so_at_the_field(demo, client):
    client.force_login(User.objects.get(mobile=DEMO["admin"]))
    response = client.post(
        reverse("admin:catalog_materialrequirement_add"),
        {
            "item": Item.objects.get(code="initial_recognition").pk,
            "name": "单位推荐意见表",
            "required": "on",
            "order": 1,
        },
    )
    assert response.status_code == 200
    assert "单位推荐意见由单位在单位审核环节填写，不能要求申报人上传。" in response.content.decode()
    assert not MaterialRequirement.objects.filter(name="单位推荐意见表").exists()


def test_the_reissue_asks_only_what_a_reissue_needs(catalog):
    required = set(
        MaterialRequirement.objects.filter(item__code="reissue", required=True).values_list("name", flat=True)
    )
    assert required == {"身份证复印件", "补换发申请表", "原证书或遗失声明"}


def test_no_current_title_certificate_from_someone_without_a_title(demo):
    application = teacher_evaluation(User.objects.get(mobile=DEMO["applicant"]))
    CurrentTitle.objects.create(application=application, has_title=False)
    missing = [m.name for m in missing_required_materials(application)]
    assert "现职称证书" not in missing and "专业技术工作总结" in missing
    assert not any("现职称证书" in m.message for m in filing.completeness(application))
    # Someone who has a title is asked for it.
    CurrentTitle.objects.filter(application=application).update(has_title=True)
    assert "现职称证书" in [m.name for m in missing_required_materials(application)]
    assert any("现职称证书" in m.message for m in filing.completeness(application))
