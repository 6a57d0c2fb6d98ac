"""The error pages: what happened, whether a submitted action may have gone through, what to do.

handler400/403/404/500 in portal/urls.py and CSRF_FAILURE_VIEW point here. The 400 and 500 pages
are rendered without a request context (no context processor runs, so they render while the
database is down, and before any middleware gave the request a user); the 500 page falls back to
a fixed page if even that fails. The others use the site's layout."""

import logging

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from .requestid import request_id_of

logger = logging.getLogger("portal.errors")


def _was_post(request) -> bool:
    return request is not None and request.method not in ("GET", "HEAD", "OPTIONS")


def _texts(status: int, request) -> dict:
    posted = _was_post(request)
    if status == 500:
        return {
            "title": _("系统暂时出错"),
            "what": _("服务器处理您的请求时出现了故障，已自动记录，技术人员会据错误编号排查。"),
            "outcome": _(
                "您刚才提交的操作可能已经完成，也可能没有完成。请先到“我的工作台”查看申请的当前状态，"
                "确认未完成后再重新提交，不要直接重复提交。"
            )
            if posted
            else "",
            "todo": _("您已保存的内容不会因此丢失。请稍后刷新页面重试；如问题持续，请联系咨询电话并提供错误编号。"),
        }
    if status == 429:
        return {
            "title": _("操作过于频繁"),
            "what": _("短时间内的请求次数超过了限制，这是为了防止他人批量试探。"),
            "outcome": _("刚才的操作没有执行。") if posted else "",
            "todo": _("请稍等片刻后再试。"),
        }
    if status == 404:
        return {
            "title": _("页面不存在"),
            "what": _("您要访问的页面或记录不存在，或者您没有查看它的权限。"),
            "outcome": _("刚才的操作没有执行。") if posted else "",
            "todo": _("请检查地址是否正确，或从“我的工作台”重新进入。"),
        }
    if status == 403:
        return {
            "title": _("无法完成此操作"),
            "what": _("您没有执行此操作的权限，或者页面已过期（例如长时间未操作后提交表单）。"),
            "outcome": _("刚才的操作没有执行。") if posted else "",
            "todo": _("请返回上一页刷新后重试；如需相应权限，请联系本单位或主管部门。"),
        }
    return {
        "title": _("请求无法处理"),
        "what": _("请求的内容不完整或格式不正确，系统无法处理。"),
        "outcome": _("刚才的操作没有执行，未保存任何内容。") if posted else "",
        "todo": _("请返回上一页检查填写的内容后重试。"),
    }


def _render(request, status: int, **extra) -> HttpResponse:
    html = loader.render_to_string(f"{status}.html", {"error": _texts(status, request), **extra}, request)
    return HttpResponse(html, status=status)


def _render_standalone(request, status: int) -> HttpResponse:
    context = {"error": _texts(status, request), "request_id": request_id_of(request)}
    return HttpResponse(loader.get_template(f"{status}.html").render(context), status=status)


def bad_request(request, exception=None):
    # Without a request context: a request refused by a middleware has no user yet.
    return _render_standalone(request, 400)


def csrf_failure(request, reason=""):
    return _render(request, 403)


def permission_denied(request, exception=None):
    return _render(request, 403)


def page_not_found(request, exception=None):
    return _render(request, 404)


def too_many_requests(request, *, retry_after_seconds: int | None = None):
    response = _render(request, 429)
    if retry_after_seconds:
        response["Retry-After"] = str(int(retry_after_seconds))
    return response


FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>系统暂时出错</title></head>'
    "<body><h1>系统暂时出错</h1><p>请稍后重试。若您刚才提交了操作，请先查看申请状态，不要直接重复提交。</p>"
    "<p>错误编号：{request_id}</p></body></html>"
)


def server_error(request):
    try:
        return _render_standalone(request, 500)
    except Exception:  # the error page itself must never fail: a fixed page instead
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(FALLBACK_500.format(request_id=request_id_of(request)), status=500)
