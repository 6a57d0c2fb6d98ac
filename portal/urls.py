from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal.core import health

admin.site.site_header = _("职称申报服务平台 · 管理后台")
admin.site.site_title = _("职称申报管理后台")
admin.site.index_title = _("系统配置")

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("accounts/", include("portal.organizations.urls_people")),
    path("units/", include("portal.organizations.urls")),
    path("applications/", include("applications.urls")),
    path("record/", include("applications.urls_record")),
    path("", include("reviews.urls")),
    path("", include("certificates.urls")),
    path("stats/", include("stats.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "portal.core.errors.bad_request"
handler403 = "portal.core.errors.permission_denied"
handler404 = "portal.core.errors.page_not_found"
handler500 = "portal.core.errors.server_error"
