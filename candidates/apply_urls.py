from django.urls import path

from candidates import apply_views as views

app_name = "apply"

urlpatterns = [
    path("", views.apply_start, name="start"),
    path("submit/", views.apply_submit, name="submit"),
    path("invoice/", views.invoice, name="invoice"),
    # After the fixed paths: a section's name is never "submit" or "invoice".
    path("<slug:section>/", views.apply_section, name="section"),
]
