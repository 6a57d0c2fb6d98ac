"""factory_boy factories. IDs and credit codes are generated valid (check characters computed)."""

import itertools

import factory

from portal.accounts.models import User
from portal.core.identity import with_check_digit, with_credit_check
from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role

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
