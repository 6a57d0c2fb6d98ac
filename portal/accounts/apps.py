from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from portal.accounts.idle import stamp_at_login


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self):
        user_logged_in.connect(stamp_at_login, dispatch_uid="accounts.idle.stamp_at_login")
