"""The password policy at registration: each rule a Chinese message at the password field."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.core.identity import with_check_digit
from tests.factories import UnitFactory, id_number
from tests.test_registration import applicant_data, with_code

pytestmark = pytest.mark.django_db

NUMBER = id_number(prefix="530114", birth="19870615")
MOBILE = "13987654321"


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab19870615", "出生日期"),  # birth date
        (f"x{NUMBER}", "身份证号码"),  # the whole ID
        (f"Zz{NUMBER[-6:]}!", "身份证号码"),  # its last 6
        (f"Zz{MOBILE}", "手机号码"),  # the mobile
        (f"Qq#{MOBILE[-8:]}", "手机号码"),  # its last 8
        ("Ab1#", "至少需要8个字符"),
        ("qwertyuiop", "太常见"),
        ("8736459120", "只包含数字"),
    ],
)
def test_each_rule_has_a_chinese_message_and_nothing_is_saved(client, password, message):
    unit = UnitFactory()
    data = applicant_data(unit, id_number=NUMBER, mobile=MOBILE, password1=password, password2=password)
    response = client.post(reverse("people:register"), data)
    assert message in str(response.context["form"].errors["password1"]), response.context["form"].errors
    assert not User.objects.exists()
    page = response.content.decode()
    assert NUMBER in page and MOBILE in page and "王小明" in page


def test_the_identity_rule_applies_when_the_id_number_was_typed_in_lowercase(client):
    number = with_check_digit("11010519491231002")
    assert number.endswith("X")
    unit = UnitFactory()
    password = f"Pw{number[-8:].lower()}"
    data = applicant_data(unit, id_number=number.lower(), password1=password, password2=password)
    errors = client.post(reverse("people:register"), data).context["form"].errors
    assert "身份证号码" in str(errors["password1"])


def test_a_good_password_is_accepted(client, phone):
    unit = UnitFactory()
    data = applicant_data(unit, id_number=NUMBER, mobile=MOBILE, password1="Dianchi#Lake7", password2="Dianchi#Lake7")
    data = with_code(client, phone, data)
    assert client.post(reverse("people:register"), data).status_code == 302
    assert User.objects.get(id_number=NUMBER).check_password("Dianchi#Lake7")
