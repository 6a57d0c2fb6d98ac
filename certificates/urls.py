from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/c/<str:token>/", views.verify_token, name="verify_token"),
    path("certificates/print/", views.print_queue, name="print_queue"),
    path("certificates/print/export/<slug:which>/", views.print_queue_export, name="print_queue_export"),
    path("certificates/issue/<int:application_pk>/", views.issue_now, name="issue_now"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("certificates/<int:pk>/handover/", views.handover, name="handover"),
    path("certificates/handover/", views.handover_batch, name="handover_batch"),
    path("documents/", views.job_list, name="jobs"),
    path("documents/<int:pk>/", views.job_detail, name="job"),
    path("documents/<int:pk>/status/", views.job_status, name="job_status"),
    path("documents/<int:pk>/download/", views.job_download, name="job_download"),
    path("documents/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("documents/application/<int:pk>/receipt/", views.application_receipt, name="receipt"),
    path("documents/application/<int:pk>/form/", views.application_form, name="form"),
    path("documents/application/<int:pk>/cover/", views.application_cover, name="cover"),
    path("documents/department/", views.department_documents, name="department_documents"),
    path("documents/session/<int:pk>/<slug:kind>/", views.session_document, name="session_document"),
]
