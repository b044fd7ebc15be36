from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("electives/", views.choose_electives, name="electives"),
    path("sets/<slug:code>/", views.set_detail, name="set_detail"),
    path("letter/", views.letter, name="letter"),
    path("letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("withdraw/", views.withdraw, name="withdraw"),
]
