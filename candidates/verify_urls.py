from django.urls import path

from candidates import verify_views as views

app_name = "verify"

urlpatterns = [
    path("", views.verify, name="form"),
    path("<str:code>/", views.verify_code, name="code"),
]
