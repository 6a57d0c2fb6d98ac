"""factory_boy factories. IDs and credit codes are generated valid (check characters computed)."""

import datetime
import hashlib
import itertools

import factory
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications import eligibility
from applications import services as filing
from applications.materials import material_slots
from applications.models import REVIEW_STATE_VALUES, Action, Application, Material, Profile, ReviewRecord, State
from applications.sample import fill_sample_application, pdf_bytes
from applications.workflow.permissions import STATE_ROLE
from applications.workflow.services import next_acceptance_number
from applications.workflow.steps import STEPS
from certificates.services import certificate_issue
from portal.accounts.models import User
from portal.catalog.models import Committee, Item, Level, Series, TitleName
from portal.core.identity import with_check_digit, with_credit_check
from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role
from portal.organizations.scope import memberships_covering, region_chain
from portal.organizations.selectors import applicant_unit
from reviews.models import CommitteeResult, NoticeKind, NoticeResult, UnitNotice
from tests.filing_helpers import open_window

_seq = itertools.count(1)

PASSWORD = "Zc#test-2026"


def id_number(prefix="530102", birth="19900101") -> str:
    return with_check_digit(f"{prefix}{birth}{next(_seq) % 1000:03d}")


def credit_code() -> str:
    return with_credit_check(f"9153010{next(_seq):010d}")


def mobile() -> str:
    return f"139{next(_seq):08d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    real_name = factory.Sequence(lambda n: f"测试{n}")
    id_number = factory.LazyFunction(id_number)
    mobile = factory.LazyFunction(mobile)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试区{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrgKind.UNIT
    name = factory.Sequence(lambda n: f"测试单位{n}")
    region = factory.SubFactory(RegionFactory)
    status = OrgStatus.APPROVED

    class Params:
        pending = factory.Trait(status=OrgStatus.PENDING)
        rejected = factory.Trait(status=OrgStatus.REJECTED, rejection_reason="材料不全")


class UnitFactory(OrganizationFactory):
    kind = OrgKind.UNIT
    credit_code = factory.LazyFunction(credit_code)
    parent = factory.SubFactory(
        OrganizationFactory, kind=OrgKind.DEPARTMENT, name=factory.Sequence(lambda n: f"主管部门{n}")
    )


class DepartmentFactory(OrganizationFactory):
    kind = OrgKind.DEPARTMENT
    name = factory.Sequence(lambda n: f"主管部门{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(UnitFactory)
    role = Role.APPLICANT


def member(role: str, organization=None, **user_fields) -> User:
    """A user holding `role` in `organization` (a fitting one is created when not given)."""
    if organization is None:
        organization = {
            Role.APPLICANT: UnitFactory,
            Role.UNIT_HR: UnitFactory,
            Role.DEPT_REVIEWER: DepartmentFactory,
        }.get(role, lambda: OrganizationFactory(kind={"window_staff": OrgKind.WINDOW}.get(role, OrgKind.BUREAU)))()
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


# --- applications in any workflow state --------------------------------------------------------

# The level each item's applications are filed at by default (evaluation: 副高级 before a committee).
ITEM_LEVEL = {"evaluation": "fugao", "initial_recognition": "zhuli"}
# The step that moves an application on from each review stage.
FORWARD = {
    State.UNIT_REVIEW: "unit_recommend",
    State.UNIT_NOTICE: "notice_recommend",
    State.DEPARTMENT_REVIEW: "department_pass",
    State.WINDOW_INTAKE: "window_accept",
    State.BUREAU_APPROVAL: "bureau_approve",
    State.COMMITTEE_REVIEW: "committee_conclude",
}
OPINION = "同意"


def route_of(item: Item) -> list[str]:
    """The review stages an item's applications pass (what submission records as the route)."""
    return [stage for stage in item.stages if stage in REVIEW_STATE_VALUES]


def stage_reviewer(unit: Organization, stage: str, *, exclude=None) -> Membership:
    """The membership that reviews `unit`'s applications at `stage` (the first one in scope, by
    the scope rule), created in a fitting organization when nobody covers the unit yet."""
    role = STATE_ROLE[stage]
    found = (
        memberships_covering(unit, roles=[role])
        .exclude(user=exclude)
        .select_related("user", "organization")
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    if role == Role.UNIT_HR:
        organization = unit
    elif role == Role.DEPT_REVIEWER:
        if unit.parent is None:
            raise ValueError(f"{unit} has no supervising department to review it")
        organization = unit.parent
    else:
        kind = OrgKind.WINDOW if role == Role.WINDOW_STAFF else OrgKind.BUREAU
        organization = Organization.objects.filter(
            kind=kind, region_id__in=region_chain(unit.region)
        ).first() or OrganizationFactory(kind=kind, region=unit.region)
    return Membership.objects.get(user=member(role, organization), role=role)


def reviewer(application: Application, stage: str | None = None) -> User:
    """A user who may take the steps of `stage` (default: the current one) on `application`."""
    return stage_reviewer(application.unit, stage or application.state, exclude=application.applicant).user


def _committee(o):
    if not o.item.needs_committee:
        return None
    return Committee.objects.filter(series=o.series, grade=filing.committee_grade_for(o.level)).first()


def _window(o):
    if o.committee is None:
        return None
    return filing.open_window_for(item=o.item, committee=o.committee) or open_window(o.committee)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in any workflow state, with the rows a real one in that state has, written
    directly (no filing or workflow service runs, so nothing is notified or queued):

    - every state: the applicant (a member of the unit), unit, item, series, level, title, and for
      an evaluation the committee and its open window;
    - once submitted: the filled sections and materials, the filed snapshot and eligibility that
      submission records, the item's route, and one audit record per step of the path, taken by the
      reviewer the scope rule finds for each stage (one is made when nobody covers the unit);
    - past the unit notice: a concluded notice without objection; past the window: an acceptance
      number drawn from the window's counter; after the committee: its (passing) vote;
    - `issued`: approved, with its certificate made (numbered, not rendered).

    `ApplicationFactory(state=State.WINDOW_INTAKE)` or `ApplicationFactory(window_intake=True)`.
    The path is the item's route (`item_code`, default the evaluation, whose route has every stage);
    `return_stage`, `fail_stage` and `withdraw_stage` say where a returned, failed or withdrawn one
    left it (default: the route's first stage; `withdraw_stage=State.DRAFT` withdraws a draft)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        item_code = "evaluation"

        draft = factory.Trait(state=State.DRAFT)
        unit_review = factory.Trait(state=State.UNIT_REVIEW)
        unit_notice = factory.Trait(state=State.UNIT_NOTICE)
        department_review = factory.Trait(state=State.DEPARTMENT_REVIEW)
        window_intake = factory.Trait(state=State.WINDOW_INTAKE)
        bureau_approval = factory.Trait(state=State.BUREAU_APPROVAL)
        committee_review = factory.Trait(state=State.COMMITTEE_REVIEW)
        result_notice = factory.Trait(state=State.RESULT_NOTICE)
        approved = factory.Trait(state=State.APPROVED)
        issued = factory.Trait(state=State.APPROVED, with_certificate=True)
        returned = factory.Trait(state=State.RETURNED)
        failed = factory.Trait(state=State.FAILED)
        withdrawn = factory.Trait(state=State.WITHDRAWN)

    applicant = factory.SubFactory(UserFactory)
    unit = factory.LazyAttribute(lambda o: applicant_unit(o.applicant) or UnitFactory())
    item = factory.LazyAttribute(lambda o: Item.objects.get(code=o.item_code))
    series = factory.LazyFunction(lambda: Series.objects.get(name="中小学教师"))
    level = factory.LazyAttribute(lambda o: Level.objects.get(code=ITEM_LEVEL.get(o.item_code, "zhongji")))
    title = factory.LazyAttribute(lambda o: TitleName.objects.filter(series=o.series, level=o.level).first())
    committee = factory.LazyAttribute(_committee)
    window = factory.LazyAttribute(_window)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    state = State.DRAFT
    # Not fields: taken out again in _create (traits may set them, which Params could not pass on).
    filled = factory.LazyAttribute(lambda o: o.state != State.DRAFT)
    return_stage = None
    fail_stage = None
    withdraw_stage = None
    with_certificate = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # One transaction, as the services it imitates run in: the acceptance counter is locked
        # with select_for_update, which tests on a real database (transactional_db) need.
        with transaction.atomic():
            return cls._create_in_transaction(model_class, **kwargs)

    @classmethod
    def _create_in_transaction(cls, model_class, **kwargs):
        state = kwargs.pop("state")
        stops = {key: kwargs.pop(key) for key in ("return_stage", "fail_stage", "withdraw_stage")}
        filled = kwargs.pop("filled")
        with_certificate = kwargs.pop("with_certificate")
        application = model_class.objects.create(state=State.DRAFT, **kwargs)
        Membership.objects.get_or_create(user=application.applicant, organization=application.unit, role=Role.APPLICANT)
        Profile.objects.get_or_create(user=application.applicant)
        if filled:
            fill_sample_application(application, materials=False)
            _store_required_materials(application)
        path = _Path(application)
        for name in path.steps_to(state, **stops):
            path.take(name)
        application.save()
        if with_certificate:
            certificate_issue(application_id=application.pk)
        return Application.objects.get(pk=application.pk)


def _store_required_materials(application: Application) -> None:
    """The required materials as the upload service stores them (a small PDF each, under a
    server-made name), written directly: the upload checks have tests of their own."""
    for requirement, upload in material_slots(application):
        if requirement.required and upload is None:
            data = pdf_bytes(requirement.name)
            Material.objects.create(
                application=application,
                requirement=requirement,
                name=requirement.name,
                file=ContentFile(data, name="scan.pdf"),
                extension=".pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                original_name="scan.pdf",
            )


class _Path:
    """Takes an application's transitions (the model's methods: the same field changes as the
    workflow services make) and writes what each step leaves behind."""

    def __init__(self, application: Application):
        self.application = application
        self.route = route_of(application.item)

    def steps_to(self, state, *, return_stage, fail_stage, withdraw_stage) -> list[str]:
        first = self.route[0]
        if state == State.DRAFT:
            return []
        if state in REVIEW_STATE_VALUES:
            return self._forward_to(state)
        if state == State.APPROVED:
            return self._forward_to(State.APPROVED)
        if state == State.RESULT_NOTICE:
            if State.COMMITTEE_REVIEW not in self.route:
                raise ValueError(f"{self.application.item.code} has no committee (route {self.route})")
            return self._forward_to(State.APPROVED)[:-1]
        if state == State.RETURNED:
            return [*self._forward_to(return_stage or first), "return_for_changes"]
        if state == State.FAILED:
            return [*self._forward_to(fail_stage or first), "fail"]
        if state == State.WITHDRAWN:
            stage = withdraw_stage or first
            return [*([] if stage == State.DRAFT else self._forward_to(stage)), "withdraw"]
        raise ValueError(f"no path to {state}")

    def _forward_to(self, state) -> list[str]:
        if state != State.APPROVED and state not in self.route:
            raise ValueError(f"{self.application.item.code} does not pass {state} (route {self.route})")
        stages = self.route if state == State.APPROVED else self.route[: self.route.index(state)]
        # A committee's pass is on the result notice until the bureau files it (核准备案).
        filing = ["result_file"] if State.COMMITTEE_REVIEW in stages else []
        return ["submit", *(FORWARD[stage] for stage in stages), *filing]

    def take(self, name: str) -> None:
        application = self.application
        from_state = application.state
        if name == "submit":
            filing.freeze_photo(application)
            application.submit(
                content=filing.snapshot(application),
                eligibility=eligibility.evaluate(application).as_dict(),
                route=self.route,
            )
            self._record(Action.SUBMIT, from_state, organization=application.unit)
            return
        if name == "withdraw":
            application.withdraw()
            self._record(Action.WITHDRAW, from_state)
            return
        membership = stage_reviewer(application.unit, from_state, exclude=application.applicant)
        opinion, kwargs = OPINION, {}
        if name == "notice_recommend":
            self._concluded_notice(membership)
        elif name == "window_accept":
            number = next_acceptance_number(membership.organization)
            kwargs = {"window": membership.organization, "acceptance_number": number}
            opinion += f"（受理号：{number}）"
        elif name == "result_file":
            self._concluded_notice(membership, kind=NoticeKind.RESULT)
        elif name == "committee_conclude":
            kwargs = {"passed": True}
            opinion = "评委会表决：应到19人，实到19人；赞成15票，反对3票，弃权1票，通过。"
        getattr(application, name)(**kwargs)
        if name == "committee_conclude":
            CommitteeResult.objects.create(
                application=application,
                members=19,
                present=19,
                votes_for=15,
                votes_against=3,
                abstentions=1,
                passed=True,
                recorded_by=membership.user,
            )
        self._record(STEPS[name].action, from_state, opinion=opinion, membership=membership)

    def _concluded_notice(self, membership: Membership, kind=NoticeKind.UNIT) -> None:
        """The unit's notice of this submission (or the committee's result notice): opened after
        it, ended, no objection upheld."""
        today = timezone.localdate()
        notice = UnitNotice.objects.create(
            kind=kind,
            unit=self.application.unit,
            title="公示",
            contact_person=membership.user.real_name,
            phone="0871-65310000",
            start_date=today - datetime.timedelta(days=14),
            working_days=5,
            end_date=today - datetime.timedelta(days=7),
            result=NoticeResult.NO_OBJECTION,
            created_by=membership.user,
            concluded_at=timezone.now(),
        )
        notice.applications.add(self.application)
        if kind != NoticeKind.UNIT:
            return  # the office's result notice: its audit records are the office's, not written here
        for action in (Action.NOTICE_OPEN, Action.NOTICE_RESULT):
            self._record(action, State.UNIT_NOTICE, to_state=State.UNIT_NOTICE, membership=membership)

    def _record(self, action, from_state, *, to_state=None, opinion="", membership=None, organization=None):
        """One audit record: a reviewer's (by `membership`), else the applicant's own."""
        ReviewRecord.objects.create(
            application=self.application,
            actor=membership.user if membership else self.application.applicant,
            role=membership.role if membership else Role.APPLICANT,
            organization=membership.organization if membership else organization,
            action=action,
            from_state=from_state,
            to_state=to_state or self.application.state,
            opinion=opinion,
        )
