"""The second factor's pages: enrolment, the code after the password, recovery codes."""

import django_otp
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from . import services
from .forms import SecondFactorEnrolForm, SecondFactorForm
from .second_factor import (
    authenticator_of,
    code_matches_secret,
    needs_second_factor,
    new_secret,
    normalize_code,
    provisioning_uri,
    qr_svg,
    recovery_codes_left,
    secret_for_typing,
)

# The secret between the enrolment page and its confirmation lives in the (server-side) session,
# not in the form, so it is never posted back and never lands in a log of POST data.
SETUP_SECRET = "second_factor_setup_secret"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _staff_only(request) -> None:
    if not needs_second_factor(request.user):
        raise Http404


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
def verify(request):
    _staff_only(request)
    if request.user.is_verified():
        return redirect(_next(request) or "home:dashboard")
    if authenticator_of(request.user) is None:
        return redirect("accounts:second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request) or "home:dashboard")
        form.add_error("code", _("验证码不正确或已过期，请输入身份验证器中当前显示的6位数字，或一个未用过的恢复码。"))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
@never_cache  # the page shows the secret
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
@sensitive_variables("secret")
def setup(request):
    _staff_only(request)
    # Replacing an authenticator takes the current one: the password alone must not be enough.
    if authenticator_of(request.user) is not None and not request.user.is_verified():
        return redirect("accounts:second_factor")
    secret = request.session.get(SETUP_SECRET) or new_secret()
    request.session[SETUP_SECRET] = secret
    form = SecondFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if code_matches_secret(secret, normalize_code(form.cleaned_data["code"])):
            device, codes = services.second_factor_enrol(user=request.user, secret=secret)
            del request.session[SETUP_SECRET]
            django_otp.login(request, device)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": True, "next": _next(request)}
            )
        form.add_error("code", _("验证码不正确，请确认手机时间准确，并输入身份验证器中当前显示的6位数字。"))
    uri = provisioning_uri(request.user, secret)
    context = {
        "form": form,
        "qr_svg": qr_svg(uri),
        "secret_text": secret_for_typing(secret),
        "replacing": authenticator_of(request.user) is not None,
        "next": _next(request),
    }
    return render(request, "accounts/second_factor_setup.html", context)


@login_required
@never_cache  # the page may show the codes
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    _staff_only(request)
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes.html", {"left": recovery_codes_left(request.user)})
