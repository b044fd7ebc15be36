from django.urls import path

from reviews import appeal_views as views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("decisions/<int:decision_pk>/", views.appeal_new, name="new"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
]
