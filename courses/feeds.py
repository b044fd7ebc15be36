"""An Atom feed of newly approved courses, for feed readers and other sites."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from courses.catalogue_selectors import approved_courses

FEED_SIZE = 30


class NewCoursesFeed(Feed):
    feed_type = Atom1Feed
    title = "New LSSC approved courses"
    subtitle = "Courses newly approved for the Library Support Staff Certification program."
    link = reverse_lazy("catalogue:course_list")

    def items(self):
        return approved_courses()[:FEED_SIZE]

    def item_title(self, course):
        return course.title

    def item_link(self, course):
        return reverse("catalogue:course_detail", args=[course.pk])

    def item_description(self, course):
        delivery = course.get_delivery_display() or "Delivery to be announced"
        where = course.state or "online"
        return (
            f"{course.competency_set.name}. Offered by {course.provider.name} · {delivery} · "
            f"{where}. Approved until {course.approval_expires_on:%-d %B %Y}."
        )

    def item_author_name(self, course):
        return course.provider.name

    def _approved_at(self, course):
        # Approval is a date; the feed needs a moment, so the start of that day in our zone.
        return timezone.make_aware(datetime.combine(course.approved_on, time.min))

    def item_pubdate(self, course):
        return self._approved_at(course)

    def item_updateddate(self, course):
        return self._approved_at(course)
