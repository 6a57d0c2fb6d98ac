from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from portal.core.identity import mask_id_number, mask_mobile, normalize_id_number, parse_id_number


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, id_number, password=None, **fields):
        id_number = normalize_id_number(id_number)
        parse_id_number(id_number)
        user = self.model(id_number=id_number, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, id_number, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(id_number, password, **fields)


class User(BlindIndexedModel, AbstractBaseUser, PermissionsMixin):
    """A person. The resident ID number is the identity and never changes after registration.

    ID number and mobile are encrypted at rest; their blind indexes are what look-ups and the
    uniqueness constraints compare (portal/core/encrypted_fields.py)."""

    # unique=True keeps Django's unique check (it compares the blind index); the index column's own
    # unique constraint is what the database enforces.
    id_number = EncryptedCharField(_("身份证号码"), max_length=18, unique=True, blind_index="id_number_index")
    id_number_index = BlindIndexField(source="id_number", kind="id_number", unique=True)
    real_name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedCharField(_("手机号码"), max_length=11, unique=True, blind_index="mobile_index")
    mobile_index = BlindIndexField(source="mobile", kind="mobile", unique=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("可登录管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("经办人重置密码后，下次登录须先设置新密码。")
    )

    objects = UserManager()

    USERNAME_FIELD = "id_number"
    REQUIRED_FIELDS = ["real_name", "mobile"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["id"]

    def __str__(self):
        return f"{self.real_name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def birth_date(self):
        return parse_id_number(self.id_number).birth_date

    @property
    def sex(self) -> str:
        return parse_id_number(self.id_number).sex

    @property
    def sex_label(self) -> str:
        return _("男") if self.sex == "M" else _("女")

    def get_full_name(self):
        return self.real_name

    def get_short_name(self):
        return self.real_name


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS, stored only hashed; a few guesses, a few minutes, used once."""

    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class PasswordResetCode(OneTimeCode):
    """A one-time code sent to the registered mobile to reset a forgotten password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes", verbose_name=_("用户"))

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class MobileCodePurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    MOBILE_CHANGE = "mobile_change", _("更换手机号码")


class MobileCode(BlindIndexedModel, OneTimeCode):
    """A one-time code proving that someone holds a mobile that is not (yet) their account's: at
    registration, and when changing the account's mobile (then `user` is whose account)."""

    purpose = models.CharField(_("用途"), max_length=20, choices=MobileCodePurpose.choices)
    mobile = EncryptedCharField(_("手机号码"), max_length=11, blind_index="mobile_index")
    mobile_index = BlindIndexField(source="mobile", kind="mobile")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )

    class Meta:
        verbose_name = _("手机验证码")
        verbose_name_plural = _("手机验证码")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mobile_index", "purpose", "created_at"], name="mobilecode_lookup")]

    def __str__(self):
        return f"{mask_mobile(self.mobile)} · {self.get_purpose_display()}"
