"""Application ids as posted by a list's check boxes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The largest id an integer primary key column holds (PostgreSQL's integer).
MAX_APPLICATION_ID = 2**31 - 1


def parse_application_ids(values) -> list[int]:
    """The ticked applications as ids, in order and once each. Anything but a plain decimal id (a
    tampered form: "²", "١٢", a number no database column holds) is refused, not a 500."""
    ids = []
    for value in values:
        value = str(value).strip()
        if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_APPLICATION_ID:
            raise ValidationError({"application": _("所选申报无效，请刷新页面后重新勾选。")})
        ids.append(int(value))
    return list(dict.fromkeys(ids))
