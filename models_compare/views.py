"""Public pages: home, browse, exports, compare, legal models, events, maps and charts, and each
jurisdiction's page and feed."""

import datetime
import io
from array import array
from datetime import UTC
from typing import Any, cast

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views import View

from jurisdictions import selectors as jurisdiction_selectors
from jurisdictions import spreadsheet
from jurisdictions.counts import counts_of_rows, legal_models, model_counts, model_names, regime_rows
from jurisdictions.data_version import current_data_version, per_data_version
from jurisdictions.models import DatePrecision, Jurisdiction, LegalModel, PolicyEvent, RegimePeriod

from . import citation, exports
from .as_of import AsOfForm, AsOfMixin, render_bad_request
from .charts import has_unit_map, models_over_time, unit_map, world_map
from .data_views import CsvOptionsForm, errors_response
from .filters import JurisdictionFilterSet, PolicyEventFilterSet
from .forms import CompareForm, MapFocusForm, SearchForm
from .selectors import build_comparison

PAGE_SIZE = 50
SEARCH_LIMIT, SUGGEST_LIMIT = 50, 8


def _page(request, object_list, per_page: int | None = None, *, count: int | None = None):
    """The requested page, or the last one when the number is past the end (never a 404/500).
    ``count``: the number of rows, when already known (``_per_version_count``)."""
    paginator = Paginator(object_list, per_page or PAGE_SIZE)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


def _filter_key(form) -> tuple:
    """A list page's cleaned filters as a key (every input of what is counted; not the sort)."""

    def plain(value):
        if isinstance(value, list | tuple):
            return tuple(plain(item) for item in value)
        return repr(getattr(value, "pk", value))

    return tuple(sorted((name, plain(value)) for name, value in form.cleaned_data.items() if name != "sort"))


class _PlacesInOrder:
    """A sorted list of places for the paginator: the order is read once per data version, as
    ids, and each page reads only its own rows.

    Sorting by anything but the name (the date a regime began, the model, a search's rank)
    needs every matching row: 1,600 rows at 100 times today's data, each request. A page's
    rows keep the order, as the same ``order_by`` sorts any subset of them the same way.
    """

    def __init__(self, key: tuple, queryset):
        self.queryset = queryset
        self.ids = per_data_version(
            ("places in order", timezone.localdate(), *key),
            lambda: array("q", queryset.values_list("pk", flat=True)),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, page: slice) -> list:
        return list(self.queryset.filter(pk__in=self.ids[page]))


def _per_version_count(key: tuple, queryset) -> int:
    """How many rows a list has, counted once per data version (and day: filters may default to
    today) for the same filters: at 100 times today's data a count reads every matching row."""
    return per_data_version(("count", timezone.localdate(), *key), queryset.count)


class MapFocusMixin(AsOfMixin):
    """Validates ``?focus=`` (the map's region: europe, oceania, ...) after ``?as_of=``: a 400
    page on bad input, else ``self.focus`` ('world' when absent)."""

    def dispatch(self, request, *args, **kwargs):
        self.focus_form = MapFocusForm(request.GET)
        if not self.focus_form.is_valid():
            return render_bad_request(request, [self.focus_form])
        self.focus = self.focus_form.cleaned_data["focus"] or "world"
        return super().dispatch(request, *args, **kwargs)


class HomeView(MapFocusMixin, View):
    """The map, the counts and the latest events, all as of one date (``?as_of=``)."""

    def get(self, request):
        as_of_form, as_of = self.as_of_form, self.as_of
        explicit = as_of_form.explicit()
        models = model_names()
        counts = per_data_version(
            ("home counts", as_of, tuple(models)), lambda: counts_of_rows(regime_rows(as_of=as_of), models)
        )
        latest_events = PolicyEvent.objects.public().up_to(as_of).select_related("jurisdiction").newest_first()[:8]
        return render(
            request,
            "models_compare/home.html",
            {
                "as_of": as_of,
                "as_of_form": as_of_form,
                "explicit_date": explicit,
                "counts": counts,
                "latest_events": latest_events,
                "upcoming": jurisdiction_selectors.upcoming(),
                "map": world_map(as_of=as_of, explicit_date=explicit, view=self.focus),
            },
        )


class BrowseView(View):
    def get(self, request):
        filterset = JurisdictionFilterSet(request.GET, queryset=Jurisdiction.public.select_related("parent"))
        if not filterset.is_valid():
            return render(request, "models_compare/browse.html", {"filter": filterset}, status=400)
        jurisdictions = filterset.qs
        key = ("browse", _filter_key(filterset.form))
        counts = per_data_version(("model counts", timezone.localdate(), *key), lambda: model_counts(jurisdictions))
        if filterset.sorted_by_name:
            # An index gives a page in name order without reading the rest.
            page = _page(request, jurisdictions, count=_per_version_count(key, jurisdictions))
        else:
            page = _page(
                request, _PlacesInOrder((*key, tuple(filterset.form.cleaned_data["sort"] or ())), jurisdictions)
            )
        return render(
            request,
            "models_compare/browse.html",
            {
                "filter": filterset,
                "as_of": filterset.form.cleaned_data.get("as_of"),
                "page_obj": page,
                "counts": counts,
                "sorted": filterset.sorted_column(),
                "citation": citation.browse_citation(
                    request, as_of=filterset.form.cleaned_data.get("as_of") or timezone.localdate()
                ),
            },
        )


class SearchView(View):
    """Places by name, other name, former name or ISO code, best match first (``?q=``)."""

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return render(request, "models_compare/search.html", {"form": form}, status=400)
        query = form.cleaned_data["q"]
        results = jurisdiction_selectors.search_places(query, limit=SEARCH_LIMIT) if query else []
        return render(
            request,
            "models_compare/search.html",
            {"form": form, "query": query, "results": results, "limit": SEARCH_LIMIT},
        )


class SuggestView(View):
    """Up to eight places for a search box or picker, as JSON (what static/js/suggest.js reads)."""

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        query = form.cleaned_data["q"]
        results = jurisdiction_selectors.search_places(query, limit=SUGGEST_LIMIT) if query else []
        return JsonResponse(
            {
                "query": query,
                "results": [
                    {
                        "slug": result.place.slug,
                        "name": result.place.name,
                        "label": result.place.label,
                        "url": result.place.get_absolute_url(),
                        "also_called": result.also_called,
                        "model": "Varies within"
                        if result.place.regime_varies
                        else (result.place.regime_model_name or "No regime recorded"),
                    }
                    for result in results
                ],
            }
        )


def _pickers(form: CompareForm, comparison=None) -> list[dict]:
    """The four picker columns, pre-filled with what was compared (by label) or, after an
    error, with what was typed."""
    if comparison is not None:
        filled = [
            (column.jurisdiction.label, column.item.as_of.isoformat() if column.item.explicit_date else "", "")
            for column in comparison.columns
        ]
    else:
        data = cast(QueryDict, form.data)
        tokens = [" ".join(str(t).split()) for t in data.getlist("j")]
        dates = data.getlist("on")
        filled = []
        for index, token in enumerate(tokens):
            text, _, when = token.partition("@")
            if not when and index < len(dates):
                when = dates[index]
            if text or when:
                filled.append((text[:150], when[:10], form.problems_by_position.get(index, "")))
    filled = filled[:4] + [("", "", "")] * (4 - len(filled[:4]))
    return [
        {"index": index, "text": text, "date": when, "problem": problem}
        for index, (text, when, problem) in enumerate(filled)
    ]


class CompareView(View):
    def get(self, request):
        form = CompareForm(request.GET)
        context: dict[str, Any] = {"form": form}
        if not form.submitted:
            return render(request, "models_compare/compare.html", {**context, "pickers": _pickers(form)})
        if not form.is_valid():  # the pickers then say what is wrong in each column
            return render(request, "models_compare/compare.html", {**context, "pickers": _pickers(form)}, status=400)
        items = form.cleaned_data["items"]
        canonical = "&".join(f"j={item.token}" for item in items)
        if request.GET.urlencode(safe="@") != canonical:
            return redirect(f"{reverse('models_compare:compare')}?{canonical}")
        comparison = build_comparison(items=items)
        context.update(
            comparison=comparison,
            pickers=_pickers(form, comparison),
            permalink=request.build_absolute_uri(),
            citation=citation.comparison_citation(request, columns=comparison.columns),
        )
        return render(request, "models_compare/compare.html", context)


class ModelListView(AsOfMixin, View):
    def get(self, request):
        as_of_form, as_of = self.as_of_form, self.as_of
        models = list(LegalModel.objects.all())
        names = [(m.slug, m.name) for m in models]
        counts = per_data_version(
            ("model counts", as_of, tuple(names)),
            lambda: model_counts(Jurisdiction.public.with_regime(as_of=as_of), models=names),
        )
        by_slug = {count.slug: count for count in counts}
        return render(
            request,
            "models_compare/models.html",
            {
                "models": [(model, by_slug[model.slug]) for model in models],
                "counts": counts,
                "as_of": as_of,
                "as_of_form": as_of_form,
                "explicit_date": as_of_form.explicit(),
            },
        )


class ModelDetailView(MapFocusMixin, View):
    def get(self, request, slug):
        # All five models in one query: this one, the others, and the map's legend.
        models = legal_models()
        model = next((m for m in models if m.slug == slug), None)
        if model is None:
            raise Http404("No legal model with this address.")
        as_of_form, as_of = self.as_of_form, self.as_of
        jurisdictions = (
            Jurisdiction.public.with_regime(as_of=as_of)
            .filter(regime_model_slug=slug)
            .select_related("parent")
            .order_by("name")
        )
        return render(
            request,
            "models_compare/model_detail.html",
            {
                "model": model,
                "as_of": as_of,
                "as_of_form": as_of_form,
                "explicit_date": as_of_form.explicit(),
                "page_obj": _page(
                    request, jurisdictions, count=_per_version_count(("model", slug, as_of), jurisdictions)
                ),
                "others": [m for m in models if m.pk != model.pk],
                "citation": citation.model_citation(request, model=model, as_of=as_of),
                "map": world_map(as_of=as_of, explicit_date=as_of_form.explicit(), view=self.focus),
            },
        )


class MapFragmentView(MapFocusMixin, View):
    """Just the live part of the map (SVG, legend, list) for a date and focus."""

    def get(self, request):
        as_of_form, as_of = self.as_of_form, self.as_of
        return render(
            request,
            "components/world_map.html#live",
            {
                "map": world_map(as_of=as_of, explicit_date=as_of_form.explicit(), view=self.focus),
            },
        )


class MapSvgView(View):
    """The map as a standalone image (image/svg+xml) with its own legend and credit."""

    def get(self, request):
        as_of_form, focus_form = AsOfForm(request.GET), MapFocusForm(request.GET)
        for form in (as_of_form, focus_form):
            if not form.is_valid():
                errors = "; ".join(f"{name}: {'; '.join(map(str, messages))}" for name, messages in form.errors.items())
                return HttpResponse(f"Invalid {errors}\n", status=400, content_type="text/plain; charset=utf-8")
        as_of = as_of_form.date()
        world = world_map(
            as_of=as_of,
            explicit_date=as_of_form.explicit(),
            standalone=True,
            view=focus_form.cleaned_data["focus"] or "world",
        )
        response = HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>\n' + world.svg, content_type="image/svg+xml; charset=utf-8"
        )
        return response


class ModelsOverTimeView(View):
    """How many countries were under each model each year since 1990: chart, table, CSV link."""

    def get(self, request):
        data = models_over_time()
        return render(
            request,
            "models_compare/over_time.html",
            {
                "data": data,
                "chart": data.chart_svg,
            },
        )


class ModelsOverTimeCsvView(View):
    def get(self, request):
        options = CsvOptionsForm(request.GET)
        if not options.is_valid():
            return errors_response(options)
        data = models_over_time()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        if options.cleaned_data["bom"]:
            response.write(exports.BOM)
        writer = spreadsheet.writer(response)
        # Countries per category, then all coded jurisdictions (units included) per category.
        writer.writerow(
            [
                "year",
                "as_of",
                *(slug for slug, _ in data.categories),
                "total",
                *(f"all_{slug}" for slug, _ in data.categories),
                "all_total",
            ]
        )
        for (year, counts), (_, all_counts) in zip(data.rows(), data.all_rows(), strict=True):
            writer.writerow([year.year, year.as_of.isoformat(), *counts, year.total, *all_counts, year.all_total])
        response["Content-Disposition"] = 'attachment; filename="sex-work-law-atlas-models-over-time.csv"'
        return response


class EventListView(View):
    def get(self, request):
        filterset = PolicyEventFilterSet(
            request.GET, queryset=PolicyEvent.objects.public().select_related("jurisdiction").newest_first()
        )
        if not filterset.is_valid():
            return render(request, "models_compare/events.html", {"filter": filterset}, status=400)
        return render(
            request,
            "models_compare/events.html",
            {
                "filter": filterset,
                "page_obj": _page(
                    request,
                    filterset.qs,
                    count=_per_version_count(("events", _filter_key(filterset.form)), filterset.qs),
                ),
            },
        )


class AtomFeed(Atom1Feed):
    """Atom, written into memory and then into the response in one piece: the XML writer's
    thousand small writes would each go through the response's encoding and bookkeeping."""

    def write(self, outfile, encoding):
        text = io.StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue())

    def latest_post_date(self):
        """An empty feed is as new as the data it was read from (Django would say: now)."""
        if not any(item["updateddate"] or item["pubdate"] for item in self.items):
            return current_data_version().changed_at
        return super().latest_post_date()


class DatedFeed(Feed):
    """An Atom feed of dated records: each entry is stamped with the start of its day (UTC), as the
    records carry a date, not a time. ``date_field`` names the item's date."""

    feed_type = AtomFeed
    date_field = "date"

    def item_pubdate(self, item):
        return datetime.datetime.combine(getattr(item, self.date_field), datetime.time(), tzinfo=UTC)


class EventFeed(DatedFeed):
    """Atom feed of policy events, with the same filters as the events page."""

    title = "Sex Work Law Atlas: policy events"
    subtitle = "Dated changes to sex-work law, newest first, with sources."

    def get_object(self, request):
        filterset = PolicyEventFilterSet(
            request.GET, queryset=PolicyEvent.objects.public().select_related("jurisdiction").newest_first()
        )
        if not filterset.is_valid():
            raise Http404("Invalid filter.")
        return filterset.qs[:50]

    def link(self, events):
        return reverse("models_compare:events")

    def items(self, events):
        return events

    def item_title(self, event):
        place = event.jurisdiction.name if event.jurisdiction else "International"
        return f"{place}: {event.title}"

    def item_description(self, event):
        return event.description

    def item_link(self, event):
        if event.jurisdiction:
            return f"{event.jurisdiction.get_absolute_url()}#event-{event.slug}"
        return f"{reverse('models_compare:events')}#event-{event.slug}"


class ModelFeed(DatedFeed):
    """Atom feed of jurisdictions moving to a legal model (regime periods that began under it)."""

    date_field = "start_date"

    def get_object(self, request, slug):
        model = LegalModel.objects.filter(slug=slug).first()
        if model is None:
            raise Http404("No legal model with this address.")
        return model

    def title(self, model):
        return f"Sex Work Law Atlas: jurisdictions adopting the {model.name}"

    def link(self, model):
        return reverse("models_compare:model", kwargs={"slug": model.slug})

    def items(self, model):
        return (
            RegimePeriod.objects.public()
            .filter(legal_model=model, in_force_before_start=False)
            .select_related("jurisdiction", "legal_model")
            .order_by("-start_date")[:50]
        )

    def item_title(self, period):
        return f"{period.jurisdiction.name}: {period.legal_model.name} from {period.start_display}"

    def item_description(self, period):
        return period.notes

    def item_link(self, period):
        return period.jurisdiction.get_absolute_url()


def is_signed_in_staff(request) -> bool:
    """Whether an editor is signed in. Without a session cookie nobody is, and the session is
    not read: reading it would make the public page vary by cookie (and uncacheable)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


class JurisdictionDetailView(AsOfMixin, View):
    def get(self, request, slug):
        as_of_form = self.as_of_form
        # Staff may preview drafts (?preview=1); everyone else sees published records only.
        staff = is_signed_in_staff(request)
        preview = staff and request.GET.get("preview") == "1"
        explicit = as_of_form.explicit()
        page = jurisdiction_selectors.jurisdiction_page(
            slug=slug, as_of=as_of_form.date(), preview=preview, explicit_date=explicit
        )
        cite = citation.jurisdiction_citation(request, jurisdiction=page.jurisdiction, as_of=page.as_of)
        # A country (or state) whose units are coded gets a map of its units (one more query).
        units = None
        if page.children and has_unit_map(page.jurisdiction.iso_code) and not preview:
            units = unit_map(code=page.jurisdiction.iso_code, as_of=page.as_of, explicit_date=explicit)
        return render(
            request,
            "jurisdictions/detail.html",
            {"page": page, "as_of_form": as_of_form, "citation": cite, "offer_preview": staff, "unit_map": units},
        )


class JurisdictionEventsFeed(DatedFeed):
    """Atom feed of one jurisdiction's policy events, newest first."""

    def get_object(self, request, slug):
        return get_object_or_404(Jurisdiction.public, slug=slug)

    def title(self, jurisdiction):
        return f"{jurisdiction.name}: sex-work law events (Sex Work Law Atlas)"

    def link(self, jurisdiction):
        return jurisdiction.get_absolute_url()

    def subtitle(self, jurisdiction):
        return f"Dated policy events for {jurisdiction.name}, with sources."

    def items(self, jurisdiction):
        return jurisdiction.events.public().select_related("jurisdiction").newest_first()[:50]

    def item_title(self, event):
        return f"{event.title} ({event.get_kind_display()})"

    def item_description(self, event):
        return event.description

    def item_link(self, event):
        return f"{event.jurisdiction.get_absolute_url()}#event-{event.slug}"


class UpcomingFeed(Feed):
    """Atom feed of what the records say is coming: laws passed but not yet in force (events or
    regime periods dated later) and scheduled reviews, soonest first."""

    feed_type = AtomFeed
    title = "Sex Work Law Atlas: coming up"
    subtitle = "Laws passed but not yet in force, new regimes and scheduled reviews, with their dates."

    def link(self):
        return reverse("models_compare:home") + "#upcoming-heading"

    def items(self):
        return jurisdiction_selectors.upcoming()[:50]

    def item_title(self, entry):
        place = entry.jurisdiction.name if entry.jurisdiction else "International"
        return f"{DatePrecision(entry.precision).format(entry.date)}, {place}: {entry.title} ({entry.kind_label})"

    def item_description(self, entry):
        return entry.event.description if entry.event else (entry.period.notes if entry.period else "")

    def item_link(self, entry):
        if entry.jurisdiction:
            return f"{entry.jurisdiction.get_absolute_url()}#{entry.anchor}"
        return f"{reverse('models_compare:events')}#{entry.anchor}"

    def item_guid(self, entry):
        record = entry.event or entry.period
        return f"{self.item_link(entry)}:{type(record).__name__}:{record.pk}"

    def item_updateddate(self, entry):
        return (entry.event or entry.period).updated_at
