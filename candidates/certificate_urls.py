from django.urls import path

from candidates import certificate_views as views

app_name = "certificates"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/certificate.pdf", views.pdf, name="pdf"),
    path("<int:pk>/renewal/", views.renewal, name="renewal"),
    path("<int:pk>/renewal/submit/", views.renewal_submit, name="renewal_submit"),
    path(
        "<int:pk>/renewal/entries/<int:entry_pk>/remove/",
        views.ce_remove,
        name="ce_remove",
    ),
    path(
        "<int:pk>/renewal/entries/<int:entry_pk>/evidence/",
        views.ce_evidence,
        name="ce_evidence",
    ),
]
