"""The read API: streamed CSV and JSON exports, the jurisdiction-year panel, and their contract."""

from __future__ import annotations

import datetime
import math

from django import forms
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router
from django.http import HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from jurisdictions.data_version import current_data_version
from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod
from jurisdictions.selectors import dataset_version

from . import citation, export_files, exports
from .api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, openapi_document
from .as_of import COVERAGE_START
from .charts import year_end
from .codebook import build_codebook
from .filters import JurisdictionFilterSet, PolicyEventFilterSet


class CsvOptionsForm(forms.Form):
    """``?bom=0``: a CSV file without the byte-order mark (default: with it, for Excel)."""

    bom = forms.TypedChoiceField(
        required=False,
        choices=[("0", "no"), ("1", "yes")],
        coerce=lambda value: value == "1",
        empty_value=True,  # type: ignore[arg-type]  # (any value works)
    )


class ExportOptionsForm(CsvOptionsForm):
    """What every export takes besides its filters: a page, and the CSV byte-order mark."""

    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


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
        super().clean()
        data = self.cleaned_data
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
    """Rows matching a FilterSet, all of them (or one page), as CSV or JSON.

    Without filters or a page, the export is the whole dataset: a file written once per data
    version (``export_files``). With filters, the rows are streamed, up to
    ``ATLAS_EXPORT_STREAM_MAX_ROWS`` (more are asked for by page).
    """

    format = "csv"
    fields: list[exports.Field] = []
    filterset_class = JurisdictionFilterSet
    paginated = True
    # Names the whole-dataset files; whether they show "today" (so are written once per day too).
    export_name = ""
    shows_today = False

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

    def check(self, params):
        """Extra validation of the query string; return a response to refuse the request."""
        return None

    def narrowed(self) -> bool:
        """Whether the query string asks for less (or other) than the whole dataset."""
        return any(value not in (None, "", [], ()) for value in self.filterset.form.cleaned_data.values())

    def row_count(self, count: int) -> int:
        return count

    def prepare(self, params) -> HttpResponse | None:
        """Validate the query string (``self.export_options``, ``self.filterset``); a response refuses it."""
        self.export_options = ExportOptionsForm(params)
        self.filterset = self.filterset_class(params, queryset=self.base_queryset())
        if not (self.export_options.is_valid() & self.filterset.is_valid()):
            return errors_response(self.export_options, self.filterset.form)
        return self.check(params)

    def envelope(self, *, count: int, page: int | None, pages: int, request=None) -> dict:
        return {
            "schema_version": exports.SCHEMA_VERSION,
            "dataset_version": dataset_version().label,
            **self.meta(),
            "count": self.row_count(count),
            "page": page,
            "pages": pages,
            "next": self._page_url(request, page + 1) if request and page and page < pages else None,
            "previous": self._page_url(request, page - 1) if request and page and page > 1 else None,
        }

    @classmethod
    def whole(cls) -> DataExportView:
        """The view as it answers the whole dataset (no query string)."""
        view = cls()
        refusal = view.prepare(QueryDict())
        if refusal is not None:
            raise ValueError(f"{cls.__name__} refuses an empty query string")
        return view

    def document(self) -> export_files.Document:
        """The whole dataset, for ``export_files.build``."""
        queryset = self.selected(self.filterset)
        count = queryset.count()
        return export_files.Document(
            fields=self.fields, envelope=self.envelope(count=count, page=None, pages=1), rows=self.rows(queryset)
        )

    def get(self, request):
        if (refusal := self.prepare(request.GET)) is not None:
            return refusal
        page = self.export_options.cleaned_data["page"] if self.paginated else None
        if page is None and not self.narrowed():
            return self.whole_file(request)
        queryset = self.selected(self.filterset)
        page_size = self.export_options.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE
        count = queryset.count()
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
        elif self.row_count(count) > settings.ATLAS_EXPORT_STREAM_MAX_ROWS:
            return self.too_many(request, self.row_count(count))
        rows = self.rows(queryset)
        if self.format == "json":
            envelope = self.envelope(count=count, page=page, pages=pages, request=request)
            response = StreamingHttpResponse(
                exports.json_chunks(envelope, rows), content_type="application/json; charset=utf-8"
            )
        else:
            lines = exports.csv_lines(self.fields, rows, bom=self.export_options.cleaned_data["bom"])
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        suffix = f"-page-{page}" if page else ""
        response["Content-Disposition"] = f'attachment; filename="{self.download_name(suffix)}"'
        return response

    def download_name(self, suffix: str = "") -> str:
        return f"sex-work-law-atlas-{self.filename()}{suffix}.{self.format}"

    def too_many(self, request, count: int) -> JsonResponse:
        limit = settings.ATLAS_EXPORT_STREAM_MAX_ROWS
        how = (
            "Ask for them by page (add page=1, and page_size up to "
            f"{MAX_PAGE_SIZE}), or download the whole export: {request.build_absolute_uri(request.path)}"
        )
        return JsonResponse(
            {
                "errors": {
                    "page": [
                        {
                            "message": f"{count:,} rows match, more than the {limit:,} one download streams. {how}",
                            "code": "required",
                        }
                    ]
                }
            },
            status=400,
        )

    def whole_file(self, request):
        """The whole dataset: its file for the current data version, written first if needed."""
        version = current_data_version()
        day = timezone.localdate() if self.shows_today else None
        name = export_files.variant(self.format, bom=self.export_options.cleaned_data["bom"])
        content_type = "application/json; charset=utf-8" if self.format == "json" else "text/csv; charset=utf-8"
        path = export_files.path_for(self.export_name, name, version=version, day=day)
        if not path.exists():
            size = self.row_count(self.selected(self.filterset).count())
            if size <= settings.ATLAS_EXPORT_INLINE_ROWS:
                using = router.db_for_read(Jurisdiction) or DEFAULT_DB_ALIAS
                # Its snapshot may be a moment newer than this request's version: serve that.
                built = export_files.build(self.export_name, self.document, day=day, using=using)
                path = export_files.path_for(self.export_name, name, version=built, day=day)
            else:
                export_files.start_builder(self.export_name)
                if not export_files.wait_for(path, seconds=settings.ATLAS_EXPORT_WAIT_SECONDS):
                    return export_files.preparing_response(version)
        response = export_files.serve(request, path, filename=self.download_name(), content_type=content_type)
        # None: a newer version's files replaced it this instant.
        return response if response is not None else export_files.preparing_response(version)

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
    export_name = "jurisdictions"
    shows_today = True

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
    export_name = "periods"

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
    export_name = "events"

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
    export_name = "panel"
    shows_today = True

    def check(self, params):
        self.years_form = PanelYearsForm(params)
        if not self.years_form.is_valid():
            return errors_response(self.years_form)
        self.years = self.years_form.years()
        return None

    def narrowed(self):
        return super().narrowed() or any(value is not None for value in self.years_form.cleaned_data.values())

    def filename(self):
        return f"panel-{self.years[0][0]}-{self.years[-1][0]}"

    def meta(self):
        return {"from": self.years[0][0], "to": self.years[-1][0]}

    def row_count(self, count):
        return count * len(self.years)

    def rows(self, queryset):
        return exports.panel_rows(queryset, years=self.years)


# The whole-dataset files `manage.py build_exports` writes, by name.
WHOLE_EXPORTS: dict[str, type[DataExportView]] = {
    view.export_name: view for view in (JurisdictionExportView, PeriodExportView, EventExportView, PanelExportView)
}


def build_whole_export(name: str, *, using: str = DEFAULT_DB_ALIAS):
    """Write the files of one whole-dataset export for the current data version (if missing)."""
    view_class = WHOLE_EXPORTS[name]
    day = timezone.localdate() if view_class.shows_today else None
    return export_files.build(name, lambda: view_class.whole().document(), day=day, using=using)


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
