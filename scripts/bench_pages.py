#!/usr/bin/env python
"""Pages under a deadline-day load of data: how long the pages people wait on take to answer,
and how many queries each costs, with N filed applications in the database.

    .venv/bin/python scripts/bench_pages.py                 # N=1000 on a throwaway SQLite file
    .venv/bin/python scripts/bench_pages.py -n 200 --requests 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python scripts/bench_pages.py

It builds the demo data set, then N more applicants of the demo unit, each with a complete
initial-recognition application filed through the real services (fill, submit; every third one
also recommended by the unit, so the window's queue fills too). Then each page is requested
through Django's test client in this process — the whole Django stack (middleware, sessions,
templates, ORM) without a network or a web server in between — a few times to warm up and
--requests times measured. Prints median and 95th-percentile milliseconds and queries per page.
With DATABASE_URL unset it uses a new SQLite file in a temporary folder and removes it after;
with DATABASE_URL set it uses that database, which must be empty or a previous benchmark's.
docs/BENCHMARKS.md records the figures measured on the project's machine.
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.pop("REDIS_URL", None)  # tasks run eagerly, as on the embedded stack
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)  # else WhiteNoise warns on every request
    import logging

    logging.getLogger("portal").setLevel(logging.WARNING)  # not a line per text message sent
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # quick to build
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def build(n: int) -> None:
    from django.core.management import call_command

    from applications import services as filing
    from applications.models import Application
    from applications.rules_loader import load_catalog_and_rules as load_catalog
    from applications.sample import fill_sample_application
    from applications.workflow import services
    from home.demo import load_demo
    from portal.accounts.models import User
    from portal.catalog.models import Item, Level, Series, TitleName
    from portal.core.identity import with_check_digit
    from portal.organizations.models import Membership, Organization, Role

    call_command("migrate", verbosity=0)
    load_catalog()
    accounts = {a.role: a for a in load_demo(with_applications=True)}
    unit = Organization.objects.get(name=accounts[Role.APPLICANT].organization)
    hr = User.objects.get(id_number=accounts[Role.UNIT_HR].id_number)
    item = Item.objects.get(code="initial_recognition")
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhuli")
    title = TitleName.objects.filter(series=series, level=level).first()
    have = Application.objects.filter(applicant__real_name__startswith="压测").count()
    started = time.perf_counter()
    for i in range(have, n):
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 10000)  # unique with the sequence
        person = User(
            id_number=with_check_digit(f"530102{born:%Y%m%d}{500 + i // 10000:03d}"),
            real_name=f"压测{i:05d}",
            mobile=f"139{i:08d}",
        )
        person.set_password("Bench@2026")
        person.save()
        Membership.objects.create(user=person, organization=unit, role=Role.APPLICANT)
        application = filing.application_start(user=person, item=item, series=series, level=level, title=title)
        fill_sample_application(application)
        application, _submitted = filing.application_submit(application=application, user=person)
        if i % 3 == 0:
            services.fire(application_id=application.pk, user=hr, step="unit_recommend", opinion="同意推荐。")
        if (i + 1) % 100 == 0:
            print(f"  built {i + 1}/{n} applications ({time.perf_counter() - started:.0f} s)", flush=True)


def pages():
    """(label, who, method, url, data) for the pages people wait on."""
    from django.urls import reverse

    from applications.models import Application
    from home.demo import ACCOUNTS
    from portal.organizations.models import Role

    by_role = {a.role: a for a in ACCOUNTS}
    applicant = by_role[Role.APPLICANT]
    own = Application.objects.filter(applicant__id_number=applicant.id_number).first()
    waiting = Application.objects.filter(state="unit_review").order_by("-pk").first()
    at_window = Application.objects.filter(state="window_intake").order_by("-pk").first()
    section = lambda key: reverse("applications:section", args=[own.pk, key])  # noqa: E731
    return [
        ("home (public)", None, "get", reverse("home:home"), None),
        ("committee directory (search)", None, "get", reverse("home:committees") + "?q=教师", None),
        ("verify a certificate (POST)", None, "post", reverse("certificates:verify"), {"number": "1", "name": "张伟"}),
        ("applicant: home", Role.APPLICANT, "get", reverse("home:dashboard"), None),
        ("applicant: basic information", Role.APPLICANT, "get", section("basic"), None),
        ("applicant: education", Role.APPLICANT, "get", section("education"), None),
        ("applicant: work history", Role.APPLICANT, "get", section("work"), None),
        ("applicant: checklist", Role.APPLICANT, "get", reverse("applications:checklist", args=[own.pk]), None),
        ("applicant: timeline", Role.APPLICANT, "get", reverse("applications:timeline", args=[own.pk]), None),
        ("applicant: inbox", Role.APPLICANT, "get", reverse("notifications:inbox"), None),
        ("unit HR: home", Role.UNIT_HR, "get", reverse("home:dashboard"), None),
        ("unit HR: queue (page 1 of N)", Role.UNIT_HR, "get", reverse("reviews:queue"), None),
        ("unit HR: queue, filtered", Role.UNIT_HR, "get", reverse("reviews:queue") + "?state=unit_review", None),
        ("unit HR: one application", Role.UNIT_HR, "get", reverse("reviews:detail", args=[waiting.pk]), None),
        ("window: queue", Role.WINDOW_STAFF, "get", reverse("reviews:queue"), None),
        ("window: one application", Role.WINDOW_STAFF, "get", reverse("reviews:detail", args=[at_window.pk]), None),
        ("bureau: queue", Role.BUREAU_APPROVER, "get", reverse("reviews:queue"), None),
    ]


def _request(client, method: str, url: str, data, i: int):
    if method == "post":
        # Each POST to the verify page counts against its rate limit: each from an address of its own.
        return client.post(url, data, REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1")
    return client.get(url)


def measure(requests: int) -> list[tuple[str, float, float, int, int]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from home.demo import ACCOUNTS
    from portal.accounts.models import User

    users = {a.role: User.objects.get(id_number=a.id_number) for a in ACCOUNTS}
    clients = {}
    results = []
    for label, role, method, url, data in pages():
        if role not in clients:
            client = Client()
            if role is not None:
                client.force_login(users[role])
            clients[role] = client
        client = clients[role]
        for i in range(3):
            response = _request(client, method, url, data, i)
            assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            _request(client, method, url, data, 3)
        queries = len(captured.captured_queries)  # now: the log is cleared below
        timings = []
        for i in range(requests):
            reset_queries()
            started = time.perf_counter()
            response = _request(client, method, url, data, 4 + i)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
        results.append((label, statistics.median(timings), p95, queries, len(response.content)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="filed applications to build (default 1000)")
    parser.add_argument("--requests", type=int, default=50, help="measured requests per page (default 50)")
    args = parser.parse_args()

    folder = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        folder = tempfile.TemporaryDirectory(prefix="bench-pages-")
        database_url = f"sqlite:///{folder.name}/bench.sqlite3"
        os.environ["PORTAL_VAR_DIR"] = folder.name
    setup(database_url)
    from django.db import connection

    print(f"database: {connection.vendor}, N={args.n} filed applications, {args.requests} requests per page")
    started = time.perf_counter()
    build(args.n)
    print(f"built in {time.perf_counter() - started:.0f} s; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = measure(args.requests)
    width = max(len(r[0]) for r in results)
    print(f"{'page':<{width}}  median ms  p95 ms  queries  KiB")
    for label, median, p95, queries, size in results:
        print(f"{label:<{width}}  {median:9.1f}  {p95:6.1f}  {queries:7d}  {size / 1024:4.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MiB; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if folder is not None:
        folder.cleanup()


if __name__ == "__main__":
    main()
