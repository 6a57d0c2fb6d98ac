from django.urls import include, path

from . import views
from .urls_notices import urlpatterns as notice_urls
from .urls_public_notices import urlpatterns as public_notice_urls

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.queue, name="queue"),
    path("reviews/export/", views.queue_export, name="queue_export"),
    path("reviews/batch/", views.batch, name="batch"),
    path("reviews/workflow/", views.workflow_diagram, name="workflow"),
    path("reviews/offline/new/", views.offline_new, name="offline_new"),
    path("reviews/<int:pk>/", views.detail, name="detail"),
    path("reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("reviews/", include(notice_urls)),
    path("notices/", include(public_notice_urls)),
]
