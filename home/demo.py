"""A demo data set: one account per role, a unit, and application windows, for trying the portal."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from applications import services as filing
from applications.models import Application, State
from applications.sample import fill_sample_application
from applications.workflow import services as workflow
from portal.accounts.models import User
from portal.accounts.second_factor import secret_for_typing
from portal.accounts.services import second_factor_enrol
from portal.catalog.loader import CITY_BUREAU, CITY_WINDOW
from portal.catalog.models import ApplicationWindow, Committee, Item, Level, Series, TitleName
from portal.catalog.stages import STAGE_ROLE
from portal.core.identity import with_check_digit, with_credit_check
from portal.organizations.hierarchy import subordinate_unit_create
from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role
from reviews import draws, groups, interviews, meetings, notices, online
from reviews import services as review_services
from reviews.models import (
    BallotChoice,
    CommitteeOffice,
    CommitteeSession,
    Expert,
    GroupRecommendation,
    Rubric,
    RubricCategory,
)

DEMO_PASSWORD = "Zhicheng@2026"
# Every demo staff account's authenticator shares this published secret (README, scripts/run), so
# the demo can be tried with any TOTP app. It is no second factor at all: demo data is never
# loaded where real people log in.
DEMO_TOTP_SECRET = b"zhicheng-demo-2026!!".hex()
DEMO_TOTP_SECRET_TEXT = secret_for_typing(DEMO_TOTP_SECRET)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    real_name: str
    id_number: str
    mobile: str
    organization: str


def _account(role, real_name, first17, mobile, organization) -> DemoAccount:
    return DemoAccount(role, real_name, with_check_digit(first17), mobile, organization)


DEMO_UNIT = "昆明市第一中学"
DEMO_UNIT_CODE = with_credit_check("12530100431200001")
DEMO_DEPARTMENT = "五华区人力资源和社会保障局"

ACCOUNTS = [
    _account(Role.APPLICANT, "张伟", "53010219880315201", "13800000001", DEMO_UNIT),
    _account(Role.UNIT_HR, "李娜", "53010219850722202", "13800000002", DEMO_UNIT),
    _account(Role.DEPT_REVIEWER, "王强", "53010219800101301", "13800000003", DEMO_DEPARTMENT),
    _account(Role.WINDOW_STAFF, "刘洋", "53011419900909402", "13800000004", CITY_WINDOW),
    _account(Role.BUREAU_APPROVER, "陈静", "53010319781111502", "13800000005", CITY_BUREAU),
    _account(Role.ADMIN, "赵敏", "53010219750505601", "13800000006", CITY_BUREAU),
    _account(Role.COMMITTEE_EXPERT, "孙丽", "53010219700606602", "13800000007", DEMO_UNIT),
    _account(Role.COMMITTEE_OFFICE, "周洁", "53010219820808603", "13800000008", "昆明市教育体育局"),
]

# The pool the demo committee office keeps: the teachers' senior committee's organizer, the
# demo expert and colleagues from another school (accounts without a password until they set one).
# The demo office (周洁) sits in the organiser and runs its committees (reviews.CommitteeOffice).
DEMO_POOL = "昆明市教育体育局"
DEMO_EXPERT_UNIT = "昆明市第十中学"
DEMO_EXPERT_UNIT_CODE = with_credit_check("12530100431200002")
DEMO_EXPERTS = [
    ("钱刚", "中学数学", "zhenggao"),
    ("冯霞", "中学语文", "zhenggao"),
    ("蒋涛", "中学英语", "fugao"),
    ("韩梅", "中学物理", "fugao"),
    ("杨帆", "中学化学", "fugao"),
    ("朱琳", "中学历史", "zhenggao"),
]


def _window(name, committee=None, item=None, opens=None, closes=None):
    ApplicationWindow.objects.update_or_create(
        name=name,
        defaults={"committee": committee, "item": item, "year": opens.year, "opens_at": opens, "closes_at": closes},
    )


@transaction.atomic
def load_demo(*, with_applications: bool = True) -> list[DemoAccount]:
    """Create (or refresh) the demo accounts. Requires the catalogue to be loaded first."""
    city = Region.objects.get(name="昆明市")
    district = Region.objects.get(parent=city, name="五华区")
    department = Organization.objects.get(kind=OrgKind.DEPARTMENT, name=DEMO_DEPARTMENT)
    unit_fields = {
        "kind": OrgKind.UNIT,
        "name": DEMO_UNIT,
        "region": district,
        "parent": department,
        "address": "昆明市五华区钱局街",
        "phone": "0871-65310000",
        "contact_person": "李娜",
    }
    unit, _ = Organization.objects.update_or_create(
        credit_code=DEMO_UNIT_CODE,
        defaults=unit_fields,
        create_defaults={**unit_fields, "status": OrgStatus.APPROVED},
    )
    organizations = {o.name: o for o in Organization.objects.filter(name__in={a.organization for a in ACCOUNTS})}
    organizations[DEMO_UNIT] = unit
    organizations[DEMO_POOL] = _demo_office(city)
    for account in ACCOUNTS:
        user = User.objects.filter(id_number=account.id_number).first()
        if user is None:
            user = User(id_number=account.id_number)
        user.real_name = account.real_name
        user.mobile = account.mobile
        user.is_active = True
        user.must_change_password = False
        if account.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.get_or_create(
            user=user, organization=organizations[account.organization], role=account.role, is_active=True
        )
        if account.role != Role.APPLICANT:
            second_factor_enrol(user=user, secret=DEMO_TOTP_SECRET)

    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    start = datetime(year, 1, 1, tzinfo=tz)
    end = datetime.combine(datetime(year, 12, 31), time(23, 59, 59), tzinfo=tz)
    for committee in Committee.objects.filter(is_active=True):
        _window(f"{year}年度{committee.name}申报", committee=committee, opens=start, closes=end)
    recognition = Item.objects.get(code="initial_recognition")
    for month in (1, 4, 7, 10):
        opens = datetime(year, month, 1, tzinfo=tz)
        closes = datetime(year, month + 1, 1, tzinfo=tz)
        _window(f"{year}年{month}月初次职称认定", item=recognition, opens=opens, closes=closes)
    # Kunming accepts initial recognition quarterly (above), and item windows are enforced; so that
    # the demo's main journey works in every month, the demo also opens the item all year. Delete
    # this window in the admin to see the quarterly rule refuse (and name the next window).
    _window(f"{year}年初次职称认定（演示环境：全年受理）", item=recognition, opens=start, closes=end)
    _demo_pool(unit, district, department)
    _demo_rubric()
    if with_applications:
        _demo_applications(unit)
        _demo_session(unit)
        _demo_created_unit(department, district)
    return ACCOUNTS


# A unit the demo department created itself (创建下级单位): approved by 王强 at once; its HR
# officer is invited by SMS and has no account yet, so the invitation page can be tried with
# this mobile (the code lands in var/sms/13800000009.txt).
DEMO_CREATED_UNIT = "昆明市五华区春城小学"
DEMO_CREATED_UNIT_CODE = with_credit_check("12530102431200003")
DEMO_CREATED_UNIT_OFFICER = ("黄磊", "13800000009")


def _demo_created_unit(department, district) -> None:
    if Organization.objects.filter(credit_code=DEMO_CREATED_UNIT_CODE).exists():
        return
    reviewer = User.objects.get(id_number=next(a.id_number for a in ACCOUNTS if a.role == Role.DEPT_REVIEWER))
    name, mobile = DEMO_CREATED_UNIT_OFFICER
    subordinate_unit_create(
        by=reviewer,
        department=department,
        name=DEMO_CREATED_UNIT,
        credit_code=DEMO_CREATED_UNIT_CODE,
        region=district,
        officer_real_name=name,
        officer_mobile=mobile,
        address="昆明市五华区春城路",
        phone="0871-65320000",
    )


def _demo_office(city) -> Organization:
    """The demo committee office's organisation, the organiser of the teachers' committees, and
    which committees it runs (idempotent)."""
    office = Organization.objects.filter(kind=OrgKind.DEPARTMENT, name=DEMO_POOL, region=city).first()
    if office is None:
        office = Organization.objects.create(
            kind=OrgKind.DEPARTMENT, name=DEMO_POOL, region=city, status=OrgStatus.APPROVED, phone="0871-63135921"
        )
    for committee in Committee.objects.filter(organizer=DEMO_POOL, is_active=True):
        CommitteeOffice.objects.get_or_create(organization=office, committee=committee)
    return office


# The teachers' rubric for online review (网络评审): (category, full marks, comment required, guidance).
DEMO_RUBRIC = [
    ("师德师风", 10, False, "遵守职业道德规范，无师德失范行为。"),
    ("教育教学业绩", 40, True, "任现职以来的教学工作量、教学效果、育人成效。"),
    ("教研成果", 25, False, "论文、课题、教材及获奖情况，看质量不看数量。"),
    ("示范引领", 25, True, "指导青年教师、示范课、送教下乡等。"),
]


def _demo_rubric() -> None:
    rubric, created = Rubric.objects.get_or_create(
        series=Series.objects.get(name="中小学教师"), defaults={"name": "中小学教师系列网络评审评分标准"}
    )
    if created:
        for order, (name, weight, comment_required, guidance) in enumerate(DEMO_RUBRIC, start=1):
            RubricCategory.objects.create(
                rubric=rubric,
                name=name,
                weight=weight,
                comment_required=comment_required,
                guidance=guidance,
                order=order,
            )


def _demo_pool(unit, district, department) -> None:
    """The demo expert pool (idempotent): the demo expert account and six colleagues."""
    fields = {"kind": OrgKind.UNIT, "name": DEMO_EXPERT_UNIT, "region": district, "parent": department}
    other, _ = Organization.objects.update_or_create(
        credit_code=DEMO_EXPERT_UNIT_CODE, defaults=fields, create_defaults={**fields, "status": OrgStatus.APPROVED}
    )
    series = Series.objects.get(name="中小学教师")
    office = User.objects.get(id_number=next(a.id_number for a in ACCOUNTS if a.role == Role.COMMITTEE_OFFICE))
    expert = next(a for a in ACCOUNTS if a.role == Role.COMMITTEE_EXPERT)
    people = [(User.objects.get(id_number=expert.id_number), "中学数学", "zhenggao", unit)]
    for number, (name, speciality, level) in enumerate(DEMO_EXPERTS, start=1):
        id_number = with_check_digit(f"5301021965{number:02d}1550{number}")
        person = User.objects.filter(id_number=id_number).first()
        if person is None:
            person = User(id_number=id_number, real_name=name, mobile=f"137100000{number:02d}")
            person.set_unusable_password()
            person.save()
        people.append((person, speciality, level, other))
    for person, speciality, level, employer in people:
        Membership.objects.get_or_create(user=person, organization=employer, role=Role.COMMITTEE_EXPERT, is_active=True)
        Expert.objects.get_or_create(
            organizer=DEMO_POOL,
            user=person,
            defaults={
                "series": series,
                "speciality": speciality,
                "level": Level.objects.get(code=level),
                "unit": employer,
                "region": employer.region,
                "mobile": person.mobile,
                "added_by": office,
            },
        )


# Colleagues of the demo applicant whose files wait at each later stage, so every reviewer's
# queue has something in it: (name, first 17 ID digits, mobile, item, steps taken).
DEMO_FILES = [
    ("陈晓", "53010219900214302", "13800000011", "mobile_confirmation", ["unit_recommend"]),
    ("周敏", "53010219930521402", "13800000012", "initial_recognition", ["unit_recommend"]),
    ("吴磊", "53010219911103301", "13800000013", "initial_recognition", ["unit_recommend", "window_accept"]),
    # Returned by the unit with two sections marked to change (the applicant's pages show them).
    ("郑洁", "53010219920817402", "13800000014", "initial_recognition", ["return_for_changes"]),
]
STEP_ROLE = {"unit_recommend": Role.UNIT_HR, "window_accept": Role.WINDOW_STAFF, "return_for_changes": Role.UNIT_HR}
DEMO_RECOMMENDATION = (
    "经本单位职称推荐工作小组（校长、分管副校长、教研组长及教师代表共7人）集体研究，"
    "对申报人的思想品德、业务能力和工作业绩进行了审核，同意推荐；推荐结果已在校内公示5个工作日，无异议。"
)
DEMO_RETURN = (
    "专业技术工作总结过于简略，请补充近三年的教学与教研工作；学历学位请补填学信网在线验证码。",
    ["summary", "education"],
)


def _demo_applications(unit) -> None:
    """One file per stage, filed and moved on through the real services (idempotent)."""
    reviewers = {a.role: User.objects.get(id_number=a.id_number) for a in ACCOUNTS}
    series = Series.objects.get(name="中小学教师")
    people = [(a.real_name, a.id_number, a.mobile, "evaluation", []) for a in ACCOUNTS if a.role == Role.APPLICANT]
    people += [(n, with_check_digit(first17), m, item, steps) for n, first17, m, item, steps in DEMO_FILES]
    for name, id_number, mobile, item_code, steps in people:
        person = User.objects.filter(id_number=id_number).first()
        if person is None:
            person = User(id_number=id_number, real_name=name, mobile=mobile)
            person.set_password(DEMO_PASSWORD)
            person.save()
            Membership.objects.create(user=person, organization=unit, role=Role.APPLICANT)
        if Application.objects.filter(applicant=person).exists():
            continue
        item = Item.objects.get(code=item_code)
        level = Level.objects.get(
            code={"evaluation": "fugao", "initial_recognition": "zhuli"}.get(item_code, "zhongji")
        )
        committee = None
        if item.needs_committee:
            committee = Committee.objects.filter(series=series, grade=filing.committee_grade_for(level)).first()
        application = filing.application_start(
            user=person,
            item=item,
            series=series,
            level=level,
            title=TitleName.objects.filter(series=series, level=level).first(),
            committee=committee,
        )
        fill_sample_application(application)
        application, _submitted = filing.application_submit(application=application, user=person)
        for step in steps:
            reviewer = reviewers[STEP_ROLE[step]]
            if step == "unit_recommend":
                application = review_services.unit_recommend_with_text(
                    application_id=application.pk,
                    user=reviewer,
                    step=step,
                    opinion="材料齐全，同意。",
                    recommendation=DEMO_RECOMMENDATION,
                )
            elif step == "return_for_changes":
                opinion, sections = DEMO_RETURN
                application = review_services.return_with_sections(
                    application_id=application.pk, user=reviewer, opinion=opinion, sections=sections
                )
            else:
                application = workflow.fire(
                    application_id=application.pk, user=reviewer, step=step, opinion="材料齐全，同意。"
                )


# The file the demo committee session sits on: a colleague's evaluation, moved through every
# stage by the real services (the unit notice run and concluded as its officer would).
DEMO_COMMITTEE_FILE = ("郑华", "53010219860918301", "13800000015")
FORWARD_STEP = {
    State.UNIT_REVIEW: "unit_recommend",
    State.UNIT_NOTICE: "notice_recommend",
    State.DEPARTMENT_REVIEW: "department_pass",
    State.WINDOW_INTAKE: "window_accept",
    State.BUREAU_APPROVAL: "bureau_approve",
}


def _to_committee(application, reviewers):
    while application.state in FORWARD_STEP:
        reviewer = reviewers[STAGE_ROLE[application.state]]
        if application.state == State.UNIT_NOTICE:
            today = timezone.localdate()
            notice = notices.notice_open(
                unit=application.unit,
                user=reviewer,
                applications=[application],
                title="",
                content="",
                contact_person=reviewer.real_name,
                phone=application.unit.phone or "0871-65310000",
                start_date=today,
                working_days=5,
            )
            notices.notice_conclude(
                notice=notice, user=reviewer, result="no_objection", today=notice.end_date + timedelta(days=1)
            )
        application = workflow.fire(
            application_id=application.pk,
            user=reviewer,
            step=FORWARD_STEP[application.state],
            opinion="材料齐全，同意。",
        )
    return application


def _demo_session(unit) -> None:
    """A committee session in progress (idempotent): experts drawn, online review open with
    scores in, the roll call taken and the vote open with a paper ballot entered, so the office
    (周洁) sees every part of its page and can finish the vote, sign and publish the result."""
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="fugao")
    committee = Committee.objects.filter(series=series, grade=filing.committee_grade_for(level)).first()
    if committee is None or CommitteeSession.objects.filter(committee=committee).exists():
        return
    reviewers = {a.role: User.objects.get(id_number=a.id_number) for a in ACCOUNTS}
    office = reviewers[Role.COMMITTEE_OFFICE]
    name, first17, mobile = DEMO_COMMITTEE_FILE
    person = User.objects.filter(id_number=with_check_digit(first17)).first()
    if person is None:
        person = User(id_number=with_check_digit(first17), real_name=name, mobile=mobile)
        person.set_password(DEMO_PASSWORD)
        person.save()
        Membership.objects.create(user=person, organization=unit, role=Role.APPLICANT)
    application = filing.application_start(
        user=person,
        item=Item.objects.get(code="evaluation"),
        series=series,
        level=level,
        title=TitleName.objects.filter(series=series, level=level).first(),
        committee=committee,
    )
    fill_sample_application(application)
    application, _submitted = filing.application_submit(application=application, user=person)
    application = _to_committee(application, reviewers)
    if application.state != State.COMMITTEE_REVIEW:
        return
    # The demo committee hears its applicants (答辩) and sits in one discipline group (评议组).
    Committee.objects.filter(pk=committee.pk).update(holds_interview=True)
    committee.refresh_from_db()
    session = draws.session_create(committee=committee, year=timezone.localdate().year, experts_to_draw=5, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    group = groups.group_create(session_id=session.pk, name="中学教师评议组", speciality="中小学教师", by=office)
    groups.group_assign(
        group_id=group.pk,
        application_ids=[application.pk],
        member_ids=[m.pk for m in meetings.members(session)],
        by=office,
    )
    online.online_review_open(session_id=session.pk, by=office)
    rubric = online.rubric_for(session)
    categories = list(rubric.categories.all())
    for assignment in online.progress(session)[:3]:
        task = assignment.assignments.get()
        online.review_save(
            assignment_id=task.pk,
            by=assignment.expert.user,
            scores=[online.CategoryScore(c.pk, c.weight - 2, "业绩突出，示范作用明显。") for c in categories],
            comment="材料扎实，同意推荐。",
            submit=True,
        )
    groups.group_opinion_record(
        group_id=group.pk,
        application_id=application.pk,
        recommendation=GroupRecommendation.PASS,
        agreeing=4,
        text="教学业绩突出，示范作用明显，建议通过。",
        by=office,
    )
    slot = interviews.interview_schedule(
        session_id=session.pk,
        application_id=application.pk,
        date=timezone.localdate() + timedelta(days=3),
        starts_at=time(9, 0),
        ends_at=time(9, 20),
        place="昆明市教育体育局三楼第一会议室",
        by=office,
    )
    interviews.interview_attendance_record(slot_id=slot.pk, by=office, attended=True, note="按时到场")
    roll = list(meetings.members(session))
    meetings.attendance_record(session_id=session.pk, by=office, present_ids=[m.pk for m in roll])
    meetings.vote_open(session_id=session.pk, by=office)
    meetings.ballot_cast(
        session_id=session.pk,
        application_id=application.pk,
        by=office,
        member_id=roll[0].pk,
        choice=BallotChoice.FOR,
    )
