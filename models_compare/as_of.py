"""The ``?as_of=`` parameter every public page accepts: the coverage start, its form, and the
view mixin that validates it (a 400 page on bad input)."""

import datetime
from typing import TYPE_CHECKING

from django import forms
from django.shortcuts import render
from django.utils import timezone

from jurisdictions.models import DatePrecision

from .form_rendering import PublicForm

# The first day the atlas records law for; earlier regimes are recorded as in force on this date.
COVERAGE_START = datetime.date(1990, 1, 1)


def check_as_of(value: datetime.date) -> None:
    """The one range check of every as-of date: from COVERAGE_START to today (ValidationError if not)."""
    today = timezone.localdate()
    if value < COVERAGE_START:
        raise forms.ValidationError("The atlas records law from 1 January 1990; choose a later date.")
    if value > today:
        raise forms.ValidationError(f"Choose a date from 1 January 1990 to today ({DatePrecision.DAY.format(today)}).")


class AsOfField(forms.DateField):
    """A ``YYYY-MM-DD`` date from 1 January 1990 to today; empty (None) means today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Law as of")
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs.setdefault("help_text", "A date from 1 January 1990 to today (YYYY-MM-DD). Empty: today.")
        kwargs.setdefault("error_messages", {"invalid": "Enter the date as YYYY-MM-DD, for example 2003-06-28."})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_as_of(value)


class AsOfForm(PublicForm):
    """``?as_of=YYYY-MM-DD``: view the law as it stood on a date from 1990 to today."""

    as_of = AsOfField()

    def date(self) -> datetime.date:
        """The validated date, today when none was given (call after is_valid())."""
        return self.cleaned_data.get("as_of") or timezone.localdate()

    def explicit(self) -> bool:
        """Whether a date was asked for (links then carry it), not today by default."""
        return bool(self.cleaned_data.get("as_of"))


def render_bad_request(request, forms_with_errors, title="This address cannot be shown"):
    """A 400 page that lists what was wrong with the query string."""
    return render(request, "invalid_request.html", {"forms": forms_with_errors, "title": title}, status=400)


if TYPE_CHECKING:  # what AsOfMixin is mixed into
    from django.views import View as AsOfBase
else:
    AsOfBase = object


class AsOfMixin(AsOfBase):
    """Validates ``?as_of=`` before the view runs: a 400 page on bad input, else
    ``self.as_of`` (today when absent) and ``self.as_of_form`` for the template."""

    def dispatch(self, request, *args, **kwargs):
        self.as_of_form = AsOfForm(request.GET)
        if not self.as_of_form.is_valid():
            return render_bad_request(request, [self.as_of_form])
        self.as_of = self.as_of_form.date()
        return super().dispatch(request, *args, **kwargs)
