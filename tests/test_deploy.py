"""Checks of the deployment that need no Docker engine: docker-compose.yml, .env.example,
Dockerfile, the scripts and the README's first commands; the HTTPS settings of the production
shape and of the dev server (computed in fresh processes), the headers pages are served with, and
`manage.py check --deploy` in the documented production environment."""

import importlib.util
import ipaddress
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
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


# --- HTTPS and browser protections ---------------------------------------------------------------

HTTPS_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]
A_SECRET_KEY = "k" + "".join(chr(ord("a") + i % 26) + str(i % 7) for i in range(40))


def settings_under(environment: dict, names=HTTPS_SETTINGS) -> dict:
    """The settings portal/settings.py computes in a fresh process given exactly this environment
    (nothing inherited from the one running the tests)."""
    code = (
        "import json, sys; from django.conf import settings; "
        "json.dump({name: getattr(settings, name) for name in sys.argv[1:]}, sys.stdout, default=str)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    if values.get("SECURE_PROXY_SSL_HEADER") is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production_settings() -> dict:
    return settings_under({"DEBUG": "false", "SECRET_KEY": A_SECRET_KEY, "ALLOWED_HOSTS": "testserver"})


def test_https_only_by_default_when_debug_is_off(production_settings):
    assert production_settings == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }


def test_plain_http_for_the_dev_server():
    dev = settings_under({"DEBUG": "true", "SECRET_KEY": A_SECRET_KEY})
    assert dev == {
        "DEBUG": True,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_each_https_setting_can_be_set_from_the_environment():
    chosen = settings_under(
        {
            "DEBUG": "false",
            "SECRET_KEY": A_SECRET_KEY,
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "true",
            "SECURE_HSTS_SECONDS": "600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
            "SECURE_HSTS_PRELOAD": "true",
            "SECURE_PROXY_SSL_HEADER": "false",
        }
    )
    assert chosen == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_scripts_run_serves_the_dev_shape():
    """The README's first command serves plain http on 127.0.0.1: it runs with DEBUG on unless told."""
    run = (ROOT / "scripts" / "run").read_text()
    export = re.search(r'^export DEBUG="\$\{DEBUG:-true\}"$', run, re.MULTILINE)
    assert export and export.start() < run.rindex("manage.py runserver")


@pytest.fixture
def production(settings, production_settings):
    """The test client under the production shape's HTTPS settings (conftest turns them off)."""
    for name, value in production_settings.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    return settings


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/accounts/login/?next=/applications/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/?next=/applications/"
    assert "Strict-Transport-Security" not in response.headers  # only sent over HTTPS


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["secure", "from the proxy"])
def test_headers_over_https(client, production, how):
    https = {"secure": True} if how == "secure" else {"headers": {"x-forwarded-proto": "https"}}
    response = client.get("/accounts/login/", **https)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["secure"] is True
    directives = csp_directives(response)
    for name, sources in EXPECTED_CSP.items():
        assert directives.get(name) == sources, (name, response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/verify/"])
def test_every_page_carries_the_policy(client, path):
    """Plain http as in the dev server: no HSTS and no redirect, but the same policy."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert csp_directives(response) == {**csp_directives(response), **EXPECTED_CSP}
    assert "Strict-Transport-Security" not in response.headers


# --- the production environment: docker-compose.yml and .env.example ------------------------------


def load_production_env():
    spec = importlib.util.spec_from_file_location("production_env", ROOT / "scripts" / "production_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


production_env = load_production_env()
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN")
REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")


def compose_values(compose):
    """(service, key, value) for every environment entry and command word of every service."""
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            yield name, key, str(value)
        for word in service.get("command", []) if isinstance(service.get("command"), list) else []:
            yield name, "command", str(word)


def test_compose_has_no_default_passwords(compose):
    offending = []
    for service, key, value in compose_values(compose):
        references = list(REFERENCE.finditer(value))
        if SECRET_NAME.search(key) and not references:
            offending.append(f"{service}: {key} is written into the file")
        for reference in references:
            if SECRET_NAME.search(reference["name"]):
                rest = reference["rest"]
                # Required (compose refuses to start without it), or empty unless set (optional ones).
                if not (rest.startswith(":?") or rest == ":-"):
                    offending.append(f"{service}: {key} = {value}")
    assert not offending, offending


@pytest.mark.parametrize("secret", ["SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"])
def test_compose_refuses_to_start_without_each_secret(compose, secret):
    variables = production_env.read_env_file(ROOT / ".env.example")
    variables.update({name: "a-real-secret-" + name.lower() for name in production_env.required_variables()})
    assert secret in production_env.required_variables()
    for service in ("web", "postgres", "minio", "createbucket"):
        production_env.production_environment(variables, service)  # all set: fine
    del variables[secret]
    refused = []
    for service in compose["services"]:
        try:
            production_env.production_environment(variables, service)
        except production_env.MissingVariable:
            refused.append(service)
    assert refused, f"no service needs {secret}"
    variables[secret] = ""
    with pytest.raises(production_env.MissingVariable):
        production_env.production_environment(variables, refused[0])  # empty counts as unset


def test_interpolation_follows_compose():
    interpolate = production_env.interpolate
    assert interpolate("${A:-x}|${A-y}|${B:-x}|${B-y}|$$A|${A}", {"A": ""}) == "x||x|y|$A|"
    assert interpolate("${A:+set}${B:+set}", {"A": "1"}) == "set"
    with pytest.raises(production_env.MissingVariable, match="B: needed"):
        interpolate("${B:?needed}", {})


def test_gunicorn_trusts_forwarded_headers_from_the_proxy_only(compose):
    command = compose["services"]["web"]["command"]
    allowed = [word for word in command if word.startswith("--forwarded-allow-ips=")]
    assert allowed == ["--forwarded-allow-ips=${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
    example = production_env.read_env_file(ROOT / ".env.example")
    assert "*" not in production_env.interpolate(allowed[0], example)
    ports = compose["services"]["web"]["ports"]
    assert production_env.interpolate(ports[0], {}) == "127.0.0.1:8000:8000", "publish web to the local proxy only"


def test_env_example_and_compose_agree(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    read_by_compose = set(REFERENCE_NAMES.findall(text))
    example = set(production_env.read_env_file(ROOT / ".env.example"))
    ignored = sorted(example - read_by_compose)
    assert not ignored, f".env.example sets {ignored}, which docker-compose.yml never passes on"
    missing = sorted(production_env.required_variables() - example)
    assert not missing, f".env.example lacks the required {missing}"


REFERENCE_NAMES = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def test_check_deploy_is_clean_with_the_production_environment():
    """`manage.py check --deploy` as scripts/test runs it: compose's web environment filled in from
    .env.example, with generated secrets, and nothing inherited from this process."""
    environment = production_env.production_environment()
    assert environment["DEBUG"] == "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_scripts_test_runs_the_deploy_check_and_the_linters():
    script = (ROOT / "scripts" / "test").read_text()
    for command in (
        'djlint" templates --lint',
        "manage.py makemigrations --check --dry-run",
        "scripts/production_env.py -0",
        "manage.py check --deploy --fail-level WARNING",
    ):
        line = next(
            (line for line in script.splitlines() if command in line and not line.lstrip().startswith(("#", "echo"))),
            None,
        )
        assert line, f"scripts/test does not run {command}"


def test_dot_env_is_never_committed_nor_built_in():
    assert "/.env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


# --- /admin/ only from the networks allowed -------------------------------------------------------

INSIDE, OUTSIDE, PROXY = "10.8.3.4", "203.0.113.9", "172.18.0.1"


def test_admin_networks_come_from_the_environment():
    names = ["ADMIN_ALLOWED_NETWORKS"]
    assert settings_under({"SECRET_KEY": A_SECRET_KEY}, names) == {"ADMIN_ALLOWED_NETWORKS": []}
    chosen = settings_under({"SECRET_KEY": A_SECRET_KEY, "ADMIN_ALLOWED_NETWORKS": "10.8.0.0/16, 192.168.1.5"}, names)
    assert chosen == {"ADMIN_ALLOWED_NETWORKS": ["10.8.0.0/16", "192.168.1.5/32"]}


def test_a_wrong_admin_network_stops_the_start():
    code = "from django.conf import settings; settings.ADMIN_ALLOWED_NETWORKS"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": A_SECRET_KEY,
            "ADMIN_ALLOWED_NETWORKS": "10.8.0.0/16,10.300.0.0/16",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ADMIN_ALLOWED_NETWORKS" in result.stderr and "10.300.0.0/16" in result.stderr


@pytest.fixture
def admin_networks(settings):
    settings.ADMIN_ALLOWED_NETWORKS = [ipaddress.ip_network("10.8.0.0/16"), ipaddress.ip_network("2001:db8::/32")]
    settings.REVERSE_PROXY_COUNT = 0
    return settings


@pytest.mark.django_db
def test_admin_is_open_to_everyone_when_no_network_is_set(client, settings):
    settings.ADMIN_ALLOWED_NETWORKS = []
    assert client.get("/admin/login/", REMOTE_ADDR=OUTSIDE).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "status"),
    [(INSIDE, 200), ("::ffff:10.8.0.1", 200), ("2001:db8::7", 200), (OUTSIDE, 404), ("", 404), ("garbage", 404)],
)
def test_admin_answers_only_the_allowed_networks(client, admin_networks, address, status):
    assert client.get("/admin/login/", REMOTE_ADDR=address).status_code == status


@pytest.mark.django_db
def test_outsiders_see_no_admin_at_all(client, admin_networks, django_user_model):
    # Not even the redirect to the admin's login page, nor a logged-in administrator.
    assert client.get("/admin/", REMOTE_ADDR=OUTSIDE).status_code == 404
    assert client.get("/admin/accounts/user/", REMOTE_ADDR=OUTSIDE).status_code == 404
    admin = django_user_model.objects.create_superuser(
        id_number="530102197505056012", mobile="13800000099", password="Zhicheng@2026", real_name="管理员"
    )
    client.force_login(admin)
    assert client.get("/admin/", REMOTE_ADDR=OUTSIDE).status_code == 404
    assert client.get("/admin/", REMOTE_ADDR=INSIDE).status_code == 200
    # The rest of the portal is not restricted.
    assert client.get("/", REMOTE_ADDR=OUTSIDE).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("forwarded", "status"),
    [
        (INSIDE, 200),
        # The client wrote the first entry itself; the proxy appended the address it saw.
        (f"{INSIDE}, {OUTSIDE}", 404),
        (f"{OUTSIDE}, {INSIDE}", 200),
        ("", 404),  # no header: the proxy's own address, which is not allowed
    ],
)
def test_behind_the_proxy_the_client_is_read_from_x_forwarded_for(client, admin_networks, forwarded, status):
    admin_networks.REVERSE_PROXY_COUNT = 1
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    assert client.get("/admin/login/", REMOTE_ADDR=PROXY, headers=headers).status_code == status


def test_the_web_healthcheck_asks_readyz_and_is_not_redirected(compose, client, settings, db):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert "/readyz" in " ".join(test) and "!= 200" in " ".join(test)
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code in (200, 503)  # answered over plain HTTP, not redirected
    assert client.get("/").status_code == 301
