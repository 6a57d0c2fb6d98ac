"""The public list of running unit notices (included in the `reviews` namespace at "notices/")."""

from django.urls import path

from . import views_notices as views

urlpatterns = [
    path("", views.public_notices, name="public_notices"),
]
