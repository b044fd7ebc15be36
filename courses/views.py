"""The provider area at /provider/: organisations, invitations, and course applications in
sections (details, competency map, instructors) with autosave, then submission and renewal.

Courses are fetched through `course_for_member` (members of the course's organisation only);
everyone else gets 404. Autosave follows the application pages' contract (static/js/
autosave.js): the section's form posts to its own URL asking for JSON and gets `saved`, `at`,
`errors` and `summary` back; without JavaScript the same URL takes ordinary posts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from courses import services
from courses.models import Course, Instructor
from courses.provider_forms import (
    CourseDetailsForm,
    CourseNewForm,
    InstructorForm,
    InvitationForm,
    ProviderRegisterForm,
    coverage_forms,
)
from courses.selectors import (
    completions_visible_to_member,
    course_coverage,
    course_for_member,
    course_history,
    course_reviews,
    courses_visible_to,
    invitation_by_token,
    provider_of_member,
    providers_of_user,
    providers_with_courses_of_user,
)
from lssc.accounts.permissions import provider_required
from lssc.accounts.roles import roles_of
from lssc.core.errors import DomainError
from lssc.core.files import private_file_response

# The sections of a course application, in order: (key, label, url name).
SECTIONS = [
    ("details", "Details", "courses:course_edit"),
    ("map", "Competency map", "courses:course_map"),
    ("instructors", "Instructors", "courses:course_instructors"),
]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


# --- Helpers ------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    ajax = request.headers.get("x-requested-with") == "XMLHttpRequest"
    return ajax or "application/json" in request.headers.get("accept", "")


def _saved_at() -> str:
    return timezone.localtime().strftime("%H:%M")


def _section_of(message: str) -> str:
    """Which section a `course_missing` message is about."""
    if message.startswith("Map how"):
        return "map"
    if "instructor" in message:
        return "instructors"
    return "details"


def _missing(course: Course) -> list[dict]:
    """What stops submission, each with the section (and its page) where it is fixed."""
    urls = {key: reverse(name, args=[course.pk]) for key, _, name in SECTIONS}
    labels = {key: label for key, label, _ in SECTIONS}
    items = []
    for message in services.course_missing(course):
        section = _section_of(message)
        items.append(
            {
                "message": message,
                "section": section,
                "url": urls[section],
                "label": labels[section],
            }
        )
    return items


def _steps(course: Course, missing: list[dict]) -> list[dict]:
    return [
        {
            "value": key,
            "label": label,
            "url": reverse(name, args=[course.pk]),
            "missing": [item["message"] for item in missing if item["section"] == key],
        }
        for key, label, name in SECTIONS
    ]


def _summary(course: Course) -> dict:
    """What the section pages show about the saved course, for the autosave script."""
    steps = _steps(course, _missing(course))
    return {
        "sections": {step["value"]: not step["missing"] for step in steps},
        "missing": {step["value"]: step["missing"] for step in steps},
    }


def _not_editable(request, course: Course):
    message = (
        f"This course is {course.get_status_display().lower()}, so it can no longer be changed."
    )
    if _wants_json(request):
        return JsonResponse({"saved": False, "message": message, "errors": {}}, status=409)
    messages.info(request, message)
    return redirect("courses:course_detail", course.pk)


def _after_save(request, course: Course, section: str):
    if _wants_json(request):
        return JsonResponse(
            {"saved": True, "at": _saved_at(), "errors": {}, "summary": _summary(course)}
        )
    keys = [key for key, _, _ in SECTIONS]
    if "save_continue" in request.POST:
        following = keys.index(section) + 1
        messages.success(request, f"{SECTIONS[keys.index(section)][1]}: saved.")
        if following < len(SECTIONS):
            return redirect(SECTIONS[following][2], course.pk)
        return redirect("courses:course_detail", course.pk)
    messages.success(request, f"Draft saved at {_saved_at()}.")
    return redirect(SECTIONS[keys.index(section)][2], course.pk)


def _json_errors(forms_) -> dict:
    errors = {}
    for form in forms_:
        for name, messages_ in form.errors.items():
            key = form.add_prefix(name) if name != "__all__" else "__all__"
            errors[key] = list(messages_)
    return errors


def _render_section(request, course, section, context, *, status=200):
    missing = _missing(course)
    steps = _steps(course, missing)
    step = next(s for s in steps if s["value"] == section)
    return render(
        request,
        f"courses/course_{section}.html",
        {
            "course": course,
            "section": section,
            "steps": steps,
            "step": step,
            **context,
        },
        status=status,
    )


def _error_items(forms_) -> list[dict]:
    items = []
    for form in forms_:
        for error in form.non_field_errors():
            items.append({"anchor": "", "label": "", "message": error})
        for field in form:
            for error in field.errors:
                anchor = field.id_for_label or f"{field.auto_id}_0"
                items.append({"anchor": anchor, "label": field.label, "message": error})
    return items


# --- Organisations ------------------------------------------------------------------------


@provider_required
def provider_home(request):
    """A provider member's home: each organisation, its members and courses, and a form to
    invite a colleague."""
    return render(
        request,
        "courses/provider_home.html",
        {
            "providers": list(providers_with_courses_of_user(request.user)),
            "invite_form": InvitationForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Any signed-in person registers an organisation and becomes its first member."""
    form = ProviderRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = services.provider_register(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"{provider.name} is registered. Program staff will verify it; meanwhile you can "
            "draft courses.",
        )
        return redirect("courses:provider_home")
    return render(request, "courses/provider_register.html", {"form": form})


@provider_required
@require_POST
def invite(request, provider_pk):
    """Invite a colleague by email to one of the user's organisations."""
    provider = provider_of_member(request.user, provider_pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Invitation not sent: {form.errors['email'][0]}")
        return redirect("courses:provider_home")
    try:
        services.invitation_create(provider, email=form.cleaned_data["email"], by=request.user)
    except DomainError as error:
        messages.error(request, f"Invitation not sent: {error}")
    else:
        messages.success(
            request,
            f"Invitation sent to {form.cleaned_data['email']}. It is valid for "
            f"{services.INVITATION_DAYS} days.",
        )
    return redirect("courses:provider_home")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The emailed invitation opens this confirm page; only its POST makes a member."""
    invitation = invitation_by_token(token)
    error = ""
    if request.method == "POST":
        try:
            services.invitation_accept(invitation, by=request.user)
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"You are now a member of {invitation.provider.name}.")
            return redirect("courses:provider_home")
    elif invitation.accepted_at:
        error = "This invitation has already been used."
    elif invitation.expires_at < timezone.now():
        error = "This invitation has expired. Ask your colleague to invite you again."
    elif invitation.email.lower() != request.user.email.lower():
        error = f"This invitation is for {invitation.email}. Log in with that address to accept it."
    return render(
        request,
        "courses/provider_invitation.html",
        {"invitation": invitation, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


# --- Courses ------------------------------------------------------------------------------


@provider_required
@require_http_methods(["GET", "POST"])
def course_new(request):
    """Start a draft course for one competency set."""
    providers = providers_of_user(request.user)
    form = CourseNewForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        course = services.course_create(
            form.cleaned_data["provider"],
            competency_set=form.cleaned_data["competency_set"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
        messages.success(request, "Draft started. It is saved as you type.")
        return redirect("courses:course_edit", course.pk)
    return render(request, "courses/course_new.html", {"form": form})


@provider_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    """Section 1: the course's details, syllabus included."""
    course = course_for_member(request.user, pk)
    if not course.is_editable:
        return _not_editable(request, course)
    if request.method == "POST":
        form = CourseDetailsForm(request.POST, request.FILES, instance=course)
        if form.is_valid():
            course = services.course_update(course, fields=form.changes(), by=request.user)
            return _after_save(request, course, "details")
        if _wants_json(request):
            return JsonResponse({"saved": False, "errors": _json_errors([form])}, status=400)
        # The bound form keeps what was typed; the course row is reread so the page does
        # not show values that were not saved.
        course = course_for_member(request.user, pk)
        context = {"form": form, "error_items": _error_items([form])}
        return _render_section(request, course, "details", context, status=400)
    form = CourseDetailsForm(instance=course)
    return _render_section(request, course, "details", {"form": form})


@provider_required
@require_http_methods(["GET", "POST"])
def course_map(request, pk):
    """Section 2: for every competency of the set, how the course covers it."""
    course = course_for_member(request.user, pk)
    if not course.is_editable:
        return _not_editable(request, course)
    rows = course_coverage(course)
    if request.method == "POST":
        forms_ = coverage_forms(rows, request.POST)
        if all(form.is_valid() for form in forms_):
            try:
                services.course_coverage_update(
                    course,
                    entries={
                        form.instance.pk: form.cleaned_data for form in forms_ if form.has_changed()
                    },
                    by=request.user,
                )
            except DomainError:
                return _not_editable(request, course)
            return _after_save(request, course, "map")
        if _wants_json(request):
            return JsonResponse({"saved": False, "errors": _json_errors(forms_)}, status=400)
        context = {"rows": zip(rows, forms_, strict=True), "error_items": _error_items(forms_)}
        return _render_section(request, course, "map", context, status=400)
    context = {"rows": zip(rows, coverage_forms(rows), strict=True)}
    return _render_section(request, course, "map", context)


@provider_required
@require_http_methods(["GET", "POST"])
def course_instructors(request, pk):
    """Section 3: who teaches the course, each with a résumé. Adding and removing are
    ordinary posts (a file upload does not autosave)."""
    course = course_for_member(request.user, pk)
    if not course.is_editable:
        return _not_editable(request, course)
    form = InstructorForm()
    status = 200
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                try:
                    name = services.instructor_remove(
                        course, instructor_id=request.POST["remove"], by=request.user
                    )
                except (Instructor.DoesNotExist, ValueError):
                    raise Http404("No such instructor.") from None
                messages.success(request, f"{name} removed.")
                return redirect("courses:course_instructors", course.pk)
            form = InstructorForm(request.POST, request.FILES)
            if form.is_valid():
                instructor = services.instructor_add(course, by=request.user, **form.cleaned_data)
                messages.success(request, f"{instructor.name} added.")
                if "save_continue" in request.POST:
                    return redirect("courses:course_detail", course.pk)
                return redirect("courses:course_instructors", course.pk)
            status = 400
        except DomainError:
            return _not_editable(request, course)
    context = {
        "form": form,
        "instructors": list(course.instructors.all()),
        "error_items": _error_items([form]) if form.is_bound else [],
    }
    return _render_section(request, course, "instructors", context, status=status)


def _course_for_insider(user, pk) -> Course:
    """A course for its organisation's members or program staff; 404 for anyone else."""
    course = courses_visible_to(user).filter(pk=pk).first()
    if course is None:
        raise Http404("No such course.")
    is_member = course.provider.memberships.filter(user=user).exists()
    if not is_member and not roles_of(user).is_program_staff:
        raise Http404("No such course.")
    course.viewer_is_member = is_member
    return course


@login_required
@require_http_methods(["GET"])
def course_detail(request, pk):
    """The course as submitted: status, what is missing, staff reviews and the history."""
    course = _course_for_insider(request.user, pk)
    missing = _missing(course) if course.is_editable else []
    history = course_history(course)
    labels = dict(Course.Status.choices)
    for change in history:
        change.old_label = labels.get(change.old_status, change.old_status)
        change.new_label = labels.get(change.new_status, change.new_status)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "missing": missing,
            "steps": _steps(course, missing),
            "coverage": course_coverage(course),
            "instructors": list(course.instructors.all()),
            "history": history,
            "reviews": course_reviews(course),
            "can_edit": course.viewer_is_member and course.is_editable,
            "can_renew": course.viewer_is_member
            and course.status == Course.Status.APPROVED
            and not course.renewal_requested_at,
        },
    )


@provider_required
@require_POST
def course_submit(request, pk):
    """Send the course for review; refused with the list of what is missing."""
    course = course_for_member(request.user, pk)
    try:
        services.course_submit(course, by=request.user)
    except DomainError as error:
        messages.error(request, f"Not submitted. {error}")
    else:
        messages.success(request, "Submitted. Program staff will review the course and email you.")
    return redirect("courses:course_detail", course.pk)


@provider_required
@require_POST
def course_renew(request, pk):
    """Ask for the course's approval to be renewed before it lapses."""
    course = course_for_member(request.user, pk)
    try:
        services.course_request_renewal(course, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Renewal requested. Program staff will review it and email you.")
    return redirect("courses:course_detail", course.pk)


def _content_type(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@login_required
@require_http_methods(["GET"])
def syllabus(request, pk):
    course = _course_for_insider(request.user, pk)
    extension = course.syllabus.name.rsplit(".", 1)[-1] if course.syllabus else "pdf"
    return private_file_response(
        course.syllabus,
        filename=f"syllabus-{course.pk}.{extension}",
        content_type=_content_type(course.syllabus.name or ""),
    )


@login_required
@require_http_methods(["GET"])
def resume(request, pk, instructor_pk):
    course = _course_for_insider(request.user, pk)
    instructor = course.instructors.filter(pk=instructor_pk).first()
    if instructor is None:
        raise Http404("No such instructor.")
    extension = instructor.resume.name.rsplit(".", 1)[-1] if instructor.resume else "pdf"
    return private_file_response(
        instructor.resume,
        filename=f"resume-{instructor.pk}.{extension}",
        content_type=_content_type(instructor.resume.name or ""),
    )


# --- Completion claims on the organisation's courses -----------------------------------


@provider_required
@require_http_methods(["GET", "HEAD"])
def completions(request):
    """Claims that candidates sent for this organisation's courses; members confirm the ones
    they recognise (program staff still verify), one by one or with a roster upload."""
    paginator = Paginator(completions_visible_to_member(request.user), 25)
    return render(
        request,
        "courses/provider_completions.html",
        {"page": paginator.get_page(request.GET.get("page"))},
    )


@provider_required
@require_POST
def completion_confirm(request, pk):
    completion = get_object_or_404(completions_visible_to_member(request.user), pk=pk)
    if completion.status != completion.Status.SUBMITTED:
        messages.info(request, "That claim has already been decided by program staff.")
    else:
        services.completion_provider_confirm(completion, by=request.user)
        messages.success(
            request,
            f"Confirmed: {completion.candidacy.user.display_name} completed "
            f"“{completion.course.title}”. Program staff will verify the claim.",
        )
    return redirect("courses:completions")
