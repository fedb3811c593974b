"""FilterSets for the public list pages and exports (one per list)."""

import django_filters
from django import forms
from django.db.models import F, Q

from jurisdictions.counts import NO_REGIME
from jurisdictions.models import EventKind, Jurisdiction, JurisdictionKind, PolicyEvent, Region
from jurisdictions.vocabulary import VARIES, Confidence, LegalModelSlug, Treatment

from .as_of import AsOfField
from .form_rendering import PublicForm
from .forms import PlaceField, PlaceInput

MODEL_CHOICES = [
    *LegalModelSlug.choices,
    (VARIES, "Varies within (units coded separately)"),
    (NO_REGIME, "No regime recorded on the date"),
]


def short_choices(choices, short_labels):
    """``choices`` with some labels shortened, so that a chosen value fits its select box in the
    filter column (the results table still prints the full label)."""
    return [(value, short_labels.get(value, label)) for value, label in choices]


TREATMENT_CHOICES = short_choices(Treatment.choices, {Treatment.REGULATED: "Regulated (licensing)"})
KIND_CHOICES = short_choices(JurisdictionKind.choices, {JurisdictionKind.LEGAL_JURISDICTION: "Legal jurisdiction"})


class AsOfFilter(django_filters.Filter):
    """Consumed by filter_queryset (it picks the regime), so filtering itself is a no-op."""

    field_class = AsOfField

    def filter(self, qs, value):
        return qs


class EventsUpToFilter(django_filters.Filter):
    """as_of on the events page: events dated on or before it."""

    field_class = AsOfField


class JurisdictionFilterForm(PublicForm):
    def clean_sort(self):
        """Each sort key once, empty ones dropped: ``?sort=,`` or ``?sort=name,,name`` means what it says."""
        return list(dict.fromkeys(key for key in self.cleaned_data.get("sort") or [] if key)) or None


class PlaceFilter(django_filters.Filter):
    """One jurisdiction typed by name, alias, ISO code or slug (never a list of every place)."""

    field_class = PlaceField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(**{self.field_name: value})


class JurisdictionFilterSet(django_filters.FilterSet):
    """Browse and export: jurisdictions with the regime in force on ``as_of``."""

    q = django_filters.CharFilter(
        method="filter_text",
        label="Name, other name or ISO code",
        max_length=100,
        help_text="Accents and case ignored: UK, Holland, Cote d'Ivoire, US-NV.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    legal_model = django_filters.MultipleChoiceFilter(
        field_name="regime_model_slug",
        choices=MODEL_CHOICES,
        label="Legal model",
        method="filter_model",
        widget=forms.CheckboxSelectMultiple,
    )
    region = django_filters.ChoiceFilter(
        field_name="region", choices=Region.choices, label="Region", empty_label="Any region"
    )
    kind = django_filters.ChoiceFilter(field_name="kind", choices=KIND_CHOICES, label="Kind", empty_label="Any kind")
    parent = PlaceFilter(
        field_name="parent",
        label="Part of",
        help_text="A country or state: its units are listed.",
        widget=PlaceInput(attrs={"placeholder": "e.g. United States"}),
    )
    workers = django_filters.ChoiceFilter(
        field_name="regime_workers", choices=TREATMENT_CHOICES, label="Sex workers", empty_label="Any treatment"
    )
    clients = django_filters.ChoiceFilter(
        field_name="regime_clients", choices=TREATMENT_CHOICES, label="Clients", empty_label="Any treatment"
    )
    third_parties = django_filters.ChoiceFilter(
        field_name="regime_third_parties",
        choices=TREATMENT_CHOICES,
        label="Third parties",
        empty_label="Any treatment",
    )
    confidence = django_filters.MultipleChoiceFilter(
        field_name="regime_confidence",
        choices=Confidence.choices,
        label="Confidence of the coding",
        widget=forms.CheckboxSelectMultiple,
        help_text="How firmly the cited sources establish the regime: low means incomplete or conflicting sources.",
    )
    changed_since = django_filters.DateFilter(
        method="filter_changed_since",
        label="Law changed since",
        input_formats=["%Y-%m-%d", "%Y"],
        help_text="A year (2015) or a date (2015-06-01).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY or YYYY-MM-DD"}),
    )
    as_of = AsOfFilter(
        label="Law as of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="From 1990-01-01 to today. Empty: today.",
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("regime_model_position", "model"),
            ("regime_since", "since"),
            ("region", "region"),
            ("kind", "kind"),
        ),
        field_labels={
            "name": "Name",
            "regime_model_position": "Legal model",
            "regime_since": "In force since",
            "region": "Region",
            "kind": "Kind",
        },
        label="Sort by",
        empty_label="Name (A–Z)",
    )

    class Meta:
        model = Jurisdiction
        fields: list[str] = []
        form = JurisdictionFilterForm

    def filter_queryset(self, queryset):
        # The regime must be annotated before any filter reads it.
        queryset = queryset.with_regime(as_of=self.form.cleaned_data.get("as_of"))
        return super().filter_queryset(queryset).order_by(*self._ordering())

    @property
    def ranked_by_search(self) -> bool:
        """A text search with no sort asked for: best match first."""
        data = self.form.cleaned_data
        return not data.get("sort") and bool((data.get("q") or "").strip())

    @property
    def sorted_by_name(self) -> bool:
        """The default order: no sort asked for and no search ranking."""
        return not self.form.cleaned_data.get("sort") and not self.ranked_by_search

    def sorted_column(self) -> dict[str, str]:
        """The column the rows are sorted by, as ``aria-sort`` says it: ``{"since": "descending"}``;
        the name when nothing else is asked for, no column when a text search ranks the rows."""
        keys = self.form.cleaned_data.get("sort") or []
        if not keys:
            return {} if self.ranked_by_search else {"name": "ascending"}
        return {keys[0].lstrip("-"): "descending" if keys[0].startswith("-") else "ascending"}

    def _ordering(self):
        """The requested sort (translated to field names), then name as a stable tie-break."""
        sort = self.filters["sort"]
        ordering = []
        for param in self.form.cleaned_data.get("sort") or []:
            value = sort.get_ordering_value(param)
            # Jurisdictions without a regime on the date sort last either way.
            if value.startswith("-"):
                ordering.append(F(value[1:]).desc(nulls_last=True))
            else:
                ordering.append(F(value).asc(nulls_last=True))
        if self.ranked_by_search:
            ordering.append(F("search_rank").desc())  # best match first, as the site search
        return [*ordering, "name", "pk"]

    def filter_text(self, queryset, name, value):
        """Names, aliases, former names and ISO codes, accents and case ignored (the site search)."""
        return queryset.search(value) if value.strip() else queryset

    def filter_model(self, queryset, name, values):
        if not values:
            return queryset
        condition = Q(regime_model_slug__in=[v for v in values if v not in (VARIES, NO_REGIME)])
        if VARIES in values:
            condition |= Q(regime_varies=True)
        if NO_REGIME in values:
            condition |= Q(regime_period_id__isnull=True)
        return queryset.filter(condition)

    def filter_changed_since(self, queryset, name, value):
        return queryset.changed_since(value) if value else queryset


class PolicyEventFilterForm(PublicForm):
    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'From' date must not be after the 'To' date.")
        return data


class PolicyEventFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=EventKind.choices, label="Kind", widget=forms.CheckboxSelectMultiple
    )
    jurisdiction = PlaceFilter(field_name="jurisdiction", label="Jurisdiction", help_text="Empty: everywhere.")
    model_change = django_filters.BooleanFilter(
        method="filter_model_change",
        label="Changed the legal model",
        widget=forms.Select(
            choices=[
                ("", "Any event"),
                ("true", "Began a new regime"),
                ("false", "Began no new regime"),
            ]
        ),
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    as_of = EventsUpToFilter(
        field_name="date",
        lookup_expr="lte",
        label="Events up to",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="From 1990-01-01 to today. Empty: today.",
    )

    class Meta:
        model = PolicyEvent
        fields: list[str] = []
        form = PolicyEventFilterForm

    def filter_model_change(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(periods_enacted__isnull=not value).distinct()
