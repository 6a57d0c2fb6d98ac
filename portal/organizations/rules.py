"""What makes a new organization a duplicate: the messages registration and creation share."""

from django.utils.translation import gettext as _

from portal.core.identity import normalize_credit_code

from .models import Organization, OrgKind


def credit_code_refusal(credit_code: str) -> str:
    """Why this unified social credit code cannot be registered again ("" when it is free)."""
    existing = Organization.objects.filter(credit_code=normalize_credit_code(credit_code)).first()
    if existing is None:
        return ""
    return _("该统一社会信用代码已由“%(name)s”注册（%(status)s），请勿重复注册。") % {
        "name": existing.name,
        "status": existing.get_status_display(),
    }


def unit_name_refusal(name: str) -> str:
    """A unit's name is taken when another unit already has it (people pick their unit by name)."""
    existing = Organization.objects.filter(kind=OrgKind.UNIT, name=name.strip()).first()
    if existing is None:
        return ""
    return _("已有名为“%(name)s”的单位（统一社会信用代码 %(code)s），请核对单位全称。") % {
        "name": existing.name,
        "code": existing.credit_code or "—",
    }


def department_name_refusal(name: str, region) -> str:
    if not Organization.objects.filter(kind=OrgKind.DEPARTMENT, name=name.strip(), region=region).exists():
        return ""
    return _("%(region)s已有名为“%(name)s”的主管部门。") % {"region": region.name, "name": name.strip()}


def region_name_refusal(name: str, parent) -> str:
    if not parent.children.filter(name=name.strip()).exists():
        return ""
    return _("%(parent)s下已有名为“%(name)s”的地区。") % {"parent": parent.name, "name": name.strip()}
