"""The editors' interface.

Roles (``manage.py setup_roles``): editors add and change records, which start as
drafts; reviewers also publish, unpublish and delete. Every change is recorded by
database triggers (django-pghistory) and any version can be restored from the
"Events" pages. Stale forms are refused (see forms_admin.ConcurrentEditForm).
"""

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from pghistory.admin import EventModelAdmin

from . import history, selectors, services
from .forms_admin import (
    CitationFormSet,
    ConcurrentEditForm,
    HistoryFilterForm,
    InlinePolicyEventForm,
    InlineRegimePeriodForm,
    RecordForm,
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
    Revision,
    Source,
)
from .resources import JurisdictionResource, PolicyEventResource, RegimePeriodResource, SourceResource
from .spreadsheet import SpreadsheetSafeCSV

if TYPE_CHECKING:  # what the mixins below are mixed into
    from django.contrib.admin.options import BaseModelAdmin

    AdminBase = BaseModelAdmin[Any]
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    AdminBase = ModelAdminBase = object


class StatusReadOnlyMixin(AdminBase):
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


CONCURRENCY_FIELDS = ("loaded_version", "loaded_values", "overwrite_newer")


class EditorialAdminMixin(ModelAdminBase):
    """Saves go through ``services``: an editor's change to a published record becomes a pending
    revision (the record itself is not touched); everything else is saved under the same rules."""

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After the record's change became a pending revision, the admin's own "was changed successfully"
        # would contradict "waits for a reviewer": the record itself was not changed.
        if level == messages.SUCCESS and getattr(request, "atlas_proposed", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def get_changeform_initial_data(self, request):
        """Initial values from the address (``add/?jurisdiction=12``), less those that are not
        keys of their relation: the autocomplete widget would look ``?jurisdiction=abc`` up and
        fail with a server error instead of showing an empty field."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.target_field is None:
                continue
            try:
                for item in value if isinstance(value, list) else [value]:
                    field.target_field.to_python(item)
            except ValidationError:
                del initial[name]
        return initial

    def _model_changes(self, form) -> dict:
        names = {f.name for f in form.instance._meta.concrete_fields}
        return {name: form.cleaned_data[name] for name in form.changed_data if name in names}

    def save_model(self, request, obj, form, change):
        if change and services.needs_review(record=obj, user=request.user):
            request.atlas_revision = {
                "record": obj,
                "changes": self._model_changes(form),
                "citations": None,
                "end_replaced": bool(form.cleaned_data.get("end_replaced")),
                "note": form.cleaned_data.get("change_note", ""),
            }
            return
        ended = services.save_record(record=obj, end_replaced=bool(form.cleaned_data.get("end_replaced")))
        if ended is not None:
            self.message_user(request, f"Ended “{ended}” on {obj.start_date:%d %B %Y}.", messages.INFO)

    def save_formset(self, request, form, formset, change):
        pending = getattr(request, "atlas_revision", None)
        if isinstance(formset, CitationFormSet) and pending is not None:
            formset.save(commit=False)  # only to list what changed, for the admin's change message
            pending["citations"] = formset.citations()
            return None
        if formset.model in (RegimePeriod, PolicyEvent):
            return self._save_records(request, form, formset)
        return super().save_formset(request, form, formset, change)

    def _save_records(self, request, parent_form, formset):
        """Inline periods and events: new ones are drafts, changes to published ones become revisions."""
        formset.save(commit=False)
        for record in formset.deleted_objects:
            services.delete_record(record=record)
        note = parent_form.cleaned_data.get("change_note", "")
        for form in formset.forms:
            if form in formset.deleted_forms or not form.has_changed():
                continue
            record = form.instance
            sources = form.cleaned_data.get("sources_cited")
            end_replaced = bool(form.cleaned_data.get("end_replaced"))
            if record.pk and services.needs_review(record=record, user=request.user):
                pinpoints = dict(record.citations.values_list("source_id", "pinpoint"))
                citations = (
                    [{"source": s.pk, "pinpoint": pinpoints.get(s.pk, "")} for s in sources]
                    if "sources_cited" in form.changed_data
                    else None
                )
                revision = services.propose_revision(
                    record=record,
                    changes=self._model_changes(form),
                    citations=citations,
                    end_replaced=end_replaced,
                    author=request.user,
                    note=note,
                )
                self._say_proposed(request, revision)
            else:
                ended = services.save_record(record=record, end_replaced=end_replaced, sources=sources)
                if ended is not None:
                    self.message_user(request, f"Ended “{ended}” on {record.start_date:%d %B %Y}.", messages.INFO)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = request.__dict__.pop("atlas_revision", None)
        if pending is not None:
            revision = services.propose_revision(
                record=pending["record"],
                changes=pending["changes"],
                citations=pending["citations"],
                end_replaced=pending["end_replaced"],
                author=request.user,
                note=pending["note"],
            )
            self._say_proposed(request, revision)
            request.atlas_proposed = revision is not None  # the record itself was not changed

    def _say_proposed(self, request, revision):
        if revision is None:
            return
        url = reverse("admin:jurisdictions_revision_change", args=[revision.pk])
        self.message_user(
            request,
            format_html(
                'Your change to “{}” waits for a reviewer (<a href="{}">revision {}</a>); '
                "the public still sees the published version.",
                revision.record_label,
                url,
                revision.pk,
            ),
            messages.WARNING,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {})}
        if record is not None:
            extra_context["history_url"] = history.history_url(record)
            pending = Revision.objects.of(record).pending().count()
            if pending and request.method == "GET":
                url = reverse("admin:jurisdictions_revision_changelist")
                self.message_user(
                    request,
                    format_html(
                        '{} change(s) to this record wait for review (<a href="{}?status__exact=pending">'
                        "revisions</a>); the form shows the published version.",
                        pending,
                        url,
                    ),
                    messages.INFO,
                )
        return super().change_view(request, object_id, form_url, extra_context)


class PublishingAdminMixin(StatusReadOnlyMixin, ModelAdminBase):
    """Publish/unpublish actions for those with the publish permission, through ``services``."""

    actions: Any = ["publish_selected", "unpublish_selected"]

    @admin.action(description="Publish selected records", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, problems = 0, []
        drafts = queryset.exclude(status=PublicationStatus.PUBLISHED)
        for record in drafts:
            try:
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
        elif not problems:
            self.message_user(
                request, "Nothing to publish: the selected records are already published.", messages.WARNING
            )
        for problem in problems:
            self.message_user(request, f"Not published: {problem}", messages.ERROR)

    @admin.action(description="Unpublish selected records (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        in_force = [record for record in queryset if services.is_period_in_force(record)]
        continuation = request.POST.get("continuation")
        if in_force and continuation not in services.Continuation.values:
            return continuation_page(self, request, queryset, in_force, "unpublish_selected")
        for record in queryset:
            services.unpublish(record=record, continuation=continuation if record in in_force else None)
        self.message_user(request, f"{len(queryset)} record(s) are drafts again.", messages.SUCCESS)
        return None


def continuation_page(model_admin, request, queryset, in_force, action):
    """Ask how each jurisdiction's timeline continues before its period in force is withdrawn."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "How does the timeline continue?",
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "in_force": [(period, services.previous_period(period)) for period in in_force],
        "choices": services.Continuation.choices,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/jurisdictions/continuation.html", context)


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
            ("revisions", "With changes waiting for review"),
        ]

    def queryset(self, request, queryset):
        condition = selectors.review_conditions().get(self.value() or "")
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
class JurisdictionAdmin(EditorialAdminMixin, PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [JurisdictionResource]
    publish_permission = "jurisdictions.publish_jurisdiction"
    form = RecordForm
    actions = ["publish_selected", "unpublish_selected", "mark_reviewed"]
    readonly_fields = ["last_reviewed", "last_reviewed_by"]
    list_display = ["name", "kind", "iso_code", "parent", "region", "status", "last_reviewed", "last_reviewed_by"]
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
                    ("last_reviewed", "last_reviewed_by"),
                    "notes",
                    "status",
                    "change_note",
                ]
            },
        )
    ]

    @admin.action(description="Publish selected jurisdictions and their drafts", permissions=["publish"])
    def publish_selected(self, request, queryset):
        """From the review queue: publish each jurisdiction and its draft periods and events."""
        published, problems = [], []
        for jurisdiction in queryset.order_by("name"):
            done, refused = services.publish_with_drafts(jurisdiction=jurisdiction)
            published += done
            problems += refused
        if published:
            names = "; ".join(f"“{record}”" for record in published[:10])
            more = f" and {len(published) - 10} more" if len(published) > 10 else ""
            self.message_user(request, f"Published {len(published)} record(s): {names}{more}.", messages.SUCCESS)
        elif not problems:
            self.message_user(
                request,
                "Nothing to publish: the selected jurisdictions and their periods and events are already published.",
                messages.WARNING,
            )
        for problem in problems:
            self.message_user(request, f"Not published: {problem}", messages.ERROR)

    @admin.action(description="Mark selected jurisdictions reviewed today", permissions=["publish"])
    def mark_reviewed(self, request, queryset):
        count = services.mark_reviewed(jurisdictions=queryset, reviewer=request.user)
        self.message_user(
            request,
            f"Marked {count} jurisdiction(s) reviewed on {timezone.localdate():%d %B %Y} by "
            f"{request.user.get_username()}.",
            messages.SUCCESS,
        )

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete (parent, jurisdiction pickers) lists names in order.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        return queryset.order_by("name"), distinct


@admin.register(Source)
class SourceAdmin(EditorialAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
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
class PolicyEventAdmin(EditorialAdminMixin, PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [PolicyEventResource]
    publish_permission = "jurisdictions.publish_policyevent"
    form = RecordForm
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
                    "change_note",
                ]
            },
        )
    ]


class RegimePeriodSourceInline(CitationInline):
    model = RegimePeriodSource


@admin.register(RegimePeriod)
class RegimePeriodAdmin(EditorialAdminMixin, PublishingAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
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
        ("Evidence", {"fields": [("confidence", "needs_review"), "notes", "enacted_by", "status", "change_note"]}),
    ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Deleting the period in force asks how the timeline continues: one at a time, from its page.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        period = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {})}
        if period is not None and self.has_delete_permission(request, period) and services.is_period_in_force(period):
            extra_context.update(
                continuation_choices=services.Continuation.choices,
                previous_period=services.previous_period(period),
            )
            if request.method == "POST" and request.POST.get("continuation") not in services.Continuation.values:
                self.message_user(request, "Choose how the timeline continues after this period.", messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
        request.atlas_continuation = request.POST.get("continuation")
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.delete_record(record=obj, continuation=getattr(request, "atlas_continuation", None))


@admin.register(DatasetLoad)
class DatasetLoadAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "digest"]
    readonly_fields = ["digest", "loaded_at", "summary"]

    def has_add_permission(self, request):
        return False


class RestorableHistoryAdmin(EventModelAdmin):
    """A tracked model's versions, with an action that restores a chosen one (with its citations)."""

    actions = ["restore_version"]
    list_display = ["pgh_created_at", "action", "record", "by"]
    list_filter = ["pgh_label"]
    list_select_related = ["pgh_context"]

    @admin.display(description="what")
    def action(self, version):
        return history.ACTIONS.get(version.pgh_label, version.pgh_label)

    @admin.display(description="record")
    def record(self, version):
        label = getattr(version, "name", None) or getattr(version, "title", None)
        return str(label or f"{version.pgh_tracked_model._meta.verbose_name} #{version.pgh_obj_id}")

    @admin.display(description="by")
    def by(self, version):
        user_id = (version.pgh_context.metadata or {}).get("user") if version.pgh_context_id else None
        return history.user_name(user_id)

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
                restored = services.restore_version(version=version)
        except (IntegrityError, ValidationError) as error:
            detail = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, f"This version cannot be restored as it is: {detail}", messages.ERROR)
            return
        self.message_user(
            request,
            f"Restored “{restored}” as it was on {timezone.localtime(version.pgh_created_at):%d %B %Y %H:%M}, "
            "with the sources it cited then.",
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


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Changes editors proposed to published records: reviewers read the diff and approve or reject."""

    list_display = ["record_label", "content_type", "jurisdiction", "author", "created_at", "status", "reviewer"]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "jurisdiction", "author", "reviewer"]
    search_fields = ["record_label", "note", "jurisdiction__name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # rejected revisions are kept

    def has_decide_permission(self, request, revision) -> bool:
        meta = revision.content_type.model_class()._meta
        return request.user.has_perm(f"{meta.app_label}.publish_{meta.model_name}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None or not self.has_view_or_change_permission(request, revision):
            # As the admin answers for any record that is not there (or not to be seen).
            name, key = self.opts.verbose_name, unquote(object_id)
            self.message_user(
                request, f"{name} with ID “{key}” doesn’t exist. Perhaps it was deleted?", messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))
        can_decide = revision.is_pending and self.has_decide_permission(request, revision)
        if request.method == "POST":
            return self._decide(request, revision, can_decide)
        model = revision.content_type.model_class()
        record = model.objects.filter(pk=revision.object_id).first()
        record_url = ""
        if record is not None:
            record_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposed change to {revision.record_label}",
            "opts": self.opts,
            "revision": revision,
            "rows": history.revision_diff(revision),
            "can_decide": can_decide,
            "record_url": record_url,
            "history_url": history.history_url(record) if record is not None else "",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/jurisdictions/revision/review.html", context)

    def _decide(self, request, revision, can_decide):
        if not can_decide:
            raise PermissionDenied
        note = request.POST.get("decision_note", "")[:5000]
        try:
            if "_approve" in request.POST:
                record = services.approve_revision(revision=revision, reviewer=request.user, note=note)
                self.message_user(request, f"Approved: “{record}” now shows the change.", messages.SUCCESS)
            elif "_reject" in request.POST:
                services.reject_revision(revision=revision, reviewer=request.user, note=note)
                self.message_user(request, "Rejected; the revision is kept with your note.", messages.SUCCESS)
            else:
                self.message_user(request, "Choose Approve or Reject.", messages.ERROR)
                return HttpResponseRedirect(request.path)
        except ValidationError as error:
            self.message_user(request, f"Not approved: {' '.join(error.messages)}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:jurisdictions_revision_changelist") + "?status__exact=pending")


def change_history_view(request):
    """The readable change list: every change to the records, newest first, filterable by record and user."""
    if not request.user.has_perm("jurisdictions.view_jurisdiction"):
        raise PermissionDenied
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page, entries = history.history_page(
        record=filters.get("record") or "",
        user_id=filters["user"].pk if filters.get("user") else None,
        kind=filters.get("kind") or "",
        page=request.GET.get("page") or 1,
    )
    context = {
        **admin.site.each_context(request),
        "title": "Change history",
        "form": form,
        "page": page,
        "entries": entries,
        "record_label": history.record_label(filters.get("record") or ""),
    }
    return TemplateResponse(request, "admin/history.html", context)
