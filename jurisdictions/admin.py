"""The editors' interface.

Roles (``manage.py setup_roles``): editors add and change records, which start as
drafts; reviewers also publish, unpublish and delete. Every change is recorded by
database triggers (django-pghistory) and any version can be restored from the
"Events" pages. Stale forms are refused (see forms_admin.ConcurrentEditForm).
"""

from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from pghistory.admin import EventModelAdmin

from . import selectors, services
from .forms_admin import (
    CitationFormSet,
    ConcurrentEditForm,
    InlinePolicyEventForm,
    InlineRegimePeriodForm,
    RegimePeriodForm,
    RegimePeriodFormSet,
)
from .models import (
    DatasetLoad,
    Jurisdiction,
    LegalModel,
    PolicyEvent,
    PolicyEventSource,
    PublicationStatus,
    RegimePeriod,
    RegimePeriodSource,
    Source,
)
from .resources import JurisdictionResource, PolicyEventResource, RegimePeriodResource, SourceResource
from .spreadsheet import SpreadsheetSafeCSV

CONCURRENCY_FIELDS = ("loaded_version", "overwrite_newer")


class StatusReadOnlyMixin:
    """Status is read-only without the publish permission (for model admins and inlines)."""

    publish_permission = ""

    def has_publish_permission(self, request):
        return request.user.has_perm(self.publish_permission)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("status")
        return readonly


class SpreadsheetImportExportMixin(ImportExportMixin):
    """CSV import and export that a spreadsheet opens safely (see ``spreadsheet.py``), and JSON."""

    formats = [SpreadsheetSafeCSV, base_formats.JSON]


class PublishingAdminMixin(StatusReadOnlyMixin):
    """Publish/unpublish actions for those with the publish permission."""

    actions: Any = ["publish_selected", "unpublish_selected"]

    @admin.action(description="Publish selected records", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, problems = 0, []
        for record in queryset.exclude(status=PublicationStatus.PUBLISHED):
            try:
                with transaction.atomic():
                    ended = services.publish(record=record)
            except ValidationError as error:
                problems.extend(error.messages)
                continue
            published += 1
            if ended is not None:
                self.message_user(
                    request,
                    f"Ended “{ended}” on {record.start_date:%d %B %Y}, when the published period begins.",
                    messages.INFO,
                )
        if published:
            self.message_user(request, f"Published {published} record(s).", messages.SUCCESS)
        for problem in problems:
            self.message_user(request, f"Not published: {problem}", messages.ERROR)

    @admin.action(description="Unpublish selected records (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        for record in queryset:
            services.unpublish(record=record)
        self.message_user(request, f"{queryset.count()} record(s) are drafts again.", messages.SUCCESS)


class ReviewFilter(admin.SimpleListFilter):
    """Jurisdictions that need an editor's attention."""

    title = "review queue"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("stale", "Not reviewed in 12 months"),
            ("low", "With low-confidence records"),
            ("unsourced", "With unsourced records"),
            ("drafts", "With drafts to publish"),
        ]

    def queryset(self, request, queryset):
        condition = selectors.review_conditions().get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


class RegimePeriodInline(StatusReadOnlyMixin, admin.StackedInline):
    model = RegimePeriod
    publish_permission = "jurisdictions.publish_regimeperiod"
    form = InlineRegimePeriodForm
    formset = RegimePeriodFormSet
    extra = 0
    show_change_link = True
    autocomplete_fields = ["enacted_by"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    ("start_date", "start_precision", "end_date", "end_precision", "in_force_before_start"),
                    "end_replaced",
                    ("varies_within", "legal_model"),
                    ("treatment_of_workers", "treatment_of_clients", "treatment_of_third_parties"),
                ]
            },
        ),
        (
            "Activities",
            {
                "classes": ["collapse"],
                "fields": [
                    ("street_work", "indoor_work_alone", "working_together"),
                    ("brothels", "advertising"),
                    ("registration", "health_checks"),
                ],
            },
        ),
        ("Evidence", {"fields": ["sources_cited", ("confidence", "needs_review"), "notes", "enacted_by", "status"]}),
    ]


class PolicyEventInline(StatusReadOnlyMixin, admin.StackedInline):
    model = PolicyEvent
    publish_permission = "jurisdictions.publish_policyevent"
    form = InlinePolicyEventForm
    extra = 0
    show_change_link = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    ("date", "date_precision", "kind"),
                    "slug",
                    "title",
                    "description",
                    "sources_cited",
                    ("confidence", "needs_review"),
                    "notes",
                    "status",
                ]
            },
        )
    ]


class ChildJurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    fk_name = "parent"
    extra = 0
    show_change_link = True
    readonly_fields = ("name", "kind", "iso_code", "last_reviewed")
    fields = readonly_fields
    can_delete = False
    verbose_name_plural = "units (edit each on its own page)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [JurisdictionResource]
    publish_permission = "jurisdictions.publish_jurisdiction"
    form = ConcurrentEditForm
    list_display = ["name", "kind", "iso_code", "parent", "region", "status", "last_reviewed"]
    list_filter = [ReviewFilter, "status", "kind", "region", "last_reviewed"]
    search_fields = ["name", "slug", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [RegimePeriodInline, PolicyEventInline, ChildJurisdictionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    ("name", "slug"),
                    ("kind", "iso_code"),
                    "parent",
                    ("region", "subregion"),
                    "last_reviewed",
                    "notes",
                    "status",
                ]
            },
        )
    ]

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete (parent, jurisdiction pickers) lists names in order.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        return queryset.order_by("name"), distinct


@admin.register(Source)
class SourceAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [SourceResource]
    form = ConcurrentEditForm
    list_display = ["title", "kind", "publisher", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["title", "url", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    "title",
                    "slug",
                    "url",
                    ("publisher", "kind"),
                    ("published_on", "accessed_on"),
                    "notes",
                ]
            },
        )
    ]


class CitationInline(admin.TabularInline):
    """The sources a record cites (at least one), picked by autocomplete."""

    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]


class PolicyEventSourceInline(CitationInline):
    model = PolicyEventSource


class CitedFilter(admin.SimpleListFilter):
    title = "sources"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("no", "No source cited"), ("yes", "At least one source")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(citations__isnull=self.value() == "no").distinct()
        return queryset


@admin.register(PolicyEvent)
class PolicyEventAdmin(PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [PolicyEventResource]
    publish_permission = "jurisdictions.publish_policyevent"
    form = ConcurrentEditForm
    list_display = ["title", "jurisdiction", "date", "date_precision", "kind", "status", "confidence", "needs_review"]
    list_filter = ["status", "kind", "confidence", "needs_review", CitedFilter, "date_precision"]
    search_fields = ["title", "slug", "description", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PolicyEventSourceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    "jurisdiction",
                    ("date", "date_precision", "kind"),
                    "title",
                    "slug",
                    "description",
                    ("confidence", "needs_review"),
                    "notes",
                    "status",
                ]
            },
        )
    ]


class RegimePeriodSourceInline(CitationInline):
    model = RegimePeriodSource


@admin.register(RegimePeriod)
class RegimePeriodAdmin(PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [RegimePeriodResource]
    publish_permission = "jurisdictions.publish_regimeperiod"
    form = RegimePeriodForm
    list_display = [
        "jurisdiction",
        "legal_model",
        "varies_within",
        "start_date",
        "end_date",
        "status",
        "confidence",
        "needs_review",
    ]
    list_filter = ["status", "legal_model", "varies_within", "confidence", "needs_review", CitedFilter]
    search_fields = ["jurisdiction__name", "notes"]
    autocomplete_fields = ["jurisdiction", "enacted_by"]
    list_select_related = ["jurisdiction", "legal_model"]
    inlines = [RegimePeriodSourceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    CONCURRENCY_FIELDS,
                    "jurisdiction",
                    ("start_date", "start_precision", "end_date", "end_precision", "in_force_before_start"),
                    "end_replaced",
                    ("varies_within", "legal_model"),
                    ("treatment_of_workers", "treatment_of_clients", "treatment_of_third_parties"),
                ]
            },
        ),
        (
            "Activities",
            {
                "fields": [
                    ("street_work", "indoor_work_alone", "working_together"),
                    ("brothels", "advertising"),
                    ("registration", "health_checks"),
                ]
            },
        ),
        ("Evidence", {"fields": [("confidence", "needs_review"), "notes", "enacted_by", "status"]}),
    ]


@admin.register(DatasetLoad)
class DatasetLoadAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "digest"]
    readonly_fields = ["digest", "loaded_at", "summary"]

    def has_add_permission(self, request):
        return False


class RestorableHistoryAdmin(EventModelAdmin):
    """A tracked model's history, with an action that restores a chosen version."""

    actions = ["restore_version"]
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
    list_filter = ["pgh_label"]

    def has_restore_permission(self, request):
        # Reviewers only: a restored version may bring back a published status.
        tracked = self.model.pgh_tracked_model._meta
        return request.user.has_perm(f"{tracked.app_label}.delete_{tracked.model_name}")

    @admin.action(description="Restore the selected version", permissions=["restore"])
    def restore_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to restore.", messages.ERROR)
            return
        version = queryset.get()
        try:
            with transaction.atomic():
                restored = version.revert()
        except (IntegrityError, ValidationError) as error:
            self.message_user(request, f"This version cannot be restored as it is: {error}", messages.ERROR)
            return
        self.message_user(
            request,
            f"Restored “{restored}” as it was on {timezone.localtime(version.pgh_created_at):%d %B %Y %H:%M}.",
            messages.SUCCESS,
        )


for tracked in (Jurisdiction, Source, PolicyEvent, RegimePeriod, RegimePeriodSource, PolicyEventSource):
    admin.site.register(apps.get_model("jurisdictions", f"{tracked.__name__}History"), RestorableHistoryAdmin)


@admin.register(LegalModel)
class LegalModelAdmin(admin.ModelAdmin):
    """The five models are a public contract: editors may refine the wording, not add or remove."""

    list_display = ["name", "slug", "academic_name", "typical_workers", "typical_clients", "typical_third_parties"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
