"""The public verification page (网上可查): valid, void with its replacement, and bad input —
a wrong number, a wrong name and a burst of guesses — answered alike, then rate-limited."""

import logging
import re

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from tests.test_certificates_helpers import approved, issued, reissue_of

pytestmark = pytest.mark.django_db

VERIFY = "/verify/"


@pytest.fixture(autouse=True)
def _fresh_counters(settings, monkeypatch):
    """Ten attempts per window, and a clock that stands still so a burst never straddles two windows.
    The cache is the test's own (tests/conftest.py); it is never cleared, it may be shared Redis."""
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 10
    monkeypatch.setattr("certificates.ratelimit.now", lambda: 1_790_000_000.0)


def body(response) -> str:
    page = response.content.decode()
    # The CSRF token differs per response (in the form and in hx-headers); nothing else may.
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)


def test_url_is_verify():
    assert reverse("certificates:verify") == VERIFY


def test_valid_certificate_with_masked_id(demo, client):
    certificate = issued(approved())
    response = client.post(VERIFY, {"number": certificate.number, "name": "张伟"})
    page = response.content.decode()
    assert response.status_code == 200 and "证书有效" in page
    for shown in ["张伟", "二级教师", "助理级", "中小学教师", "昆明市人力资源和社会保障局", "认定"]:
        assert shown in page
    assert certificate.id_number not in page and "530102********2015" in page
    # Typed with spaces and lower case still matches.
    assert "证书有效" in client.post(VERIFY, {"number": f" {certificate.number} ", "name": "张 伟"}).content.decode()


def test_wrong_number_and_wrong_name_get_the_same_plain_answer(demo, client):
    certificate = issued(approved())
    wrong_number = client.post(VERIFY, {"number": "5301002026999999", "name": "张伟"})
    wrong_name = client.post(VERIFY, {"number": certificate.number, "name": "李四"})
    assert wrong_number.status_code == wrong_name.status_code == 200
    assert "未查到相符的证书" in body(wrong_name)
    # Apart from echoing what was typed into the form, the two answers are the same page.
    first = body(wrong_number).replace("5301002026999999", "N").replace("张伟", "X")
    second = body(wrong_name).replace(certificate.number, "N").replace("李四", "X")
    assert first == second
    assert "张伟" not in body(wrong_name) and "证书有效" not in second


def test_empty_or_overlong_input_is_a_form_error(demo, client):
    response = client.post(VERIFY, {"number": "", "name": "x" * 60})
    page = response.content.decode()
    assert response.status_code == 200 and "errorlist" in page and "证书有效" not in page


def test_a_burst_of_guesses_is_rate_limited(demo, client):
    certificate = issued(approved())
    for guess in range(10):
        assert client.post(VERIFY, {"number": f"53010020260{guess:05d}", "name": "张伟"}).status_code == 200
    limited = client.post(VERIFY, {"number": certificate.number, "name": "张伟"})
    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode()
    assert "证书有效" not in limited.content.decode()  # even the right answer waits
    # Another address is not affected.
    other = client.post(VERIFY, {"number": certificate.number, "name": "张伟"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200 and "证书有效" in other.content.decode()


def test_behind_a_proxy_the_client_is_read_from_x_forwarded_for(demo, client, settings):
    settings.REVERSE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from nginx
    for guess in range(10):
        forged = f"1.2.3.{guess}, 203.0.113.7"  # a client-chosen first entry does not change who it is
        client.post(VERIFY, {"number": f"53010020260{guess:05d}", "name": "张伟"}, HTTP_X_FORWARDED_FOR=forged, **proxy)
    assert (
        client.post(VERIFY, {"number": "1", "name": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code
        == 429
    )
    # Another client behind the same proxy is not affected.
    assert (
        client.post(VERIFY, {"number": "1", "name": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code
        == 200
    )
    # Without proxies configured the header is ignored: the proxy's own address is the client.
    settings.REVERSE_PROXY_COUNT = 0
    assert (
        client.post(VERIFY, {"number": "1", "name": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).status_code == 200
    )


def test_qr_link_with_token(demo, client):
    certificate = issued(approved())
    response = client.get(reverse("certificates:verify_token", args=[certificate.verify_token]))
    assert response.status_code == 200 and "证书有效" in response.content.decode()
    assert certificate.number in response.content.decode()
    missing = client.get(reverse("certificates:verify_token", args=["not-a-real-token"]))
    assert missing.status_code == 404 and "未查到相符的证书" in missing.content.decode()


def test_void_certificate_says_so_and_points_to_its_replacement(demo, client):
    old = issued(approved())
    new = issued(reissue_of(old))
    page = client.post(VERIFY, {"number": old.number, "name": "张伟"}).content.decode()
    assert "此证书已作废" in page and "证书有效" not in page
    assert new.number in page and reverse("certificates:verify_token", args=[new.verify_token]) in page
    assert "证书有效" in client.post(VERIFY, {"number": new.number, "name": "张伟"}).content.decode()


def test_the_page_stays_up_and_limited_when_the_cache_is_down(demo, client, caplog, monkeypatch):
    """Redis down: the limiter falls back to a count in this process, logs the outage without the
    client's address, and the page answers."""
    certificate = issued(approved())
    monkeypatch.setattr("certificates.ratelimit.local_counts", {}, raising=False)

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    backend = type(caches["default"])
    monkeypatch.setattr(backend, "add", down)
    monkeypatch.setattr(backend, "incr", down)
    with caplog.at_level(logging.WARNING, logger="portal"):
        found = client.post(VERIFY, {"number": certificate.number, "name": "张伟"}, REMOTE_ADDR="10.1.2.3")
        assert found.status_code == 200 and "证书有效" in found.content.decode()
        for guess in range(9):
            client.post(VERIFY, {"number": f"53010020260{guess:05d}", "name": "张伟"}, REMOTE_ADDR="10.1.2.3")
        assert client.post(VERIFY, {"number": "1", "name": "x"}, REMOTE_ADDR="10.1.2.3").status_code == 429
        token = client.get(reverse("certificates:verify_token", args=[certificate.verify_token]))
        assert token.status_code == 200
    warnings = [r for r in caplog.records if r.name.startswith("portal") and r.levelno == logging.WARNING]
    assert warnings and all("10.1.2.3" not in r.getMessage() for r in warnings)
    assert len(warnings) <= 2  # once per scope and window, not once per request
