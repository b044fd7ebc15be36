from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin login goes through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "LSSC administration"
admin.site.site_title = "LSSC administration"

urlpatterns = [
    path("", include("lssc.program.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("apply/", include("candidates.apply_urls")),
    path("dashboard/", include("candidates.urls")),
    path("reviews/", include("reviews.urls")),
    path("evaluators/", include("reviews.recruit_urls")),
    path("provider/roster/", include("courses.roster_urls")),
    path("provider/", include("courses.urls")),
    path("courses/", include("courses.catalogue_urls")),
    path("completions/", include("courses.completion_urls")),
    path("portfolios/", include("portfolios.urls")),
    path("certificates/", include("candidates.certificate_urls")),
    path("verify/", include("candidates.verify_urls")),
    path("appeals/", include("reviews.appeal_urls")),
    path("account/notifications/", include("lssc.accounts.notification_urls")),
    path("staff/", include("staff.urls")),
]

handler403 = "lssc.core.views.permission_denied"
handler404 = "lssc.core.views.page_not_found"
handler500 = "lssc.core.views.server_error"
