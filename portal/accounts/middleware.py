from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """After an officer resets a password, the person must set their own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:change_password"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                return redirect("accounts:change_password")
        return self.get_response(request)
