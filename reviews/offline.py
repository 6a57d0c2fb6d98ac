"""Offline-only items (初中级专业技术资格证书过渡): the window records the paper file directly."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.workflow import services as workflow
from portal.accounts.models import User
from portal.core.identity import normalize_mobile, parse_id_number
from portal.organizations.models import Organization

PAPER_CHECKLIST = (
    "过渡登记表一式三份",
    "评审表原件",
    "身份证原件或复印件",
    "职称证原件",
    "两寸彩色免冠相片",
)


@transaction.atomic
def offline_record(
    *, user, item, unit: Organization, id_number: str, real_name: str, mobile: str, series, level, title, note: str
) -> Application:
    """Create the person's account if needed, record the file and accept it at once (one audit each)."""
    if item.online:
        raise ValidationError({"item": _("该事项可网上申报，请由申报人在线提交。")})
    if title.series_id != series.pk or title.level_id != level.pk:
        raise ValidationError({"title": _("所选职称名称与系列、层级不一致。")})
    parsed = parse_id_number(id_number)
    person = User.objects.filter(id_number=parsed.number).first()
    if person is None:
        if User.objects.filter(mobile=normalize_mobile(mobile)).exists():
            raise ValidationError({"mobile": _("该手机号码已被其他账号使用。")})
        person = User(id_number=parsed.number, real_name=real_name.strip(), mobile=normalize_mobile(mobile))
        person.set_unusable_password()  # they can set one through "forgot password" with their mobile
        person.save()
    elif person.real_name != real_name.strip():
        raise ValidationError({"real_name": _("姓名与该身份证号码的注册信息不一致。")})
    application = Application.objects.create(
        applicant=person, unit=unit, item=item, series=series, level=level, title=title, year=timezone.localdate().year
    )
    content = {
        "application": {
            "事项": item.name,
            "系列": series.name,
            "层级": level.name,
            "申报职称": title.name,
            "申报单位": unit.name,
        },
        "basic": {"姓名": person.real_name, "身份证号码": person.id_number, "手机号码": person.mobile},
        "paper_file": {"纸质材料": "、".join(PAPER_CHECKLIST), "核验说明": note},
    }
    return workflow.record_offline(application=application, user=user, content=content, note=note)
