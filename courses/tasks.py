from celery import shared_task

from courses.services import course_expire, courses_due_to_expire


@shared_task
def expire_course_approvals_task() -> int:
    """Take courses whose approval has ended out of the catalogue; returns how many.
    Idempotent: an expired course is never expired twice."""
    count = 0
    for course in courses_due_to_expire():
        course_expire(course)
        count += 1
    return count


@shared_task
def course_approval_notices_task() -> int:
    """Tell providers 120 and 30 days before a course approval ends. Idempotent."""
    from courses.reminders import course_approval_notices

    return course_approval_notices()
