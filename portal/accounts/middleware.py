from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import authenticator_of, needs_second_factor

# Open to a staff user between the password and the second factor, and to someone who must change
# their password (which, for staff, comes after the second factor).
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/healthz", "/readyz")


class ForcePasswordChangeMiddleware:
    """After an officer resets a password, the person must set their own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:change_password"), reverse("accounts:logout"), *second_factor_paths()}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                return redirect("accounts:change_password")
        return self.get_response(request)


def second_factor_paths() -> set[str]:
    return {reverse("accounts:second_factor"), reverse("accounts:second_factor_setup"), reverse("accounts:logout")}


class SecondFactorMiddleware:
    """A staff user whose session has not passed the second factor reaches nothing but its pages:
    the code after the password, or enrolment when they have no authenticator yet. After
    django_otp's OTPMiddleware, which says whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in second_factor_paths()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_second_factor(user)
        ):
            target = "accounts:second_factor" if authenticator_of(user) else "accounts:second_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
