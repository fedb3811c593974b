"""django-import-export resources: CSV import/export of records in the admin.

Rows are matched by their stable keys (slugs; a period by jurisdiction and start
date). Every row is validated with the model's full_clean(), so constraint
violations are reported per row in the dry run, and IMPORT_EXPORT_USE_TRANSACTIONS
makes a file with any error change nothing.
"""

from typing import TYPE_CHECKING

from diff_match_patch import diff_match_patch
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from import_export import fields, resources, widgets

from . import services
from .models import Jurisdiction, LegalModel, PolicyEvent, PublicationStatus, Publishable, RegimePeriod, Source


class PreviewDiff(resources.Diff):
    """The import preview's changes as plain <ins>/<del>/<span> (coloured by css/admin.css):
    the library writes style attributes, which the Content-Security-Policy blocks."""

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self):
        matcher = diff_match_patch()
        rendered = []
        for before, after in zip(self.left, self.right):
            if before != after and self.new:
                before = ""
            changes = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(changes)
            rendered.append(
                format_html_join(
                    "", "<{}>{}</{}>", ((self.TAGS[op], text, self.TAGS[op]) for op, text in changes if text)
                )
            )
        return rendered


class AtlasResource(resources.ModelResource):
    def get_diff_class(self):
        return PreviewDiff


if TYPE_CHECKING:  # what ReviewedImportMixin is mixed into
    from import_export.resources import ModelResource as ImportMixinBase
else:
    ImportMixinBase = object


class ReviewedImportMixin(ImportMixinBase):
    """Imports follow the editorial rules: they never change a record's status (the ``status``
    column is exported but read-only, new rows arrive as drafts), and a row that changes a
    published record, imported by someone without the publish permission, becomes a pending
    revision instead of a write."""

    def save_instance(self, instance, is_create, row, **kwargs):
        user = kwargs.get("user")
        if is_create:
            if isinstance(instance, Publishable):  # a new source has no status: nothing cites it yet
                instance.status = PublicationStatus.DRAFT
        elif user is not None and services.needs_review(record=instance, user=user):
            changes = {
                field.attribute: getattr(instance, field.attribute)
                for field in self.get_import_fields()
                if field.attribute and not field.readonly
            }
            services.propose_revision(record=instance, changes=changes, author=user, note="CSV import")
            return
        super().save_instance(instance, is_create, row, **kwargs)


def status_column() -> fields.Field:
    """``status`` in exports; ignored on import (publishing goes through the publish action)."""
    return fields.Field(attribute="status", column_name="status", readonly=True)


class JurisdictionResource(ReviewedImportMixin, AtlasResource):
    status = status_column()
    # Set by a reviewer's "Mark reviewed" action, never by an import.
    last_reviewed = fields.Field(
        attribute="last_reviewed", column_name="last_reviewed", readonly=True, widget=widgets.DateWidget()
    )
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=widgets.ForeignKeyWidget(Jurisdiction, field="slug")
    )

    class Meta:
        model = Jurisdiction
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "iso_code",
            "parent",
            "region",
            "subregion",
            "last_reviewed",
            "notes",
            "status",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SourceResource(ReviewedImportMixin, AtlasResource):
    class Meta:
        model = Source
        import_id_fields = ["slug"]
        fields = ["slug", "title", "url", "publisher", "kind", "published_on", "accessed_on", "notes"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class PolicyEventResource(ReviewedImportMixin, AtlasResource):
    status = status_column()
    jurisdiction = fields.Field(
        attribute="jurisdiction",
        column_name="jurisdiction",
        widget=widgets.ForeignKeyWidget(Jurisdiction, field="slug"),
    )

    class Meta:
        model = PolicyEvent
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "jurisdiction",
            "date",
            "date_precision",
            "kind",
            "title",
            "description",
            "confidence",
            "needs_review",
            "notes",
            "status",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class RegimePeriodResource(ReviewedImportMixin, AtlasResource):
    status = status_column()
    jurisdiction = fields.Field(
        attribute="jurisdiction",
        column_name="jurisdiction",
        widget=widgets.ForeignKeyWidget(Jurisdiction, field="slug"),
    )
    legal_model = fields.Field(
        attribute="legal_model", column_name="legal_model", widget=widgets.ForeignKeyWidget(LegalModel, field="slug")
    )

    class Meta:
        model = RegimePeriod
        import_id_fields = ["jurisdiction", "start_date"]
        fields = [
            "jurisdiction",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "in_force_before_start",
            "varies_within",
            "legal_model",
            "treatment_of_workers",
            "treatment_of_clients",
            "treatment_of_third_parties",
            "street_work",
            "indoor_work_alone",
            "working_together",
            "brothels",
            "advertising",
            "registration",
            "health_checks",
            "notes",
            "confidence",
            "needs_review",
            "status",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
