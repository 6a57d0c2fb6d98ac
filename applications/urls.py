from django.urls import path

from reviews import views as review_views

from . import views_filing
from .urls_materials import urlpatterns as material_urls

app_name = "applications"

urlpatterns = [
    path("", views_filing.my_applications, name="list"),
    path("new/", views_filing.start, name="start"),
    path("<int:pk>/section/<slug:key>/", views_filing.section, name="section"),
    path("<int:pk>/checklist/", views_filing.checklist, name="checklist"),
    path("<int:pk>/submit/", views_filing.submit, name="submit"),
    path("<int:pk>/copy/", views_filing.filed_copy, name="filed_copy"),
    path("<int:pk>/photo/", views_filing.photo, name="photo"),
    path("<int:pk>/timeline/", review_views.timeline, name="timeline"),
    path("<int:pk>/withdraw/", review_views.withdraw, name="withdraw"),
    *material_urls,
]
