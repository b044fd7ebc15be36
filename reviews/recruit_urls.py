from django.urls import path

from reviews import recruit_views

app_name = "evaluators"

urlpatterns = [
    path("", recruit_views.join, name="join"),
    path("apply/", recruit_views.apply, name="apply"),
]
