import os
import re
import uuid

import pytest

pytest_plugins = ["tests.plugins.realstack", "tests.plugins.clamav", "tests.plugins.accessibility"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # Tests never need a collected static manifest, and fast hashing keeps the suite quick.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Documents render inside the call that asks for them, so a test reads the file right after;
    # tests/test_documents_in_background.py turns the background runner on where it checks it.
    settings.DOCUMENTS_IN_BACKGROUND = False
    # The test client and the live server speak plain http, like scripts/run: the HTTPS-only
    # settings of the production shape (on whenever DEBUG is off) are off here, and
    # tests/test_deploy.py turns them on where it checks them.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SECURE_PROXY_SSL_HEADER = None
    # WhiteNoise warns on every request when STATIC_ROOT is missing (collectstatic never runs for
    # tests; the static views serve from the app folders).
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the catalogue once per test database; tests that flush it reload it via `catalog`."""
    from applications.rules_loader import load_catalog_and_rules as load_catalog

    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture
def catalog(db):
    """The catalogue and the Kunming organisation skeleton (reloaded if a transactional test flushed it)."""
    from applications.rules_loader import load_catalog_and_rules as load_catalog
    from portal.catalog.models import Committee

    if not Committee.objects.exists():
        load_catalog()


@pytest.fixture
def demo(catalog):
    """The demo data set: one account per role (see portal/core/demo.py)."""
    from home.demo import load_demo

    return {a.role: a for a in load_demo(with_applications=False)}


@pytest.fixture
def as_role(client, demo):
    """`as_role("unit_hr")`: the test client logged in as that demo account ("anonymous": logged out)."""
    from home.demo import ACCOUNTS
    from portal.accounts.models import User

    ids = {str(account.role): account.id_number for account in ACCOUNTS}

    def login(role):
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(id_number=ids[role]))
        return client

    return login


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """client.force_login stands for a whole login: for staff, password and second factor. Tests of
    the second factor itself log in through the pages (tests/test_second_factor.py)."""
    from django.test import Client

    from tests.second_factor_helpers import verify_session

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request with another Accept-Language (or the
    language switcher) leaves its language active in the thread after the response."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test counts in a cache of its own: a key prefix of its own. In the real stack the cache is
    one Redis database shared by every xdist worker and the Celery broker, so no test may clear it."""
    settings.CACHES = {
        alias: {**options, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for alias, options in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _private_media(request, settings, tmp_path):
    """Each test stores files in a place of its own: a temporary folder, or an S3 key prefix
    (xdist workers share one bucket and their application ids overlap). Not for tests with a
    real Celery worker: that process stores where the settings say, and the test reads there."""
    if "celery_worker_process" in request.fixturenames:
        return
    default = settings.STORAGES["default"]
    if default["BACKEND"].endswith("FileSystemStorage"):
        options = {**default["OPTIONS"], "location": str(tmp_path / "files")}
    else:
        options = {**default["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}"}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


class Phone:
    """What MemorySmsBackend delivered, as the person's phone shows it. Reading it first sends what
    is still pending (in a test transaction the on-commit queuing never runs), as a worker would."""

    def __init__(self, delivered: list):
        self.messages = delivered  # (mobile, text, purpose), oldest first

    def receive(self) -> None:
        from portal.notifications.models import SmsMessage, SmsStatus
        from portal.notifications.tasks import send_sms

        for pk in SmsMessage.objects.filter(status=SmsStatus.PENDING).order_by("pk").values_list("pk", flat=True):
            send_sms.apply(args=[pk])

    def texts(self, mobile: str | None = None) -> list[str]:
        self.receive()
        return [text for to, text, _purpose in self.messages if mobile is None or to == mobile]

    def code(self, mobile: str | None = None) -> str:
        """The one-time code in the last message (to `mobile`)."""
        return re.search(r"验证码 (\d{6})", self.texts(mobile)[-1]).group(1)


@pytest.fixture
def phone(settings):
    """Text messages are delivered to a list: read one-time codes here (the outbox and the log hold
    them masked only)."""
    from portal.notifications import sms

    sms.outbox.clear()
    settings.SMS_BACKEND = "portal.notifications.sms.MemorySmsBackend"
    yield Phone(sms.outbox)
    sms.outbox.clear()
