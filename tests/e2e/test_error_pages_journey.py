"""The error pages as a user meets them: a missing page, and a fault after a form was posted."""

import pytest
from playwright.sync_api import expect


@pytest.mark.urls("tests.urls_errors")
def test_error_pages(page, site, shot):
    response = page.goto(f"{site}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.locator("#request-id")).not_to_be_empty()
    shot("404")

    page.goto(f"{site}/")
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/boom/';
        document.body.appendChild(f); f.submit(); }"""
    )
    page.wait_for_url(f"{site}/boom/")
    expect(page.get_by_role("heading", name="系统暂时出错")).to_be_visible()
    expect(page.get_by_text("可能已经完成，也可能没有完成")).to_be_visible()
    request_id = page.locator("#request-id").inner_text()
    assert len(request_id) == 32
    assert "{#" not in page.content() and "{%" not in page.content()
    shot("500-after-post")
