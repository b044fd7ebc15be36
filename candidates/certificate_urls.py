from django.urls import path

from candidates import certificate_views, renewal_views

app_name = "certificates"

urlpatterns = [
    path("<int:pk>/", certificate_views.detail, name="detail"),
    path("<int:pk>/certificate.pdf", certificate_views.pdf, name="pdf"),
    path("<int:pk>/renewal/", renewal_views.renewal, name="renewal"),
    path("<int:pk>/renewal/submit/", renewal_views.renewal_submit, name="renewal_submit"),
    path(
        "<int:pk>/renewal/entries/<int:entry_pk>/remove/",
        renewal_views.ce_remove,
        name="ce_remove",
    ),
    path(
        "<int:pk>/renewal/entries/<int:entry_pk>/evidence/",
        renewal_views.ce_evidence,
        name="ce_evidence",
    ),
]
