from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotIdentityPasswordValidator:
    """The password may not contain the ID number, its last 6 or 8 characters, or the mobile number."""

    def validate(self, password, user=None):
        if not user or not password:
            return
        lowered = password.upper()
        fragments = []
        id_number = getattr(user, "id_number", "") or ""
        if id_number:
            fragments += [id_number, id_number[-6:], id_number[-8:], id_number[6:14]]
        mobile = getattr(user, "mobile", "") or ""
        if mobile:
            fragments += [mobile, mobile[-8:]]
        if any(fragment and fragment.upper() in lowered for fragment in fragments):
            raise ValidationError(_("密码不能包含身份证号码、出生日期或手机号码。"), code="password_contains_identity")

    def get_help_text(self):
        return _("密码不能包含身份证号码、出生日期或手机号码。")


class MinimumLengthValidator:
    """Django's own, with a message Django's Chinese catalogue lacks (its plural form is untranslated)."""

    def __init__(self, min_length=8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(min_length)d个字符。"),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("密码至少需要%(min_length)d个字符。") % {"min_length": self.min_length}
