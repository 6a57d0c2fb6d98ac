from django.urls import path

from . import views_record

app_name = "record"

urlpatterns = [
    path("", views_record.record, name="index"),
    path("<slug:key>/", views_record.record_section, name="section"),
]
