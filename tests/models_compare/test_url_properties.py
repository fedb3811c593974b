"""Property-based: whatever the query string, every public address answers with a page or a
4xx (never a 5xx), and nothing it echoes back reaches HTML unescaped.

The addresses are read from the URL configuration (everything outside the admin), so a new
public page is covered the day it is added. Examples are bounded (see ``settings`` below)
so the test takes about half a minute in CI (marked slow: `make test` runs it, `make test-fast` does not).
"""

import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Markup that must never come back as markup: it carries quotes, angle brackets and an event handler.
PROBE = "\"'><svg/onload=probe()>"
PROBE_RAW = "<svg/onload=probe()>"


def declared_parameters() -> set[str]:
    """The parameters the public site's FilterSets and forms declare."""
    import django_filters
    from django import forms

    from models_compare import as_of, data_views, filters
    from models_compare import forms as site_forms

    names = set()
    for module in (filters, site_forms, data_views, as_of):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                if issubclass(value, django_filters.FilterSet):
                    names |= set(getattr(value, "base_filters", {}))
                elif issubclass(value, forms.BaseForm):
                    names |= set(getattr(value, "base_fields", {}))
    return names


# Declared ones, those set up at run time (a panel's from/to), the editors' preview, and unknown ones.
PARAMETERS = sorted(declared_parameters() | {"from", "to", "preview", "page", "format", "unknown", "year"})
SLUGS = ["sweden", "new-zealand", "federation", "nordic", "decriminalization", "atlantis"]
EXAMPLES = int(os.environ.get("ATLAS_PROPERTY_EXAMPLES", "40"))


def public_routes(resolver=None, prefix=""):
    """(route, converter names) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or getattr(entry, "app_name", None) == "admin":
                continue
            yield from public_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), list(entry.pattern.converters)


ROUTES = sorted(set((route, tuple(names)) for route, names in public_routes()))

# Values that have broken pages before, or sit on a boundary, then anything at all.
SPECIAL = [
    "",
    ",",
    ",,",
    "-",
    "--name",
    "-name,",
    "0",
    "-1",
    "99999999999999999999",
    "1989-12-31",
    "1990-01-01",
    "2999-12-31",
    "0000-00-00",
    "2003-02-30",
    "%00",
    "\x00",
    "true",
    "sweden",
    "sweden@2000-01-01",
    "nordic",
    "varies",
    "europe",
    "x" * 3000,
    "\u202e\u0000<>&'\"",
]
# Half the values from the list above, half from anywhere.
values = st.one_of(
    st.sampled_from(SPECIAL),
    st.one_of(
        st.text(max_size=30),
        st.dates().map(str),
        st.integers().map(str),
        st.text(max_size=10).map(lambda text: text + PROBE),
    ),
)
slug_values = st.one_of(st.sampled_from(SLUGS), st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True))
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6)


def fill(route: str, converters: tuple, slug: str) -> str:
    path = route
    for _ in converters:
        start = path.index("<")
        path = path[:start] + slug + path[path.index(">", start) + 1 :]
    return "/" + path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries, slug=slug_values)
@example(query=[("sort", ",")], slug="sweden")  # once a 500 on browse and both exports
@example(query=[("as_of", "2003-02-30"), ("j", "sweden@0000-00-00"), ("page", "-1")], slug="nordic")
def test_any_query_on_any_public_address_is_answered_safely(client, atlas, query, slug):
    for route, converters in ROUTES:
        path = fill(route, converters, slug)
        response = client.get(path, query)
        assert response.status_code < 500, (path, query, response.status_code)
        content_type = response.headers.get("Content-Type", "")
        if any(kind in content_type for kind in ("html", "xml", "svg")) and not response.streaming:
            assert PROBE_RAW not in response.content.decode(errors="replace"), (path, query)
