from django.urls import path

from . import views_autosave, views_confirm, views_filing, views_progress
from .urls_materials import urlpatterns as material_urls

app_name = "applications"

urlpatterns = [
    path("", views_filing.my_applications, name="list"),
    path("new/", views_filing.start, name="start"),
    path("<int:pk>/section/<slug:key>/", views_filing.section, name="section"),
    path("<int:pk>/section/<slug:key>/autosave/", views_autosave.autosave_section, name="autosave"),
    path("<int:pk>/checklist/", views_filing.checklist, name="checklist"),
    path("<int:pk>/confirm/", views_confirm.confirm, name="confirm"),
    path("<int:pk>/submit/", views_filing.submit, name="submit"),
    path("<int:pk>/copy/", views_filing.filed_copy, name="filed_copy"),
    path("<int:pk>/photo/", views_filing.photo, name="photo"),
    path("<int:pk>/timeline/", views_progress.timeline, name="timeline"),
    path("<int:pk>/withdraw/", views_progress.withdraw, name="withdraw"),
    *material_urls,
]
