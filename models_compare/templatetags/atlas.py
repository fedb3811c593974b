"""Formatting filters for the public pages. They format values; they never query."""

import datetime

from django import template

from jurisdictions.models import DatePrecision

register = template.Library()


@register.filter
def at_precision(value: datetime.date | None, precision: str = "day") -> str:
    """A date shown only as precisely as it is known: '2003', 'June 2003' or '28 June 2003'."""
    if value is None:
        return ""
    return DatePrecision(precision or DatePrecision.DAY).format(value)


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
