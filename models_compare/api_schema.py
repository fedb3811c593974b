"""The read API's contract: an OpenAPI 3.1 document built from the exports' own fields and the
FilterSets' own parameters, served at ``/api/openapi.json``.

Nothing here is written twice: a field added to an export or a filter added to a FilterSet
appears in the document (and the tests validate real responses against it).
"""

from __future__ import annotations

from typing import Any

import django_filters

from .exports import (
    EVENT_FIELDS,
    JURISDICTION_FIELDS,
    PANEL_FIELDS,
    PERIOD_FIELDS,
    SCHEMA_VERSION,
    Field,
)
from .filters import JurisdictionFilterSet, PolicyEventFilterSet

MAX_PAGE_SIZE = 5000
DEFAULT_PAGE_SIZE = 1000


def field_schema(field_: Field) -> dict:
    """JSON Schema (2020-12) of one export field."""
    if field_.type == "urls":
        return {"type": "array", "items": {"type": "string", "format": "uri"}, "description": field_.description}
    base = {
        "date": {"type": "string", "format": "date"},
        "boolean": {"type": "boolean"},
        "integer": {"type": "integer"},
    }.get(field_.type, {"type": "string"})
    schema: dict[str, Any] = dict(base)
    if field_.nullable:
        schema["type"] = [schema["type"], "null"]
    if field_.values:
        schema["enum"] = [*field_.values, *([None] if field_.nullable else [])]
    schema["description"] = field_.description
    return schema


def row_schema(fields: list[Field], title: str) -> dict:
    return {
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": [field_.name for field_ in fields],
        "properties": {field_.name: field_schema(field_) for field_ in fields},
    }


ENVELOPE_PROPERTIES = {
    "schema_version": {
        "type": "string",
        "const": SCHEMA_VERSION,
        "description": "Version of this contract (see `info.version`).",
    },
    "dataset_version": {
        "type": "string",
        "description": "Version of the data: changes whenever published "
        "records change. Cite it with the retrieval date.",
    },
    "count": {"type": "integer", "minimum": 0, "description": "Number of rows matching the filters (all pages)."},
    "page": {"type": ["integer", "null"], "description": "This page's number, or null when unpaginated."},
    "pages": {"type": "integer", "minimum": 1, "description": "Number of pages (1 when unpaginated)."},
    "next": {"type": ["string", "null"], "format": "uri", "description": "Address of the next page, or null."},
    "previous": {"type": ["string", "null"], "format": "uri", "description": "Address of the previous page, or null."},
}


def envelope_schema(row_ref: str, title: str, extra: dict) -> dict:
    properties = {**ENVELOPE_PROPERTIES, **extra, "results": {"type": "array", "items": {"$ref": row_ref}}}
    return {
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def _choices(filter_) -> list[str]:
    return [str(value) for value, _ in filter_.field.choices if value != ""]


def filter_parameters(filterset_class) -> list[dict]:
    """OpenAPI query parameters for every filter of a FilterSet."""
    parameters = []
    schema: dict[str, Any]
    for name, filter_ in filterset_class.base_filters.items():
        extra = filter_.extra
        description = str(filter_.label or name)
        if extra.get("help_text"):
            description += f". {extra['help_text']}"
        if isinstance(filter_, django_filters.OrderingFilter):
            values = [value for pair in filter_.param_map.items() for value in (pair[0], f"-{pair[0]}")]
            schema = {"type": "string", "enum": values}
        elif isinstance(filter_, django_filters.MultipleChoiceFilter):
            schema = {"type": "array", "items": {"type": "string", "enum": _choices(filter_)}}
        elif isinstance(filter_, django_filters.ChoiceFilter):
            schema = {"type": "string", "enum": _choices(filter_)}
        elif isinstance(filter_, django_filters.BooleanFilter):
            schema = {"type": "string", "enum": ["true", "false"]}
        elif isinstance(filter_, django_filters.ModelChoiceFilter):
            schema = {"type": "string", "description": "a jurisdiction's slug"}
        elif isinstance(filter_, django_filters.DateFilter) or name == "as_of":
            schema = {"type": "string", "format": "date"}
        else:
            schema = {"type": "string"}
        parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
        if schema["type"] == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


PAGINATION_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Return one page of rows (1, 2, ...); without it every row is returned in one response.",
        "schema": {"type": "integer", "minimum": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "description": f"Rows per page (1 to {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}); used with `page`.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    },
]
BOM_PARAMETER = {
    "name": "bom",
    "in": "query",
    "required": False,
    "description": "CSV only: `1` (default) starts the file with a UTF-8 byte-order mark so spreadsheet "
    "programs read it as UTF-8; `0` leaves it out.",
    "schema": {"type": "string", "enum": ["0", "1"]},
}
PANEL_PARAMETERS = [
    {
        "name": "from",
        "in": "query",
        "required": False,
        "description": "First year (from 1990; default 1990).",
        "schema": {"type": "integer", "minimum": 1990},
    },
    {
        "name": "to",
        "in": "query",
        "required": False,
        "description": "Last year (up to the current year, which shows the law today; default the current year).",
        "schema": {"type": "integer", "minimum": 1990},
    },
]


def _operation(summary: str, description: str, parameters: list[dict], envelope_ref: str, tag: str) -> dict:
    error = {
        "description": "Invalid parameters: the body lists the problems per parameter.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }
    return {
        "get": {
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The rows. Without filters or `page`, the whole dataset: a file written once "
                    "per data version, with `ETag` (naming the version) and `Last-Modified`, byte ranges "
                    "(`Range`, `If-Range`; 206) and gzip for clients that accept it.",
                    "content": {
                        "application/json": {"schema": {"$ref": envelope_ref}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                "400": {
                    **error,
                    "description": "Invalid parameters, or a filtered selection of more rows than one "
                    "download streams without `page` (code `required` under `page`): the body lists the "
                    "problems per parameter.",
                },
                "404": {
                    "description": "A page past the last one.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
                },
                "503": {
                    "description": "The whole-dataset file for the current data version is being written; "
                    "`Retry-After` says when to ask again (pages are available meanwhile).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
                },
            },
        }
    }


def _paths(path: str, operation: dict) -> dict:
    """The same operation under ``.json`` and ``.csv``."""
    return {f"{path}.json": operation, f"{path}.csv": operation}


def openapi_document(*, server_url: str) -> dict:
    jurisdiction_filters = filter_parameters(JurisdictionFilterSet)
    event_filters = filter_parameters(PolicyEventFilterSet)
    extra_as_of = {"as_of": {"type": "string", "format": "date", "description": "The date whose law the rows show."}}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Sex Work Law Atlas read API",
            "version": SCHEMA_VERSION,
            "description": "Every export of the atlas, with the same filters as the pages. JSON responses "
            "carry `schema_version`; CSV files have the same columns as the JSON rows (lists as "
            "space-separated URLs, booleans as `true`/`false`, null as an empty cell). The data is "
            "licensed CC BY 4.0.",
            "license": {"name": "CC BY 4.0 (data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "paths": {
            **_paths(
                "/jurisdictions/export",
                _operation(
                    "Jurisdictions with the law on a date",
                    "One row per jurisdiction matching the browse filters, with the regime in force on `as_of`.",
                    [*jurisdiction_filters, *PAGINATION_PARAMETERS, BOM_PARAMETER],
                    "#/components/schemas/JurisdictionExport",
                    "exports",
                ),
            ),
            **_paths(
                "/periods/export",
                _operation(
                    "Regime periods",
                    "Every published regime period (full history) of the jurisdictions matching the browse "
                    "filters, oldest first within each jurisdiction.",
                    [*jurisdiction_filters, *PAGINATION_PARAMETERS, BOM_PARAMETER],
                    "#/components/schemas/PeriodExport",
                    "exports",
                ),
            ),
            **_paths(
                "/events/export",
                _operation(
                    "Policy events",
                    "Every published policy event matching the events page's filters, oldest first.",
                    [*event_filters, *PAGINATION_PARAMETERS, BOM_PARAMETER],
                    "#/components/schemas/EventExport",
                    "exports",
                ),
            ),
            **_paths(
                "/jurisdictions/panel",
                _operation(
                    "Jurisdiction-year panel",
                    "One row per jurisdiction (matching the browse filters) and year from `from` to `to`: the "
                    "law on 31 December of each year (the current year: today).",
                    [*PANEL_PARAMETERS, *jurisdiction_filters, BOM_PARAMETER],
                    "#/components/schemas/PanelExport",
                    "exports",
                ),
            ),
        },
        "components": {
            "schemas": {
                "JurisdictionRow": row_schema(JURISDICTION_FIELDS, "A jurisdiction with the law on a date"),
                "PeriodRow": row_schema(PERIOD_FIELDS, "A regime period"),
                "EventRow": row_schema(EVENT_FIELDS, "A policy event"),
                "PanelRow": row_schema(PANEL_FIELDS, "A jurisdiction in a year"),
                "JurisdictionExport": envelope_schema(
                    "#/components/schemas/JurisdictionRow", "Jurisdictions export", extra_as_of
                ),
                "PeriodExport": envelope_schema("#/components/schemas/PeriodRow", "Periods export", {}),
                "EventExport": envelope_schema("#/components/schemas/EventRow", "Events export", {}),
                "PanelExport": envelope_schema(
                    "#/components/schemas/PanelRow",
                    "Panel export",
                    {"from": {"type": "integer"}, "to": {"type": "integer"}},
                ),
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "object",
                            "description": "Problems per parameter ('__all__' for the whole query).",
                            "additionalProperties": {"type": "array"},
                        }
                    },
                },
            }
        },
    }
