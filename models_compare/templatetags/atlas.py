"""Formatting filters and tags for the public pages. They format values; they never query."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from jurisdictions.models import DatePrecision

register = template.Library()


@register.filter
def at_precision(value: datetime.date | None, precision: str = "day") -> str:
    """A date shown only as precisely as it is known: '2003', 'June 2003' or '28 June 2003'."""
    if value is None:
        return ""
    return DatePrecision(precision or DatePrecision.DAY).format(value)


@register.filter
def iso_at_precision(value: datetime.date | None, precision: str = "day") -> str:
    """The machine-readable twin of ``at_precision`` for ``<time datetime>``: '2003', '2003-06'
    or '2003-06-28'."""
    if value is None:
        return ""
    return DatePrecision(precision or DatePrecision.DAY).iso(value)


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


@register.simple_tag
def model_badge(slug: str | None, name: str) -> SafeString:
    """A legal model shown by name and a pattern (site.css: .model-<slug>), never by colour alone;
    'No regime recorded' without a slug. A tag, not an included template: lists show one per row."""
    if not slug:
        return mark_safe('<span class="badge model-none">No regime recorded</span>')
    return format_html(
        '<span class="badge model-{}"><span class="swatch" aria-hidden="true"></span>{}</span>', slug, name
    )


@register.simple_tag(takes_context=True)
def map_nav(context, world_map) -> SafeString:
    """A map's year and region links, which keep the rest of the query string (rendered once
    per map and query string: models_compare.charts.WorldMap.nav_html)."""
    return world_map.nav_html(context.request)
