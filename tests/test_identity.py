import pytest
from django.core.exceptions import ValidationError

from portal.core.identity import (
    mask_id_number,
    normalize_mobile,
    parse_id_number,
    validate_credit_code,
    validate_mobile,
    with_check_digit,
    with_credit_check,
)

# County codes from every city in the seeds, several of which python-stdnum's table rejects
# for some birth years (Danzhou 460400, Kunming 呈贡区 530114, Shanghai 浦东 310115 …).
SEED_CITY_PREFIXES = {
    "儋州": "460400",
    "海口": "460105",
    "昆明五华": "530102",
    "昆明呈贡": "530114",
    "昆明晋宁": "530115",
    "长沙岳麓": "430104",
    "长沙望城": "430112",
    "上海浦东": "310115",
    "上海崇明": "310151",
    "成都武侯": "510107",
    "成都双流": "510116",
    "成都郫都": "510117",
    "西安长安": "610116",
    "西安高陵": "610117",
    "西安鄠邑": "610118",
    "深圳南山": "440305",
    "深圳龙华": "440309",
    "深圳坪山": "440310",
    "广州天河": "440106",
    "广州从化": "440117",
    "重庆江北": "500105",
    "重庆綦江": "500110",
    "东阳": "330783",
    "盐城亭湖": "320902",
    "南京鼓楼": "320106",
    "贵阳观山湖": "520115",
    "乌鲁木齐天山": "650102",
    "杭州上城": "330102",
    "港澳台居住证": "810000",
}


@pytest.mark.parametrize("city,prefix", SEED_CITY_PREFIXES.items())
@pytest.mark.parametrize("birth", ["19650228", "19851231", "20000229"])
def test_real_people_from_every_seed_city_are_accepted(city, prefix, birth):
    number = with_check_digit(f"{prefix}{birth}123")
    parsed = parse_id_number(number)
    assert parsed.number == number
    assert parsed.birth_date.strftime("%Y%m%d") == birth


def test_sex_and_birth_date_are_derived():
    man = parse_id_number(with_check_digit("53010219880315201"))
    woman = parse_id_number(with_check_digit("53010219880315202"))
    assert (man.sex, woman.sex) == ("M", "F")
    assert str(man.birth_date) == "1988-03-15"


def test_lowercase_x_is_normalised():
    number = next(
        with_check_digit(f"11010519491231{n:03d}")
        for n in range(1000)
        if with_check_digit(f"11010519491231{n:03d}").endswith("X")
    )
    assert parse_id_number(number.lower()).number == number


@pytest.mark.parametrize(
    "value,message",
    [
        ("53010219880315201", "18位"),
        ("5301021988031520AB", "前17位"),
        ("990102198803152015", "省级行政区划"),
        ("530102198802302019", "出生日期不存在"),
        ("530102209901012019", "出生日期不合理"),
    ],
)
def test_bad_id_numbers_get_a_chinese_message(value, message):
    if message in ("出生日期不存在", "出生日期不合理"):
        value = with_check_digit(value[:17])
    with pytest.raises(ValidationError) as error:
        parse_id_number(value)
    assert message in error.value.messages[0]


def test_wrong_check_digit_is_refused():
    good = with_check_digit("53010219880315201")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        parse_id_number(bad)


def test_mask():
    assert mask_id_number("530102198803152015") == "530102********2015"


def test_credit_codes():
    validate_credit_code("91110000600037341L")
    validate_credit_code(with_credit_check("12530100431200001"))
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code("91110000600037341A")
    with pytest.raises(ValidationError, match="18位"):
        validate_credit_code("9111000060003734")
    with pytest.raises(ValidationError, match="格式"):
        validate_credit_code("91110000600037341I")


@pytest.mark.parametrize(
    ("value", "mobile"),
    [("13800000001", "13800000001"), ("+86 138 0000 0001", "13800000001"), ("19912345678", "19912345678")],
)
def test_valid_mobiles(value, mobile):
    assert validate_mobile(value) is None  # accepted: it raises for anything else
    assert normalize_mobile(value) == mobile


@pytest.mark.parametrize("value", ["12800000001", "1380000000", "0871-65310000"])
def test_invalid_mobiles(value):
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile(value)


@pytest.mark.parametrize(
    "first17",
    [
        "N2530102MA6K12345",  # 农业农村: a village collective economic organisation (N2)
        "Y1530102MA6K12345",  # 其他登记管理部门
        "A1110000MA0012345",  # 中央军委改革和编制办公室
        "51530100MJY123456",  # 民政: a social organisation
    ],
)
def test_credit_codes_of_letter_registration_authorities_are_valid(first17):
    code = with_credit_check(first17)
    assert validate_credit_code(code) is None  # accepted: raises ValidationError otherwise
    with pytest.raises(ValidationError, match="校验位"):  # and the check character still counts
        validate_credit_code(first17 + ("0" if code[-1] != "0" else "1"))


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("X2530102MA6K12345", "第1位"),  # no registration authority X
        ("N25301A2MA6K12345", "第3至8位"),  # the region code is digits
    ],
)
def test_a_malformed_credit_code_names_the_position(code, names):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(with_credit_check(code))
    assert names in error.value.messages[0]
