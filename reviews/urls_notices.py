"""The unit HR officer's public notices (included in the `reviews` namespace under "reviews/")."""

from django.urls import path

from . import views_notices as views

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/conclude/", views.notice_conclude, name="notice_conclude"),
    path("notices/<int:pk>/correct/", views.notice_correct, name="notice_correct"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
