"""What people really type into identity fields: spaces, full-width characters from a Chinese
input method, a lowercase x, "+86". Accepted when it is a valid number, stored in one canonical
form (so the same person cannot register twice by typing differently), refused with a Chinese
message at the field otherwise."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.accounts.models import User
from portal.core.identity import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
    validate_credit_code,
    validate_mobile,
    with_check_digit,
    with_credit_check,
)
from tests.factories import UnitFactory, id_number, member, mobile
from tests.test_registration import applicant_data, with_code


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


VALID_X = with_check_digit("11010519491231002")  # check digit X


def test_the_sample_number_ends_in_x():
    assert VALID_X.endswith("X")


@pytest.mark.parametrize(
    "typed",
    [
        VALID_X.lower(),
        full_width(VALID_X),
        full_width(VALID_X.lower()),
        f" {VALID_X[:6]} {VALID_X[6:14]} {VALID_X[14:]} ",
        f"{VALID_X[:6]}\u3000{VALID_X[6:14]}\u3000{VALID_X[14:]}",  # the ideographic space of a Chinese IME
        f"{VALID_X[:6]}-{VALID_X[6:14]}-{VALID_X[14:]}",
    ],
)
def test_typed_variants_of_a_valid_id_number_are_one_number(typed):
    assert normalize_id_number(typed) == VALID_X
    assert parse_id_number(typed).number == VALID_X


@pytest.mark.parametrize(
    "typed", ["五三〇一〇二一九九〇〇一〇一一二三一", "٥٣٠١٠٢١٩٩٠٠١٠١١٢٣١", "53010219900101123Y", "5301021990０1011２3"]
)
def test_non_digits_get_the_format_or_length_message(typed):
    with pytest.raises(ValidationError) as error:
        parse_id_number(typed)
    assert error.value.code in {"format", "length", "checksum"}


@pytest.mark.parametrize("typed", ["+86 138-1234-5678", "138 1234 5678", "(86)13812345678", full_width("13812345678")])
def test_typed_variants_of_a_mobile_are_one_number(typed):
    validate_mobile(typed)
    assert normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["138abc12345678", "1381234567８x", "138.1234.5678", "23812345678", "1381234567"])
def test_mobiles_with_letters_or_wrong_digits_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        validate_mobile(typed)
    assert "11位中国大陆手机号码" in error.value.messages[0]


def test_credit_code_typed_in_lowercase_full_width_or_with_spaces():
    code = with_credit_check("91530100MA6K12345")
    for typed in [code.lower(), full_width(code), f"{code[:6]} {code[6:12]} {code[12:]}"]:
        assert normalize_credit_code(typed) == code
        validate_credit_code(typed)


def test_credit_code_with_chinese_characters_gets_the_format_message():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91530100MA6K1234中")
    assert error.value.code == "format"


@pytest.mark.django_db
def test_registration_accepts_spaced_id_and_mobile_and_stores_them_compact(client, phone):
    unit = UnitFactory()
    number = id_number()
    typed_id = f"{number[:6]} {number[6:14]} {number[14:]}"
    compact = mobile()
    data = applicant_data(unit, id_number=typed_id, mobile=f"+86 {compact[:3]}-{compact[3:7]}-{compact[7:]}")
    response = client.post(reverse("people:register"), with_code(client, phone, data))
    assert response.status_code == 302
    user = User.objects.get(id_number=number)
    assert user.mobile == compact


@pytest.mark.django_db
def test_the_same_person_typed_full_width_is_a_duplicate(client, phone):
    unit = UnitFactory()
    existing = member("applicant", unit)
    # Typed full-width, the ID number is still recognised as taken (its holder is told) …
    data = with_code(client, phone, applicant_data(unit, id_number=full_width(existing.id_number)))
    assert client.post(reverse("people:register"), data).status_code == 302
    assert "注册未生效" in phone.texts(existing.mobile)[-1]
    # … and so is the mobile: its holder gets a notice instead of a code.
    client.post(reverse("people:register"), {"mobile": full_width(existing.mobile), "action": "send_code"})
    assert "本号码已注册过账号" in phone.texts(existing.mobile)[-1]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_long_typed_id_number_gets_the_id_message_not_a_character_count(client):
    unit = UnitFactory()
    response = client.post(reverse("people:register"), applicant_data(unit, id_number="5301021990010112345678"))
    assert "身份证号码应为18位，当前为22位" in str(response.context["form"].errors["id_number"])


@pytest.mark.django_db
@pytest.mark.parametrize("first17", ["53010219900230123", "53010220990101123", "53010218890101123"])
def test_impossible_or_future_birth_dates_at_registration(client, first17):
    unit = UnitFactory()
    data = applicant_data(unit, id_number=with_check_digit(first17))
    response = client.post(reverse("people:register"), data)
    assert "出生日期" in str(response.context["form"].errors["id_number"])
    page = response.content.decode()
    assert data["id_number"] in page and data["mobile"] in page and "王小明" in page
    assert not User.objects.exists()
