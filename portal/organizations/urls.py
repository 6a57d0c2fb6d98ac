from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("register/", views.unit_register, name="unit_register"),
    path("search/", views.unit_search, name="unit_search"),
    path("review/", views.unit_review_list, name="unit_review_list"),
    path("<int:pk>/approve/", views.unit_approve, name="unit_approve"),
    path("<int:pk>/reject/", views.unit_reject, name="unit_reject"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/staff/", views.unit_staff, name="unit_staff"),
    path("<int:pk>/message/", views.unit_message, name="unit_message"),
    path("<int:pk>/staff/<int:user_pk>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("<int:pk>/staff/<int:user_pk>/reset-password/", views.staff_reset_password, name="staff_reset_password"),
    path("<int:pk>/staff/<int:user_pk>/remove/", views.staff_remove, name="staff_remove"),
    path("<int:pk>/join-requests/<int:request_pk>/", views.join_decide, name="join_decide"),
]
