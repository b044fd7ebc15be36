"""The catalogue's search form: set, delivery, state, provider type and free text, all from
the query string so the page works as a plain GET form without JavaScript."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from courses.catalogue_selectors import catalogue_states
from courses.models import Course, Provider
from lssc.program.selectors import competency_sets_in_force


def _sets(request):
    return competency_sets_in_force()


class CatalogueFilter(django_filters.FilterSet):
    """Narrows `approved_courses()`; every filter is optional and they combine with AND."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text="Words from the title, the description or the provider's name.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    set = django_filters.ModelChoiceFilter(
        label="Competency set",
        field_name="competency_set",
        queryset=_sets,
        to_field_name="code",
        empty_label="Any set",
    )
    delivery = django_filters.ChoiceFilter(
        label="Delivery", choices=Course.Delivery.choices, empty_label="Any delivery"
    )
    state = django_filters.ChoiceFilter(
        label="State or province",
        field_name="state",
        lookup_expr="iexact",
        choices=[],
        empty_label="Any state",
        help_text="Where face-to-face sessions take place.",
    )
    provider_type = django_filters.ChoiceFilter(
        label="Provider type",
        field_name="provider__type",
        choices=Provider.Type.choices,
        empty_label="Any provider",
    )

    class Meta:
        model = Course
        fields = ["q", "set", "delivery", "state", "provider_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the states that currently have courses, so no choice leads to an empty page.
        self.filters["state"].extra["choices"] = [(s, s) for s in catalogue_states()]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(provider__name__icontains=word)
            )
        return queryset


class AlertForm(forms.Form):
    """A visitor's subscription to course alerts: an address and a set and/or a state.

    It lives with the catalogue's search form, the other form the public catalogue parses.
    """

    email = forms.EmailField(
        label="Email address",
        help_text="We send one email to confirm the address; alerts start once you confirm.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    competency_set = forms.ModelChoiceField(
        label="Competency set",
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="Any set",
        help_text="Optional: only courses for this set.",
    )
    state = forms.CharField(
        label="State or province",
        max_length=100,
        required=False,
        help_text="Optional: only courses held in this state, like Illinois.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency_set"].queryset = competency_sets_in_force()

    def clean(self):
        data = super().clean()
        if (
            not data.get("competency_set")
            and not (data.get("state") or "").strip()
            and "competency_set" not in self.errors
        ):
            self.add_error("competency_set", "Choose a competency set, a state, or both.")
        return data
