"""The OpenAPI document served by the site describes the real responses: each JSON export is
validated against it (jsonschema, draft 2020-12), and the README lists every path."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from jsonschema import Draft202012Validator, ValidationError

from models_compare import exports
from tests.factories import PolicyEventFactory

pytestmark = pytest.mark.django_db

EXPORTS = [
    ("export_json", "JurisdictionExport", {"as_of": "2010-01-01"}),
    ("periods_json", "PeriodExport", {}),
    ("events_json", "EventExport", {}),
    ("panel_json", "PanelExport", {"from": "2000", "to": "2003"}),
    ("periods_json", "PeriodExport", {"page": "2", "page_size": "2"}),
    ("events_json", "EventExport", {"jurisdiction": "new-zealand", "page": "1", "page_size": "1"}),
]


@pytest.fixture
def document(client):
    response = client.get(reverse("models_compare:openapi"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def validator(document, name):
    """A validator for one component of the document (its $refs resolve within the document)."""
    return Draft202012Validator(
        {**document, "$ref": f"#/components/schemas/{name}"}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_the_document_is_valid_json_schema(document):
    assert document["openapi"].startswith("3.1") and document["info"]["version"] == exports.SCHEMA_VERSION
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name,component,params", EXPORTS)
def test_real_responses_validate(client, atlas, document, name, component, params):
    international = PolicyEventFactory(jurisdiction=None, slug="international", title="A statement")
    assert international.jurisdiction is None
    response = client.get(reverse(f"models_compare:{name}"), params)
    assert response.status_code == 200
    data = json.loads(response.getvalue())
    assert data["results"], "an empty list would validate anything"
    validator(document, component).validate(data)


def test_a_row_with_an_unknown_or_missing_field_fails(client, atlas, document):
    data = json.loads(client.get(reverse("models_compare:periods_json")).getvalue())
    row = data["results"][0]
    check = validator(document, "PeriodRow")
    check.validate(row)
    with pytest.raises(ValidationError):
        check.validate({**row, "surprise": 1})
    with pytest.raises(ValidationError):
        check.validate({key: value for key, value in row.items() if key != "legal_model"})
    with pytest.raises(ValidationError):
        check.validate({**row, "legal_model": "tolerance"})


def test_errors_follow_the_schema(client, atlas, document):
    response = client.get(reverse("models_compare:periods_json"), {"region": "atlantis"})
    assert response.status_code == 400
    validator(document, "Errors").validate(json.loads(response.content))


def test_every_filter_is_a_documented_parameter(document):
    parameters = {p["name"] for p in document["paths"]["/jurisdictions/export.json"]["get"]["parameters"]}
    assert {
        "legal_model",
        "region",
        "kind",
        "parent",
        "workers",
        "as_of",
        "changed_since",
        "q",
        "sort",
        "page",
        "page_size",
        "bom",
    } <= parameters
    events = {p["name"] for p in document["paths"]["/events/export.json"]["get"]["parameters"]}
    assert {"kind", "jurisdiction", "date_from", "date_to", "model_change"} <= events


def test_the_readme_lists_every_api_path_and_export_field():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    document_paths = [
        "/jurisdictions/export.csv",
        "/periods/export.csv",
        "/events/export.json",
        "/jurisdictions/panel.csv",
        "/api/openapi.json",
        "/codebook/",
        "/codebook.md",
        "/models/over-time.png",
        "/map.png",
        "/embed/map/",
        "/upcoming/feed/",
    ]
    for path in document_paths:
        assert path in readme, path
    for fields in (exports.JURISDICTION_FIELDS, exports.PERIOD_FIELDS, exports.EVENT_FIELDS, exports.PANEL_FIELDS):
        for field_ in fields:
            assert f"`{field_.name}`" in readme or field_.name.endswith("_label"), field_.name


def test_the_readme_lists_every_public_url():
    """Every route of the site (the admin aside) appears in the README, `<slug>` for a parameter."""
    from django.urls import get_resolver

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()

    def routes(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                if "admin" not in route:
                    yield from routes(pattern.url_patterns, route)
            else:
                yield "/" + route.replace("<slug:slug>", "<slug>")

    missing = [route for route in routes(get_resolver().url_patterns) if f"`{route}`" not in readme]
    assert missing == []
