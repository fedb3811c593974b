"""Country shapes for the server-rendered world map, from Natural Earth via the npm package world-atlas.

``node_modules/world-atlas/countries-50m.json`` (world-atlas 2.0.2, ISC licence; Natural Earth
1:50m boundaries, public domain) is TopoJSON: shared borders are stored once as quantized,
delta-encoded "arcs", and each country is a (multi)polygon of rings listing arc indices.
This module decodes it in plain Python, projects it with the Natural Earth projection,
simplifies each arc once (so neighbours keep matching borders), rounds to whole units of
a 2000-unit-wide canvas and writes one compact SVG path per country.

The result depends only on the file, so it is computed once per process
(:func:`world_shapes` is cached); the per-date colouring lives in ``charts.py``.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.conf import settings

ATLAS_FILE = Path("node_modules") / "world-atlas" / "countries-50m.json"
CREDIT = "Boundaries: Natural Earth (public domain), via world-atlas (ISC)"

# Canvas width in SVG user units; coordinates are rounded to whole units (0.18° at the equator).
WIDTH = 2000
# Douglas–Peucker tolerance in canvas units: below a unit, the rounding already hides detail.
SIMPLIFY_TOLERANCE = 0.5
# Shapes whose projected area is below this (square units) also get a dot, so Malta,
# Singapore or Tuvalu can be seen and clicked.
SMALL_AREA = 40.0
DOT_RADIUS = 5

# Natural Earth has no ISO numeric code for these; map them by their name in the file.
# Kosovo uses the user-assigned code XK, as the atlas does. Somaliland and Northern Cyprus
# are administered separately but are not states the atlas codes: they keep their own shape
# with "no data" rather than being silently coloured as Somalia or Cyprus.
UNNUMBERED = {"Kosovo": "XK"}
# Not drawn: no one lives under a sex-work law there, and it would take a fifth of the map.
LEFT_OUT = {"010"}  # Antarctica
# Countries too small for Natural Earth 1:50m: a dot at (longitude, latitude) of the capital.
MISSING_COUNTRIES = {"TV": ("Tuvalu", 179.19, -8.52)}


@dataclass(frozen=True)
class CountryShape:
    """One country's outline: ``code`` is ISO 3166-1 alpha-2 when known, else ''."""

    code: str
    name: str  # the English short name (pycountry, else Natural Earth's label)
    path: str  # SVG path data, in canvas units
    dot: tuple[int, int] | None  # centre of a marker dot for very small countries


@dataclass(frozen=True)
class WorldShapes:
    width: int
    height: int
    shapes: tuple[CountryShape, ...]


def natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """The Natural Earth I projection (Šavrič et al. 2015, as in d3-geo), in radians out."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude points of every arc (undoing quantization and delta encoding)."""
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
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
    return [point for point, kept in zip(points, keep) if kept]


def _ring_points(ring: list[int], arcs: list[list[tuple]]) -> list[tuple]:
    """A ring's points from its arc indices (~i means arc i reversed), without repeats."""
    points: list[tuple[int, int]] = []
    for index in ring:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        for point in arc:
            if not points or points[-1] != point:
                points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _rounded(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Points rounded to whole canvas units, without consecutive repeats."""
    rounded: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def crosses_antimeridian(ring: list[tuple[float, float]]) -> bool:
    """True when consecutive points jump across ±180° longitude."""
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1]))


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


def _area(points: list[tuple[int, int]]) -> float:
    """Shoelace area (unsigned)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))) / 2


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data with relative moves: 'M12 34l1-2 3 0z', the shortest exact form."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        steps = [f"M{x0} {y0}l"]
        px, py = x0, y0
        deltas = []
        for x, y in ring[1:]:
            dx, dy = x - px, y - py
            deltas.append(f"{dx}" + (f"{dy}" if dy < 0 else f" {dy}"))
            px, py = x, y
        steps.append(" ".join(deltas).replace(" -", "-"))
        parts.append("".join(steps) + "z")
    return "".join(parts)


def country_code_and_name(geometry: dict) -> tuple[str, str]:
    """ISO alpha-2 and English name of a world-atlas feature ('' code when it has none)."""
    label = geometry.get("properties", {}).get("name", "")
    numeric = geometry.get("id")
    if numeric:
        country = pycountry.countries.get(numeric=numeric)
        if country is not None:
            return country.alpha_2, getattr(country, "common_name", None) or country.name
    return UNNUMBERED.get(label, ""), label


def build_world_shapes(topology: dict) -> WorldShapes:  # noqa: C901 (one pass: decode, project, simplify, round)
    """Project, simplify and round every country of a world-atlas topology."""
    raw = decode_arcs(topology)
    # Project every arc once; scale to the canvas later (the extent is known only after projecting).
    projected = [[natural_earth(lon, lat) for lon, lat in arc] for arc in raw]
    geometries = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") not in LEFT_OUT]
    used = {abs(i if i >= 0 else ~i) for g in geometries for polygon in _polygons(g) for ring in polygon for i in ring}
    xs = [x for i in used for x, _ in projected[i]]
    ys = [y for i in used for _, y in projected[i]]
    margin = 4
    scale = (WIDTH - 2 * margin) / (max(xs) - min(xs))
    min_x, max_y = min(xs), max(ys)
    height = math.ceil((max(ys) - min(ys)) * scale) + 2 * margin

    def to_canvas(point):
        x, y = point
        return ((x - min_x) * scale + margin, (max_y - y) * scale + margin)

    arcs: list[list[tuple[int, int]]] = []
    for index, arc in enumerate(projected):
        if index not in used:
            arcs.append([])
            continue
        arcs.append(_rounded(simplify([to_canvas(p) for p in arc], SIMPLIFY_TOLERANCE)))

    # Some countries have several features (Australia and the Ashmore and Cartier Islands
    # share ISO 036): gather their rings under one code, named after the largest part.
    parts: dict[str, dict] = {}
    for geometry in geometries:
        code, name = country_code_and_name(geometry)
        entry = parts.setdefault(
            code or name,
            {"code": code, "names": [], "rings": [], "area": 0.0, "largest": (0.0, None), "geometries": []},
        )
        entry["geometries"].append(geometry)
        own_area = 0.0
        for polygon in _polygons(geometry):
            for position, ring in enumerate(polygon):
                lonlat = _ring_points(ring, raw)
                if crosses_antimeridian(lonlat):
                    # Russia's Chukotka, Fiji: cut at ±180° (each side drawn on its own edge).
                    pieces = [
                        _rounded(simplify([to_canvas(natural_earth(*p)) for p in side], SIMPLIFY_TOLERANCE))
                        for side in split_at_antimeridian(lonlat)
                    ]
                else:
                    pieces = [_ring_points(ring, arcs)]
                for points in pieces:
                    if len(points) > 1 and points[0] == points[-1]:
                        points = points[:-1]
                    if len(points) < 3:
                        continue
                    if position == 0:  # holes (lakes, enclaves) do not make a country bigger
                        area = _area(points)
                        own_area += area
                        if area >= entry["largest"][0]:
                            entry["largest"] = (area, points)
                    entry["rings"].append(points)
        entry["area"] += own_area
        entry["names"].append((own_area, name))

    shapes = []
    for entry in parts.values():
        dot = None
        if entry["area"] < SMALL_AREA:
            source = entry["largest"][1] or _fallback_points(entry["geometries"], raw, to_canvas)
            dot = (round(sum(x for x, _ in source) / len(source)), round(sum(y for _, y in source) / len(source)))
        name = max(entry["names"])[1]
        shapes.append(CountryShape(code=entry["code"], name=name, path=_path(entry["rings"]), dot=dot))
    for code, (name, lon, lat) in MISSING_COUNTRIES.items():
        if code not in parts:
            x, y = to_canvas(natural_earth(lon, lat))
            shapes.append(CountryShape(code=code, name=name, path="", dot=(round(x), round(y))))
    shapes.sort(key=lambda shape: shape.name)
    return WorldShapes(width=WIDTH, height=height, shapes=tuple(shapes))


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _fallback_points(geometries, raw_arcs, to_canvas):
    """Unsimplified points of a country whose every ring vanished in simplification."""
    points = []
    for geometry in geometries:
        for polygon in _polygons(geometry):
            for index in polygon[0]:
                arc = raw_arcs[~index if index < 0 else index]
                points.extend(to_canvas(natural_earth(lon, lat)) for lon, lat in arc)
    return points


@functools.cache
def world_shapes() -> WorldShapes:
    """The world's country shapes, parsed and projected once per process."""
    path = Path(settings.BASE_DIR) / ATLAS_FILE
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{path} is missing: run `make setup` (it runs `npm ci`) to install world-atlas."
        ) from error
    return build_world_shapes(topology)
