#!/usr/bin/env python
"""What the base stack costs: the lightest pages through gunicorn, driven by wrk, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x .venv/bin/python scripts/bench_base.py
    .venv/bin/python scripts/bench_base.py --seconds 10 --connections 32 --workers 2

It migrates the database and loads the catalogue and the demo accounts when they are missing
(with DATABASE_URL unset: a throwaway SQLite file), makes logged-in sessions for the applicant and
the unit HR officer (past the second factor, as after a real login; one session per connection,
as many people would), serves the portal with gunicorn as the Dockerfile does (production
settings, DEBUG off) and runs wrk against each page in turn. It prints requests/s, p50 and p99 and
the ratio of each page's throughput to the anonymous 404's, all measured in the same run: on a
shared 2-core machine absolute figures are noise, ratios are what compares. The data set is the
demo's (a handful of applications): this measures what every request pays, not the queues (see
issue 16 for the large data set). docs/BENCHMARKS.md records the figures.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = [
    ("anonymous 404", None, "/no-such-page/"),
    ("anonymous home page", None, "/"),
    ("applicant: profile (lightest logged-in page)", "applicant", "/accounts/profile/"),
    ("applicant: home", "applicant", "/home/"),
    ("unit HR: profile", "unit_hr", "/accounts/profile/"),
]

# One cookie per request, round robin over the sessions: wrk has no per-connection hook.
LUA = """
local cookies = {%s}
local i = 0
request = function()
  i = i %% #cookies + 1
  return wrk.format("GET", nil, {["Cookie"] = "sessionid=" .. cookies[i]})
end
"""


def production_env(var_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DEBUG="false",
        PORTAL_VAR_DIR=var_dir,
        # Plain http on 127.0.0.1, as behind the TLS proxy.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        SECURE_PROXY_SSL_HEADER="false",
        CLAMAV_ENABLED="false",
        PORTAL_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


def prepare(env: dict, connections: int) -> dict[str, list[str]]:
    """Migrated database with the demo accounts; `connections` sessions per role."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from home.demo import ACCOUNTS
    from portal.accounts.models import User
    from tests.second_factor_helpers import verify_session

    call_command("migrate", verbosity=0)
    ids = {str(a.role): a.id_number for a in ACCOUNTS}
    if not User.objects.filter(id_number=ids["applicant"]).exists():
        call_command("load_catalog", verbosity=0)
        call_command("load_demo", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = {}
    for role in {role for _, role, _ in PAGES if role}:
        user = User.objects.get(id_number=ids[role])
        sessions[role] = []
        for _ in range(connections):
            client = Client()
            client.force_login(user)
            verify_session(client, user)
            sessions[role].append(client.cookies["sessionid"].value)
    return sessions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, server, workers: int) -> None:
    """Until the workers answer (the master listens before they have loaded Django)."""
    answered = 0
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            answered += 1
            if answered > 4 * workers:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def milliseconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, cookies: list[str] | None, seconds: int, connections: int, script_dir: str) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if cookies:
        script = Path(script_dir) / "cookies.lua"
        script.write_text(LUA % ", ".join(f'"{c}"' for c in cookies))
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Socket errors" in out:
        print(out, file=sys.stderr)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-base-") as tmp:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
        env = production_env(os.environ.get("PORTAL_VAR_DIR", tmp))
        sessions = prepare(env, args.connections)
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi:application", f"--bind=127.0.0.1:{port}"]
            + [f"--workers={args.workers}", "--log-level=warning"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(port, server, args.workers)
            rows = []
            for label, role, path in PAGES:
                url = f"http://127.0.0.1:{port}{path}"
                cookies = sessions[role] if role else None
                run_wrk(url, cookies, 2, args.connections, tmp)  # warm up
                rows.append((label, path, run_wrk(url, cookies, args.seconds, args.connections, tmp)))
        finally:
            server.terminate()
            server.wait()

    base = rows[0][2]["rps"]
    print(f"\n{args.workers} gunicorn workers, wrk {args.connections} connections, {args.seconds} s per page")
    print("| page | path | req/s | p50 ms | p99 ms | ratio to anonymous 404 | non-2xx/3xx |")
    print("|---|---|---|---|---|---|---|")
    for label, path, r in rows:
        print(
            f"| {label} | `{path}` | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rps'] / base:.2f} |"
            f" {r['non_2xx']} |"
        )


if __name__ == "__main__":
    main()
