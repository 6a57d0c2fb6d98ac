"""The left-hand navigation of an application's pages: every section, materials, checklist."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Section keys in page order; applications/sections.py holds each one's form and checks.
SECTION_ORDER = [
    ("basic", _("基本信息")),
    ("current_title", _("现有职称")),
    ("education", _("学历学位")),
    ("study", _("学习经历")),
    ("work", _("工作经历")),
    ("summary", _("专业技术工作总结")),
    ("main_work", _("主要专业技术工作")),
    ("projects", _("课题项目")),
    ("patents", _("专利")),
    ("awards", _("获奖")),
    ("books", _("著作")),
    ("papers", _("论文")),
    ("training", _("继续教育")),
    ("assessments", _("年度考核")),
    ("exams", _("考试")),
    ("commitment", _("诚信承诺")),
]


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    missing: bool = False


def nav_links(application, *, missing_keys=frozenset(), asked=None) -> list[NavLink]:
    """`asked`: the section keys the application's item asks for (sections.asked_keys); all if None."""
    links = [
        NavLink(key, label, reverse("applications:section", args=[application.pk, key]), key in missing_keys)
        for key, label in SECTION_ORDER
        if asked is None or key in asked
    ]
    links.append(
        NavLink(
            "materials",
            _("申报材料"),
            reverse("applications:materials", args=[application.pk]),
            "materials" in missing_keys,
        )
    )
    links.append(NavLink("checklist", _("完整性检查与提交"), reverse("applications:checklist", args=[application.pk])))
    return links


def next_to_do(application, *, after: str, missing_keys) -> str:
    """Where 保存并继续 goes: the first incomplete section (or materials) after `after` in page
    order, then from the top; the checklist when nothing is missing."""
    links = nav_links(application, missing_keys=missing_keys)[:-1]  # without the checklist
    keys = [link.key for link in links]
    start = keys.index(after) + 1 if after in keys else 0
    for link in links[start:] + links[:start]:
        if link.missing and link.key != after:
            return link.url
    return reverse("applications:checklist", args=[application.pk])
