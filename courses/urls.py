from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.provider_home, name="provider_home"),
    path("register/", views.register, name="register"),
    path("completions/", views.completions, name="completions"),
    path("completions/<int:pk>/confirm/", views.completion_confirm, name="completion_confirm"),
    path("<int:provider_pk>/invite/", views.invite, name="invite"),
    path("invitations/<uuid:token>/", views.invitation_accept, name="invitation_accept"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/details/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/map/", views.course_map, name="course_map"),
    path("courses/<int:pk>/instructors/", views.course_instructors, name="course_instructors"),
    path("courses/<int:pk>/submit/", views.course_submit, name="course_submit"),
    path("courses/<int:pk>/renew/", views.course_renew, name="course_renew"),
    path("courses/<int:pk>/syllabus/", views.syllabus, name="syllabus"),
    path(
        "courses/<int:pk>/instructors/<int:instructor_pk>/resume/",
        views.resume,
        name="resume",
    ),
]
