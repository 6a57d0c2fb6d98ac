"""Passing the second factor in tests: for the test client's force_login, and TOTP codes."""

from binascii import unhexlify

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.second_factor import needs_second_factor, new_secret


def current_code(secret_hex: str) -> str:
    return f"{totp(unhexlify(secret_hex), step=30, digits=6):06d}"


def fresh_code(user) -> str:
    """The current code of the user's authenticator, accepted even if one was used this step (a
    test logs in more often than a person: django-otp refuses a code twice)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return current_code(device.key)


def verify_session(client, user) -> None:
    """Mark the client's session as past the second factor, as a login with a code would."""
    if not needs_second_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, key=new_secret(), name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
