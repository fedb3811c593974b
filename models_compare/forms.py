"""The comparison picker: 2 to 4 jurisdictions, each optionally at its own date."""

import datetime
import re
from typing import cast

from django import forms
from django.http import QueryDict

from jurisdictions.models import Jurisdiction

from .as_of import check_as_of
from .charts import FOCUS_VIEWS
from .selectors import ComparisonItem

MIN_ITEMS, MAX_ITEMS = 2, 4


class MapFocusForm(forms.Form):
    """``?focus=europe``: draw a region of the world map, larger (absent: the world)."""

    focus = forms.ChoiceField(
        label="Map region",
        choices=[(name, name) for name in FOCUS_VIEWS],
        required=False,
        error_messages={"invalid_choice": "Choose a map region: " + ", ".join(FOCUS_VIEWS) + "."},
    )


TOKEN = re.compile(r"^(?P<slug>[-a-z0-9]{1,150})(?:@(?P<date>.+))?$")


class CompareForm(forms.Form):
    """``?j=sweden&j=new-zealand`` or ``?j=belgium@2021-01-01&j=belgium``.

    The picker also sends ``on`` dates in parallel with ``j`` (``j=belgium&on=2021-01-01``);
    both spellings give the same comparison.
    """

    j = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    on = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_as_of(self):
        return _checked_date(self.cleaned_data.get("as_of"))

    def clean(self):
        data = super().clean()
        tokens = [str(t).strip().lower() for t in (data.get("j") or [])]
        dates = [str(d).strip() for d in (data.get("on") or [])]
        default_date = data.get("as_of")
        items, problems = [], []
        for index, token in enumerate(tokens):
            if not token:
                continue
            try:
                items.append(_comparison_item(token, dates[index] if index < len(dates) else "", default_date))
            except forms.ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise forms.ValidationError(problems)
        known = dict(Jurisdiction.public.filter(slug__in={i.slug for i in items}).values_list("slug", "name"))
        unknown = sorted({i.slug for i in items} - set(known))
        if unknown:
            raise forms.ValidationError(
                [f"There is no jurisdiction “{slug}”. Choose one from the list below." for slug in unknown]
            )
        if len(set(items)) != len(items):
            raise forms.ValidationError(
                "The same jurisdiction at the same date is listed twice. To compare a place "
                "before and after a reform, give one of them a date, e.g. belgium@2021-01-01."
            )
        if len(items) < MIN_ITEMS:
            raise forms.ValidationError(f"Choose at least {MIN_ITEMS} jurisdictions (or one at two dates).")
        if len(items) > MAX_ITEMS:
            raise forms.ValidationError(f"Compare at most {MAX_ITEMS} at a time; you chose {len(items)}.")
        data["items"] = items
        return data

    @property
    def submitted(self) -> bool:
        return any(str(t).strip() for t in cast(QueryDict, self.data).getlist("j"))


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _comparison_item(token: str, form_date: str, default_date: datetime.date | None) -> ComparisonItem:
    """One ``slug`` or ``slug@YYYY-MM-DD`` of the comparison; ``form_date`` is its date field, if any."""
    match = TOKEN.match(token)
    if not match:
        raise forms.ValidationError(f"“{token[:60]}” is not a jurisdiction address.")
    raw_date = match["date"] or form_date
    if not raw_date:
        return ComparisonItem(match["slug"], default_date or _today(), bool(default_date))
    try:
        when = _checked_date(datetime.date.fromisoformat(raw_date))
    except (ValueError, forms.ValidationError) as error:
        detail = error.messages[0] if isinstance(error, forms.ValidationError) else "write dates as YYYY-MM-DD"
        raise forms.ValidationError(f"The date for “{match['slug']}” is not usable: {detail}") from None
    return ComparisonItem(match["slug"], when or _today(), True)


def _checked_date(value: datetime.date | None) -> datetime.date | None:
    """A comparison date, held to the site-wide as-of range (1990 to today)."""
    if value is not None:
        check_as_of(value)
    return value
