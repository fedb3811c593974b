"""Maps and charts as plain data: geometry in pure functions, markup in ``templates/charts/``.

- The world map (:func:`world_map`), a region of it (``focus``) and the map of one country's
  units (:func:`unit_map`): every coded jurisdiction is a shape (or a dot) linked to its page.
  Where a country's law varies within, its units are drawn over it with their own models
  (US states and Nevada's counties, Australia's states and territories, the UK's three legal
  jurisdictions, Micronesia's states). The geometry comes from the committed geometry file
  (``geography.map_view``); the rows from :func:`jurisdictions.counts.regime_rows` (one query);
  the SVG from ``charts/world_map.svg``, cached under a key holding everything drawn.
- Models over time (:func:`models_over_time`, :func:`over_time_panels`): one small line chart
  per category on its own scale (``charts/over_time_panel.svg``).
- One jurisdiction's regime band (:func:`regime_band`, ``charts/regime_band.svg``).

Conventions: a year's state is the law **on 31 December** of that year (so a reform that took
effect during the year counts for that year), and for the current year the law **today**. The
colours are the palette of ``static/css/site.css`` (its ``--<category>`` custom properties,
read once here for the SVG's fill attributes, so standalone SVG shows them too); each model
also has its own pattern, matching the badge swatches, and every shape is named in text.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from jurisdictions.counts import (
    NO_REGIME,
    VARIES_NAME,
    ModelCount,
    RegimeRow,
    counts_of_rows,
    counts_over_time,
    model_names,
    regime_rows,
)
from jurisdictions.data_version import per_data_version
from jurisdictions.vocabulary import VARIES, LegalModelSlug

from .as_of import COVERAGE_START
from .geography import MapView, map_view, map_views
from .templatetags.atlas import at_precision

NO_DATA = NO_REGIME
FIRST_YEAR = COVERAGE_START.year
# Rendered SVG is keyed by view, date and a digest of everything drawn, so it can never be
# stale; the timeout only bounds memory.
CACHE_TIMEOUT = 60 * 60 * 24
CACHE_VERSION = 2
PALETTE_FILE = Path("static") / "css" / "site.css"
# Query strings whose year and region links one map keeps rendered (see WorldMap.nav_html).
NAVS_PER_MAP = 16
# Region views of the geometry file a map can focus on (``?focus=europe``), in menu order.
FOCUS_VIEWS = ["world", "europe", "africa", "americas", "caribbean", "asia", "oceania"]


def year_end(year: int, today: datetime.date | None = None) -> datetime.date:
    """The date a year is shown at: 31 December, or today for the current year."""
    today = today or timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


def long_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


# --- Palette and patterns ------------------------------------------------------------------


@functools.cache
def palette() -> dict[str, str]:
    """The category colours of site.css (``--nordic: #cc79a7;`` ...): the one palette."""
    text = (Path(settings.BASE_DIR) / PALETTE_FILE).read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z_]+):\s*(#[0-9a-fA-F]{3,8})\b", text))


def pattern_tiles(size: float) -> dict:
    """Numbers for ``charts/patterns.svg`` at a tile size (canvas units), and the colours."""
    s = size
    numbers = {
        "s": s,
        "half": s / 2,
        "quarter": s / 4,
        "none_dot": s * 0.1,
        "s_plus_half": s * 1.5,
        "minus_half": -s / 2,
        "stroke": s * 0.16,
        "dot": s * 0.2,
        "varies_w": s * 0.6,
        "varies_bar": s * 0.2,
        "low": s * 2,
        "low_stroke": max(s * 0.15, 1.2),
    }
    return {
        **{name: f"{round(value, 3):g}" for name, value in numbers.items()},
        "colour": palette(),
        "models": list(LegalModelSlug.values),
    }


def fill_for(prefix: str, category: str, low_confidence: bool = False) -> str:
    """The fill attribute value for a category ('none', no regime recorded: grey with dark dots)."""
    if category == NO_DATA:
        return f"url(#{prefix}-{NO_DATA})"
    return f"url(#{prefix}-{category}{'-low' if low_confidence else ''})"


def uncoded_fill() -> str:
    """The fill of a place the atlas does not code: plain grey, unlike a coded place with no
    regime recorded on the date (grey with dots), so the two never differ by a link alone."""
    return palette()["none"]


# --- Maps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapArea:
    """One shape on a map: a jurisdiction (or a place the atlas does not code), its category,
    accessible name, link and geometry."""

    code: str
    name: str
    category: str  # a model slug, 'varies' or 'none'
    label: str  # accessible name, e.g. 'Sweden — Nordic model since 1 January 1999'
    url: str  # the jurisdiction page ('' when the atlas has no such jurisdiction)
    since: datetime.date | None = None
    before_start: bool = False
    low_confidence: bool = False
    since_precision: str = "day"
    path: str = ""
    dot: tuple[int, int] | None = None
    fill: str = ""
    unit_of: str = ""  # the name of the country or state a unit is drawn over
    slug: str = ""


# The map's list alternative names at most this many places per model, and the "not drawn"
# notice this many; the rest are one link away, on browse's pages (same model, same date).
LIST_LIMIT = 300
NOT_DRAWN_LIMIT = 40


@dataclass
class LegendEntry:
    slug: str
    name: str
    count: int = 0
    areas: list[MapArea] = field(default_factory=list)

    @property
    def listed(self) -> list[MapArea]:
        return self.areas[:LIST_LIMIT]

    @property
    def unlisted(self) -> int:
        return max(len(self.areas) - LIST_LIMIT, 0)


@dataclass
class YearLink:
    year: int
    as_of: datetime.date
    query: str  # '?as_of=2003-12-31', or '?' for today
    current: bool

    @property
    def param(self) -> str | None:
        """The ``as_of`` value of the link (None: today), for ``{% querystring %}``."""
        return None if self.query == "?" else self.as_of.isoformat()


@dataclass
class FocusLink:
    name: str
    title: str
    current: bool

    @property
    def param(self) -> str | None:
        return None if self.name == "world" else self.name


@dataclass
class WorldMap:
    as_of: datetime.date
    explicit_date: bool
    legend: list[LegendEntry]
    years: list[YearLink]
    svg: SafeString
    standalone: bool = False
    view: str = "world"
    title: str = "The world"
    focus: list[FocusLink] = field(default_factory=list)
    not_drawn: list[MapArea] = field(default_factory=list)  # coded, but with no shape in this view
    uncoded: int = 0  # places drawn that the atlas does not code
    low_confidence: int = 0
    navs: dict[str, SafeString] = field(default_factory=dict, repr=False, compare=False)

    @property
    def selected_year(self) -> int:
        return self.as_of.year

    @property
    def first_year(self) -> int:
        return FIRST_YEAR

    @property
    def last_year(self) -> int:
        return self.years[-1].year if self.years else self.as_of.year

    @property
    def area_count(self) -> int:
        return sum(entry.count for entry in self.legend)

    @property
    def as_of_param(self) -> str | None:
        return self.as_of.isoformat() if self.explicit_date else None

    @property
    def not_drawn_listed(self) -> list[MapArea]:
        return self.not_drawn[:NOT_DRAWN_LIMIT]

    @property
    def not_drawn_unlisted(self) -> int:
        return max(len(self.not_drawn) - NOT_DRAWN_LIMIT, 0)

    def nav_html(self, request) -> SafeString:
        """The year and region links (``components/world_map_nav.html``), which keep the rest
        of the request's query string: rendered once per query string (a few kept per map)."""
        query = request.GET.urlencode()
        html = self.navs.get(query)
        if html is None:
            html = render_to_string("components/world_map_nav.html", {"map": self}, request=request)
            if len(self.navs) >= NAVS_PER_MAP:
                self.navs.clear()
            self.navs[query] = html
        return html

    @functools.cached_property
    def live_html(self) -> SafeString:
        """The live part of the map in a page (caption, SVG, legend, list, credit), rendered
        once: :func:`world_map` shares one map per date, view and data version."""
        return render_to_string("components/world_map_live.html", {"map": self})


def is_low_confidence(row: RegimeRow) -> bool:
    """Hatched on the maps: a low-confidence coding of a model (not "varies within", not no data)."""
    return row.confidence == "low" and row.category not in (NO_DATA, VARIES)


def _label(row: RegimeRow, names: dict[str, str], *, unit: bool) -> str:
    place = f"{row.name} ({row.parent_name})" if unit and row.parent_name else row.name
    if row.varies:
        text = f"{place} — varies within: each state or unit is coded on its own"
    elif row.model:
        when = "since before 1990" if row.began_earlier else f"since {at_precision(row.since, row.since_precision)}"
        text = f"{place} — {names.get(row.model, row.model)} {when}"
    else:
        text = f"{place} — no data: no regime recorded on this date"
    if row.confidence == "low" and row.model:
        text += " (low confidence: the sources are thin or disputed)"
    return text


def build_areas(
    *, rows: list[RegimeRow], view: MapView, names: dict[str, str], url_prefix: str, suffix: str, prefix: str = "wm"
) -> tuple[list[MapArea], list[MapArea], list[MapArea]]:
    """The shapes of a view coloured by the rows (pure): (countries, units, coded rows not drawn).

    Countries are matched by ISO 3166-1 code whatever their parent (Hong Kong and Macau show
    their own law). A unit is drawn when the country or state it belongs to varies within (or
    when the view is that country's own map); it is matched by ISO 3166-2 code, else by its
    parent's code and its name (Nevada's counties, England and Wales).
    """
    by_code = {row.iso_code: row for row in rows if row.iso_code}
    by_name = {(row.parent_iso_code, row.name): row for row in rows if row.parent_iso_code}
    drawn: set[str] = set()

    def area(shape, row: RegimeRow | None, unit_of: str = "") -> MapArea:
        if row is None:
            label = f"{shape.name} ({unit_of}) — no data" if unit_of else f"{shape.name} — no data"
            return MapArea(shape.code, shape.name, NO_DATA, label, "", path=shape.path, dot=shape.dot,
                           fill=uncoded_fill(), unit_of=unit_of)  # fmt: skip
        drawn.add(row.slug)
        low = is_low_confidence(row)
        return MapArea(
            shape.code, row.name, row.category, _label(row, names, unit=bool(unit_of)),
            f"{url_prefix}{row.slug}/{suffix}", since=row.since, before_start=row.began_earlier,
            low_confidence=low, since_precision=row.since_precision, path=shape.path, dot=shape.dot,
            fill=fill_for(prefix, row.category, low), unit_of=unit_of, slug=row.slug,
        )  # fmt: skip

    countries = [area(shape, by_code.get(shape.code) if shape.code else None) for shape in view.shapes]
    # Units are drawn over a country coded 'varies' (on a country's own map, whatever its coding),
    # and a unit that varies in turn opens its own units (Nevada, then its counties).
    if view.shapes:
        open_parents = {row.iso_code for row in rows if row.varies and len(row.iso_code) == 2}
    else:
        open_parents = {view.name}
    units = []
    for shape in view.units:  # sorted by parent code: states before their counties
        if shape.parent not in open_parents:
            continue
        row = by_code.get(shape.code) if shape.code else by_name.get((shape.parent, shape.name))
        if row is not None and row.varies and row.iso_code:
            open_parents.add(row.iso_code)
        parent = by_code.get(shape.parent)
        units.append(area(shape, row, parent.name if parent else shape.parent))
    not_drawn = [
        MapArea(row.iso_code, row.name, row.category, _label(row, names, unit=not row.is_country),
                f"{url_prefix}{row.slug}/{suffix}", since=row.since, before_start=row.began_earlier,
                since_precision=row.since_precision, slug=row.slug)
        for row in rows if row.slug not in drawn
    ]  # fmt: skip
    return countries, units, not_drawn


def build_legend(counts: list[ModelCount], areas: list[MapArea], rows: list[RegimeRow]) -> list[LegendEntry]:
    """Legend entries with the counts selector's numbers (all coded jurisdictions), each
    listing its jurisdictions for the map's list alternative."""
    legend = {count.slug: LegendEntry(count.slug, count.name, count.jurisdictions) for count in counts}
    drawn = {area.slug: area for area in areas if area.slug}
    for row in sorted(rows, key=lambda r: r.name):
        legend[row.category].areas.append(
            drawn.get(row.slug)
            or MapArea(
                row.iso_code,
                row.name,
                row.category,
                row.name,
                "",
                since=row.since,
                before_start=row.began_earlier,
                since_precision=row.since_precision,
                slug=row.slug,
            )
        )
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


def focus_links(current: str) -> list[FocusLink]:
    views = map_views()
    return [FocusLink(name, views[name].title, name == current) for name in FOCUS_VIEWS if name in views]


def detail_prefix() -> str:
    """'/jurisdictions/': the jurisdiction pages' common prefix (one reverse() per map, not per shape)."""
    return reverse("jurisdictions:detail", kwargs={"slug": "x"})[: -len("x/")]


def map_areas(
    *,
    as_of: datetime.date,
    explicit_date: bool = False,
    model_names: dict[str, str] | None = None,
    view: str = "world",
    rows: list[RegimeRow] | None = None,
) -> tuple[list[MapArea], dict[str, str]]:
    """Every shape of a view (countries, then units) with its category on ``as_of``: one query."""
    names = model_names if model_names is not None else dict(_models())
    rows = rows if rows is not None else regime_rows(as_of=as_of)
    suffix = f"?as_of={as_of.isoformat()}" if explicit_date else ""
    countries, units, _ = build_areas(
        rows=rows, view=map_view(view), names=names, url_prefix=detail_prefix(), suffix=suffix
    )
    return countries + units, names


def _models() -> list[tuple[str, str]]:
    return model_names()


def world_map(
    *,
    as_of: datetime.date,
    explicit_date: bool = False,
    standalone: bool = False,
    view: str = "world",
    id_prefix: str = "wm",
) -> WorldMap:
    """A map for ``as_of``: built once per process and data version for each date and view
    (one query for the rows and one for the model names, shared with the counts: see
    :func:`jurisdictions.counts.regime_rows`), so its legend, list and SVG are not computed
    again for every request. The returned map is shared: never change it.

    The SVG also comes from the cache when the same shapes were drawn for the same date and
    view under an older data version: its key holds a digest of everything drawn.
    """
    today = timezone.localdate()  # the year links end at this year
    key = ("world_map", as_of, explicit_date, standalone, view, id_prefix, today)
    return per_data_version(
        key,
        lambda: _build_world_map(
            as_of=as_of, explicit_date=explicit_date, standalone=standalone, view=view, id_prefix=id_prefix
        ),
    )


def _build_world_map(
    *, as_of: datetime.date, explicit_date: bool, standalone: bool, view: str, id_prefix: str
) -> WorldMap:
    names = dict(_models())
    rows = regime_rows(as_of=as_of)
    geometry = map_view(view)
    suffix = f"?as_of={as_of.isoformat()}" if explicit_date else ""
    countries, units, not_drawn = build_areas(
        rows=rows, view=geometry, names=names, url_prefix=detail_prefix(), suffix=suffix, prefix=id_prefix
    )
    if view not in FOCUS_VIEWS:  # a country's own map counts the units drawn on it
        drawn = {area.slug for area in units if area.slug}
        rows = [row for row in rows if row.slug in drawn]
    counts = counts_of_rows(rows, list(names.items()))
    legend = build_legend(counts, countries + units + not_drawn, rows)
    uncoded = sum(1 for area in countries + units if not area.url)
    # Counted over the same rows as the legend (all coded jurisdictions, or a country's units), not
    # over the shapes in view, so that the two numbers side by side count the same things.
    low = sum(1 for row in rows if is_low_confidence(row))
    digest = hashlib.sha256(
        repr((countries, units, sorted(names.items()), standalone, view, id_prefix)).encode()
    ).hexdigest()[:24]
    key = f"atlas:world-map:{as_of.isoformat()}:{view}:{digest}"
    svg = cache.get(key, version=CACHE_VERSION)
    if svg is None:
        svg = render_map_svg(
            as_of=as_of, view=geometry, countries=countries, units=units, legend=legend,
            standalone=standalone, id_prefix=id_prefix, uncoded=uncoded, low_confidence=low,
        )  # fmt: skip
        cache.set(key, svg, CACHE_TIMEOUT, version=CACHE_VERSION)
    return WorldMap(
        as_of=as_of,
        explicit_date=explicit_date,
        legend=legend,
        years=year_links(as_of=as_of, explicit_date=explicit_date),
        svg=svg,
        standalone=standalone,
        view=view,
        title=geometry.title,
        focus=focus_links(view) if view in FOCUS_VIEWS else [],
        not_drawn=not_drawn if view == "world" else [],
        uncoded=uncoded,
        low_confidence=low,
    )


def has_unit_map(code: str) -> bool:
    """Whether the geometry file has a map of this country's (or state's) units ('US', 'US-NV', ...)."""
    return bool(code) and code in map_views() and code not in FOCUS_VIEWS


def unit_map(*, code: str, as_of: datetime.date, explicit_date: bool) -> WorldMap | None:
    """The map of one country's (or state's) units, when the geometry file has one."""
    if not has_unit_map(code):
        return None
    return world_map(as_of=as_of, explicit_date=explicit_date, view=code, id_prefix="um")


def standalone_layout(legend: list[LegendEntry], *, extra: list[tuple[str, str, int]], width: int, top: int) -> dict:
    """Where the standalone map's legend, caption and credit go below the map (pure): three
    rows per column, scaled to the view's width (a 2000-unit world, a 1000-unit region)."""
    k = width / 2000
    items = [(entry.slug, entry.name, entry.count) for entry in legend] + extra
    rows = 3
    out = []
    for index, (slug, name, count) in enumerate(items):
        column, row = divmod(index, rows)
        x, y = round(20 * k + column * 640 * k, 1), round(top + 10 * k + row * 40 * k, 1)
        out.append({"slug": slug, "text": f"{name}: {count}", "x": x, "y": y,
                    "text_x": round(x + 40 * k, 1), "text_y": round(y + 23 * k, 1)})  # fmt: skip
    caption_y = round(top + 10 * k + rows * 40 * k + 28 * k, 1)
    credit_y = round(caption_y + 26 * k, 1)
    return {
        "items": out,
        "swatch": round(30 * k, 1),
        "font": round(24 * k, 1),
        "caption_x": round(20 * k, 1),
        "caption_y": caption_y,
        "caption_font": round(20 * k, 1),
        "credit_y": credit_y,
        "credit_font": round(16 * k, 1),
        "height": math.ceil(credit_y + 12 * k),
    }


def render_map_svg(
    *,
    as_of: datetime.date,
    view: MapView,
    countries: list[MapArea],
    units: list[MapArea],
    legend: list[LegendEntry],
    standalone: bool = False,
    id_prefix: str = "wm",
    uncoded: int = 0,
    low_confidence: int = 0,
) -> SafeString:
    """The map as an SVG fragment (standalone: with its own legend and credit)."""
    # Below the map of a standalone SVG: its legend, caption and credit (pages print them in HTML).
    extra = [("uncoded", "Not coded by the atlas", uncoded), ("low", "Low confidence (black hatching)", low_confidence)]
    layout = standalone_layout(legend, extra=extra, width=view.width, top=view.height) if standalone else None
    items = layout["items"] if layout else []
    for item in items:
        item["fill"] = (
            fill_for(id_prefix, item["slug"])
            if item["slug"] not in ("uncoded", "low")
            else (uncoded_fill() if item["slug"] == "uncoded" else f"url(#{id_prefix}-low)")
        )
    return render_to_string(
        "charts/world_map.svg",
        {
            "p": id_prefix,
            "view": view,
            "width": view.width,
            "height": layout["height"] if layout else view.height,
            "layout": layout,
            "title": f"{'World map' if view.name == 'world' else 'Map of ' + view.title} of sex-work law: "
            f"legal model in each jurisdiction on {long_date(as_of)}",
            "countries": countries,
            "units": units,
            "tiles": pattern_tiles(12 if view.width >= 2000 else 8),
            "dot_radius": 5 if view.width >= 2000 else 4,
            "standalone": standalone,
            "legend_items": items,
            "caption": f"Sex Work Law Atlas: the law on {long_date(as_of)} (legend: all coded jurisdictions)",
            "credit": view.credit,
        },
    )


# --- Models over time ---------------------------------------------------------------------


@dataclass
class YearCounts:
    year: int
    as_of: datetime.date
    counts: dict[str, int]  # countries per category
    all_counts: dict[str, int] = field(default_factory=dict)  # all coded jurisdictions per category

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def all_total(self) -> int:
        return sum(self.all_counts.values())


@dataclass
class OverTime:
    """Countries, and all coded jurisdictions, under each category year by year."""

    categories: list[tuple[str, str]]  # (slug, name): five models, then 'varies' and 'none'
    years: list[YearCounts]

    @property
    def first_year(self) -> int:
        return self.years[0].year

    @property
    def last_year(self) -> int:
        return self.years[-1].year

    def rows(self):
        """(YearCounts, [countries per category in order]) for templates and CSV."""
        return [(year, [year.counts[slug] for slug, _ in self.categories]) for year in self.years]

    def all_rows(self):
        """(YearCounts, [all coded jurisdictions per category in order])."""
        return [(year, [year.all_counts[slug] for slug, _ in self.categories]) for year in self.years]

    @functools.cached_property
    def chart_svg(self) -> SafeString:
        """:func:`over_time_chart_svg`, rendered once: :func:`models_over_time` shares one
        ``OverTime`` per data version and day."""
        return over_time_chart_svg(self)


def models_over_time(*, today: datetime.date | None = None) -> OverTime:
    """Counts per category for each year from 1990 to this year, in two queries whatever the data.

    The counting is done by PostgreSQL (``counts_over_time``), yet it still reads every period
    for every year end (about 0.4 s at 28,000 places), so the result is kept under the data
    version: it is computed once per change (per process), and shared: never change it.
    """
    today = today or timezone.localdate()
    return per_data_version(("models_over_time", today), lambda: _models_over_time(today))


def _models_over_time(today: datetime.date) -> OverTime:
    models = _models()
    years = list(range(FIRST_YEAR, today.year + 1))
    dates = [year_end(year, today) for year in years]
    tables = counts_over_time(dates=dates, models=models)
    categories = [(count.slug, count.name) for count in tables[0]]
    return OverTime(
        categories=categories,
        years=[
            YearCounts(year, at, {c.slug: c.countries for c in table}, {c.slug: c.jurisdictions for c in table})
            for year, at, table in zip(years, dates, tables, strict=True)
        ],
    )


def nice_step(maximum: float, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most ``ticks`` intervals up to ``maximum``."""
    if maximum <= ticks:
        return 1
    magnitude = 10 ** math.floor(math.log10(maximum / ticks))
    return next(int(m * magnitude) for m in (1, 2, 5, 10) if maximum / (m * magnitude) <= ticks)


def year_ticks(first: int, last: int, most: int = 5) -> list[int]:
    """Round years to label on an axis from ``first`` to ``last``, derived from the range."""
    span = max(last - first, 1)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= most)
    ticks = [year for year in range(first, last + 1) if year % step == 0]
    return ticks or [first]


@dataclass
class Panel:
    """One small line chart: a category's countries (solid, patterned area) and all coded
    jurisdictions (dashed) from the first year to the last, on the panel's own scale."""

    slug: str
    name: str
    width: int
    height: int
    left: int
    top: int
    plot_w: float
    plot_h: float
    area: str  # polygon points under the countries line
    countries_line: str
    all_line: str
    right: float
    base: float  # y of the x axis
    y_ticks: list[dict]  # y, label_y, value
    x_ticks: list[dict]  # x, value
    end_countries: dict  # x, y, label_x, label_y, value
    end_all: dict
    peak: dict | None  # x, label_y, value, year of the highest countries count (when not the last)
    first_year: int
    last_year: int
    fill: str
    same: bool  # both series are equal every year (drawn once)
    summary: str


def over_time_panels(data: OverTime, *, width: int = 340, height: int = 190) -> list[Panel]:
    """One panel per category with any count, geometry only (pure)."""
    left, right, top, bottom = 34, 84, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = data.first_year, data.last_year
    span = max(last - first, 1)
    panels = []

    def x(year):
        return round(left + (year - first) / span * plot_w, 1)

    for slug, name in data.categories:
        countries = [year.counts[slug] for year in data.years]
        everything = [year.all_counts.get(slug, count) for year, count in zip(data.years, countries, strict=True)]
        if not any(everything):
            continue
        step = nice_step(max(everything))
        top_value = max(step * math.ceil(max(everything) / step), 1)

        def y(value, top_value=top_value):
            return round(top + plot_h - value / top_value * plot_h, 1)

        points = [(x(year.year), y(c)) for year, c in zip(data.years, countries, strict=True)]
        all_points = [(x(year.year), y(c)) for year, c in zip(data.years, everything, strict=True)]
        base = y(0)
        area = " ".join(f"{px},{py}" for px, py in [(points[0][0], base), *points, (points[-1][0], base)])
        peak_index = max(range(len(countries)), key=lambda i: (countries[i], -i))
        peak = None
        px, py = points[peak_index]
        clear_of_dashes = countries == everything or abs(all_points[peak_index][1] - py) > 14
        # The highest count, when it is neither the first year's (read on the axis) nor the last's.
        if peak_index > 0 and countries[peak_index] != countries[-1] and clear_of_dashes:
            peak = {"x": px, "label_y": round(py - 5, 1), "value": countries[peak_index],
                    "year": data.years[peak_index].year}  # fmt: skip
        end_c, end_a = countries[-1], everything[-1]
        label_c, label_a = y(end_c), y(end_a)
        if abs(label_c - label_a) < 13 and end_c != end_a:  # keep the two end labels apart
            label_a = label_c - 13 if label_a <= label_c else label_c + 13
        panels.append(
            Panel(
                slug=slug,
                name=name,
                width=width,
                height=height,
                left=left,
                top=top,
                plot_w=plot_w,
                plot_h=plot_h,
                area=area,
                countries_line=" ".join(f"{px},{py}" for px, py in points),
                all_line=" ".join(f"{px},{py}" for px, py in all_points),
                right=left + plot_w,
                base=base,
                y_ticks=[{"y": y(v), "label_y": round(y(v) + 4, 1), "value": v} for v in range(0, top_value + 1, step)],
                x_ticks=[{"x": x(t), "value": t} for t in year_ticks(first, last)],
                end_countries=_end(points[-1], label_c, end_c),
                end_all=_end(all_points[-1], label_a, end_a),
                peak=peak,
                first_year=first,
                last_year=last,
                fill=fill_for(f"ot-{slug}", slug),  # each panel carries its own patterns (ids ot-<slug>-*)
                same=countries == everything,
                summary=f"{name}: {countries[0]} countries in {first}, {end_c} in {last}"
                + ("" if countries == everything else f"; all coded jurisdictions {everything[0]} and {end_a}"),
            )
        )
    return panels


def _end(point: tuple[float, float], label_y: float, value: int) -> dict:
    return {"x": point[0], "y": point[1], "label_x": round(point[0] + 6, 1), "label_y": round(label_y + 4, 1),
            "value": value}  # fmt: skip


def over_time_chart_svg(data: OverTime) -> SafeString:
    """The small multiples of ``data`` as SVG fragments (one ``<svg>`` per category)."""
    return render_to_string(
        "charts/over_time.svg",
        {"panels": over_time_panels(data), "tiles": pattern_tiles(8), "last_year": data.last_year},
    )


# --- One jurisdiction's regime band ---------------------------------------------------------


@dataclass
class BandSpan:
    x: float  # percent
    width: float
    slug: str
    fill: str
    label: str
    text_y: int
    origin: float
    swatch_x: int
    text_x: int
    anchor: str


def regime_band(periods, *, today: datetime.date | None = None) -> dict:
    """Geometry of a band of published regime periods from 1990 to today (pure): positions in
    percent, so the band fills any width, and one label line per period under it."""
    today = today or timezone.localdate()
    start, end = COVERAGE_START, today
    days = (end - start).days or 1

    def pct(date):
        return round((date - start).days / days * 100, 2)

    spans = []
    for period in sorted((p for p in periods if p.is_published), key=lambda p: p.start_date):
        first, last = max(period.start_date, start), min(period.end_date or end, end)
        if last <= first:
            continue
        slug, name = (
            (VARIES, VARIES_NAME) if period.varies_within else (period.legal_model.slug, period.legal_model.name)
        )
        spans.append((first, last, slug, _band_label(first, last, name, period, today)))
    bar_top, bar_height, line = 22, 26, 20
    out = []
    for index, (first, last, slug, label) in enumerate(spans):
        x0, x1 = pct(first), pct(last)
        # The label row: under the segment's start when that is near the left, ending under its
        # end when that is near the right, else from the left edge (never off a phone's screen).
        if x0 < 25:
            origin, swatch_x, text_x, anchor = x0, 0, 17, "start"
        elif x1 > 75:
            origin, swatch_x, text_x, anchor = x1, -13, -17, "end"
        else:
            origin, swatch_x, text_x, anchor = 0, 0, 17, "start"
        text_y = bar_top + bar_height + 8 + line * index + 13
        out.append(BandSpan(x0, round(x1 - x0, 2), slug, fill_for("band", slug), label, text_y, origin, swatch_x,
                            text_x, anchor))  # fmt: skip
    ticks = [(pct(datetime.date(year, 1, 1)), year) for year in year_ticks(start.year, end.year - 1, most=4)]
    return {
        "spans": out,
        "ticks": [(x, year, "start" if x < 3 else "middle") for x, year in ticks if x < 92],
        "bar_top": bar_top,
        "bar_height": bar_height,
        "bar_bottom": bar_top + bar_height,
        "height": bar_top + bar_height + 8 + line * max(len(out), 1) + 4,
        "title": "Regime periods from 1990 to today: " + ("; ".join(s.label for s in out) or "none recorded"),
        "empty_y": bar_top + bar_height + 21,
        "none_fill": fill_for("band", NO_DATA),
        "tiles": pattern_tiles(8),
    }


def regime_band_svg(periods, *, today: datetime.date | None = None) -> SafeString:
    return render_to_string("charts/regime_band.svg", regime_band(periods, today=today))


def _band_label(first, last, name, period, today) -> str:
    begin = "before 1990" if period.in_force_before_start else str(first.year)
    finish = "today" if period.end_date is None or period.end_date > today else str(last.year)
    return f"{name}, {begin} – {finish}"
