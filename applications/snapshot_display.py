"""The filed snapshot (Application.filed_content) as readers see it: labels and values in the
reader's language, built at display from the field names and codes the snapshot stores.

Snapshots filed before "format": 2 are label-keyed Chinese text already and are shown as they
are. Pages that print the filed content (the review page, the filed copy, the form PDF, the
receipt) read it only through this module."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.identity import mask_id_number, mask_mobile

from . import models as m
from .sections import LABELS, SECTIONS

# The profile fields frozen into the snapshot's basic section, in their order.
BASIC_PROFILE_FIELDS = ["ethnicity", "politics", "address", "post", "work_start_date", "is_civil_servant", "is_retired"]

APPLICATION_LABELS = {
    "item": gettext_lazy("事项"),
    "series": gettext_lazy("系列"),
    "level": gettext_lazy("层级"),
    "title": gettext_lazy("申报职称"),
    "committee": gettext_lazy("评委会"),
    "unit": gettext_lazy("申报单位"),
    "year": gettext_lazy("申报年度"),
    "wants_express": gettext_lazy("证书是否快递"),
    "express_address": gettext_lazy("快递地址"),
}
BASIC_LABELS = {
    "real_name": gettext_lazy("姓名"),
    "id_number": gettext_lazy("身份证号码"),
    "sex": gettext_lazy("性别"),
    "birth_date": gettext_lazy("出生日期"),
    "mobile": gettext_lazy("手机号码"),
}
COMMITMENT_LABELS = {
    "version": gettext_lazy("版本"),
    "text": gettext_lazy("内容"),
    "confirmed_at": gettext_lazy("确认时间"),
}
MATERIAL_LABELS = {
    "name": gettext_lazy("材料"),
    "size": gettext_lazy("大小"),
    "sha256": "SHA-256",
    "uploaded_at": gettext_lazy("上传时间"),
}
# Legacy (label-keyed) snapshots: the keys that held these values.
_LEGACY = {
    ("basic", "id_number"): "身份证号码",
    ("basic", "mobile"): "手机号码",
    ("application", "unit"): "申报单位",
    ("current_title", "certificate_number"): "证书编号",
    ("materials", "name"): "材料",
}


def is_coded(content) -> bool:
    return isinstance(content, dict) and content.get("format") == 2


def _yes_no(value) -> str:
    return _("是") if value else _("否")


def _model_value(model, name, value):
    """A stored model field value for display: choice labels, yes/no, or as stored."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed: show what was stored
        return value
    if field.choices and value not in ("", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _yes_no(value)
    return value


# Keys a filed row may carry besides its model's fields.
ROW_MARK_LABELS = {"representative": gettext_lazy("代表作")}


def _model_facts(model, values: dict) -> dict:
    return {
        str(ROW_MARK_LABELS[k] if k in ROW_MARK_LABELS else model._meta.get_field(k).verbose_name): (
            _yes_no(v) if k in ROW_MARK_LABELS else _model_value(model, k, v)
        )
        for k, v in values.items()
    }


def display_content(content: dict) -> dict:
    """The snapshot with labels for keys and display values, section by section, in the active
    language (a legacy snapshot unchanged)."""
    if not is_coded(content):
        return content or {}
    shown = {}
    for key, value in content.items():
        if key == "format":
            continue
        if key == "application":
            shown[key] = {
                str(APPLICATION_LABELS.get(k, k)): (_yes_no(v) if isinstance(v, bool) else v) for k, v in value.items()
            }
        elif key == "basic":
            facts = {}
            for k, v in value.items():
                if k in BASIC_LABELS:
                    facts[str(BASIC_LABELS[k])] = (_("男") if v == "M" else _("女")) if k == "sex" else v
                else:
                    facts[str(m.Profile._meta.get_field(k).verbose_name)] = _model_value(m.Profile, k, v)
            shown[key] = facts
        elif key == "current_title":
            shown[key] = _model_facts(m.CurrentTitle, value)
        elif key == "commitment":
            shown[key] = {str(COMMITMENT_LABELS.get(k, k)): v for k, v in value.items()}
        elif key == "materials":
            shown[key] = [{str(MATERIAL_LABELS.get(k, k)): v for k, v in row.items()} for row in value]
        elif key in SECTIONS and SECTIONS[key].kind == "rows" and isinstance(value, list):
            model = SECTIONS[key].model
            shown[key] = [_model_facts(model, row) for row in value]
        else:
            shown[key] = value
    return shown


def labelled_content(content: dict) -> list[tuple[str, object]]:
    """Filed content as (section label, value) pairs, in the order it was filed."""
    labels = {"application": gettext_lazy("申报事项"), "materials": gettext_lazy("申报材料"), **LABELS}
    return [(str(labels.get(key, key)), value) for key, value in display_content(content).items()]


def filed_value(content: dict, section: str, name: str):
    """One stored value by section and field name, from either snapshot format."""
    part = (content or {}).get(section)
    if not isinstance(part, dict):
        return ""
    return part.get(name if is_coded(content) else _LEGACY.get((section, name), name), "")


def filed_material_names(content: dict) -> list[str]:
    key = "name" if is_coded(content) else "材料"
    return [row.get(key, "") for row in (content or {}).get("materials") or [] if isinstance(row, dict)]


def filed_basic_facts(content: dict) -> list[tuple[str, object]]:
    """The basic information as filed (the ID number is shown masked from the account, so left
    out here), with the unit the application was filed for."""
    basic = display_content(content).get("basic") or {}
    hidden = str(BASIC_LABELS["id_number"]) if is_coded(content) else "身份证号码"
    facts = [(label, value) for label, value in basic.items() if label != hidden]
    unit = filed_value(content, "application", "unit")
    if unit:
        facts.append((str(APPLICATION_LABELS["unit"]) if is_coded(content) else "申报单位", unit))
    return facts


def masked_content(content: dict) -> dict:
    """The snapshot with the ID number and mobile of its basic section masked."""
    basic = (content or {}).get("basic")
    if not isinstance(basic, dict):
        return content or {}
    keys = {"id_number": mask_id_number, "mobile": mask_mobile}
    if not is_coded(content):
        keys = {_LEGACY[("basic", k)]: f for k, f in keys.items()}
    masked = {k: (keys[k](str(v)) if k in keys and v else v) for k, v in basic.items()}
    return {**content, "basic": masked}


# What names the applicant in a snapshot, by section: hidden from the experts of a committee that
# reviews anonymously (Committee.hide_identity_in_review).
IDENTITY_FIELDS = {
    "basic": ("real_name", "id_number", "mobile", "birth_date", "address"),
    "application": ("unit", "express_address"),
    "current_title": ("certificate_number",),
}
_LEGACY_IDENTITY = {"basic": ("姓名", "身份证号码", "手机号码", "出生日期", "通讯地址"), "application": ("申报单位",)}


def anonymised_content(content: dict) -> dict:
    """The snapshot with the fields that name the applicant replaced by “（已隐去）”, and the
    applicant's name and filed unit wherever else they appear as a value (work history rows …)."""
    hidden = IDENTITY_FIELDS if is_coded(content) else _LEGACY_IDENTITY
    result = dict(content or {})
    named = {
        str(v).strip()
        for section, names in hidden.items()
        for k, v in (result.get(section) or {}).items()
        if k in names and v and isinstance(result.get(section), dict)
    }
    named = {v for v in named if len(v) > 1}
    marker = _("（已隐去）")

    def scrub(value):
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, str) and value.strip() in named:
            return marker
        return value

    for section, names in hidden.items():
        part = result.get(section)
        if isinstance(part, dict):
            result[section] = {k: (marker if k in names and v else v) for k, v in part.items()}
    return {k: (v if k == "format" else scrub(v)) for k, v in result.items()}
