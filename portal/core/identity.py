"""Chinese identity numbers: resident ID (GB 11643) and unified social credit code (GB 32100).

python-stdnum computes the check characters; we do not use its region table for ID numbers:
it rejects real people whose county code was created, renamed or merged after its data was
compiled (e.g. Danzhou 460400, Kunming's 呈贡区 530114, Shanghai 310115 before 2000). The
province part is still checked, against the codes GB/T 2260 has used since 1980 plus the
residence-permit prefixes for Hong Kong, Macao and Taiwan residents (81, 82, 83).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F": the 17th digit is odd for men

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


# What people type between the groups of an identity number: spaces (also the full-width space an
# input method produces), hyphens and dashes. NFKC first turns full-width digits and letters into
# ASCII ones.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_]+")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def normalize_id_number(value: str) -> str:
    return _compact(value)


def parse_id_number(value: str) -> ResidentId:
    """Return the parsed ID number or raise ValidationError with a message for the form field."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为%(n)d位。"), code="length", params={"n": len(number)})
    # isascii: str.isdigit() also accepts superscripts and other scripts' digits.
    if not (number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号码的前两位不是有效的省级行政区划代码。"), code="region")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="birth_date") from None
    today = timezone.localdate()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期不合理。"), code="birth_date")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入。"), code="checksum")
    return ResidentId(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def mask_id_number(number: str) -> str:
    """Public output shows the first 6 and last 4 characters: 530102********1234."""
    if len(number) != 18:
        return number
    return number[:6] + "*" * 8 + number[-4:]


def normalize_credit_code(value: str) -> str:
    return _compact(value)


# GB 32100-2015: position 1 is the registering authority (1 机构编制, 2 外交, 3 司法行政, 4 文化,
# 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管, A 中央军委改革和编制办公室, N 农业农村, Y 其他), 2 the
# kind of organisation, 3–8 the region code (digits), 9–17 the organisation code, 18 the check
# character. python-stdnum's uscc.validate wants digits in 1–8, so it refuses the letter
# authorities (village collectives are N…); only its check-character computation is used.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_AUTHORITIES = "123456789ANY"


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if not code.isascii() or any(c not in CREDIT_ALPHABET for c in code):
        raise ValidationError(
            _("统一社会信用代码格式不正确（应由数字和除I、O、Z、S、V以外的大写字母组成）。"), code="format"
        )
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。"), code="length", params={"n": len(code)})
    if code[0] not in CREDIT_AUTHORITIES:
        raise ValidationError(
            _("统一社会信用代码第1位（登记管理部门代码）应为1至9或A、N、Y，当前为“%(c)s”。"),
            code="authority",
            params={"c": code[0]},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字，当前为“%(part)s”。"),
            code="region",
            params={"part": code[2:8]},
        )
    if code[-1] != uscc.calc_check_digit(code[:17]):
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对后重新输入。"), code="checksum")


# A mobile number may be typed as "+86 138-1234-5678" or "(86)13812345678", nothing else.
_MOBILE_TYPED = re.compile(r"[0-9\s\-()+]*")


def normalize_mobile(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "")
    digits = "".join(ch for ch in value if ch in "0123456789")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def mask_mobile(mobile: str) -> str:
    """Logs and lists show the first 3 and last 4 digits: 138****1234."""
    if len(mobile or "") != 11:
        return "*" * len(mobile or "")
    return mobile[:3] + "****" + mobile[-4:]


def validate_mobile(value: str) -> None:
    typed = unicodedata.normalize("NFKC", value or "").strip()
    mobile = normalize_mobile(typed)
    if not _MOBILE_TYPED.fullmatch(typed) or len(mobile) != 11 or mobile[0] != "1" or mobile[1] not in "3456789":
        raise ValidationError(_("请输入11位中国大陆手机号码，例如 13812345678。"), code="mobile")


def with_check_digit(first17: str) -> str:
    """Complete 17 digits into a valid ID number (used for demo data and tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def with_credit_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)
