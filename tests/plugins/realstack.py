"""pytest plugin for tests that need the production-shaped stack: PostgreSQL, Redis, a real
Celery worker and S3. Loaded by tests/conftest.py: ``pytest_plugins = ["tests.plugins.realstack"]``.

``@pytest.mark.realstack``
    The test needs PostgreSQL (``DATABASE_URL``), Redis (``REDIS_URL``) and S3
    (``AWS_S3_ENDPOINT_URL`` + ``AWS_STORAGE_BUCKET_NAME``). ``@pytest.mark.realstack("redis")``
    names only some of ``postgres``, ``redis``, ``s3``, or ``clamav``: a real ClamAV daemon
    (``CLAMAV_SOCKET`` or ``CLAMAV_HOST``/``CLAMAV_PORT``; only when named, never implied by a bare
    ``realstack``). When one is not configured or does not
    answer, the test is skipped with the reason -- unless ``CI`` is set, where it errors instead:
    in CI a missing service is a broken pipeline, never a silent skip. ``scripts/test`` on the
    embedded stack deselects these tests; ``.ci/run`` provides the services and runs them.

``celery_worker_process`` (session scope)
    A real ``celery -A portal worker --pool=solo`` subprocess, connected to the test database
    pytest-django made for this (xdist) worker and consuming a queue of its own. Every other test
    runs tasks eagerly, in its own process, even when REDIS_URL is set; during a test that requests
    the worker, tasks are published for real (``task_always_eager`` off) to the worker's queue.
    Such tests must be ``@pytest.mark.django_db(transaction=True)``: the worker only sees
    committed rows. Without a result backend, wait on the database::

        @pytest.mark.django_db(transaction=True)
        def test_sms_is_sent(celery_worker_process):
            message = sms_enqueue(mobile="13800000000", text="hi", purpose="test")
            celery_worker_process.wait_until(
                lambda: SmsMessage.objects.get(pk=message.pk).status == SmsStatus.SENT
            )

``start_celery_worker(request, tmp_path_factory, broker_url=...)``
    The same, for a test that needs a worker on a broker of its own (stop it when done).

``private_redis``
    A redis-server of the test's own on a free port (``.url``, ``.stop()``, ``.start()``), for a
    test that stops the broker: the shared Redis is never stopped.

``s3_bucket`` (session scope)
    Makes sure ``AWS_STORAGE_BUCKET_NAME`` exists on ``AWS_S3_ENDPOINT_URL``; returns its name.

Tests that request ``celery_worker_process`` or ``s3_bucket`` are marked realstack automatically.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SERVICES = ("postgres", "redis", "s3")
# Services a test must name to need; a bare `realstack` means SERVICES.
OPTIONAL_SERVICES = ("clamav",)
ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = float(os.environ.get("CELERY_WORKER_START_TIMEOUT", "60"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --- the services ------------------------------------------------------------------------------


def _postgres_problem() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "DATABASE_URL is not set (the tests would run on SQLite)"
    import environ

    config = environ.Env.db_url_config(url)
    if config.get("ENGINE") != "django.db.backends.postgresql":
        return f"DATABASE_URL is not PostgreSQL ({url.split(':', 1)[0]}://...)"
    try:
        import psycopg

        # The server and the credentials are what matter: pytest-django makes its own test database.
        with psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:
        where = f"{config.get('HOST') or 'the local socket'}:{config.get('PORT') or 5432}"
        return f"PostgreSQL at {where} did not answer: {exc}"
    return None


def _redis_problem() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "REDIS_URL is not set (tasks would run eagerly, without a broker)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:
        return f"Redis at {url} did not answer: {exc}"
    return None


def _s3_problem() -> str | None:
    missing = [name for name in ("AWS_S3_ENDPOINT_URL", "AWS_STORAGE_BUCKET_NAME") if not os.environ.get(name)]
    if missing:
        return f"{' and '.join(missing)} not set (files would be stored on the local disk)"
    try:
        _s3_client().list_buckets()
    except Exception as exc:
        return f"S3 at {os.environ['AWS_S3_ENDPOINT_URL']} did not answer: {exc}"
    return None


def _clamav_problem() -> str | None:
    if not (os.environ.get("CLAMAV_SOCKET") or os.environ.get("CLAMAV_HOST")):
        return "neither CLAMAV_SOCKET nor CLAMAV_HOST is set (scripts/clamd start prints them)"
    from portal.core import clamav

    if not clamav.ping():
        return f"clamd at {clamav.describe()} did not answer PING"
    return None


@functools.cache
def service_problem(service: str) -> str | None:
    """Why ``service`` can't be used, or None. Checked once per test process."""
    checks = {"postgres": _postgres_problem, "redis": _redis_problem, "s3": _s3_problem, "clamav": _clamav_problem}
    if service not in checks:
        raise ValueError(f"unknown realstack service {service!r}; known: {', '.join(SERVICES + OPTIONAL_SERVICES)}")
    return checks[service]()


def require_services(*services: str) -> None:
    """Skip (or, under CI, fail) the current test unless every service answers."""
    problems = [f"{service}: {problem}" for service in services if (problem := service_problem(service))]
    if not problems:
        return
    reason = "needs the real stack -- " + "; ".join(problems)
    if in_ci():
        pytest.fail(f"{reason}. CI is set, so a missing service fails the test instead of skipping it.", pytrace=False)
    pytest.skip(f"{reason} (.ci/run starts them)")


def _s3_client():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "testing",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "testing",
        config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2}),
    )


def ensure_bucket(name: str | None = None) -> str:
    """Create the bucket (default: AWS_STORAGE_BUCKET_NAME) unless it exists. Used by .ci/run too."""
    from botocore.exceptions import ClientError

    name = name or os.environ["AWS_STORAGE_BUCKET_NAME"]
    client = _s3_client()
    try:
        client.head_bucket(Bucket=name)
    except ClientError:
        region = client.meta.region_name
        if region == "us-east-1":
            client.create_bucket(Bucket=name)
        else:
            client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


# --- hooks ---------------------------------------------------------------------------------------

# Fixtures that imply the marker, so that `-m "not realstack"` deselects their users too.
_FIXTURE_SERVICES = {
    "celery_worker_process": ("postgres", "redis"),
    "private_redis": ("postgres", "redis"),
    "s3_bucket": ("s3",),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "realstack(*services): needs PostgreSQL, Redis and S3, or only the services named "
        "(postgres, redis, s3, clamav); skipped when they are missing, failing under CI",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: before the -m deselection of pytest's own mark plugin.
    for item in items:
        if item.get_closest_marker("realstack") is not None:
            continue
        fixtures = getattr(item, "fixturenames", ())
        needed = [s for name, services in _FIXTURE_SERVICES.items() if name in fixtures for s in services]
        if needed:
            item.add_marker(pytest.mark.realstack(*dict.fromkeys(needed)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # tryfirst: before fixtures are set up, so a missing database is reported as such and not as
    # a connection error inside django_db_setup.
    marker = item.get_closest_marker("realstack")
    if marker is None:
        return
    services = marker.args or SERVICES
    unknown = [s for s in services if s not in SERVICES + OPTIONAL_SERVICES]
    if unknown:
        known = ", ".join(SERVICES + OPTIONAL_SERVICES)
        pytest.fail(f"realstack: unknown service(s) {unknown}; known: {known}", pytrace=False)
    require_services(*services)


@pytest.fixture(autouse=True)
def _celery_tasks_run_eagerly():
    """Tasks run in the test's own process, as on the embedded stack, even when REDIS_URL is set:
    most tests hold their data in an uncommitted transaction that no worker could see. Only tests
    that use ``celery_worker_process`` publish for real (see pytest_runtest_call)."""
    from portal import celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """While a test that uses the worker runs, publish tasks for real, to that worker's queue."""
    worker = getattr(item, "funcargs", {}).get("celery_worker_process")
    if not isinstance(worker, CeleryWorker):
        return (yield)
    from portal import celery_app

    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = worker.queue
    try:
        return (yield)
    finally:
        celery_app.conf.update(saved)


# --- the Celery worker --------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL (as django-environ reads it) for a Django PostgreSQL settings dict."""
    quote = functools.partial(urllib.parse.quote, safe="")
    user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
    host, port = settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    auth = quote(user) + (f":{quote(password)}" if password else "")
    netloc = (f"{auth}@" if auth else "") + (quote(host) if host.startswith("/") else host)
    if port:
        netloc += f":{port}"
    options = {k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    query = f"?{urllib.parse.urlencode(options)}" if options else ""
    return f"postgres://{netloc}/{quote(settings_dict['NAME'])}{query}"


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the worker if pytest dies without its teardown."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the forked child
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class CeleryWorker:
    queue: str
    nodename: str
    database_url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until(self, predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1):
        """Poll ``predicate`` until it returns something true; fail with the worker's log if it doesn't."""
        deadline = time.monotonic() + timeout
        while True:
            if result := predicate():
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.log()[-5000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"not done within {timeout}s; the Celery worker's log ends:\n{self.log()[-5000:]}")
            time.sleep(interval)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def broker_of_app(broker_url: str, **conf):
    """The test process's Celery app talks to ``broker_url`` (with ``conf`` overrides) inside the
    block: its connection and producer pools are made anew, and the old ones restored after."""
    from portal import celery_app

    keys = ("broker_url", *conf)
    saved = ({key: celery_app.conf[key] for key in keys}, celery_app._pool, celery_app.amqp._producer_pool)
    if broker_url == saved[0]["broker_url"] and not conf:
        yield
        return
    celery_app.conf.update(broker_url=broker_url, **conf)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        # Not closed: kombu keeps one pool per broker URL for the whole process and would hand
        # the closed one out again the next time this URL is used.
        celery_app.conf.update(saved[0])
        celery_app._pool, celery_app.amqp._producer_pool = saved[1], saved[2]


def start_celery_worker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, *, broker_url: str = ""
) -> CeleryWorker:
    """Start a real worker on the test database, consuming a queue of its own, and wait for its
    pong. ``broker_url`` defaults to REDIS_URL; stop it with ``worker.stop()``."""
    require_services("postgres", "redis")
    # Only now: with the services checked, a missing database skips instead of erroring here.
    request.getfixturevalue("django_db_setup")

    from django.db import connection

    from portal import celery_app

    if connection.vendor != "postgresql":
        pytest.fail(f"celery_worker_process needs PostgreSQL, but the test database is {connection.vendor}")
    # django_db_setup has put the test database's name (test_portal_ci_gw0, ...) into settings_dict.
    url = database_url(connection.settings_dict)
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    queue = f"pytest-{xdist_worker}-{os.getpid()}-{time.monotonic_ns()}"  # its own queue: no leftovers
    nodename = f"{queue}@pytest"
    log_path = tmp_path_factory.mktemp("celery") / f"{queue}.log"
    broker_url = broker_url or os.environ["REDIS_URL"]

    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=broker_url,
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings"),
        PYTHONUNBUFFERED="1",
    )
    command = [
        *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
        *("--pool=solo", "--concurrency=1", "--loglevel=INFO"),
        *("-Q", queue, "--hostname", nodename),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent(),  # only the prctl resolved above runs in the child
        )
    worker = CeleryWorker(queue=queue, nodename=nodename, database_url=url, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        with broker_of_app(broker_url):
            while not celery_app.control.ping(destination=[nodename], timeout=1.0):
                if process.poll() is not None:
                    pytest.fail(f"the Celery worker exited with {process.returncode}:\n{worker.log()[-5000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"the Celery worker gave no pong in {WORKER_START_TIMEOUT:.0f}s:\n{worker.log()[-5000:]}"
                    )
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture(scope="session")
def celery_worker_process(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    worker = start_celery_worker(request, tmp_path_factory)
    try:
        yield worker
    finally:
        # Before django_db_setup's teardown drops the test database the worker is connected to.
        worker.stop()


# --- a Redis of the test's own ---------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server process owned by one test, on a port of its own, that the test may stop and
    start again (the machine's shared Redis is never stopped: other tests use it)."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (Debian package redis-server)")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent(),
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {self.port} did not start:\n{self.log_path.read_text()}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path):
    require_services("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = RedisServer(port=port, log_path=tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- S3 ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_bucket() -> str:
    require_services("s3")
    return ensure_bucket()


if __name__ == "__main__":
    # `python -m tests.plugins.realstack ensure-bucket` (from the repository root), for .ci/run.
    if sys.argv[1:] != ["ensure-bucket"]:
        sys.exit("usage: python -m tests.plugins.realstack ensure-bucket")
    print(ensure_bucket())
