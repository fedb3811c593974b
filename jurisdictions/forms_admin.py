"""Admin forms: refuse stale saves, offer to end the period a new one replaces, require sources."""

from __future__ import annotations

import itertools

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from . import services
from .models import DatePrecision, PolicyEvent, PublicationStatus, RegimePeriod, Source


def _last_editor(instance) -> str:
    """'by <username>' for the latest recorded change of ``instance``, or ''."""
    latest = instance.history.select_related("pgh_context").order_by("-pgh_created_at").first()
    user_id = (latest.pgh_context.metadata or {}).get("user") if latest and latest.pgh_context else None
    if not user_id:
        return ""
    user = get_user_model().objects.filter(pk=user_id).first()
    return f" by {user.get_username()}" if user else ""


class ConcurrentEditForm(forms.ModelForm):
    """Refuses to save over a version of the record that changed after the form was opened.

    Used as ``ModelAdmin.form`` (the admin supplies the model and fields). The form
    carries the ``updated_at`` it was loaded with; if the database holds a
    newer one, the save is refused with a message, the editor's input stays in the
    form, and a checkbox appears to save anyway.
    """

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    overwrite_newer = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save anyway, replacing the other person's changes",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        data = super().clean()
        if not self.instance.pk or data.get("overwrite_newer"):
            return data
        current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
        loaded = data.get("loaded_version")
        if current and loaded and current.isoformat() != loaded:
            self.fields["overwrite_newer"].widget = forms.CheckboxInput()
            when = timezone.localtime(current).strftime("%d %B %Y at %H:%M:%S")
            raise ValidationError(
                f"Someone else saved this record{_last_editor(self.instance)} on {when}, after you "
                "opened it. Nothing was saved: your input is still in the form. Open the record in "
                "another tab to see their changes, then save again, or tick “Save anyway” to "
                "replace their version with yours.",
                code="stale",
            )
        return data


class CitedSourcesField(forms.ModelMultipleChoiceField):
    """Sources cited by a record, chosen by autocomplete; at least one is required."""

    def __init__(self, model_field, **kwargs):
        super().__init__(
            queryset=Source.objects.all(),
            label="Sources",
            widget=AutocompleteSelectMultiple(model_field, admin.site),
            error_messages={"required": "Cite at least one source: a statute, ruling or report."},
            help_text="Type to search by title, URL or publisher. Add new sources under Sources first.",
            **kwargs,
        )


class CitingFormMixin:
    """For inline forms: edit the cited sources directly (the citations table has no nested inline)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sources_cited"].initial = [c.source_id for c in self.instance.citations.all()]

    def _save_m2m(self):
        super()._save_m2m()
        if "sources_cited" in self.cleaned_data:
            services.set_citations(record=self.instance, sources=self.cleaned_data["sources_cited"])


class RegimePeriodForm(ConcurrentEditForm):
    """The admin (which supplies the model) adds the period-specific workflow to ConcurrentEditForm."""

    end_replaced = forms.BooleanField(
        required=False,
        label="End the period in force on this start date",
        help_text="When this period starts while a published period is still open, end that one "
        "the day this one begins. Drafts end it when they are published.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Most dates are exact: a form (or an older script) that leaves the precision out means 'day'.
        for name in ("start_precision", "end_precision"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_start_precision(self):
        return self.cleaned_data.get("start_precision") or DatePrecision.DAY

    def clean_end_precision(self):
        return self.cleaned_data.get("end_precision") or DatePrecision.DAY

    def validate_constraints(self):
        if not (self.instance.start_date and self.instance.jurisdiction_id):
            return super().validate_constraints()  # field errors already explain what is missing
        ending = self.cleaned_data.get("end_replaced") and self.instance.is_published
        if not ending:
            super().validate_constraints()
            replaced = services.replaced_period(self.instance) if self.instance.is_published else None
            if replaced is not None and self.errors:
                self.add_error(
                    "end_replaced",
                    (
                        f"The period from {replaced.start_date:%d %B %Y} ({replaced.legal_model or 'varies'}) "
                        "is still in force on this start date. Tick this box to end it then."
                    ),
                )
            return
        # The period to be ended may overlap: check everything else.
        exclude = self._get_validation_exclusions()
        exclude.add("start_date")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)
        replaced = services.replaced_period(self.instance)
        later = (
            RegimePeriod.objects.published()
            .filter(jurisdiction_id=self.instance.jurisdiction_id, start_date__gt=self.instance.start_date)
            .exclude(pk=self.instance.pk)
        )
        if self.instance.end_date:
            later = later.filter(start_date__lt=self.instance.end_date)
        elif later.exists():
            self.add_error("end_date", "A later published period exists: give this one an end date.")
            return
        if later.exists():
            self.add_error("end_date", "This period overlaps a later published period.")
        if replaced is None and not self.errors:
            self.add_error("end_replaced", "No published period is open on this start date.")

    def save(self, commit=True):
        if self.cleaned_data.get("end_replaced") and self.instance.is_published:
            services.end_replaced_period(period=self.instance)
        return super().save(commit)


class InlineRegimePeriodForm(CitingFormMixin, RegimePeriodForm):
    sources_cited = CitedSourcesField(RegimePeriod._meta.get_field("sources"))


class InlinePolicyEventForm(CitingFormMixin, ConcurrentEditForm):
    sources_cited = CitedSourcesField(PolicyEvent._meta.get_field("sources"))


class RegimePeriodFormSet(BaseInlineFormSet):
    """Refuse overlaps between published periods submitted together, unless one ends the other."""

    def clean(self):
        super().clean()
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("status") != PublicationStatus.PUBLISHED:
                continue
            if data.get("start_date"):
                spans.append((data["start_date"], data.get("end_date"), data.get("end_replaced")))
        spans.sort(key=lambda span: span[0])
        for (start, end, _), (next_start, _, ends_previous) in itertools.pairwise(spans):
            if (end is None or end > next_start) and not ends_previous:
                raise ValidationError(
                    f"The period starting {start:%d %B %Y} overlaps the one starting "
                    f"{next_start:%d %B %Y}. End the earlier period on or before the later one's "
                    "start, or tick “End the period in force on this start date” on the later one."
                )


class CitationFormSet(BaseInlineFormSet):
    """At least one citation per record."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError("Cite at least one source: a statute, ruling or report.")
