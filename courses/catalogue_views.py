"""The public course catalogue: search, a course's page, and email alerts for new courses.

Alerts are double opt-in; the links in their emails open confirm pages that act only on POST
(mail scanners follow links).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from courses import services
from courses.catalogue_filters import AlertForm, CatalogueFilter
from courses.catalogue_selectors import alert_by_token, approved_course_with_map, approved_courses
from lssc.core.errors import DomainError

PAGE_SIZE = 20


@require_http_methods(["GET", "HEAD"])
def course_list(request):
    """Approved courses, narrowed by the filters in the query string, 20 to a page."""
    filterset = CatalogueFilter(request.GET, queryset=approved_courses())
    # A filter value that is no longer offered (a bookmarked state without courses now)
    # matches nothing, rather than being ignored and listing everything.
    courses = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in filterset.filters)
    return render(
        request,
        "courses/catalogue_list.html",
        {"filter": filterset, "page": page, "filtered": filtered},
    )


@require_http_methods(["GET", "HEAD"])
def course_detail(request, pk: int):
    """One approved course with its competency map; 404 for a course not in the catalogue."""
    course = approved_course_with_map(pk)
    return render(request, "courses/catalogue_detail.html", {"course": course})


@require_http_methods(["GET", "HEAD", "POST"])
def alert_subscribe(request):
    """Ask for alerts about a set and/or a state; a confirm email is sent, nothing else."""
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_subscribe(
                email=form.cleaned_data["email"],
                competency_set=form.cleaned_data["competency_set"],
                state=form.cleaned_data["state"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("catalogue:alert_sent")
    return render(request, "courses/alert_subscribe.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def alert_sent(request):
    return render(request, "courses/alert_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request, token):
    """The emailed confirm link: GET shows a button, only POST starts the alerts."""
    alert = alert_by_token(token)
    if request.method == "POST":
        alert = services.alert_confirm(alert)
        if alert.confirmed_at and not alert.unsubscribed_at:
            messages.success(
                request,
                "Your course alerts are on. We will email you once for each new matching course.",
            )
        return redirect("catalogue:alert_confirm", token=alert.token)
    return render(request, "courses/alert_confirm.html", {"alert": alert})


@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request, token):
    """The unsubscribe link in every alert email: GET shows a button, POST stops the alerts."""
    alert = alert_by_token(token)
    if request.method == "POST":
        alert = services.alert_unsubscribe(alert)
        messages.success(request, "You are unsubscribed. We will not send you course alerts.")
        return redirect("catalogue:alert_unsubscribe", token=alert.token)
    return render(request, "courses/alert_unsubscribe.html", {"alert": alert})
