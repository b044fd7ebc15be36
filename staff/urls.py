from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/payment/", views.application_payment, name="application_payment"),
    path(
        "applications/<int:pk>/request-info/",
        views.application_request_info,
        name="application_request_info",
    ),
    path("applications/<int:pk>/decline/", views.application_decline, name="application_decline"),
    path("applications/<int:pk>/admit/", views.application_admit, name="application_admit"),
    path("candidacies/<int:pk>/", views.candidacy_detail, name="candidacy_detail"),
    path("candidacies/<int:pk>/extend/", views.candidacy_extend, name="candidacy_extend"),
    path(
        "candidacies/<int:pk>/letter.pdf",
        views.candidacy_letter_pdf,
        name="candidacy_letter_pdf",
    ),
]
