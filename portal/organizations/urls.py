from django.urls import path

from . import views, views_hierarchy

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
    path("hierarchy/", views_hierarchy.hierarchy_overview, name="hierarchy"),
    path("hierarchy/regions/new/", views_hierarchy.region_create, name="region_create"),
    path("hierarchy/departments/new/", views_hierarchy.department_create, name="department_create"),
    path("hierarchy/departments/<int:pk>/approve/", views_hierarchy.department_approve, name="department_approve"),
    path("departments/<int:pk>/units/", views_hierarchy.subordinate_units, name="subordinate_units"),
    path("invitation/", views_hierarchy.invitation, name="invitation"),
    path("invitation/<int:pk>/accept/", views_hierarchy.invitation_accept, name="invitation_accept"),
]
