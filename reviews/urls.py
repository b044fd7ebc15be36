from django.urls import path

from reviews import profile_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/availability/", profile_views.availability, name="availability"),
    path("profile/conflicts/", profile_views.conflict_add, name="conflict_add"),
    path(
        "profile/conflicts/<int:pk>/remove/",
        profile_views.conflict_remove,
        name="conflict_remove",
    ),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/accept/", views.assignment_accept, name="assignment_accept"),
    path("assignments/<int:pk>/decline/", views.assignment_decline, name="assignment_decline"),
    path(
        "assignments/<int:pk>/competencies/<int:number>/",
        views.rate,
        name="rate",
    ),
    path("assignments/<int:pk>/overall/", views.overall, name="overall"),
    path("assignments/<int:pk>/submit/", views.assignment_submit, name="assignment_submit"),
    path(
        "assignments/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path("letters/<int:year>.pdf", views.thank_you_letter, name="thank_you_letter"),
]
