"""Applicant registration and the profile, under /accounts/ beside the account pages."""

from django.urls import path

from . import views_people

app_name = "people"

urlpatterns = [
    path("register/", views_people.register, name="register"),
    path("profile/", views_people.profile, name="profile"),
]
