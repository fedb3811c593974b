"""Admin forms: refuse stale saves field by field, offer to end the period a new one replaces.

Forms validate and say which fields the editor changed; writing (publishing rules,
citations, revisions) is done by the admin through ``services``.
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.functional import cached_property

from . import history, services
from .models import DatePrecision, PolicyEvent, PublicationStatus, RegimePeriod, Source

# Fields that carry the form's own bookkeeping, never record values.
BOOKKEEPING_FIELDS = frozenset({"loaded_version", "loaded_values", "overwrite_newer", "change_note", "end_replaced"})


def _last_editor(instance) -> str:
    """'by <username>' for the latest recorded change of ``instance``, or ''."""
    latest = instance.history.select_related("pgh_context").order_by("-pgh_created_at").first()
    user_id = (latest.pgh_context.metadata or {}).get("user") if latest and latest.pgh_context else None
    if not user_id:
        return ""
    user = get_user_model().objects.filter(pk=user_id).first()
    return f" by {user.get_username()}" if user else ""


class ConcurrentEditForm(forms.ModelForm):
    """Knows which fields this editor changed, and refuses to save over a newer version.

    The form carries the record's ``updated_at`` and the values it was rendered with
    (``loaded_values``), both kept across a refused submission. ``changed_data`` compares
    the input with those values, so it names exactly what this editor changed even after
    someone else saved. If the record changed after the form was opened, the save is
    refused with the fields the other person changed; "Save anyway" then writes only this
    editor's fields and keeps everything else as the other person left it.
    """

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    loaded_values = forms.CharField(required=False, widget=forms.HiddenInput)
    overwrite_newer = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save anyway: keep their changes and write only the fields I changed",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.remember_loaded_values()

    def remember_loaded_values(self) -> None:
        """Put the record's version and current values in the hidden fields (call again after changing initials)."""
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
            self.fields["loaded_values"].initial = json.dumps(
                {name: self._initial_value(name) for name in self._record_fields()}, cls=DjangoJSONEncoder
            )

    def _record_fields(self) -> list[str]:
        return [name for name in self.fields if name not in BOOKKEEPING_FIELDS]

    def _initial_value(self, name: str):
        value = self.get_initial_for_field(self.fields[name], name)
        if isinstance(value, (list, tuple)):
            return [getattr(item, "pk", item) for item in value]
        return getattr(value, "pk", value)

    @cached_property
    def loaded(self) -> dict:
        """The record's values as the form was first rendered (empty for new records)."""
        raw = self.data.get(self.add_prefix("loaded_values")) if self.is_bound else None
        try:
            loaded = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _loaded_initial(self, name: str):
        field, value = self.fields[name], self.loaded.get(name)
        if value is None or isinstance(field, forms.ModelChoiceField):
            return value  # ModelChoiceField compares ids
        try:
            return field.to_python(value)
        except ValidationError:
            return value

    @cached_property
    def changed_data(self) -> list[str]:
        if not self.loaded:
            return super().changed_data
        return [
            name
            for name, bound in ((name, self[name]) for name in self.fields)
            if name not in BOOKKEEPING_FIELDS
            and (
                self.fields[name].has_changed(self._loaded_initial(name), bound.data)
                if name in self.loaded
                else self.fields[name].has_changed(bound.initial, bound.data)  # fields a formset adds (id, DELETE)
            )
        ]

    def changed_by_others(self) -> list[str]:
        """Fields whose stored value differs from the one this form was rendered with."""
        if not self.loaded or not self.instance.pk:
            return []
        current = type(self.instance).objects.filter(pk=self.instance.pk).first()
        if current is None:
            return []
        fresh = type(self)(instance=current, prefix=self.prefix)
        return [
            name
            for name in self._record_fields()
            if name in self.loaded
            and json.loads(json.dumps(fresh._initial_value(name), cls=DjangoJSONEncoder)) != self.loaded[name]
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.instance.pk or not self.has_changed():
            return data  # a new record, or nothing of this editor's to write
        current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
        loaded = data.get("loaded_version")
        if not (current and loaded and current.isoformat() != loaded):
            return data
        theirs = self.changed_by_others()
        if data.get("overwrite_newer"):
            # Write only this editor's fields: the rest take the stored (newer) values.
            fresh = type(self)(instance=type(self.instance).objects.get(pk=self.instance.pk), prefix=self.prefix)
            for name in theirs:
                if name in self.changed_data or name not in data:
                    continue
                value = fresh.get_initial_for_field(fresh.fields[name], name)
                if isinstance(self.fields[name], forms.ModelChoiceField) and value not in (None, [], ""):
                    value = self.fields[name].clean(value)
                data[name] = value
            return data
        self.fields["overwrite_newer"].widget = forms.CheckboxInput()
        when = timezone.localtime(current).strftime("%d %B %Y at %H:%M:%S")
        labels = [str(self.fields[name].label or name) for name in theirs]
        both = [str(self.fields[name].label or name) for name in theirs if name in self.changed_data]
        detail = f" They changed: {', '.join(labels)}." if labels else ""
        if both:
            detail += f" You changed {', '.join(both)} too."
        raise ValidationError(
            f"Someone else saved “{self.instance}”{_last_editor(self.instance)} on {when}, after you opened "
            f"it.{detail} Nothing was saved: your input is still in the form. Open the record in another tab "
            "to see their version, then save again, or tick “Save anyway” to write only the fields you "
            "changed.",
            code="stale",
        )


class RecordForm(ConcurrentEditForm):
    """A record's own change page: concurrency checks plus a note for the reviewer."""

    change_note = forms.CharField(
        required=False,
        label="Note for the reviewer",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you changed and why. Changes to published records wait for a reviewer, who sees this note.",
    )


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


if TYPE_CHECKING:  # what CitingFormMixin is mixed into
    CitingFormBase = ConcurrentEditForm
else:
    CitingFormBase = object


class CitingFormMixin(CitingFormBase):
    """For inline forms: the cited sources are edited directly (the admin saves them via services)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sources_cited"].initial = [c.source_id for c in self.instance.citations.order_by("pk")]
            self.remember_loaded_values()


class RegimePeriodForm(RecordForm):
    """A period adds the offer to end the published period it replaces."""

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
        # As ModelForm.validate_constraints() does, with start_date left out.
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]  # Django's, not in its stubs
        exclude.add("start_date")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self.add_error(None, error)
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


class InlineRegimePeriodForm(CitingFormMixin, RegimePeriodForm):
    sources_cited = CitedSourcesField(RegimePeriod._meta.get_field("sources"))


class InlinePolicyEventForm(CitingFormMixin, ConcurrentEditForm):
    sources_cited = CitedSourcesField(PolicyEvent._meta.get_field("sources"))


class RegimePeriodFormSet(BaseInlineFormSet):
    """Refuse overlaps between published periods submitted together, unless one ends the other;
    the period in force is deleted from its own page, which asks how the timeline continues."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and data.get("DELETE") and services.is_period_in_force(form.instance):
                raise ValidationError(
                    f"“{form.instance}” is the period in force: delete it from its own page, which asks "
                    "how the timeline continues."
                )
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

    def citations(self) -> list[dict]:
        """[{source, pinpoint}] the submitted forms describe, in order."""
        return [
            {"source": form.cleaned_data["source"].pk, "pinpoint": form.cleaned_data.get("pinpoint", "")}
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]


class HistoryFilterForm(forms.Form):
    """Filters of the change history; invalid values show as form errors, never as a server error."""

    record = forms.RegexField(
        regex=history.RECORD_PATTERN,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Unknown record."},
    )
    kind = forms.ChoiceField(
        required=False,
        label="Kind of record",
        choices=[("", "All records")]
        + [(model._meta.label_lower, str(model._meta.verbose_name).capitalize()) for model in history.TRACKED],
    )
    user = forms.ModelChoiceField(
        required=False,
        label="Changed by",
        empty_label="Anyone",
        queryset=get_user_model().objects.filter(is_staff=True).order_by("username"),
    )
