"""Chart tags: they draw what the view already loaded; they never query."""

from django import template

from models_compare.charts import regime_band_svg

register = template.Library()


@register.simple_tag
def regime_band(periods):
    """One jurisdiction's published regime periods as a labelled horizontal SVG band (1990 to today).

    ``periods`` must have their legal model loaded (``jurisdiction_page`` does).
    """
    return regime_band_svg(periods)
