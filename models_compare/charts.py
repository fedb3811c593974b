"""Maps and charts, rendered on the server as inline SVG (no JavaScript needed to see them).

- :func:`world_map`: every country coloured (and patterned) by its legal model on a date.
  Two queries; the SVG markup is cached per date and content (Django's cache framework),
  and the geometry is parsed once per process (``geography.world_shapes``).
- :func:`models_over_time`: how many countries were under each model each year, in two queries.
- :func:`over_time_chart_svg`, :func:`regime_band_svg`: the stacked-area chart and the
  horizontal band of one jurisdiction's regime periods.

Conventions: a year's state is the law **on 31 December** of that year (so a reform that
took effect during the year counts for that year), and for the current year the law
**today**. Colours are the Okabe–Ito palette of ``static/css/site.css`` (read through its
CSS variables, with the same values as fallbacks for standalone SVG), and each model also
has its own pattern, matching the badge swatches; every shape is named in text.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F, FilteredRelation
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jurisdictions.models import Jurisdiction, LegalModel
from jurisdictions.querysets import published_q
from jurisdictions.vocabulary import VARIES

from .as_of import COVERAGE_START
from .geography import CREDIT, world_shapes

NO_DATA = "none"
FIRST_YEAR = COVERAGE_START.year
# Rendered SVG is keyed by date and a digest of everything drawn, so it can never be stale;
# the timeout only bounds memory.
CACHE_TIMEOUT = 60 * 60 * 24
CACHE_VERSION = 1

# Fallback colours (the CSS variables of site.css override them on the site's pages).
COLOURS = {
    "criminalization": "#d55e00",
    "partial_criminalization": "#e69f00",
    "nordic": "#cc79a7",
    "legalization": "#0072b2",
    "decriminalization": "#009e73",
    VARIES: "#7a7a7a",
}
NO_DATA_FILL = "#d4d4d4"
# Outline of every shape: #333 on the white sea and between neighbours is 12.6:1, so each
# shape's edge meets the 3:1 non-text contrast minimum even where its fill is light.
OUTLINE = "#333"


def year_end(year: int, today: datetime.date | None = None) -> datetime.date:
    """The date a year is shown at: 31 December, or today for the current year."""
    today = today or timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


def long_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


# --- Patterns ---------------------------------------------------------------------


def _colour(slug: str) -> str:
    return f"fill:var(--{slug},{COLOURS[slug]})"


def pattern_defs(prefix: str, size: float = 10) -> str:
    """<pattern>s for each model (ids ``{prefix}-{slug}``), matching the badge swatches.

    Criminalisation: cross-hatched; partial: diagonal stripes; Nordic: dots; legalisation:
    horizontal stripes; decriminalisation: solid; varies: vertical grey stripes on white.
    """
    s = size
    half = s / 2
    stroke = f'stroke="#fff" stroke-width="{s * 0.16:g}"'

    def tile(slug, inner):
        return (
            f'<pattern id="{prefix}-{slug}" width="{s:g}" height="{s:g}" patternUnits="userSpaceOnUse">'
            f'<rect width="{s:g}" height="{s:g}" style="{_colour(slug)}"/>{inner}</pattern>'
        )

    return "".join(
        [
            tile("criminalization", f'<path d="M0 0L{s:g} {s:g}M{s:g} 0L0 {s:g}" {stroke}/>'),
            tile(
                "partial_criminalization",
                f'<path d="M{-half:g} {half:g}L{half:g} {-half:g}M0 {s:g}L{s:g} 0M{half:g} {s + half:g}L{s + half:g} {half:g}" {stroke}/>',
            ),
            tile("nordic", f'<circle cx="{half:g}" cy="{half:g}" r="{s * 0.2:g}" fill="#fff"/>'),
            tile("legalization", f'<path d="M0 {half:g}H{s:g}" {stroke}/>'),
            tile("decriminalization", ""),
            f'<pattern id="{prefix}-{VARIES}" width="{s * 0.6:g}" height="{s:g}" patternUnits="userSpaceOnUse">'
            f'<rect width="{s * 0.6:g}" height="{s:g}" fill="#fff"/>'
            f'<rect width="{s * 0.2:g}" height="{s:g}" style="{_colour(VARIES)}"/></pattern>',
        ]
    )


def fill_for(prefix: str, category: str) -> str:
    """The fill attribute value for a category ('none' is flat neutral grey)."""
    return NO_DATA_FILL if category == NO_DATA else f"url(#{prefix}-{category})"


# --- World map ----------------------------------------------------------------------


@dataclass(frozen=True)
class MapArea:
    """One shape on the map: a country or territory, its category and accessible name."""

    code: str
    name: str
    category: str  # a model slug, 'varies' or 'none'
    label: str  # accessible name, e.g. 'Sweden — Nordic model since 1 January 1999'
    url: str  # the jurisdiction page ('' when the atlas has no such jurisdiction)
    since: datetime.date | None = None
    before_start: bool = False


@dataclass
class LegendEntry:
    slug: str
    name: str
    areas: list[MapArea] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.areas)


@dataclass
class YearLink:
    year: int
    as_of: datetime.date
    query: str  # '?as_of=2003-12-31', or '?' for today
    current: bool


@dataclass
class WorldMap:
    as_of: datetime.date
    explicit_date: bool
    legend: list[LegendEntry]
    years: list[YearLink]
    svg: SafeString
    standalone: bool = False

    @property
    def selected_year(self) -> int:
        return self.as_of.year

    @property
    def first_year(self) -> int:
        return FIRST_YEAR

    @property
    def last_year(self) -> int:
        return self.years[-1].year

    @property
    def area_count(self) -> int:
        return sum(entry.count for entry in self.legend)


def _model_names() -> dict[str, str]:
    return dict(LegalModel.objects.order_by("position").values_list("slug", "name"))


def map_areas(
    *, as_of: datetime.date, explicit_date: bool = False, model_names: dict[str, str] | None = None
) -> tuple[list[MapArea], dict[str, str]]:
    """Every shape of the map with its category on ``as_of``: one query, whatever the data
    (two when ``model_names``, slug -> name in legend order, is not passed in).

    Shapes are matched to jurisdictions by ISO 3166-1 alpha-2 code, whatever their parent:
    Hong Kong and Macau (children of China in the atlas) are coloured by their own law.
    """
    names = model_names if model_names is not None else _model_names()
    rows = (
        Jurisdiction.public.filter(iso_code__regex=r"^[A-Z]{2}$")
        .with_regime(as_of=as_of)
        .annotate(regime_before_start=F("regime__in_force_before_start"))
        .values_list(
            "iso_code", "name", "slug", "regime_model_slug", "regime_varies", "regime_since", "regime_before_start"
        )
    )
    by_code = {row[0]: row for row in rows}
    suffix = f"?as_of={as_of.isoformat()}" if explicit_date else ""
    areas = []
    for shape in world_shapes().shapes:
        row = by_code.get(shape.code) if shape.code else None
        if row is None:
            areas.append(MapArea(shape.code, shape.name, NO_DATA, f"{shape.name} — no data", ""))
            continue
        _, name, slug, model, varies, since, before = row
        url = reverse("jurisdictions:detail", kwargs={"slug": slug}) + suffix
        if varies:
            category, label = VARIES, f"{name} — varies within: each state or unit is coded on its own"
        elif model:
            when = "since before 1990" if before else f"since {long_date(since)}"
            category, label = model, f"{name} — {names.get(model, model)} {when}"
        else:
            category, label = NO_DATA, f"{name} — no data: no regime recorded on this date"
        areas.append(MapArea(shape.code, name, category, label, url, since, bool(before)))
    return areas, names


def _legend(areas: list[MapArea], names: dict[str, str]) -> list[LegendEntry]:
    legend = {slug: LegendEntry(slug, name) for slug, name in names.items()}
    legend[VARIES] = LegendEntry(VARIES, "Varies within")
    legend[NO_DATA] = LegendEntry(NO_DATA, "No data")
    for area in sorted(areas, key=lambda a: a.name):
        legend[area.category].areas.append(area)
    return list(legend.values())


def year_links(*, as_of: datetime.date, explicit_date: bool, today: datetime.date | None = None) -> list[YearLink]:
    """One link per year from 1990: ``?as_of=YYYY-12-31``, and ``?`` (today) for this year."""
    today = today or timezone.localdate()
    links = []
    for year in range(FIRST_YEAR, today.year + 1):
        date = year_end(year, today)
        query = "?" if year == today.year else f"?as_of={date.isoformat()}"
        links.append(YearLink(year, date, query, current=year == as_of.year))
    return links


def world_map(
    *,
    as_of: datetime.date,
    explicit_date: bool = False,
    standalone: bool = False,
    model_names: dict[str, str] | None = None,
) -> WorldMap:
    """The map for ``as_of``: one query (two without ``model_names``), whatever the data.

    The SVG comes from the cache when the same shapes were drawn for the same date
    before: its key holds a digest of everything drawn, so an edit can never leave it stale.
    """
    areas, names = map_areas(as_of=as_of, explicit_date=explicit_date, model_names=model_names)
    legend = _legend(areas, names)
    digest = hashlib.sha256(repr((areas, sorted(names.items()), standalone)).encode()).hexdigest()[:24]
    key = f"atlas:world-map:{as_of.isoformat()}:{digest}"
    svg = cache.get(key, version=CACHE_VERSION)
    if svg is None:
        svg = render_world_map_svg(as_of=as_of, areas=areas, legend=legend, standalone=standalone)
        cache.set(key, svg, CACHE_TIMEOUT, version=CACHE_VERSION)
    return WorldMap(
        as_of=as_of,
        explicit_date=explicit_date,
        legend=legend,
        years=year_links(as_of=as_of, explicit_date=explicit_date),
        svg=mark_safe(svg),  # noqa: S308 (every value in the markup is escaped where it is built)
        standalone=standalone,
    )


MAP_STYLE = (  # noqa: UP031 (CSS braces would need doubling in a format string)
    ".wm-shape{stroke:%s;stroke-width:.5px;vector-effect:non-scaling-stroke;stroke-linejoin:round}"
    ".wm a:hover .wm-shape,.wm a:focus .wm-shape{stroke:#000;stroke-width:2px}"
    ".wm a:focus .wm-shape{stroke-width:3px}"
    ".wm text{font-family:system-ui,'DejaVu Sans',sans-serif;fill:#1a1a1a}"
) % OUTLINE


def render_world_map_svg(
    *, as_of: datetime.date, areas: list[MapArea], legend: list[LegendEntry], standalone: bool = False
) -> str:
    """The map as an SVG document fragment (standalone: with its own legend and credit)."""
    shapes = world_shapes()
    width, height = shapes.width, shapes.height
    geometry = {shape.code or shape.name: shape for shape in shapes.shapes}
    legend_height = 150 if standalone else 0
    total_height = height + legend_height
    title = f"World map of sex-work law: legal model in each country on {long_date(as_of)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wm" viewBox="0 0 {width} {total_height}" '
        f'role="group" aria-labelledby="wm-title wm-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="wm-title">{escape(title)}</title>',
        '<desc id="wm-desc">Each country is a link named with its legal model; '
        "the same information is listed after the map.</desc>",
        f"<style>{MAP_STYLE}</style>",
        f"<defs>{pattern_defs('wm', 12)}</defs>",
        f'<rect width="{width}" height="{total_height}" fill="#fff"/>',
        '<g class="wm-countries">',
    ]
    for area in areas:
        shape = geometry[area.code or area.name]
        fill = fill_for("wm", area.category)
        body = ""
        if shape.path:
            body += f'<path class="wm-shape" fill="{fill}" d="{shape.path}"/>'
        if shape.dot:
            x, y = shape.dot
            body += f'<circle class="wm-shape wm-dot" fill="{fill}" cx="{x}" cy="{y}" r="5"/>'
        label = escape(area.label)
        if area.url:
            out.append(f'<a href="{escape(area.url)}" aria-label="{label}"><title>{label}</title>{body}</a>')
        else:
            out.append(f'<g role="img" aria-label="{label}"><title>{label}</title>{body}</g>')
    out.append("</g>")
    if standalone:
        out.append(_map_legend(legend, y=height + 10))
        out.append(
            f'<text x="20" y="{total_height - 8}" font-size="20" font-weight="600">'
            f"Sex Work Law Atlas: the law on {long_date(as_of)}</text>"
        )
    out.append(f'<text x="{width - 8}" y="{total_height - 8}" text-anchor="end" font-size="18">{escape(CREDIT)}</text>')
    out.append("</svg>")
    return "".join(out)


def _map_legend(legend: list[LegendEntry], *, y: int) -> str:
    parts = [f'<g class="wm-legend" transform="translate(20 {y})" font-size="24">']
    for index, entry in enumerate(legend):
        column, row = divmod(index, 3)
        x, top = column * 640, row * 40
        parts.append(
            f'<rect x="{x}" y="{top}" width="30" height="30" fill="{fill_for("wm", entry.slug)}" '
            f'stroke="{OUTLINE}"/><text x="{x + 40}" y="{top + 23}">{escape(entry.name)}: {entry.count}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


# --- Models over time ----------------------------------------------------------------


@dataclass
class YearCounts:
    year: int
    as_of: datetime.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class OverTime:
    """Countries (jurisdictions without a parent) under each model, year by year."""

    categories: list[tuple[str, str]]  # (slug, name): five models, then 'varies' and 'none'
    years: list[YearCounts]

    @property
    def first_year(self) -> int:
        return self.years[0].year

    @property
    def last_year(self) -> int:
        return self.years[-1].year

    def rows(self):
        """(YearCounts, [count per category in order]) for templates and CSV."""
        return [(year, [year.counts[slug] for slug, _ in self.categories]) for year in self.years]


def models_over_time(*, today: datetime.date | None = None) -> OverTime:
    """Counts per model for each year from 1990 to this year, in two queries whatever the data.

    One query fetches every root jurisdiction with its published periods (a LEFT JOIN, so
    jurisdictions without any period are counted as 'none'); the years are counted in Python.
    """
    today = today or timezone.localdate()
    names = _model_names()
    rows = (
        Jurisdiction.public.roots()
        .annotate(period=FilteredRelation("regime_periods", condition=published_q("regime_periods__")))
        .values_list(
            "pk", "period__legal_model__slug", "period__varies_within", "period__start_date", "period__end_date"
        )
    )
    periods: dict[int, list[tuple]] = {}
    for pk, model, varies, start, end in rows:
        periods.setdefault(pk, [])
        if start is not None:
            periods[pk].append((VARIES if varies else model, start, end))
    categories = [*names.items(), (VARIES, "Varies within"), (NO_DATA, "No regime recorded")]
    years = []
    for year in range(FIRST_YEAR, today.year + 1):
        at = year_end(year, today)
        tally = Counter({slug: 0 for slug, _ in categories})
        for spans in periods.values():
            category = next((c for c, start, end in spans if start <= at and (end is None or end > at)), NO_DATA)
            tally[category] += 1
        years.append(YearCounts(year, at, dict(tally)))
    return OverTime(categories=categories, years=years)


def over_time_chart_svg(data: OverTime) -> SafeString:  # noqa: C901 (one drawing pass, layer by layer)
    """A stacked-area chart of ``data``: patterned bands, labelled axes, direct labels."""
    width, height = 820, 420
    left, right, top, bottom = 60, 200, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    years = data.years
    total = max((y.total for y in years), default=0) or 1
    first, last = years[0].year, years[-1].year
    span = max(last - first, 1)

    def x(year):
        return left + (year - first) / span * plot_w

    def y(value):
        return top + plot_h - value / total * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="ot-title ot-desc">',
        f'<title id="ot-title">Countries under each legal model, {first}–{last}</title>',
        f'<desc id="ot-desc">Stacked areas: for each year, the number of countries (jurisdictions without '
        f"a parent) under each model on 31 December ({last}: today). The numbers are in the table below.</desc>",
        f"<defs>{pattern_defs('ot', 8)}</defs>",
        '<g font-family="system-ui,\'DejaVu Sans\',sans-serif" font-size="13" fill="#1a1a1a">',
    ]
    # Gridlines and y axis.
    step = next(s for s in (5, 10, 20, 25, 50, 100, 200, 500) if total / s <= 8)
    for value in range(0, total + 1, step):
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#c8c8c8"/><text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>'
        )
    # Stacked bands, bottom to top in the categories' order.
    base = [0] * len(years)
    labels = []
    for slug, name in data.categories:
        upper = [b + year.counts[slug] for b, year in zip(base, years)]
        if any(year.counts[slug] for year in years):
            points = [f"{x(yr.year):.1f},{y(u):.1f}" for yr, u in zip(years, upper)]
            points += [f"{x(yr.year):.1f},{y(b):.1f}" for yr, b in reversed(list(zip(years, base)))]
            out.append(
                f'<polygon points="{" ".join(points)}" fill="{fill_for("ot", slug)}" '
                f'stroke="{OUTLINE}" stroke-width="1"><title>{escape(name)}</title></polygon>'
            )
            if years[-1].counts[slug]:  # bands that have ended are named in the legend and table
                labels.append(
                    [(y(base[-1]) + y(upper[-1])) / 2, f"{name} ({years[-1].counts[slug]})", y(upper[-1]), y(base[-1])]
                )
        base = upper
    # Direct labels at the right end, nudged apart (16 units) so they never overlap,
    # and kept inside the chart.
    labels.sort(key=lambda item: -item[0])  # bottom first
    previous = top + plot_h + 16
    for label in labels:
        label[0] = min(label[0], previous - 16)
        previous = label[0]
    floor = top + 4
    for label in reversed(labels):  # top first: push back down what went above the chart
        label[0] = max(label[0], floor)
        floor = label[0] + 16
    for target, text, band_top, band_bottom in labels:
        anchor_y = min(max(target, band_top), band_bottom)
        out.append(
            f'<line x1="{left + plot_w}" y1="{anchor_y:.1f}" x2="{left + plot_w + 10}" y2="{target:.1f}" '
            f'stroke="#1a1a1a"/><text x="{left + plot_w + 14}" y="{target + 4:.1f}">{escape(text)}</text>'
        )
    # X axis.
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#1a1a1a"/>')
    for year in range(first, last + 1):
        tick = 6 if year % 5 == 0 else 3
        out.append(
            f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{top + plot_h}" y2="{top + plot_h + tick}" stroke="#1a1a1a"/>'
        )
        if year % 5 == 0 or year == last:
            if year == last and last % 5 and last - (last // 5 * 5) < 3:
                continue  # too close to the previous label
            out.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 20}" text-anchor="middle">{year}</text>')
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle" font-weight="600">'
        f"Year (law on 31 December; {last}: today)</text>"
    )
    out.append(
        f'<text transform="translate(16 {top + plot_h / 2}) rotate(-90)" text-anchor="middle" '
        f'font-weight="600">Countries</text>'
    )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 (every value in the markup is escaped where it is built)


# --- One jurisdiction's regime band ----------------------------------------------------


def regime_band_svg(periods, *, today: datetime.date | None = None) -> SafeString:  # noqa: C901 (one drawing pass, period by period)
    """A horizontal band of published regime periods from 1990 to today, each labelled in text.

    Positions are percentages, so the band fills any width and its text stays readable:
    one label line per period under the band, starting where the period starts.
    """
    today = today or timezone.localdate()
    start, end = COVERAGE_START, today
    days = (end - start).days or 1
    spans = []
    for period in periods:
        if not period.is_published:
            continue
        first = max(period.start_date, start)
        last = min(period.end_date or end, end)
        if last <= first:
            continue
        if period.varies_within:
            slug, name = VARIES, "Varies within"
        else:
            slug, name = period.legal_model.slug, period.legal_model.name
        spans.append((first, last, slug, name, period))
    spans.sort(key=lambda span: span[0])

    def pct(date):
        return (date - start).days / days * 100

    bar_top, bar_height, line = 22, 26, 20
    height = bar_top + bar_height + 8 + line * max(len(spans), 1) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="band" width="100%" height="{height}" '
        f'role="img" aria-labelledby="band-title">',
        '<title id="band-title">Regime periods from 1990 to today: '
        + escape("; ".join(_band_label(*span[:2], span[3], span[4], today) for span in spans) or "none recorded")
        + "</title>",
        f"<defs>{pattern_defs('band', 8)}</defs>",
        '<g font-family="system-ui,\'DejaVu Sans\',sans-serif" font-size="13" fill="#1a1a1a">',
    ]
    for year in (1990, 2000, 2010, 2020):
        anchor = "start" if year == 1990 else "middle"
        out.append(
            f'<text x="{pct(datetime.date(year, 1, 1)):.2f}%" y="14" text-anchor="{anchor}">{year}</text>'
            f'<line x1="{pct(datetime.date(year, 1, 1)):.2f}%" x2="{pct(datetime.date(year, 1, 1)):.2f}%" '
            f'y1="17" y2="{bar_top}" stroke="#1a1a1a"/>'
        )
    out.append('<text x="100%" y="14" text-anchor="end">Today</text>')
    out.append(f'<rect x="0" y="{bar_top}" width="100%" height="{bar_height}" fill="{NO_DATA_FILL}"/>')
    for index, (first, last, slug, name, period) in enumerate(spans):
        x0, x1 = pct(first), pct(last)
        label = _band_label(first, last, name, period, today)
        out.append(
            f'<rect x="{x0:.2f}%" y="{bar_top}" width="{x1 - x0:.2f}%" height="{bar_height}" '
            f'fill="{fill_for("band", slug)}" stroke="{OUTLINE}"><title>{escape(label)}</title></rect>'
        )
        # The label row: a swatch of the segment's pattern, then its name and years, under the
        # segment's start when that is near the left, ending under its end when that is near
        # the right, else from the left edge (so no label runs off a phone's screen).
        text_y = bar_top + bar_height + 8 + line * index + 13
        if x0 < 25:
            origin, swatch_x, text_x, anchor = x0, 0, 17, "start"
        elif x1 > 75:
            origin, swatch_x, text_x, anchor = x1, -13, -17, "end"
        else:
            origin, swatch_x, text_x, anchor = 0, 0, 17, "start"
        out.append(
            f'<svg x="{origin:.2f}%" overflow="visible">'
            f'<rect x="{swatch_x}" y="{text_y - 11}" width="13" height="13" fill="{fill_for("band", slug)}" '
            f'stroke="{OUTLINE}"/><text x="{text_x}" y="{text_y}" text-anchor="{anchor}">{escape(label)}</text></svg>'
        )
    if not spans:
        out.append(f'<text x="0" y="{bar_top + bar_height + 21}">No regime recorded</text>')
    out.append(f'<rect x="0" y="{bar_top}" width="100%" height="{bar_height}" fill="none" stroke="{OUTLINE}"/>')
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 (every value in the markup is escaped where it is built)


def _band_label(first, last, name, period, today) -> str:
    begin = "before 1990" if period.in_force_before_start else str(first.year)
    finish = "today" if period.end_date is None or period.end_date > today else str(last.year)
    return f"{name}, {begin} – {finish}"
