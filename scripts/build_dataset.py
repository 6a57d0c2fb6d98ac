#!/usr/bin/env python
"""A deadline-day data set on PostgreSQL: N applications (100,000 by default; 1,000,000 with
-n 1000000) spread over a city's regions, ~2,000 employer units, 50 supervising departments and
the 22 county HR offices, in every state of the workflow, with review records, unit public
notices, certificates and materials rows, plus one logged-in benchmark account per role.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench nice .venv/bin/python scripts/build_dataset.py
    DATABASE_URL=... nice .venv/bin/python scripts/build_dataset.py -n 1000000

The database must be empty (the script migrates it) or hold a previous run of this script, which
is then left as it is ("already built"); drop and create the database to build another size.

How: the catalogue and the demo data are loaded through the portal's own loaders, and the demo's
applications are filed through the real services. Those filed applications are the templates:
every generated application copies a template's filed content (with its own name, ID number and
mobile), eligibility record and materials rows, and follows its item's route up to its state, with
one review record per step taken, as the workflow services would have written them. The rows go
in with PostgreSQL's COPY in batches (ids drawn in the script, sequences set after), which is what
makes a million applications take minutes instead of hours; every row satisfies the models'
constraints (one open application per person, item and title; unique acceptance numbers per
window; unique certificate numbers and serials; valid ID numbers and credit codes).

docs/BENCHMARKS.md records how long 100k and 1M take on the project's machine.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "Bench@2026"
BENCH_PREFIX = "压测"
BATCH = 20_000

# Share of applications in each state (the route decides which review stages an item has; a
# state its item does not pass through falls back to the nearest earlier stage on its route).
STATE_SHARES = [
    ("draft", 8),
    ("unit_review", 14),
    ("unit_notice", 4),
    ("department_review", 10),
    ("window_intake", 12),
    ("bureau_approval", 8),
    ("committee_review", 10),
    ("approved", 18),
    ("returned", 5),
    ("failed", 5),
    ("withdrawn", 6),
]
ITEM_SHARES = [("evaluation", 62), ("initial_recognition", 25), ("mobile_confirmation", 9), ("reissue", 4)]
# Who takes the step that leaves each stage, with which action code.
STAGE_STEP = {
    "unit_review": ("unit_hr", "recommend"),
    "unit_notice": ("unit_hr", "recommend"),
    "department_review": ("dept_reviewer", "pass"),
    "window_intake": ("window_staff", "accept"),
    "bureau_approval": ("bureau_approver", "approve"),
    "committee_review": ("bureau_approver", "committee"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬斌波宁"
DEPARTMENTS = [
    "教育体育局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "林业和草原局",
    "水务局",
    "文化和旅游局",
    "工业和信息化局",
    "自然资源和规划局",
    "生态环境局",
    "市场监督管理局",
    "科学技术局",
    "司法局",
    "财政局",
    "广播电视台",
    "档案馆",
    "图书馆",
    "社会科学院",
    "国有资产监督管理委员会",
    "应急管理局",
    "民政局",
    "商务局",
    "统计局",
    "医疗保障局",
]
UNIT_KINDS = [
    "中学",
    "小学",
    "人民医院",
    "中医医院",
    "卫生院",
    "职业学校",
    "设计研究院",
    "农业技术推广站",
    "建设工程公司",
    "文化馆",
]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.pop("REDIS_URL", None)  # the demo's tasks run eagerly
    os.environ["CLAMAV_ENABLED"] = "false"  # the demo's sample files need no scanner here
    import django

    django.setup()
    import logging

    logging.getLogger("portal").setLevel(logging.WARNING)
    logging.getLogger("celery").setLevel(logging.WARNING)


class Copier:
    """Rows for one model, written with COPY in batches; ids drawn here, the sequence set after."""

    def __init__(self, model, connection):
        # Imported here because Django is set up in main(), after this module is loaded.
        from portal.core import crypto
        from portal.core.encrypted_fields import BlindIndexField, EncryptedCharField, EncryptedJSONField

        self.encrypt = crypto.encrypt
        self.indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        self.encrypted = [
            f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField | EncryptedJSONField)
        ]
        self.model = model
        self.connection = connection
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif f.get_internal_type() in ("CharField", "TextField", "SlugField", "FileField", "EmailField"):
                self.defaults[f.attname] = ""
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')
            self.next_id = cursor.fetchone()[0] + 1
        self.rows = []
        self.written = 0

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        # COPY bypasses the fields: encrypt what they encrypt, fill the blind indexes they fill.
        for f in self.indexes:
            values[f.attname] = f.compute(values.get(f.source, ""))
        for f in self.encrypted:
            if values.get(f.attname):
                values[f.attname] = self.encrypt(values[f.attname])
        row = []
        for f in self.fields:
            if f.attname in values:
                row.append(values[f.attname])
            elif f.attname in self.defaults:
                row.append(self.defaults[f.attname])
            else:
                raise KeyError(f"{self.table}.{f.attname} needs a value")
        self.rows.append(row)
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []

    def finish(self) -> None:
        self.flush()
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{self.table}"))'
            )


def weighted(rng, shares):
    names = [n for n, _ in shares]
    weights = [w for _, w in shares]
    return lambda: rng.choices(names, weights)[0]


def on_route(state: str, route: list[str]) -> str:
    """A review state the item's route does not pass through becomes the route's next stage."""
    if state not in STAGE_STEP or state in route:
        return state
    order = list(STAGE_STEP)
    later = [s for s in route if order.index(s) > order.index(state)]
    return later[0] if later else route[-1]


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def id_number_for(i: int, region_code: str) -> str:
    from portal.core.identity import with_check_digit

    # Born 1965–1997 (12,000 days), sequence 000–099: unique for i < 1.2 million; the demo's and
    # the benchmark accounts' sequences are 2xx–9xx, so they never collide.
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=i % 12_000)
    return with_check_digit(f"{region_code}{born:%Y%m%d}{i // 12_000:03d}")


def build(n: int, seed: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from applications.models import Application, Material, ReviewRecord
    from applications.rules_loader import load_catalog_and_rules
    from certificates.models import Certificate
    from home.demo import load_demo
    from portal.accounts.models import User
    from portal.accounts.services import second_factor_enrol
    from portal.catalog.loader import CITY_BUREAU, CITY_WINDOW
    from portal.catalog.models import ApplicationWindow, Committee, Item, Series, TitleName
    from portal.core.identity import with_check_digit, with_credit_check
    from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role
    from reviews.models import UnitNotice

    timings = {}
    started = time.perf_counter()
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    load_catalog_and_rules()
    load_demo(with_applications=True)
    timings["catalogue and demo"] = time.perf_counter() - started

    city = Region.objects.get(name="昆明市")
    bureau = Organization.objects.get(kind=OrgKind.BUREAU, name=CITY_BUREAU)
    window = Organization.objects.get(kind=OrgKind.WINDOW, name=CITY_WINDOW)
    county_offices = list(Organization.objects.filter(kind=OrgKind.DEPARTMENT, parent=bureau).order_by("id"))
    districts = list(Region.objects.filter(parent=city).order_by("id"))

    # 50 supervising departments: 25 city bureaus and 25 district ones; 2,000 units below them and
    # below the county HR offices, of very different sizes (a few large hospitals, many schools).
    departments = []
    for k, name in enumerate(DEPARTMENTS):
        departments.append(
            Organization(
                kind=OrgKind.DEPARTMENT, name=f"昆明市{name}", region=city, parent=bureau, status=OrgStatus.APPROVED
            )
        )
        district = districts[k % len(districts)]
        departments.append(
            Organization(
                kind=OrgKind.DEPARTMENT,
                name=f"{district.name}{name}",
                region=district,
                parent=bureau,
                status=OrgStatus.APPROVED,
            )
        )
    Organization.objects.bulk_create(departments)
    parents = departments + county_offices
    units = []
    for k in range(2000):
        parent = parents[k % len(parents)]
        region = parent.region if parent.region_id != city.pk else districts[k % len(districts)]
        units.append(
            Organization(
                kind=OrgKind.UNIT,
                name=f"{region.name}第{k + 1}{UNIT_KINDS[k % len(UNIT_KINDS)]}",
                credit_code=with_credit_check(f"1253010{k:010d}"),
                region=region,
                parent=parent,
                status=OrgStatus.APPROVED,
                phone="0871-6" + f"{k:07d}",
            )
        )
    Organization.objects.bulk_create(units, batch_size=1000)
    unit_weights = [1 / (k + 5) for k in range(len(units))]

    # Reviewer accounts: an HR officer per unit, a reviewer per department; the benchmark accounts
    # (one per role, second factor enrolled) hold the largest scopes of their kind.
    password = make_password(BENCH_PASSWORD)
    people = Copier(User, connection)
    members = Copier(Membership, connection)
    now = timezone.now()

    def account(i, name, role, org, **extra):
        pk = people.add(
            id_number=with_check_digit(
                f"530102{datetime.date(1960, 1, 1) + datetime.timedelta(days=i):%Y%m%d}9{i % 100:02d}"
            ),
            real_name=name,
            mobile=f"137{i:08d}",
            password=password,
            date_joined=now,
            last_login=None,
            is_active=True,
            is_staff=extra.get("is_staff", False),
            is_superuser=extra.get("is_superuser", False),
            must_change_password=False,
        )
        members.add(user_id=pk, organization_id=org.pk, role=role, is_active=True, created_at=now)
        return pk

    hr_of = {u.pk: account(k, person_name(rng), Role.UNIT_HR, u) for k, u in enumerate(units)}
    reviewer_of = {d.pk: account(3000 + k, person_name(rng), Role.DEPT_REVIEWER, d) for k, d in enumerate(parents)}
    bench = {
        Role.UNIT_HR: account(9000, f"{BENCH_PREFIX}单位经办", Role.UNIT_HR, units[0]),
        Role.DEPT_REVIEWER: account(9001, f"{BENCH_PREFIX}主管部门", Role.DEPT_REVIEWER, units[0].parent),
        Role.WINDOW_STAFF: account(9002, f"{BENCH_PREFIX}窗口", Role.WINDOW_STAFF, window),
        Role.BUREAU_APPROVER: account(9003, f"{BENCH_PREFIX}审批", Role.BUREAU_APPROVER, bureau),
        Role.ADMIN: account(9004, f"{BENCH_PREFIX}管理员", Role.ADMIN, bureau, is_staff=True, is_superuser=True),
    }
    window_staff, bureau_staff = bench[Role.WINDOW_STAFF], bench[Role.BUREAU_APPROVER]
    people.finish()
    members.finish()
    for pk in bench.values():
        second_factor_enrol(user=User.objects.get(pk=pk), secret=secrets.token_hex(20))
    timings["organizations and reviewers"] = time.perf_counter() - started - sum(timings.values())

    # The templates: the demo's filed applications (an evaluation, an initial recognition).
    templates = {}
    for code in ("evaluation", "initial_recognition"):
        a = Application.objects.filter(item__code=code, submitted_at__isnull=False).select_related("applicant").first()
        content = Application.objects.filter(pk=a.pk).values_list("filed_content", flat=True)[0]
        text = json.dumps(content, ensure_ascii=False)
        materials = list(
            Material.objects.filter(application=a).values(
                "requirement_id", "name", "file", "extension", "content_type", "size", "sha256", "original_name"
            )
        )
        templates[code] = (a, text, json.dumps(a.eligibility, ensure_ascii=False), materials)
    items = {i.code: i for i in Item.objects.all()}
    committees = list(Committee.objects.filter(is_active=True, series__isnull=False).select_related("series"))
    committee_window = {w.committee_id: w.pk for w in ApplicationWindow.objects.filter(committee__isnull=False)}
    item_window = {
        w.item_id: w.pk for w in ApplicationWindow.objects.filter(item__isnull=False).order_by("-closes_at", "id")
    }
    titles_by_series = {}
    for t in TitleName.objects.select_related("level"):
        titles_by_series.setdefault(t.series_id, []).append(t)
    low_titles = [t for ts in titles_by_series.values() for t in ts if t.level.rank <= 2] or [
        t for ts in titles_by_series.values() for t in ts
    ]
    bureau_name = bureau.name
    series_names = dict(Series.objects.values_list("id", "name"))

    pick_state = weighted(rng, STATE_SHARES)
    pick_item = weighted(rng, ITEM_SHARES)
    applications = Copier(Application, connection)
    records = Copier(ReviewRecord, connection)
    materials_rows = Copier(Material, connection)
    certificates = Copier(Certificate, connection)
    notices = Copier(UnitNotice, connection)
    notice_links = Copier(UnitNotice.applications.through, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(serial), 0) FROM certificates_certificate")
        serial = cursor.fetchone()[0] + 100
    acceptance = 0
    at_notice: dict[int, list[int]] = {}
    year_start = now - datetime.timedelta(days=330)
    bench_applicant = None
    phase = time.perf_counter()
    for i in range(n):
        unit = rng.choices(units, unit_weights)[0]
        code = pick_item()
        item = items[code]
        route = [s for s in item.stages if s in STAGE_STEP]
        committee_id = window_id = None
        if code == "evaluation":
            committee = rng.choice(committees)
            title = rng.choice(titles_by_series.get(committee.series_id) or low_titles)
            committee_id, window_id = committee.pk, committee_window.get(committee.pk)
        else:
            title = rng.choice(low_titles)
            window_id = item_window.get(item.pk)
        state = on_route(pick_state(), route)
        if i == 1:
            # The benchmark applicant has two applications (home, timeline): this one approved.
            applicant, (name, id_number, mobile) = bench_applicant
            state, code, item = "approved", "initial_recognition", items["initial_recognition"]
            route = [s for s in item.stages if s in STAGE_STEP]
            committee_id, window_id = None, item_window.get(item.pk)
            title = rng.choice(low_titles)
        else:
            name = person_name(rng) if i else f"{BENCH_PREFIX}申报人"
            id_number, mobile = id_number_for(i, unit.region.code or "530102"), f"139{i:08d}"
            applicant = people.add(
                id_number=id_number,
                real_name=name,
                mobile=mobile,
                password=password,
                date_joined=year_start,
                last_login=None,
                is_active=True,
                is_staff=False,
                is_superuser=False,
                must_change_password=False,
            )
            members.add(
                user_id=applicant, organization_id=unit.pk, role=Role.APPLICANT, is_active=True, created_at=year_start
            )
            if i == 0:
                bench_applicant = (applicant, (name, id_number, mobile))
                state = on_route("bureau_approval", route)
        created = year_start + datetime.timedelta(seconds=rng.randrange(300 * 86400))
        submitted = None if state == "draft" else created + datetime.timedelta(hours=rng.randrange(1, 240))
        template, content, eligibility, template_materials = templates[
            "evaluation" if code == "evaluation" else "initial_recognition"
        ]
        # Which stages were passed: every stage before the current one (for closed states, a prefix).
        if state in route:
            passed = route[: route.index(state)]
        elif state == "approved":
            passed = route
        elif state in ("returned", "failed"):
            passed = route[: rng.randrange(len(route))]
        else:
            passed = route[: rng.randrange(len(route) + 1)] if state == "withdrawn" else []
        values = dict(
            applicant_id=applicant,
            unit_id=unit.pk,
            item_id=item.pk,
            series_id=title.series_id,
            level_id=title.level_id,
            title_id=title.pk,
            committee_id=committee_id,
            window_id=window_id,
            year=created.year,
            state=state,
            route=None,
            created_at=created,
            updated_at=submitted or created,
            submitted_at=submitted,
            filed_content=None,
            eligibility=None,
            return_count=0,
            upper_return_count=0,
            acceptance_number="",
            acceptance_window_id=None,
            accepted_at=None,
            decided_at=None,
        )
        values["route"] = _json(route)
        if submitted is not None:
            values["filed_content"] = (
                content.replace(template.applicant.real_name, name)
                .replace(template.applicant.id_number, id_number)
                .replace(template.applicant.mobile, mobile)
            )
            values["eligibility"] = eligibility
        if state == "returned":
            values["returned_from"] = route[len(passed)] if len(passed) < len(route) else route[0]
            values["return_count"] = 1
        step_at = submitted
        steps = []
        for stage in passed:
            step_at = step_at + datetime.timedelta(hours=rng.randrange(2, 120))
            steps.append((stage, step_at))
            if stage == "window_intake":
                acceptance += 1
                values["acceptance_number"] = f"KM{created.year}{acceptance:08d}"
                values["acceptance_window_id"] = window.pk
                values["accepted_at"] = step_at
        if state in ("approved", "failed", "withdrawn"):
            values["decided_at"] = (step_at or created) + datetime.timedelta(hours=3)
        # When it entered its state: its last step (the closing record below for returned, failed
        # and withdrawn ones), else its submission.
        values["stage_entered_at"] = step_at
        if state in ("returned", "failed", "withdrawn"):
            values["stage_entered_at"] = values["decided_at"] or (step_at + datetime.timedelta(hours=5))
        pk = applications.add(**values)
        if submitted is None:
            continue
        records.add(
            application_id=pk,
            actor_id=applicant,
            role=Role.APPLICANT,
            organization_id=unit.pk,
            action="submit",
            from_state="draft",
            to_state=route[0],
            opinion="",
            created_at=submitted,
        )
        actors = {
            "unit_hr": (hr_of[unit.pk], unit.pk),
            "dept_reviewer": (reviewer_of.get(unit.parent_id), unit.parent_id),
            "window_staff": (window_staff, window.pk),
            "bureau_approver": (bureau_staff, bureau.pk),
        }
        for k, (stage, at) in enumerate(steps):
            role, action = STAGE_STEP[stage]
            actor, org = actors[role]
            after = route[k + 1] if k + 1 < len(route) else "approved"
            records.add(
                application_id=pk,
                actor_id=actor,
                role=role,
                organization_id=org,
                action=action,
                from_state=stage,
                to_state=after,
                opinion="同意。",
                created_at=at,
            )
        if state in ("returned", "failed", "withdrawn"):
            current = route[len(passed)] if len(passed) < len(route) else route[-1]
            role = STAGE_STEP[current][0]
            actor, org = (applicant, unit.pk) if state == "withdrawn" else actors[role]
            records.add(
                application_id=pk,
                actor_id=actor,
                role=Role.APPLICANT if state == "withdrawn" else role,
                organization_id=org,
                action={"returned": "return", "failed": "fail", "withdrawn": "withdraw"}[state],
                from_state=current,
                to_state=state,
                opinion="" if state == "withdrawn" else "材料不全，请补充。",
                created_at=values["decided_at"] or (step_at + datetime.timedelta(hours=5)),
            )
        for m in template_materials:
            materials_rows.add(application_id=pk, uploaded_at=created, **m)
        if state == "unit_notice":
            at_notice.setdefault(unit.pk, []).append(pk)
        if state == "approved":
            serial += 1
            certificates.add(
                number=f"KMZC{created.year}{serial:08d}",
                year=created.year,
                serial=serial,
                application_id=pk,
                holder_id=applicant,
                holder_name=name,
                id_number=id_number,
                series_name=series_names[title.series_id],
                title_id=title.pk,
                title_name=title.name,
                level_name=title.level.name,
                obtained_by=item.obtained_by,
                approved_on=values["decided_at"].date(),
                issued_on=values["decided_at"].date(),
                authority_id=bureau.pk,
                authority_name=bureau_name,
                committee_id=committee_id,
                committee_name="",
                verify_token=secrets.token_hex(16),
                is_void=False,
                created_at=values["decided_at"],
            )
        if (i + 1) % BATCH == 0:  # parents before children: the foreign keys are checked per batch
            for copier in (people, members, applications, records, materials_rows, certificates):
                copier.flush()
        if (i + 1) % 50_000 == 0:
            elapsed = time.perf_counter() - phase
            print(f"  {i + 1:>9,}/{n:,} applications ({elapsed:.0f} s, {(i + 1) / elapsed:,.0f}/s)", flush=True)
    for unit_pk, ids in at_notice.items():
        start = (now - datetime.timedelta(days=3)).date()
        notice = notices.add(
            unit_id=unit_pk,
            title="职称申报人员公示",
            content="",
            contact_person="人事科",
            phone="0871-60000000",
            start_date=start,
            working_days=5,
            end_date=start + datetime.timedelta(days=7),
            result="pending",
            created_by_id=hr_of[unit_pk],
            created_at=now - datetime.timedelta(days=3),
        )
        for pk in ids:
            notice_links.add(unitnotice_id=notice, application_id=pk)
    with transaction.atomic():
        for copier in (people, members, applications, records, materials_rows, certificates, notices, notice_links):
            copier.finish()
    timings["applications"] = time.perf_counter() - phase
    phase = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - phase
    timings["total"] = time.perf_counter() - started
    counts = {
        "applications": applications.written,
        "review records": records.written,
        "materials": materials_rows.written,
        "certificates": certificates.written,
        "notices": notices.written,
        "users": people.written,
    }
    return {"timings": timings, "counts": counts, "bench": bench}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100_000, help="applications to create (default 100,000)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("build_dataset: set DATABASE_URL to an empty PostgreSQL database (COPY is PostgreSQL's)")
    setup(url)
    from django.core.management import call_command

    from portal.accounts.models import User

    call_command("migrate", verbosity=0)
    if User.objects.filter(real_name=f"{BENCH_PREFIX}审批").exists():
        print("build_dataset: already built in this database (drop and create it to build again)")
        return
    result = build(args.n, args.seed)
    for name, count in result["counts"].items():
        print(f"  {name:<16}{count:>12,}")
    for name, seconds in result["timings"].items():
        print(f"  {name:<28}{seconds:>8.1f} s")


if __name__ == "__main__":
    main()
