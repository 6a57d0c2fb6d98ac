from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from portal.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from portal.core.identity import mask_mobile, validate_credit_code


class Region(models.Model):
    """An administrative area (统筹区): province, city, county/district or development zone."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]

    def __str__(self):
        return self.name


class OrgKind(models.TextChoices):
    UNIT = "unit", _("用人单位")
    DEPARTMENT = "department", _("主管部门")
    WINDOW = "window", _("单一窗口")
    BUREAU = "bureau", _("人才主管部门")


class OrgStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class OrganizationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=OrgStatus.APPROVED)

    def units(self):
        return self.filter(kind=OrgKind.UNIT)

    def departments(self):
        return self.filter(kind=OrgKind.DEPARTMENT)


class Organization(FSMModelMixin, models.Model):
    """One node of the hierarchy: employer unit, supervising department, window or bureau.

    A unit's identity is its unified social credit code; its name may change (see NameChange).
    """

    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("地区"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级主管部门"),
    )
    status = FSMField(_("审核状态"), default=OrgStatus.PENDING, choices=OrgStatus.choices, protected=True)
    rejection_reason = models.TextField(_("审核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    scope = models.TextField(_("业务范围"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=100, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["parent", "status"])]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == OrgStatus.APPROVED

    @transition(field=status, source=OrgStatus.PENDING, target=OrgStatus.APPROVED)
    def approve(self, *, by):
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self.rejection_reason = ""

    @transition(field=status, source=OrgStatus.PENDING, target=OrgStatus.REJECTED)
    def reject(self, *, by, reason: str):
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self.rejection_reason = reason

    @transition(field=status, source=OrgStatus.REJECTED, target=OrgStatus.PENDING)
    def resubmit(self):
        self.reviewed_by = None
        self.reviewed_at = None


class NameChange(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="name_changes", verbose_name=_("机构")
    )
    old_name = models.CharField(_("原名称"), max_length=200)
    new_name = models.CharField(_("新名称"), max_length=200)
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )

    class Meta:
        verbose_name = _("名称变更记录")
        verbose_name_plural = _("名称变更记录")
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报人")
    UNIT_HR = "unit_hr", _("单位经办人")
    DEPT_REVIEWER = "dept_reviewer", _("主管部门审核人")
    WINDOW_STAFF = "window_staff", _("窗口工作人员")
    BUREAU_APPROVER = "bureau_approver", _("人才主管部门审批人")
    ADMIN = "admin", _("管理员")
    COMMITTEE_EXPERT = "committee_expert", _("评审专家")
    COMMITTEE_OFFICE = "committee_office", _("评委会办事机构")


# Which kind of organization each role belongs to.
ROLE_ORG_KIND = {
    Role.APPLICANT: OrgKind.UNIT,
    Role.UNIT_HR: OrgKind.UNIT,
    Role.DEPT_REVIEWER: OrgKind.DEPARTMENT,
    Role.WINDOW_STAFF: OrgKind.WINDOW,
    Role.BUREAU_APPROVER: OrgKind.BUREAU,
    Role.ADMIN: OrgKind.BUREAU,
    # An expert's membership is in the unit that employs them: recusal by unit reads it there.
    Role.COMMITTEE_EXPERT: OrgKind.UNIT,
    # The office sits in the committee's organiser (组建单位), usually an industry department; which
    # committees it runs is data (reviews.CommitteeOffice), not its organisation's kind.
    Role.COMMITTEE_OFFICE: OrgKind.DEPARTMENT,
}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in an organization. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("机构")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("离开时间"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色成员")
        verbose_name_plural = _("角色成员")
        ordering = ["organization_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(is_active=True),
                name="membership_unique_active_role",
            ),
            # An applicant belongs to one unit at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_active=True, role="applicant"),
                name="membership_one_active_applicant_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user.real_name} · {self.get_role_display()} · {self.organization.name}"


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("待单位审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class JoinRequest(models.Model):
    """Someone with an account asks to join a unit as an applicant; its HR officer decides. A
    removal lasts: nobody becomes a unit's applicant again without the unit agreeing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("申请人")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="join_requests", verbose_name=_("单位")
    )
    status = models.CharField(_("状态"), max_length=20, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        verbose_name = _("加入单位申请")
        verbose_name_plural = _("加入单位申请")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="join_request_one_pending_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user.real_name} → {self.organization.name} ({self.get_status_display()})"


class Invitation(BlindIndexedModel, models.Model):
    """The organization above names who is to run a new organization (a unit's HR officer, a
    department's reviewer) by name and mobile. That person registers with this mobile, proven by
    an SMS code as at unit registration, or, holding an account with it, accepts after logging in;
    the role is theirs only then."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("机构")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    real_name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedCharField(_("手机号码"), max_length=11, blind_index="mobile_index")
    mobile_index = BlindIndexField(source="mobile", kind="mobile")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("接受人"),
    )

    class Meta:
        verbose_name = _("经办人邀请")
        verbose_name_plural = _("经办人邀请")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.real_name}（{mask_mobile(self.mobile)}）· {self.organization.name}"
