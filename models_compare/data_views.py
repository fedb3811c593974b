"""The read API: streamed CSV and JSON exports, the jurisdiction-year panel, and their contract."""

from __future__ import annotations

import datetime
import math

from django import forms
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod
from jurisdictions.selectors import dataset_version

from . import citation, exports
from .api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, openapi_document
from .as_of import COVERAGE_START
from .charts import year_end
from .codebook import build_codebook
from .filters import JurisdictionFilterSet, PolicyEventFilterSet


class ExportOptionsForm(forms.Form):
    """What every export takes besides its filters: a page, and the CSV byte-order mark."""

    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    bom = forms.TypedChoiceField(
        required=False,
        choices=[("0", "no"), ("1", "yes")],
        coerce=lambda value: value == "1",
        empty_value=True,  # type: ignore[arg-type]  # (any value works)
    )


class PanelYearsForm(forms.Form):
    """``?from=1990&to=2026``: years from the start of coverage to this year (both optional).

    ``from`` is a Python keyword, so the two fields are declared by name in ``__init__``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        for name in ("from", "to"):
            self.fields[name] = forms.IntegerField(
                required=False,
                min_value=COVERAGE_START.year,
                max_value=self.today.year,
                error_messages={
                    "max_value": f"Choose a year from {COVERAGE_START.year} to {self.today.year}.",
                    "min_value": f"Choose a year from {COVERAGE_START.year} to {self.today.year}.",
                },
            )

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if first and last and first > last:
            raise forms.ValidationError("'from' must not be after 'to'.")
        return data

    def years(self) -> list[tuple[int, datetime.date]]:
        """[(year, the date its law is read on)] from 'from' (default 1990) to 'to' (default this year)."""
        first = self.cleaned_data.get("from") or COVERAGE_START.year
        last = self.cleaned_data.get("to") or self.today.year
        return [(year, year_end(year, self.today)) for year in range(first, last + 1)]


def errors_response(*forms_with_errors, status: int = 400) -> JsonResponse:
    """The problems of each form, per parameter."""
    errors = {}
    for form in forms_with_errors:
        errors.update(form.errors.get_json_data())
    return JsonResponse({"errors": errors}, status=status, json_dumps_params={"indent": 2})


class DataExportView(View):
    """Rows matching a FilterSet, all of them (or one page), streamed as CSV or JSON."""

    format = "csv"
    fields: list[exports.Field] = []
    filterset_class = JurisdictionFilterSet
    paginated = True

    def base_queryset(self):
        return Jurisdiction.public.all()

    def selected(self, filterset):
        """The queryset the rows come from (what is counted and paginated)."""
        return filterset.qs

    def rows(self, queryset):
        raise NotImplementedError

    def filename(self) -> str:
        raise NotImplementedError

    def meta(self) -> dict:
        """Envelope values before ``count`` (JSON only)."""
        return {}

    def check(self, request):
        """Extra validation; return a response to refuse the request."""
        return None

    def get(self, request):
        options = ExportOptionsForm(request.GET)
        self.filterset = self.filterset_class(request.GET, queryset=self.base_queryset())
        if not (options.is_valid() & self.filterset.is_valid()):
            return errors_response(options, self.filterset.form)
        if (refusal := self.check(request)) is not None:
            return refusal
        queryset = self.selected(self.filterset)
        page = options.cleaned_data["page"] if self.paginated else None
        page_size = options.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE
        count = queryset.count() if self.format == "json" or page else None
        pages = max(math.ceil(count / page_size), 1) if page else 1
        if page:
            if page > pages:
                return JsonResponse(
                    {
                        "errors": {
                            "page": [
                                {
                                    "message": f"There {'is' if pages == 1 else 'are'} {pages} page(s).",
                                    "code": "max_value",
                                }
                            ]
                        }
                    },
                    status=404,
                )
            queryset = queryset[(page - 1) * page_size : page * page_size]
        rows = self.rows(queryset)
        if self.format == "json":
            envelope = {
                "schema_version": exports.SCHEMA_VERSION,
                "dataset_version": dataset_version().label,
                **self.meta(),
                "count": self.row_count(count),
                "page": page,
                "pages": pages,
                "next": self._page_url(request, page + 1) if page and page < pages else None,
                "previous": self._page_url(request, page - 1) if page and page > 1 else None,
            }
            response = StreamingHttpResponse(
                exports.json_chunks(envelope, rows), content_type="application/json; charset=utf-8"
            )
        else:
            lines = exports.csv_lines(self.fields, rows, bom=options.cleaned_data["bom"])
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        suffix = f"-page-{page}" if page else ""
        response["Content-Disposition"] = (
            f'attachment; filename="sex-work-law-atlas-{self.filename()}{suffix}.{self.format}"'
        )
        return response

    def row_count(self, count: int) -> int:
        return count

    @staticmethod
    def _page_url(request, page: int) -> str:
        params = request.GET.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _narrows(filterset) -> bool:
    """Whether the browse filters leave out any jurisdiction (``as_of`` and ``sort`` alone do not):
    without them the periods export reads every public period, with no subquery at all."""
    data = filterset.form.cleaned_data
    return any(data.get(name) not in (None, "", []) for name in filterset.filters if name not in ("as_of", "sort"))


class JurisdictionExportView(DataExportView):
    """``/jurisdictions/export.csv|json``: the browse filter's jurisdictions with the law on ``as_of``."""

    fields = exports.JURISDICTION_FIELDS

    @property
    def as_of(self):
        return self.filterset.form.cleaned_data.get("as_of") or timezone.localdate()

    def filename(self):
        return self.as_of.isoformat()

    def meta(self):
        return {"as_of": self.as_of.isoformat()}

    def rows(self, queryset):
        return exports.jurisdiction_rows(queryset, as_of=self.as_of)


class PeriodExportView(DataExportView):
    """``/periods/export.csv|json``: every published period of the browse filter's jurisdictions."""

    fields = exports.PERIOD_FIELDS

    def selected(self, filterset):
        periods = RegimePeriod.objects.public()
        if _narrows(filterset):
            periods = periods.filter(jurisdiction__in=filterset.qs.order_by().values("pk"))
        return exports.periods_for_export(periods)

    def filename(self):
        return "periods"

    def rows(self, queryset):
        return exports.period_rows(queryset)


class EventExportView(DataExportView):
    """``/events/export.csv|json``: the events page's filter, oldest first."""

    fields = exports.EVENT_FIELDS
    filterset_class = PolicyEventFilterSet

    def base_queryset(self):
        return PolicyEvent.objects.public().order_by("date", "id")

    def selected(self, filterset):
        return exports.events_for_export(filterset.qs)

    def filename(self):
        return "events"

    def rows(self, queryset):
        return exports.event_rows(queryset)


class PanelExportView(DataExportView):
    """``/jurisdictions/panel.csv|json?from=1990&to=2026``: one row per jurisdiction and year."""

    fields = exports.PANEL_FIELDS
    paginated = False

    def check(self, request):
        self.years_form = PanelYearsForm(request.GET)
        if not self.years_form.is_valid():
            return errors_response(self.years_form)
        self.years = self.years_form.years()
        return None

    def filename(self):
        return f"panel-{self.years[0][0]}-{self.years[-1][0]}"

    def meta(self):
        return {"from": self.years[0][0], "to": self.years[-1][0]}

    def row_count(self, count):
        return count * len(self.years)

    def rows(self, queryset):
        return exports.panel_rows(queryset, years=self.years)


def openapi_view(request):
    """``/api/openapi.json``: the contract of every export."""
    document = openapi_document(server_url=request.build_absolute_uri("/").rstrip("/"))
    return JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})


class CodebookView(View):
    """``/codebook/``: fields, values and coding rules, with the dataset version."""

    def get(self, request):
        codebook = build_codebook(dataset_version=dataset_version().label, today=timezone.localdate())
        return render(
            request,
            "models_compare/codebook.html",
            {"codebook": codebook, "citation": citation.codebook_citation(request)},
        )


class CodebookMarkdownView(View):
    """``/codebook.md``: the codebook as one Markdown file."""

    def get(self, request):
        codebook = build_codebook(dataset_version=dataset_version().label, today=timezone.localdate())
        response = HttpResponse(
            render_to_string("models_compare/codebook.md", {"codebook": codebook}),
            content_type="text/markdown; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="sex-work-law-atlas-codebook.md"'
        return response
