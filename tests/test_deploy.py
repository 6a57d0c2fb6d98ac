"""Checks of the deployment files that need no Docker engine: docker-compose.yml, Dockerfile,
the scripts and the README's first commands. Nothing here touches the database."""

import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED_ENV = [
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
]
RUNTIME_DEBIAN_PACKAGES = ["fonts-noto-cjk", "libharfbuzz-subset0", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"]
SCRIPTS = [
    "scripts/bootstrap",
    "scripts/run",
    "scripts/test",
    "scripts/clamd",
    "scripts/clamav/build-signatures",
    ".ci/run",
]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):  # the KEY=value form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def test_compose_has_the_stack(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "minio"} <= set(compose["services"])
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert compose["services"]["minio"]["image"].startswith("minio/minio")


def test_minio_bucket_is_created_by_a_one_shot_service(compose):
    one_shots = [
        service
        for service in compose["services"].values()
        if str(service.get("image", "")).startswith("minio/mc")
        and str(service.get("restart", "no")) == "no"
        and "mc mb" in command_text({"command": service.get("entrypoint", "")}) + command_text(service)
    ]
    assert one_shots, "a minio/mc service should create the bucket"


def test_web_worker_and_beat_share_the_environment(compose):
    services = compose["services"]
    envs = {name: environment(services[name]) for name in ("web", "worker", "beat")}
    for name, env in envs.items():
        missing = [var for var in SHARED_ENV if var not in env]
        assert not missing, f"{name} lacks {missing}"
    assert envs["web"] == envs["worker"] == envs["beat"]


def test_processes(compose):
    services = compose["services"]
    assert "gunicorn" in command_text(services["web"])
    assert "portal.wsgi" in command_text(services["web"])
    assert re.search(r"\bcelery\b.*\bworker\b", command_text(services["worker"]))
    assert re.search(r"\bcelery\b.*\bbeat\b", command_text(services["beat"]))


def test_migrations_run_before_the_app(compose):
    services = compose["services"]
    migrating = [
        name
        for name, service in services.items()
        if "migrate" in command_text(service) and "load_catalog" in command_text(service)
    ]
    assert migrating, "some service should run migrate and load_catalog"
    for name in ("web", "worker", "beat"):
        depends_on = services[name].get("depends_on", {})
        assert all(depends_on.get(m, {}).get("condition") == "service_completed_successfully" for m in migrating), (
            f"{name} should wait for {migrating}"
        )


def test_healthchecks(compose):
    for name in ("web", "worker", "postgres", "redis", "minio"):
        assert "test" in compose["services"][name].get("healthcheck", {}), f"{name} has no healthcheck"


def test_data_lives_in_volumes(compose):
    for name in ("postgres", "redis", "minio"):
        volumes = compose["services"][name].get("volumes", [])
        assert any(str(v).split(":")[0] in compose.get("volumes", {}) for v in volumes), f"{name} keeps no volume"


def test_every_variable_compose_gives_web_is_read_by_settings(compose):
    settings_source = (ROOT / "portal" / "settings.py").read_text()
    unread = [
        name
        for name in environment(compose["services"]["web"])
        if not re.search(rf"""["']{re.escape(name)}["']""", settings_source)
    ]
    assert not unread, f"docker-compose.yml sets {unread} for web, but portal/settings.py never reads them"


def test_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.MULTILINE)
    for package in RUNTIME_DEBIAN_PACKAGES:
        assert package in dockerfile, f"the Dockerfile does not install {package}"
    assert re.search(r"\buv pip install\b.*requirements\.lock", dockerfile)
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in dockerignore and ".git" in dockerignore


def test_bootstrap_installs_what_the_image_has():
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    for package in [*RUNTIME_DEBIAN_PACKAGES, "poppler-utils", "graphviz", "chromium", "clamav-daemon"]:
        assert package in bootstrap, f"scripts/bootstrap does not install {package}"


# --- the virus scanner -------------------------------------------------------------------------


def test_compose_scans_uploads_with_clamav(compose):
    services = compose["services"]
    clamav = services["clamav"]
    assert clamav["image"].startswith("clamav/")
    assert "test" in clamav.get("healthcheck", {})
    # Signatures downloaded by freshclam survive a restart.
    assert any(str(v).split(":")[0] in compose.get("volumes", {}) for v in clamav.get("volumes", []))
    env = environment(services["web"])
    assert env["CLAMAV_HOST"] == "clamav"
    assert str(env["CLAMAV_PORT"]) == "3310"
    assert str(env.get("CLAMAV_ENABLED", "true")).lower() == "true"


def test_ci_and_run_start_clamd():
    for script in (".ci/run", "scripts/run"):
        text = (ROOT / script).read_text()
        assert re.search(r"scripts/clamd\"? start", text), f"{script} does not start clamd"
    ci = (ROOT / ".ci/run").read_text()
    assert "export CLAMAV_SOCKET" in ci


def _instream(path: str, content: bytes) -> str:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(10)
        sock.connect(path)
        sock.sendall(b"zINSTREAM\0" + struct.pack("!L", len(content)) + content + struct.pack("!L", 0))
        return sock.recv(4096).split(b"\0")[0].decode()


def test_scripts_clamd_starts_a_scanner_with_the_shipped_signatures():
    """What scripts/run and .ci/run rely on: a clamd that starts from the repository's own files
    (no freshclam download) and finds the EICAR test file."""
    if shutil.which("clamd") is None:
        if os.environ.get("CI"):
            pytest.fail("clamd is not installed, though scripts/bootstrap installs clamav-daemon")
        pytest.skip("clamd is not installed (scripts/bootstrap installs clamav-daemon)")
    from tests.plugins.clamav import EICAR

    state = tempfile.mkdtemp(prefix="clamd-", dir="/tmp")  # a short path: sockets allow ~100 bytes
    env = {**os.environ, "CLAMD_STATE_DIR": state, "CLAMAV_SOCKET": f"{state}/clamd.sock"}
    script = str(ROOT / "scripts" / "clamd")
    try:
        started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=240)
        assert started.returncode == 0, started.stdout + started.stderr
        assert "portal-test.ndb" in started.stdout
        assert subprocess.run([script, "ping"], env=env, timeout=30).returncode == 0
        assert _instream(f"{state}/clamd.sock", b"hello") == "stream: OK"
        assert _instream(f"{state}/clamd.sock", b"%PDF-1.4 " + EICAR).endswith(" FOUND")
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(state, ignore_errors=True)
    assert subprocess.run([script, "ping"], env=env, timeout=30).returncode != 0


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_executable_bash(script):
    path = ROOT / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    bash = shutil.which("bash")
    if bash:
        result = subprocess.run([bash, "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_readme_begins_with_run_and_test():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    first_block = re.search(r"^```[^\n]*\n(.*?)^```", readme.read_text(), re.MULTILINE | re.DOTALL)
    assert first_block, "README.md has no fenced code block"
    block = first_block.group(1)
    assert "scripts/run" in block and "scripts/test" in block, (
        f"README.md's first code block should hold `scripts/run` and `scripts/test`, not:\n{block}"
    )
