from django.urls import path

from lssc.program import views

app_name = "program"

urlpatterns = [
    path("", views.home, name="home"),
    path("faq/", views.faq, name="faq"),
    path("competencies/", views.set_list, name="set_list"),
    path("competencies/<slug:code>/", views.set_detail, name="set_detail"),
    path("eligibility/", views.eligibility_check, name="eligibility"),
]
