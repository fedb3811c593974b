"""Formatting filters for the public pages. They format values; they never query."""

import datetime

from django import template
from django.utils.http import urlencode

from jurisdictions.models import DatePrecision

register = template.Library()


@register.filter
def at_precision(value: datetime.date | None, precision: str = "day") -> str:
    """A date shown only as precisely as it is known: '2003', 'June 2003' or '28 June 2003'."""
    if value is None:
        return ""
    return DatePrecision(precision or DatePrecision.DAY).format(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.filter
def treatment(slug: str | None) -> str:
    """'partially_criminalized' -> 'Partially criminalised'; empty for no value."""
    from jurisdictions.vocabulary import Treatment

    if not slug:
        return ""
    try:
        return Treatment(slug).label
    except ValueError:
        return slug
