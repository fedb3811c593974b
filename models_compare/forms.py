"""Place pickers (typed names resolved by the server) and the comparison form: 2 to 4
jurisdictions, each optionally at its own date."""

import datetime
import re
from typing import cast

from django import forms
from django.http import QueryDict
from django.urls import reverse_lazy

from jurisdictions.models import Jurisdiction
from jurisdictions.querysets import SEARCH_MAX_LENGTH
from jurisdictions.selectors import PlaceLookup, find_place

from .as_of import check_as_of
from .charts import FOCUS_VIEWS
from .form_rendering import PublicForm
from .geography import map_views
from .selectors import ComparisonItem

MIN_ITEMS, MAX_ITEMS = 2, 4


def focus_choices() -> list[tuple[str, str]]:
    """The map regions by their names ("Central America and the Caribbean"), as the map's links say."""
    views = map_views()
    return [(name, views[name].title if name in views else name) for name in FOCUS_VIEWS]


class MapFocusForm(PublicForm):
    """``?focus=europe``: draw a region of the world map, larger (absent: the world)."""

    focus = forms.ChoiceField(
        label="Map region",
        choices=focus_choices,
        required=False,
        help_text="A region is drawn larger, its small countries too.",
        error_messages={"invalid_choice": "Choose a map region: " + ", ".join(FOCUS_VIEWS) + "."},
    )


TOKEN = re.compile(r"^(?P<slug>[-a-z0-9]{1,150})(?:@(?P<date>.+))?$")

SLUG = re.compile(r"^[-a-z0-9]{1,150}$")
PLACE_MAX_LENGTH = 150


class PlaceInput(forms.TextInput):
    """A text box for a place; static/js/suggest.js adds suggestions from the suggest endpoint.

    Never a list of every place: there may be tens of thousands.
    """

    def __init__(self, attrs=None):
        defaults = {
            "data-suggest": reverse_lazy("models_compare:suggest"),
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": "e.g. Belgium, UK, Nevada",
        }
        super().__init__({**defaults, **(attrs or {})})


def lookup_problem(text: str, lookup: PlaceLookup) -> str:
    """Why ``text`` names no single place, with the places it might mean."""
    labels = [f"“{place.label}”" for place in lookup.candidates]
    if lookup.ambiguous:
        return f"“{text}” could be {' or '.join(labels)}: type the name as shown to choose one."
    hint = f" Did you mean {' or '.join(labels)}?" if labels else " Check the spelling, or search for the place."
    return f"There is no jurisdiction “{text}”.{hint}"


class PlaceField(forms.CharField):
    """A jurisdiction typed as a person would: its name, an alias, its ISO code, its label with
    its parent ("Georgia (United States)") or its address slug. Cleans to the Jurisdiction; an
    unknown or ambiguous name is a form error that names the candidates."""

    widget = PlaceInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PLACE_MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        lookup = find_place(text)
        if lookup.place is None:
            raise forms.ValidationError(lookup_problem(text, lookup))
        return lookup.place


class SearchForm(PublicForm):
    """``?q=``: a place's name, other name, former name or ISO code."""

    q = forms.CharField(
        label="Search places",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": "Search for at most %(limit_value)d characters (you typed %(show_value)d)."},
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


class CompareForm(PublicForm):
    """``?j=sweden&j=new-zealand`` or ``?j=belgium@2021-01-01&j=belgium``.

    The picker also sends ``on`` dates in parallel with ``j`` (``j=belgium&on=2021-01-01``);
    both spellings give the same comparison.
    """

    j = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    on = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What is wrong with each ``j``, by its position in the query string (the picker marks it).
        self.problems_by_position: dict[int, str] = {}

    def clean_as_of(self):
        return _checked_date(self.cleaned_data.get("as_of"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        tokens = [" ".join(str(t).split()) for t in (data.get("j") or [])]
        dates = [str(d).strip() for d in (data.get("on") or [])]
        wanted, problems = _dated_places(tokens, dates, data.get("as_of"))
        if not problems:
            items, problems = _resolved(wanted)
        if problems:
            self.problems_by_position = dict(problems)
            raise forms.ValidationError([message for _, message in problems])
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


def _dated_places(tokens: list[str], dates: list[str], default_date) -> tuple[list[tuple], list[tuple[int, str]]]:
    """[(position, typed place, date, explicit)] from ``place`` or ``place@YYYY-MM-DD`` tokens
    and the parallel ``on`` dates; and the problems found, each with its token's position."""
    wanted, problems = [], []
    for index, token in enumerate(tokens):
        if not token:
            continue
        text, _, raw_date = token.partition("@")
        text = text.strip()
        if not text or len(text) > PLACE_MAX_LENGTH:
            problems.append((index, f"“{token[:60]}” is not a jurisdiction name or address."))
            continue
        raw_date = raw_date.strip() or (dates[index] if index < len(dates) else "")
        if not raw_date:
            wanted.append((index, text, default_date or _today(), bool(default_date)))
            continue
        try:
            wanted.append((index, text, _checked_date(datetime.date.fromisoformat(raw_date)), True))
        except (ValueError, forms.ValidationError) as error:
            detail = error.messages[0] if isinstance(error, forms.ValidationError) else "write dates as YYYY-MM-DD"
            problems.append((index, f"The date for “{text}” is not usable: {detail}"))
    return wanted, problems


def _resolved(wanted: list[tuple]) -> tuple[list[ComparisonItem], list[tuple[int, str]]]:
    """Comparison items for the typed places: addresses (slugs) in one query, anything else
    resolved as a typed name; and a problem (with its token's position) for each name that is
    unknown or ambiguous."""
    slugs = {text for _, text, _, _ in wanted if SLUG.match(text)}
    known = set(Jurisdiction.public.filter(slug__in=slugs).values_list("slug", flat=True))
    items, problems = [], []
    for index, text, when, explicit in wanted:
        if text in known:
            items.append(ComparisonItem(text, when, explicit))
            continue
        lookup = find_place(text)
        if lookup.place is None:
            problems.append((index, lookup_problem(text, lookup)))
        else:
            items.append(ComparisonItem(lookup.place.slug, when, explicit))
    return items, problems


def _checked_date(value: datetime.date | None) -> datetime.date | None:
    """A comparison date, held to the site-wide as-of range (1990 to today)."""
    if value is not None:
        check_as_of(value)
    return value
