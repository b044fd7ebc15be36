"""Template tags and filters shared by every app: breadcrumbs, status badges, and dates and
deadlines written the way DESIGN §9 asks ("27 November 2030, 23:59 US Central")."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*parts):
    """`{% breadcrumbs "Home" home_url "Competency sets" list_url set.name %}`: label and URL
    pairs for the parent pages, then the label of the current page."""
    *parents, current = parts
    if len(parents) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label/url pairs, then one label.")
    return {"parents": list(zip(parents[::2], parents[1::2], strict=True)), "current": current}


# --- Status badges ------------------------------------------------------------------------

# One colour per meaning, whatever the app (DESIGN §9). Bootstrap's text-bg-* classes pick a
# text colour with enough contrast, and the badge always carries its label: never colour alone.
STATUS_STYLES = {
    # waiting for the person themself
    "draft": "secondary",
    "not_started": "secondary",
    "withdrawn": "secondary",
    "in_progress": "info",
    # with the program: submitted, being looked at
    "active": "primary",
    "submitted": "primary",
    "under_review": "primary",
    "applied": "primary",
    "offered": "primary",
    "accepted": "primary",
    # someone has to act on a request
    "info_requested": "warning",
    "changes_requested": "warning",
    # good outcomes
    "achieved": "success",
    "approved": "success",
    "admitted": "success",
    "verified": "success",
    "certified": "success",
    "valid": "success",
    # bad or final outcomes
    "not_demonstrated": "danger",
    "declined": "danger",
    "rejected": "danger",
    "lapsed": "danger",
    "revoked": "danger",
    "suspended": "danger",
    "expired": "dark",
    "inactive": "secondary",
    "replaced": "secondary",
}


@register.simple_tag
def status_badge(status: str, label: str):
    """`{% status_badge obj.status obj.get_status_display %}`: the status as a badge in the
    site's one colour scheme for statuses."""
    style = STATUS_STYLES.get(str(status), "secondary")
    return format_html('<span class="badge badge-status text-bg-{}">{}</span>', style, label)


# --- Dates, deadlines and time zones ------------------------------------------------------

# Names people in the program know their clocks by; other zones show their IANA name alone.
ZONE_NAMES = {
    "America/New_York": "US Eastern",
    "America/Chicago": "US Central",
    "America/Denver": "US Mountain",
    "America/Phoenix": "US Mountain (Arizona)",
    "America/Los_Angeles": "US Pacific",
    "America/Anchorage": "US Alaska",
    "Pacific/Honolulu": "US Hawaii",
}

DEADLINE_TIME = time(23, 59)


def program_zone_name(key: str | None = None) -> str:
    """ "US Central (America/Chicago)" for the program's time zone (settings.TIME_ZONE)."""
    key = key or settings.TIME_ZONE
    friendly = ZONE_NAMES.get(key)
    return f"{friendly} ({key})" if friendly else key


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@register.filter
def deadline(day: date | None) -> str:
    """A deadline day as the moment it ends in the program's time zone:
    "27 November 2030, 23:59 US Central (America/Chicago)"."""
    if not day:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return f"{_long_date(day)}, {DEADLINE_TIME:%H:%M} {program_zone_name()}"


@register.filter
def days_from_today(day: date | None) -> str:
    """How far a day is from today in the program's time zone: "in 1,461 days", "tomorrow",
    "today", "yesterday", "3 days ago"."""
    if not day:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    days = (day - timezone.localdate()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days > 0:
        return f"in {intcomma(days)} days"
    return f"{intcomma(-days)} days ago"


@register.filter
def moment(value: datetime | None) -> str:
    """A point in time in the program's time zone, with the zone's abbreviation for that
    date: "12 March 2027, 09:30 CDT"."""
    if not value:
        return ""
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    return f"{_long_date(local)}, {local:%H:%M} {local:%Z}"


@register.simple_tag
def program_time_zone() -> str:
    """`{% program_time_zone %}`: "US Central (America/Chicago)", the zone times are shown in."""
    return program_zone_name()
