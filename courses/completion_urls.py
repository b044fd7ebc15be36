from django.urls import path

from courses import completion_views as views

app_name = "completions"

urlpatterns = [
    path("", views.completion_list, name="list"),
    path("new/", views.completion_new, name="new"),
]
