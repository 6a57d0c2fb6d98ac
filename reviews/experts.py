"""The expert pool (专家库) of a committee organizer (组建单位): who may keep it, adding an
expert, retiring or suspending one, the xlsx import and the export. A pool is kept by the
offices of the organiser's committees (reviews.offices) and by the administrator."""

from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from portal.accounts.models import User
from portal.catalog.models import Committee, Level, Series
from portal.core.identity import (
    mask_mobile,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
    validate_mobile,
)
from portal.core.spreadsheets import neutralised_row
from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Role

from . import offices
from .models import Expert, ExpertStatus

IMPORT_MAX_ROWS = 2000
IMPORT_COLUMNS = ("姓名", "身份证号", "手机号", "系列", "专业", "职称层级", "工作单位统一社会信用代码", "诚信记录")


def can_keep_pool(user, organizer: str) -> bool:
    return organizer in offices.pools_of(user)


def organizers() -> list[str]:
    """The organizers (组建单位) that have a committee: each keeps one pool."""
    names = Committee.objects.filter(is_active=True).exclude(organizer="").values_list("organizer", flat=True)
    return sorted(set(names))


def experts_of_pool(organizer: str):
    return (
        Expert.objects.filter(organizer=organizer)
        .select_related("user", "series", "level", "unit", "region")
        .order_by("status", "series__number", "id")
    )


@dataclass
class ExpertRow:
    real_name: str
    id_number: str
    mobile: str
    series: str
    speciality: str
    level: str
    unit_code: str
    integrity_note: str = ""


def _clean(row: ExpertRow, organizer: str) -> dict:
    """The row's values as model objects, or a ValidationError naming the field."""
    if organizer not in organizers():
        raise ValidationError({"organizer": _("请选择有评审委员会的组建单位。")})
    errors = {}
    if not row.real_name.strip():
        errors["real_name"] = _("请填写姓名。")
    try:
        parse_id_number(row.id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    try:
        validate_mobile(row.mobile)
    except ValidationError as error:
        errors["mobile"] = error.messages
    series = Series.objects.filter(name=row.series.strip(), is_active=True).first()
    if series is None:
        errors["series"] = _("系列“%(name)s”不在目录中。") % {"name": row.series.strip()[:50]}
    level = Level.objects.filter(name=row.level.strip()).first()
    if level is None:
        errors["level"] = _("职称层级“%(name)s”不在目录中。") % {"name": row.level.strip()[:20]}
    unit = Organization.objects.filter(
        kind=OrgKind.UNIT, status=OrgStatus.APPROVED, credit_code=normalize_credit_code(row.unit_code)
    ).first()
    if unit is None:
        errors["unit_code"] = _("统一社会信用代码对应的单位未在系统中注册。")
    if errors:
        raise ValidationError(errors)
    id_number = normalize_id_number(row.id_number)
    user = User.objects.filter(id_number=id_number).first()
    if user is not None and user.real_name != row.real_name.strip():
        raise ValidationError({"real_name": _("该身份证号已有账号，姓名与账号不符。")})
    if user is not None and Expert.objects.filter(organizer=organizer, user=user).exists():
        raise ValidationError({"id_number": _("该专家已在本专家库中。")})
    return {
        "user": user,
        "real_name": row.real_name.strip(),
        "id_number": id_number,
        "mobile": normalize_mobile(row.mobile),
        "series": series,
        "level": level,
        "unit": unit,
    }


def _create(row: ExpertRow, organizer: str, by) -> Expert:
    clean = _clean(row, organizer)
    user = clean["user"]
    if user is None:
        # The expert's own account, with no usable password until they set one (forgotten
        # password by ID number and registered mobile, as every account does).
        user = User(id_number=clean["id_number"], real_name=clean["real_name"], mobile=clean["mobile"])
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organization=clean["unit"], role=Role.COMMITTEE_EXPERT, is_active=True)
    return Expert.objects.create(
        organizer=organizer,
        user=user,
        series=clean["series"],
        speciality=row.speciality.strip()[:100],
        level=clean["level"],
        unit=clean["unit"],
        region=clean["unit"].region,
        mobile=clean["mobile"],
        integrity_note=row.integrity_note.strip()[:2000],
        added_by=by,
    )


def expert_add(*, organizer: str, row: ExpertRow, by) -> Expert:
    if not can_keep_pool(by, organizer):
        raise ValidationError(_("无权维护专家库。"))
    with transaction.atomic():
        return _create(row, organizer, by)


def expert_set_status(*, expert_id: int, status: str, by) -> Expert:
    if status not in ExpertStatus.values:
        raise ValidationError({"status": _("未知的专家状态。")})
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert_id)
        if not can_keep_pool(by, expert.organizer):
            raise ValidationError(_("无权维护专家库。"))
        expert.status = status
        expert.status_changed_at = timezone.now()
        expert.save(update_fields=["status", "status_changed_at"])
        return expert


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def experts_import(*, organizer: str, data: bytes, by) -> tuple[int, list[tuple[int, str]]]:
    """Import a sheet of experts in one transaction: every row is checked, and when any row is
    wrong nothing is imported and the answer lists each wrong row (its sheet row number and why)."""
    if not can_keep_pool(by, organizer):
        raise ValidationError(_("无权维护专家库。"))
    try:
        sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2, max_row=IMPORT_MAX_ROWS + 2, values_only=True))
    except Exception as error:  # openpyxl raises many kinds for a file that is not an xlsx
        raise ValidationError({"file": _("无法读取文件，请上传按模板填写的xlsx文件。")}) from error
    rows = [r for r in rows if any(_cell(v) for v in r)]
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入%(n)d名专家。") % {"n": IMPORT_MAX_ROWS}})
    if not rows:
        raise ValidationError({"file": _("表格中没有专家数据。")})
    errors: list[tuple[int, str]] = []
    created = 0
    seen = set()
    with transaction.atomic():
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in (*values, *[""] * len(IMPORT_COLUMNS))][: len(IMPORT_COLUMNS)]
            row = ExpertRow(*cells)
            key = normalize_id_number(row.id_number)
            if key in seen:
                errors.append((number, _("身份证号与前面的行重复。")))
                continue
            seen.add(key)
            try:
                with transaction.atomic():
                    _create(row, organizer, by)
                created += 1
            except ValidationError as error:
                errors.append((number, "；".join(error.messages)))
        if errors:
            transaction.set_rollback(True)
            return 0, errors
    return created, []


def import_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "专家"
    sheet.append(list(IMPORT_COLUMNS))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def experts_export(organizer: str) -> bytes:
    """The pool as xlsx; mobiles masked as on the page; every cell neutralised (formula injection)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "专家库"
    sheet.append(
        neutralised_row(
            [
                _("姓名"),
                _("系列"),
                _("专业"),
                _("职称层级"),
                _("工作单位"),
                _("地区"),
                _("联系电话"),
                _("状态"),
                _("诚信记录"),
            ]
        )
    )
    for expert in experts_of_pool(organizer):
        sheet.append(
            neutralised_row(
                [
                    expert.user.real_name,
                    expert.series.name,
                    expert.speciality,
                    expert.level.name,
                    expert.unit.name,
                    expert.region.name,
                    mask_mobile(expert.mobile),
                    expert.get_status_display(),
                    expert.integrity_note,
                ]
            )
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
