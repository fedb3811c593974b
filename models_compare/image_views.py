"""Charts and maps as files (SVG and PNG) and the embeddable map.

PNGs are the same SVG documents rendered on the server by resvg (the ``resvg-py`` wheel: no
system library, no network), cached under a digest of the SVG so an edit is never served stale.
The embeddable map is a small page that any site may frame: no cookies, no scripts, a credit
and a link back to the atlas.
"""

from __future__ import annotations

import hashlib
from typing import Any

import resvg_py
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override, csp_report_only_override

from jurisdictions.data_version import per_data_version
from jurisdictions.selectors import dataset_version
from jurisdictions.vocabulary import LegalModelSlug

from .as_of import AsOfForm
from .charts import models_over_time, over_time_panels, pattern_tiles, world_map
from .form_rendering import PublicForm
from .forms import MapFocusForm, focus_choices

PNG_CACHE_TIMEOUT = 60 * 60 * 24
CREDIT = "Sex Work Law Atlas · CC BY 4.0"


def svg_to_png(svg: str) -> bytes:
    """A PNG of ``svg`` (white background, system fonts), cached by the SVG's digest."""
    key = "atlas:png:" + hashlib.sha256(svg.encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", font_family="DejaVu Sans"))
        cache.set(key, png, PNG_CACHE_TIMEOUT)
    return png


def image_response(body: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The data changes only when editors publish: an hour is a safe reuse.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def over_time_document(*, columns: int = 2) -> str:
    """The models-over-time small multiples as one standalone SVG document, drawn once per
    process, data version and day."""
    key = ("over_time_document", columns, timezone.localdate())
    return per_data_version(key, lambda: _over_time_document(columns=columns))


def _over_time_document(*, columns: int) -> str:
    data = models_over_time()
    panels = over_time_panels(data)
    # Each cell: the panel's name above the panel; a header of three lines above the grid.
    width, height = (panels[0].width, panels[0].height) if panels else (340, 190)
    cell_w, cell_h, left, top = width + 20, height + 30, 20, 84
    cells = [
        {"panel": panel, "x": left + (index % columns) * cell_w, "y": top + (index // columns) * cell_h}
        for index, panel in enumerate(panels)
    ]
    rows = -(-len(panels) // columns)
    return render_to_string(
        "charts/over_time_standalone.svg",
        {
            "cells": cells,
            "tiles": pattern_tiles(8),
            "first_year": data.first_year,
            "last_year": data.last_year,
            "width": left * 2 + columns * cell_w - 20,
            "height": top + rows * cell_h + 30,
            "credit": f"{CREDIT} · dataset version {dataset_version().label}",
        },
    )


class OverTimeSvgView(View):
    """``/models/over-time.svg``: the chart as a standalone SVG file."""

    def get(self, request):
        svg = '<?xml version="1.0" encoding="utf-8"?>\n' + over_time_document()
        return image_response(svg, content_type="image/svg+xml; charset=utf-8", filename="models-over-time.svg")


class OverTimePngView(View):
    """``/models/over-time.png``: the same chart as a PNG."""

    def get(self, request):
        return image_response(
            svg_to_png(over_time_document()), content_type="image/png", filename="models-over-time.png"
        )


def _map_forms(request):
    as_of_form, focus_form = AsOfForm(request.GET), MapFocusForm(request.GET)
    return as_of_form, focus_form, [form for form in (as_of_form, focus_form) if not form.is_valid()]


def _bad(invalid) -> HttpResponse:
    errors = "; ".join(f"{name}: {'; '.join(messages)}" for form in invalid for name, messages in form.errors.items())
    return HttpResponse(f"Invalid {errors}\n", status=400, content_type="text/plain; charset=utf-8")


class MapPngView(View):
    """``/map.png?as_of=&focus=``: the standalone map (legend and credit included) as a PNG."""

    def get(self, request):
        as_of_form, focus_form, invalid = _map_forms(request)
        if invalid:
            return _bad(invalid)
        world = world_map(
            as_of=as_of_form.date(),
            explicit_date=as_of_form.explicit(),
            standalone=True,
            view=focus_form.cleaned_data["focus"] or "world",
        )
        return image_response(svg_to_png(str(world.svg)), content_type="image/png", filename="sex-work-law-map.png")


class EmbedModelForm(PublicForm):
    """``?model=nordic``: the embedded map shows this model in full and fades the others."""

    model = forms.ChoiceField(
        label="Highlight a model", choices=[("", "No highlight"), *LegalModelSlug.choices], required=False
    )


# Any site may frame the embed: the site-wide policy with frame-ancestors opened, nothing else.
EMBED_CSP: dict[str, Any] = {**settings.CONTENT_SECURITY_POLICY, "frame-ancestors": ["*"]}


@method_decorator(
    [xframe_options_exempt, csp_override(EMBED_CSP), csp_report_only_override(EMBED_CSP)], name="dispatch"
)
class EmbedMapView(View):
    """``/embed/map/?as_of=&focus=&model=``: the map alone, for an ``<iframe>`` on another site.

    No cookies (nothing here reads the session or a CSRF token), no scripts; every link opens
    the atlas in a new tab, and the credit names the atlas, the licence and the data version.
    """

    def get(self, request):
        as_of_form, focus_form, invalid = _map_forms(request)
        model_form = EmbedModelForm(request.GET)
        if not model_form.is_valid():
            invalid.append(model_form)
        if invalid:
            return _bad(invalid)
        as_of, focus, model = (
            as_of_form.date(),
            focus_form.cleaned_data["focus"] or "world",
            model_form.cleaned_data["model"],
        )
        explicit = as_of_form.explicit()
        world = world_map(as_of=as_of, explicit_date=explicit, view=focus, id_prefix="em")
        query = request.GET.copy()
        query.pop("model", None)
        full = reverse("models_compare:model", kwargs={"slug": model}) if model else reverse("models_compare:home")
        return render(
            request,
            "models_compare/embed_map.html",
            {
                "map": world,
                "highlight": model,
                "highlight_name": LegalModelSlug(model).label if model else "",
                "full_url": request.build_absolute_uri(f"{full}?{query.urlencode()}" if query else full),
                "version": dataset_version(),
            },
        )


class EmbedBuilderView(View):
    """``/embed/``: choose a model, a date and a region; copy the ``<iframe>`` snippet."""

    def get(self, request):
        as_of_form, focus_form, invalid = _map_forms(request)
        model_form = EmbedModelForm(request.GET)
        if not model_form.is_valid():
            invalid.append(model_form)
        context = {"as_of_form": as_of_form, "focus_form": focus_form, "model_form": model_form}
        if invalid:
            return render(request, "models_compare/embed.html", context, status=400)
        params = {
            "as_of": as_of_form.cleaned_data["as_of"].isoformat() if as_of_form.cleaned_data["as_of"] else "",
            "focus": focus_form.cleaned_data["focus"],
            "model": model_form.cleaned_data["model"],
        }
        query = "&".join(f"{name}={value}" for name, value in params.items() if value)
        src = request.build_absolute_uri(reverse("models_compare:embed_map") + (f"?{query}" if query else ""))
        context.update(src=src, title=_embed_title(params))
        return render(request, "models_compare/embed.html", context)


def _embed_title(params: dict) -> str:
    what = f"the {LegalModelSlug(params['model']).label}" if params["model"] else "legal models of sex work"
    where = dict(focus_choices())[params["focus"]] if params["focus"] and params["focus"] != "world" else "the world"
    when = params["as_of"] or "today"
    return f"Sex Work Law Atlas: {what}, {where}, {when}"
