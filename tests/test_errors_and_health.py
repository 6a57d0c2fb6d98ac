"""Issue 13: a 500 leaves a trace (one JSON line with the traceback, the request id and the user's
id), the error pages say in Chinese what happened and what to do, health endpoints answer for a
balancer, and a public deployment refuses to start without its own SECRET_KEY."""

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.utils import translation

from portal.accounts.models import User
from portal.core import health
from portal.core.devkeys import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEY
from portal.core.logging import JsonFormatter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def error_client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def request_log():
    """The configured handler of django.request, writing into a buffer for the test."""
    handlers = [h for h in logging.getLogger("django.request").handlers if isinstance(h.formatter, JsonFormatter)]
    assert handlers, "django.request must log through the JSON formatter"
    buffer = io.StringIO()
    previous = handlers[0].setStream(buffer)
    yield buffer
    handlers[0].setStream(previous)


@pytest.mark.urls("tests.urls_errors")
def test_a_500_is_logged_as_json_with_traceback_request_id_and_user(error_client, demo, request_log):
    applicant = User.objects.get(id_number=demo["applicant"].id_number)
    error_client.force_login(applicant)
    response = error_client.get("/boom/?q=secret")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    assert len(lines) == 1
    event = lines[0]
    assert event["level"] == "ERROR"
    assert event["logger"] == "django.request"
    assert event["request_id"] == request_id
    assert event["user_id"] == applicant.pk
    assert event["status"] == 500
    assert event["http_path"] == "/boom/"
    assert "Traceback" in event["exception"] and "an injected fault" in event["exception"]
    text = request_log.getvalue()
    assert applicant.id_number not in text and applicant.mobile not in text and "secret" not in text


@pytest.mark.urls("tests.urls_errors")
def test_the_500_page_is_chinese_shows_the_request_id_and_warns_after_a_post(error_client):
    response = error_client.get("/boom/")
    page = response.content.decode()
    assert "系统暂时出错" in page and response["X-Request-ID"] in page
    assert "可能已经完成" not in page
    posted = error_client.post("/boom/", {"x": "1"}).content.decode()
    assert "可能已经完成，也可能没有完成" in posted and "不要直接重复提交" in posted


@pytest.mark.urls("tests.urls_errors")
def test_the_500_page_in_english(error_client):
    with translation.override("en"):
        error_client.cookies["django_language"] = "en"
        page = error_client.get("/boom/").content.decode()
    assert "系统暂时出错" not in page
    assert "Something went wrong on our side" in page


def test_404_page_is_chinese_with_request_id(error_client):
    response = error_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and response["X-Request-ID"] in page


def test_400_page_for_a_nul_byte(error_client):
    response = error_client.get("/units/search/?q=%00")
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()


def test_403_page_for_a_missing_csrf_token(catalog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "刚才的操作没有执行" in page


def test_a_proxy_request_id_is_kept_and_junk_is_replaced(client, catalog):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert kept["X-Request-ID"] == "abcdef12-3456"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced["X-Request-ID"] != "<script>\n" and len(replaced["X-Request-ID"]) == 32


def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client, catalog):
    response = client.get("/readyz")
    assert response.status_code == 200
    # The broker is "unused" on the embedded stack (tasks run eagerly) and "ok" on the real one.
    expected_broker = "unused" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert response.json() == {"status": "ok", "database": "ok", "broker": expected_broker, "storage": "ok"}


def test_readyz_is_503_when_the_database_fails(client, catalog, monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "failed" and response.json()["status"] == "unavailable"


def test_readyz_is_503_when_the_broker_is_unreachable(client, catalog, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "failed"


def test_readyz_is_503_when_the_upload_disk_is_full(client, catalog, monkeypatch):
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 1024))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["storage"] == "failed"


def settings_load(**env):
    unset = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
    )


def test_a_public_deployment_refuses_to_start_without_a_secret_key(tmp_path):
    refused = settings_load(ALLOWED_HOSTS="portal.example.cn", PORTAL_VAR_DIR=str(tmp_path))
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr
    keys = {"FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=", "BLIND_INDEX_KEY": "B" * 43 + "="}
    assert settings_load(ALLOWED_HOSTS="portal.example.cn", SECRET_KEY="x" * 50, **keys).returncode == 0
    # The embedded default (localhost only) still generates its own key.
    assert settings_load(PORTAL_VAR_DIR=str(tmp_path)).returncode == 0


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_a_public_deployment_refuses_to_start_without_its_field_keys(missing):
    keys = {"FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=", "BLIND_INDEX_KEY": "B" * 43 + "="}
    del keys[missing]
    refused = settings_load(ALLOWED_HOSTS="portal.example.cn", SECRET_KEY="x" * 50, **keys)
    assert refused.returncode != 0 and "FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set" in refused.stderr


def test_a_public_deployment_refuses_the_published_development_keys():
    keys = {"FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY, "BLIND_INDEX_KEY": DEV_BLIND_INDEX_KEY}
    refused = settings_load(ALLOWED_HOSTS="portal.example.cn", SECRET_KEY="x" * 50, **keys)
    assert refused.returncode != 0 and "not the published development keys" in refused.stderr


def test_readyz_is_503_when_the_storage_is_unreachable(client, catalog, monkeypatch):
    class Unreachable:
        def exists(self, name):
            raise ConnectionError("bucket unreachable")

    monkeypatch.setattr(health, "default_storage", Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["storage"] == "failed"
