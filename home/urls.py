from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", views.dashboard, name="dashboard"),
    path("committees/", views.committee_directory, name="committees"),
    path("series/", views.series_catalogue, name="series"),
    path("hr-offices/", views.hr_offices, name="hr_offices"),
]
