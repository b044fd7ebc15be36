from django.urls import path

from courses import roster_views

app_name = "roster"

urlpatterns = [
    path("", roster_views.roster_upload, name="upload"),
    path("result/", roster_views.roster_result, name="result"),
    path("unmatched.csv", roster_views.roster_unmatched_csv, name="unmatched_csv"),
    path("template.csv", roster_views.roster_template_csv, name="template_csv"),
]
