"""Formatting for the codebook: our own Markdown, rendered with raw HTML escaped. Never queries."""

from django import template
from django.utils.safestring import mark_safe

from models_compare.codebook import render_inline

register = template.Library()


@register.filter
def inline_markdown(text: str) -> str:
    """'`as_of` (a date)' -> '<code>as_of</code> (a date)'; any HTML in ``text`` is escaped."""
    return mark_safe(render_inline(text or ""))  # noqa: S308 (render_inline escapes any HTML in the text)
