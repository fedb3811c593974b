"""The editors' interface: every record with search, filters and inline citations."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import (
    DatasetLoad,
    Jurisdiction,
    PolicyEvent,
    PolicyEventSource,
    RegimePeriod,
    RegimePeriodSource,
    Source,
)


class RegimePeriodFormSet(BaseInlineFormSet):
    """Refuse overlaps between periods submitted together (the database would, less politely)."""

    def clean(self):
        super().clean()
        spans = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            start, end = form.cleaned_data.get("start_date"), form.cleaned_data.get("end_date")
            if start:
                spans.append((start, end))
        spans.sort(key=lambda span: span[0])
        for (start, end), (next_start, _) in zip(spans, spans[1:]):
            if end is None or end > next_start:
                raise ValidationError(
                    f"The period starting {start:%d %B %Y} overlaps the one starting "
                    f"{next_start:%d %B %Y}. End the earlier period on or before the later one's start."
                )


class RegimePeriodInline(admin.StackedInline):
    model = RegimePeriod
    formset = RegimePeriodFormSet
    extra = 0
    show_change_link = True
    autocomplete_fields = ["enacted_by"]
    fieldsets = [
        (None, {"fields": [("start_date", "end_date", "in_force_before_start"),
                           ("varies_within", "legal_model"),
                           ("treatment_of_workers", "treatment_of_clients", "treatment_of_third_parties")]}),
        ("Activities", {"classes": ["collapse"], "fields": [
            ("street_work", "indoor_work_alone", "working_together"),
            ("brothels", "advertising"), ("registration", "health_checks")]}),
        ("Evidence", {"fields": [("confidence", "needs_review"), "notes", "enacted_by"]}),
    ]


class PolicyEventInline(admin.TabularInline):
    model = PolicyEvent
    extra = 0
    show_change_link = True
    fields = ["date", "date_precision", "kind", "title", "confidence", "needs_review"]


class ChildJurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    fk_name = "parent"
    extra = 0
    show_change_link = True
    fields = ["name", "kind", "iso_code", "last_reviewed"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "units (edit each on its own page)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "iso_code", "parent", "region", "last_reviewed"]
    list_filter = ["kind", "region", "last_reviewed"]
    search_fields = ["name", "slug", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [RegimePeriodInline, PolicyEventInline, ChildJurisdictionInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["title", "url", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class PolicyEventSourceInline(admin.TabularInline):
    model = PolicyEventSource
    extra = 1
    autocomplete_fields = ["source"]


@admin.register(PolicyEvent)
class PolicyEventAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "date", "date_precision", "kind", "confidence", "needs_review"]
    list_filter = ["kind", "confidence", "needs_review", "date_precision"]
    search_fields = ["title", "slug", "description", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PolicyEventSourceInline]


class RegimePeriodSourceInline(admin.TabularInline):
    model = RegimePeriodSource
    extra = 1
    autocomplete_fields = ["source"]


@admin.register(RegimePeriod)
class RegimePeriodAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "legal_model", "varies_within", "start_date", "end_date",
                    "confidence", "needs_review"]
    list_filter = ["legal_model", "varies_within", "confidence", "needs_review"]
    search_fields = ["jurisdiction__name", "notes"]
    autocomplete_fields = ["jurisdiction", "enacted_by"]
    list_select_related = ["jurisdiction", "legal_model"]
    inlines = [RegimePeriodSourceInline]
    fieldsets = [
        (None, {"fields": ["jurisdiction", ("start_date", "end_date", "in_force_before_start"),
                           ("varies_within", "legal_model"),
                           ("treatment_of_workers", "treatment_of_clients", "treatment_of_third_parties")]}),
        ("Activities", {"fields": [("street_work", "indoor_work_alone", "working_together"),
                                   ("brothels", "advertising"), ("registration", "health_checks")]}),
        ("Evidence", {"fields": [("confidence", "needs_review"), "notes", "enacted_by"]}),
    ]


@admin.register(DatasetLoad)
class DatasetLoadAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "digest"]
    readonly_fields = ["digest", "loaded_at", "summary"]

    def has_add_permission(self, request):
        return False
