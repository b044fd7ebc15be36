from django.urls import path

from lssc.accounts import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications, name="settings"),
]
