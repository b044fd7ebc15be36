from django.urls import path

from portfolios import evidence_views, views

app_name = "portfolios"

urlpatterns = [
    path("start/<slug:code>/", views.portfolio_start, name="start"),
    path("<int:pk>/", views.workspace, name="workspace"),
    path("<int:pk>/competencies/<int:number>/", views.response_edit, name="response"),
    path("<int:pk>/statement/", views.statement_edit, name="statement"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/submitted/", views.submitted, name="submitted"),
    path("<int:pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/evidence/", evidence_views.library, name="evidence"),
    path("<int:pk>/evidence/upload/", evidence_views.upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/remove/", evidence_views.remove, name="evidence_remove"
    ),
    path("evidence/<int:evidence_pk>/download/", evidence_views.download, name="evidence_download"),
]
