#!/usr/bin/env python
"""Pages under load, as production serves them: gunicorn with 2 workers on this machine, driven by
wrk with logged-in sessions per role, each page's throughput set against the lightest logged-in
page measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python scripts/bench_load.py
    ... scripts/bench_load.py --duration 10 --connections 32 --only queue
    ... scripts/bench_load.py --json figures.json

The database is one that scripts/build_dataset.py built (its benchmark accounts are looked up by
name). Needs wrk (`scripts/bootstrap --bench` installs Debian's package) unless --queries-only; the
script says so when it is missing.

For each role the script creates a session directly in the session store (logged in, and for staff
with the second factor passed the way django-otp's middleware checks it: the session names the
user's confirmed device), so no password is checked and no login page is measured. Each page is
requested once through Django's test client to count its queries and check its status, then
driven by wrk for --duration seconds with --connections connections, then for --alone seconds with
one connection (the p95 one user waits when nobody else is asking: with 32 connections on 2
workers every latency is mostly the queue in front of the page). The lightest logged-in page
(the profile page) is measured first, again between groups of pages and last; each page's ratio is
its requests/s over the mean of those anchor runs. Absolute figures on a shared 2-core machine
are noise; the ratios are the figure. The anonymous 404 is the other anchor: what the stack costs
with no session at all.

The server runs with DEBUG off, the production static files (collected once into STATIC_ROOT),
tasks eager (no broker), and the public verification page's rate limit raised out of the way (every
request comes from 127.0.0.1; the limit is a cache increment, measured with the page).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_PREFIX = "压测"
ANCHOR = "lightest logged-in page (profile)"
CSRF = "b" * 32  # an unmasked CSRF secret: the cookie and the form field carry the same value


def server_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "CLAMAV_ENABLED": "false",
            "CERTIFICATE_VERIFY_RATE_LIMIT": "1000000000",
            "PYTHONUNBUFFERED": "1",
            # Production terminates TLS at the proxy in front of gunicorn; here wrk talks plain
            # HTTP to gunicorn itself, as the proxy does.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
        }
    )
    return env


def setup(database_url: str) -> None:
    os.environ.update(server_env(database_url))
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]


def sessions() -> dict:
    """A session cookie per role: logged in, second factor passed (for staff)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User

    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    names = {
        "applicant": f"{BENCH_PREFIX}申报人",
        "unit_hr": f"{BENCH_PREFIX}单位经办",
        "dept_reviewer": f"{BENCH_PREFIX}主管部门",
        "window_staff": f"{BENCH_PREFIX}窗口",
        "bureau_approver": f"{BENCH_PREFIX}审批",
        "admin": f"{BENCH_PREFIX}管理员",
    }
    out = {}
    for role, name in names.items():
        user = User.objects.filter(real_name=name).order_by("id").first()
        if user is None:
            sys.exit(f"bench_load: no benchmark account {name}: build the data set with scripts/build_dataset.py")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        out[role] = (user, session.session_key)
    return out


def pages(users: dict) -> list[tuple[str, str | None, str, str, dict | None]]:
    """(label, role, method, path, form) for every page measured."""
    from django.urls import reverse

    from applications.models import Application
    from certificates.models import Certificate
    from reviews import selectors

    applicant = users["applicant"][0]
    own = Application.objects.filter(applicant=applicant).order_by("id").first()
    hr = users["unit_hr"][0]
    in_hr_scope = selectors.review_queue(hr).first()
    certificate = Certificate.objects.order_by("id").first()
    queue = reverse("reviews:queue")
    rows = []
    for role, label in (
        ("unit_hr", "unit HR"),
        ("dept_reviewer", "department"),
        ("window_staff", "window"),
        ("bureau_approver", "bureau"),
    ):
        rows += [
            (f"{label} queue", role, "get", queue, None),
            (f"{label} queue, page 20", role, "get", f"{queue}?page=20", None),
            (f"{label} queue, all scope", role, "get", f"{queue}?scope=all", None),
            (f"{label} queue, all scope, page 200", role, "get", f"{queue}?scope=all&page=200", None),
            (f"{label} queue, longest waiting", role, "get", f"{queue}?sort=waiting", None),
        ]
    rows += [
        ("department queue, filtered (state)", "dept_reviewer", "get", f"{queue}?scope=all&state=approved", None),
        ("bureau queue, search (name)", "bureau_approver", "get", f"{queue}?q=王伟", None),
        ("applicant home", "applicant", "get", reverse("home:dashboard"), None),
        ("applicant timeline", "applicant", "get", reverse("applications:timeline", args=[own.pk]), None),
        ("unit HR review detail", "unit_hr", "get", reverse("reviews:detail", args=[in_hr_scope.pk]), None),
        ("committee directory (search)", None, "get", reverse("home:committees") + "?q=教师", None),
        (
            "verification POST",
            None,
            "post",
            reverse("certificates:verify"),
            {"number": certificate.number, "name": certificate.holder_name, "csrfmiddlewaretoken": CSRF},
        ),
        ("admin Application changelist", "admin", "get", "/admin/applications/application/", None),
    ]
    return rows


def count_queries(rows, users, explain: Path | None) -> dict[str, tuple[int, int]]:
    """Status and queries of each page, through the test client in this process; with `explain`,
    the EXPLAIN ANALYZE of each page's slowest query (of a second request) goes to that file."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    plans = []
    for label, role, method, path, form in rows + [(ANCHOR, "applicant", "get", "/accounts/profile/", None)]:
        client = Client(enforce_csrf_checks=False)
        if role:
            client.cookies["sessionid"] = users[role][1]
        for _ in range(2):  # the second request is the one counted (caches warm, as under load)
            with CaptureQueriesContext(connection) as queries:
                response = client.post(path, form) if method == "post" else client.get(path)
        out[label] = (response.status_code, len(queries))
        if explain and queries.captured_queries:
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
            if slowest["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                plans.append(
                    f"## {label}: {path}\n\n{slowest['time']} s\n\n```sql\n{slowest['sql']}\n```\n\n```\n{plan}\n```\n"
                )
    if explain:
        explain.write_text("\n".join(plans), encoding="utf-8")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    env = server_env(database_url)
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", f"--bind=127.0.0.1:{port}", f"--workers={workers}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        sys.exit("bench_load: gunicorn did not start")
    return process, base


def wrk(base, path, *, cookie, method, form, duration, connections, threads) -> dict:
    """One wrk run; requests/s, p50/p99 in ms, non-2xx/3xx responses, errors."""
    from urllib.parse import quote, urlencode

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        headers = {"Host": "127.0.0.1"}
        cookies = [f"csrftoken={CSRF}"]
        if cookie:
            cookies.append(f"sessionid={cookie}")
        headers["Cookie"] = "; ".join(cookies)
        lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
        if method == "post":
            lines += [
                'wrk.method = "POST"',
                f"wrk.body = {json.dumps(urlencode(form))}",
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
                f'wrk.headers["Referer"] = "{base}{path}"',
            ]
        # wrk --latency prints 50/75/90/99; the 95th comes from the latency histogram itself.
        lines += [
            "done = function(summary, latency, requests)",
            '  io.write(string.format("p95-us %d\\n", latency:percentile(95)))',
            "end",
        ]
        script.write("\n".join(lines) + "\n")
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout=30s",
                "--latency",
                "-s",
                script.name,
                f"{base}{quote(path, safe='/?&=%')}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 60,
        )
    finally:
        os.unlink(script.name)
    text = result.stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return None
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    p95 = re.search(r"^p95-us (\d+)$", text, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": ms("50"),
        "p95": int(p95.group(1)) / 1000 if p95 and total and int(total.group(1)) else None,
        "p99": ms("99"),
        "requests": int(total.group(1)) if total else 0,
        "bad": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


def drain(base: str, limit: float = 180.0) -> None:
    """Wait until the server has worked off the requests wrk left queued (a slow page leaves up to
    --connections of them), so that one page's backlog is not counted against the next."""
    from urllib.error import HTTPError
    from urllib.request import urlopen

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urlopen(f"{base}/no-such-page/", timeout=limit)  # noqa: S310 (our own server on loopback)
        except HTTPError:
            pass
        if time.monotonic() - started < 0.5:
            return


def table_rows() -> int:
    from applications.models import Application

    return Application.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--explain", type=Path, help="write each page's slowest query with its EXPLAIN ANALYZE here")
    parser.add_argument(
        "--alone",
        type=int,
        default=3,
        help="seconds of a second run per page with one connection: the p95 one user waits (0: skip)",
    )
    parser.add_argument("--queries-only", action="store_true", help="count queries (and --explain), no load")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench_load: set DATABASE_URL to the PostgreSQL database scripts/build_dataset.py built")
    if shutil.which("wrk") is None and not args.queries_only:
        sys.exit("bench_load: wrk is missing: scripts/bootstrap --bench installs it (Debian's package)")
    static = Path(os.environ.get("STATIC_ROOT", ROOT / "build" / "static"))
    if not (static / "staticfiles.json").exists():  # production's manifest storage needs it
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=server_env(url),
            check=True,
        )
    setup(url)
    users = sessions()
    rows = [r for r in pages(users) if args.only in r[0]]
    queries = count_queries(rows, users, args.explain)
    applications = table_rows()
    if args.queries_only:
        for label, (status, count) in queries.items():
            print(f"  {label:<42} status {status}  {count} queries")
        return
    process, base = start_server(url, args.workers)
    results = {}
    anchors = []

    def run(label, role, method, path, form):
        figures = wrk(
            base,
            path,
            cookie=users[role][1] if role else None,
            method=method,
            form=form,
            duration=args.duration,
            connections=args.connections,
            threads=args.threads,
        )
        drain(base)
        if args.alone:
            alone = wrk(
                base,
                path,
                cookie=users[role][1] if role else None,
                method=method,
                form=form,
                duration=args.alone,
                connections=1,
                threads=1,
            )
            figures["p95_alone"] = alone["p95"]
        print(
            f"  {label:<42} {figures['rps']:>8.1f} req/s  p50 {figures['p50']} ms  p95 {figures['p95']} ms  "
            f"p99 {figures['p99']} ms  p95 alone {figures.get('p95_alone')} ms",
            flush=True,
        )
        return figures

    try:
        anchor = (ANCHOR, "applicant", "get", "/accounts/profile/", None)
        run(*anchor)  # warm-up: both workers import and connect
        anchors.append(run(*anchor))
        results["anonymous 404"] = run("anonymous 404", None, "get", "/no-such-page/", None)
        queries["anonymous 404"] = (404, 0)
        for k, row in enumerate(rows):
            results[row[0]] = run(*row)
            if k % 6 == 5:
                anchors.append(run(*anchor))
        anchors.append(run(*anchor))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    base_rps = sum(a["rps"] for a in anchors) / len(anchors)
    results = {ANCHOR: {**anchors[0], "rps": base_rps}, **results}
    anchor_list = ", ".join(f"{a['rps']:.1f}" for a in anchors)
    print()
    print(
        f"{applications:,} applications; {args.connections} connections, {args.duration} s per page, "
        f"{args.workers} gunicorn workers; anchor runs: {anchor_list} req/s"
    )
    print()
    print("| page | rows | req/s | p50 | p95 | p99 | p95, one connection | ratio | queries |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, f in results.items():
        status, count = queries.get(label, (200, 0))
        note = f" (status {status})" if status != 200 and label != "anonymous 404" else ""
        bad = f" ({f['bad']} non-2xx/3xx)" if f["bad"] and label != "anonymous 404" else ""
        p50 = f"{f['p50']:.0f} ms" if f["p50"] is not None else "—"
        p99 = f"{f['p99']:.0f} ms" if f["p99"] is not None else "—"
        p95 = f"{f['p95']:.0f} ms" if f.get("p95") is not None else "—"
        alone = f"{f['p95_alone']:.0f} ms" if f.get("p95_alone") is not None else "—"
        print(
            f"| {label}{note}{bad} | {applications:,} | {f['rps']:.1f} | {p50} | {p95} | {p99} | {alone} | "
            f"{f['rps'] / base_rps:.2f} | {count} |"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"applications": applications, "results": results, "queries": queries}, indent=1)
        )


if __name__ == "__main__":
    main()
