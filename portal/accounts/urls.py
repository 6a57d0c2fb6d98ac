from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_second_factor

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/forgot/", views.forgot_password, name="forgot_password"),
    path("password/reset/", views.reset_password, name="reset_password"),
    path("password/change/", views.change_password, name="change_password"),
    path("mobile/change/", views.change_mobile, name="change_mobile"),
    path("second-factor/", views_second_factor.verify, name="second_factor"),
    path("second-factor/setup/", views_second_factor.setup, name="second_factor_setup"),
    path("second-factor/recovery-codes/", views_second_factor.recovery_codes, name="recovery_codes"),
]
