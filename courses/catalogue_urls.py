from django.urls import path

from courses import catalogue_views as views
from courses.feeds import NewCoursesFeed

app_name = "catalogue"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("feed/", NewCoursesFeed(), name="feed"),
    path("alerts/", views.alert_subscribe, name="alert_subscribe"),
    path("alerts/sent/", views.alert_sent, name="alert_sent"),
    path("alerts/<uuid:token>/confirm/", views.alert_confirm, name="alert_confirm"),
    path("alerts/<uuid:token>/unsubscribe/", views.alert_unsubscribe, name="alert_unsubscribe"),
]
