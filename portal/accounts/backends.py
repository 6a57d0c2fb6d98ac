from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from portal.core.identity import normalize_id_number, normalize_mobile


def find_user_by_login(login: str):
    """The user whose ID number or mobile number is `login`, or None."""
    login = (login or "").strip()
    if not login:
        return None
    User = get_user_model()
    query = Q(id_number=normalize_id_number(login))
    mobile = normalize_mobile(login)
    if len(mobile) == 11:
        query |= Q(mobile=mobile)
    return User.objects.filter(query).first()


class IdNumberOrMobileBackend(ModelBackend):
    """Log in with the resident ID number or the registered mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user_by_login(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal who is registered.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
