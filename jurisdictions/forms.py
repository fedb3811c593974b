"""Forms for public query parameters (validated, never parsed by hand)."""

import datetime

from django import forms
from django.utils import timezone

COVERAGE_START = datetime.date(1990, 1, 1)


class AsOfForm(forms.Form):
    """``?as_of=YYYY-MM-DD``: view the law as it stood on a date from 1990 to today."""

    as_of = forms.DateField(
        label="Law as of", required=False, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A date from 1 January 1990 to today (YYYY-MM-DD). Empty: today.",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2003-06-28."},
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value is None:
            return None
        today = timezone.localdate()
        if value < COVERAGE_START:
            raise forms.ValidationError("The atlas records law from 1 January 1990; choose a later date.")
        if value > today:
            raise forms.ValidationError(f"Choose a date from 1 January 1990 to today ({today:%d %B %Y}).")
        return value

    def date(self) -> datetime.date:
        """The validated date, today when none was given (call after is_valid())."""
        return self.cleaned_data.get("as_of") or timezone.localdate()
