from django.urls import path

from candidates import apply_views as views

app_name = "apply"

urlpatterns = [
    path("", views.apply_start, name="start"),
    path("invoice/", views.invoice, name="invoice"),
]
