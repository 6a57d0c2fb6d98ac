#!/usr/bin/env python
"""Deadline-day submit burst: N applicants (100 by default) each upload a 5 MB PDF to their last
missing required material and submit their application, all at once, against gunicorn as
production serves it (2 workers). Reports errors (anything but the expected redirect, or a
submission that did not happen), p50/p95/max of each step, and the peak memory (VmHWM) of each
gunicorn worker: an upload is written to a temporary file as it arrives
(FILE_UPLOAD_MAX_MEMORY_SIZE), checked and stored from there, so a worker's memory must not grow
with the number or size of the files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_burst .venv/bin/python scripts/bench_submit_burst.py
    ... scripts/bench_submit_burst.py -n 100 --megabytes 5 --json burst.json

The database must be an empty PostgreSQL one or one this script built (its applicants are found
by name and put back to "one material missing" before each run). Files go to a folder named
after the database in the system's temporary folder.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_load  # noqa: E402 (the sibling script: server, sessions, environment)

PREFIX = "突发"
CSRF = bench_load.CSRF


def build(n: int) -> list[int]:
    """N applicants of the demo unit with a complete draft but for one required material. Returns
    the applications' ids (made once; later runs reuse them)."""
    from django.core.management import call_command

    from applications import services as filing
    from applications.models import Application, Material
    from applications.rules_loader import load_catalog_and_rules as load_catalog
    from applications.sample import fill_sample_application
    from home.demo import load_demo
    from portal.accounts.models import User
    from portal.catalog.models import Item, Level, Series, TitleName
    from portal.core.identity import with_check_digit
    from portal.organizations.models import Membership, Organization, Role

    call_command("migrate", verbosity=0)
    if not Item.objects.exists():
        load_catalog()
    accounts = {a.role: a for a in load_demo(with_applications=False)}
    unit = Organization.objects.get(name=accounts[Role.APPLICANT].organization)
    item = Item.objects.get(code="initial_recognition")
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhuli")
    title = TitleName.objects.filter(series=series, level=level).first()
    mine = Application.objects.filter(applicant__real_name__startswith=PREFIX)
    for i in range(mine.count(), n):
        born = datetime.date(1975, 1, 1) + datetime.timedelta(days=i % 10000)
        person = User(
            id_number=with_check_digit(f"530102{born:%Y%m%d}{700 + i // 10000:03d}"),
            real_name=f"{PREFIX}{i:04d}",
            mobile=f"137{i:08d}",
        )
        person.set_unusable_password()
        person.save()
        Membership.objects.create(user=person, organization=unit, role=Role.APPLICANT)
        application = filing.application_start(user=person, item=item, series=series, level=level, title=title)
        fill_sample_application(application)
    ids = list(mine.order_by("id").values_list("pk", flat=True)[:n])
    # Back to a draft missing its first required material (a previous run submitted them).
    Application.objects.filter(pk__in=ids).update(state="draft", submitted_at=None, filed_content=None)
    for application in Application.objects.filter(pk__in=ids):
        first = Material.objects.filter(application=application, requirement__isnull=False).order_by("id").first()
        if first is not None:
            first.delete()
    return ids


def targets(ids: list[int]) -> list[dict]:
    """Per application: its applicant's session, the upload URL, the missing slot, the submit URL."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.urls import reverse

    from applications.materials import missing_required_materials
    from applications.models import Application

    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    out = []
    for application in Application.objects.filter(pk__in=ids).select_related("applicant", "item", "series"):
        person = application.applicant
        session = store()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.save()
        missing = missing_required_materials(application)
        out.append(
            {
                "id": application.pk,
                "session": session.session_key,
                "requirement": missing[0].pk,
                "upload": reverse("applications:materials", args=[application.pk]),
                "submit": reverse("applications:submit", args=[application.pk]),
            }
        )
    return out


def pdf_of(megabytes: float) -> bytes:
    """A well-formed PDF of about this size (its bulk a comment line, as padding)."""
    from applications.sample import pdf_bytes

    return pdf_bytes("x" * int(megabytes * 1024 * 1024))


class MemoryWatch(threading.Thread):
    """Peak resident memory of every gunicorn worker (children of the master), sampled."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.peak: dict[int, int] = {}
        self.start_rss: dict[int, int] = {}
        self.stop = threading.Event()

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.master}/task/{self.master}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    @staticmethod
    def status(pid: int, key: str) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
        return 0

    def run(self):
        while not self.stop.is_set():
            for pid in self.workers():
                try:
                    rss = self.status(pid, "VmRSS")
                    self.start_rss.setdefault(pid, rss)
                    self.peak[pid] = max(self.peak.get(pid, 0), rss, self.status(pid, "VmHWM"))
                except (FileNotFoundError, ProcessLookupError):
                    pass
            self.stop.wait(0.1)


def one_applicant(base: str, target: dict, body: bytes, start: threading.Event) -> dict:
    http = requests.Session()
    http.cookies.set("sessionid", target["session"])
    http.cookies.set("csrftoken", CSRF)
    headers = {"Referer": base + target["upload"]}
    start.wait()
    t0 = time.perf_counter()
    upload = http.post(
        base + target["upload"],
        data={"requirement": target["requirement"], "csrfmiddlewaretoken": CSRF},
        files={"file": (f"scan-{uuid.uuid4().hex[:6]}.pdf", body, "application/pdf")},
        headers=headers,
        allow_redirects=False,
        timeout=600,
    )
    t1 = time.perf_counter()
    submit = http.post(
        base + target["submit"],
        data=urlencode({"csrfmiddlewaretoken": CSRF}),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=600,
    )
    t2 = time.perf_counter()
    return {
        "id": target["id"],
        "upload_status": upload.status_code,
        "submit_status": submit.status_code,
        "upload_s": t1 - t0,
        "submit_s": t2 - t1,
        "total_s": t2 - t0,
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100, help="applicants submitting at once (default 100)")
    parser.add_argument("--megabytes", type=float, default=5.0, help="size of each upload (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench_submit_burst: set DATABASE_URL to a PostgreSQL database (empty, or built by this script)")
    # One folder per database: the applicants' photos stored when they were built are read again
    # by every later run's submissions (a fresh folder would lose them).
    media = Path(tempfile.gettempdir()) / f"burst-media-{url.rstrip('/').rsplit('/', 1)[-1]}"
    media.mkdir(exist_ok=True)
    os.environ["MEDIA_ROOT"] = str(media)
    bench_load.setup(url)
    from django.conf import settings

    from applications.models import Application, State

    started = time.perf_counter()
    ids = build(args.n)
    print(f"prepared {len(ids)} applications in {time.perf_counter() - started:.0f} s")
    todo = targets(ids)
    body = pdf_of(args.megabytes)
    process, base = bench_load.start_server(url, args.workers)
    watch = MemoryWatch(process.pid)
    try:
        time.sleep(1)
        requests.get(base + "/accounts/login/", timeout=60)  # the workers have imported everything
        watch.start()
        time.sleep(0.5)
        go = threading.Event()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(todo)) as pool:
            futures = [pool.submit(one_applicant, base, t, body, go) for t in todo]
            wall = time.perf_counter()
            go.set()
            results = [f.result() for f in futures]
            wall = time.perf_counter() - wall
        time.sleep(0.5)
    finally:
        watch.stop.set()
        process.terminate()
        process.wait(timeout=30)
    submitted = set(
        Application.objects.filter(pk__in=ids, submitted_at__isnull=False)
        .exclude(state=State.DRAFT)
        .values_list("pk", flat=True)
    )
    errors = [r for r in results if r["upload_status"] != 302 or r["submit_status"] != 302 or r["id"] not in submitted]
    figures = {
        "applicants": len(results),
        "megabytes_each": args.megabytes,
        "workers": args.workers,
        "file_upload_max_memory_size": settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
        "errors": len(errors),
        "wall_s": round(wall, 2),
    }
    for key in ("upload_s", "submit_s", "total_s"):
        values = [r[key] for r in results]
        figures[key] = {
            "p50": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2),
            "max": round(max(values), 2),
        }
    figures["worker_rss_mib"] = {
        str(pid): {"start": round(watch.start_rss.get(pid, 0) / 1024), "peak": round(peak / 1024)}
        for pid, peak in watch.peak.items()
    }
    print(json.dumps(figures, indent=2))
    if errors:
        print("errors:", json.dumps(errors[:5], indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
