"""Jurisdictions and the dated, sourced records of their sex-work law.

Invariants live in the database (constraints, an exclusion constraint and a
trigger), so the admin, the loader and raw ORM writes are held to the same rules.
``clean()`` methods repeat the checks the database cannot phrase as a form error.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Deferrable, F, Func, Q, Value
from django.urls import get_script_prefix, get_urlconf, reverse

from .data_version import bumps_data_version
from .meta import concrete_field, field_label
from .querysets import (
    JurisdictionQuerySet,
    PolicyEventQuerySet,
    PublicJurisdictionManager,
    RegimePeriodQuerySet,
    fold,
)
from .vocabulary import (
    CODED_ACTIVITY_FIELDS,
    MODEL_DEFINITIONS,
    ActivityStatus,
    Confidence,
    LegalModelSlug,
    Requirement,
    Treatment,
)

ISO_CODE_PATTERN = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


class JurisdictionKind(models.TextChoices):
    COUNTRY = "country", "Country"
    LEGAL_JURISDICTION = "legal_jurisdiction", "Legal jurisdiction within a country"
    STATE = "state", "State"
    PROVINCE = "province", "Province"
    CANTON = "canton", "Canton"
    TERRITORY = "territory", "Territory"
    COUNTY = "county", "County"
    CITY = "city", "City"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    """UN M49 regions."""

    AFRICA = "africa", "Africa"
    AMERICAS = "americas", "Americas"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    OCEANIA = "oceania", "Oceania"


class DatePrecision(models.TextChoices):
    """How much of a date the sources establish. A less precise date is stored as the first day
    of its month or year, so dates still sort and filter; it is shown only as far as it is known."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"

    def fits(self, value: datetime.date) -> bool:
        """Whether ``value`` is a valid date at this precision: the 1st of the month, or 1 January."""
        if self == DatePrecision.YEAR:
            return (value.month, value.day) == (1, 1)
        return self == DatePrecision.DAY or value.day == 1

    def format(self, value: datetime.date) -> str:  # type: ignore[override]  # (str.format is not used on choices)
        """'2003', 'June 2003' or '28 June 2003'."""
        if self == DatePrecision.YEAR:
            return str(value.year)
        if self == DatePrecision.MONTH:
            return f"{value:%B} {value.year}"
        return f"{value.day} {value:%B} {value.year}"

    def iso(self, value: datetime.date) -> str:
        """'2003', '2003-06' or '2003-06-28': a valid HTML ``<time datetime>`` that claims no more
        than is known."""
        if self == DatePrecision.YEAR:
            return f"{value.year:04d}"
        if self == DatePrecision.MONTH:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()


def date_matches_precision_q(date_field: str, precision_field: str) -> Q:
    """Q: the date is the 1st of its month (month precision) or 1 January (year precision)."""
    return (
        Q(**{precision_field: DatePrecision.DAY})
        | Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(**{precision_field: DatePrecision.YEAR, f"{date_field}__month": 1, f"{date_field}__day": 1})
    )


class EventKind(models.TextChoices):
    BILL_INTRODUCED = "bill_introduced", "Bill introduced"
    BILL_DEFEATED = "bill_defeated", "Bill defeated or lapsed"
    LAW_PASSED = "law_passed", "Law passed"
    LAW_IN_FORCE = "law_in_force", "Law in force"
    AMENDMENT = "amendment", "Amendment"
    COURT_RULING = "court_ruling", "Court ruling"
    COURT_STRUCK_DOWN = "court_struck_down", "Law struck down by a court"
    REPEAL = "repeal", "Repeal"
    ENFORCEMENT_CHANGE = "enforcement_change", "Enforcement change"
    OFFICIAL_STATEMENT = "official_statement", "Official statement or recommendation"
    # Dated in the future as a rule: a review or evaluation a law or government has scheduled.
    SCHEDULED_REVIEW = "scheduled_review", "Scheduled review or evaluation"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not public)"
    PUBLISHED = "published", "Published"


class EditTracked(models.Model):
    """Adds ``updated_at``: the admin compares it on save so a stale form cannot overwrite newer data."""

    updated_at = models.DateTimeField("last changed", auto_now=True)

    if TYPE_CHECKING:  # the versions ``track_history`` records (django-pghistory's event model)
        from django.db.models.fields.related_descriptors import RelatedManager

        history: RelatedManager[Any]

    class Meta:
        abstract = True


class Publishable(EditTracked):
    """A policy record that the public sees only once a reviewer has published it."""

    status = models.CharField(
        "status",
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text="Drafts are visible to editors (preview) but not on public pages or in exports.",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


# Every change (admin, bulk action, import, queryset update, raw SQL) is recorded by
# database triggers: a snapshot per insert, update and delete, with the user and URL.
def track_history(model_name: str, label: str):
    """Track every insert, update and delete of a model in ``<model_name>`` (reachable as ``.history``)."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=model_name,
        meta={"verbose_name": f"{label} version", "verbose_name_plural": f"{label} history"},
        # 'events' (pghistory's default) already names a jurisdiction's policy events.
        obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history"),
    )


class SourceKind(models.TextChoices):
    STATUTE = "statute", "Statute or regulation"
    COURT_RULING = "court_ruling", "Court ruling"
    GOVERNMENT = "government", "Government or parliamentary document"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental body (UN, EU, ...)"
    NGO = "ngo", "NGO report"
    ACADEMIC = "academic", "Academic publication"
    NEWS = "news", "News report"
    OTHER = "other", "Other"


class LegalModel(models.Model):
    """One of the five legal models of sex work (DESIGN.md), e.g. ``nordic``.

    The rows are created by a migration: their slugs are a public contract.
    ``typical_*`` describe the model in the abstract; each regime period codes
    what a particular law actually does.
    """

    slug = models.SlugField(
        "slug",
        unique=True,
        choices=LegalModelSlug.choices,
        help_text="Public identifier used in URLs and exports.",
    )
    name = models.CharField("name", max_length=100, help_text="e.g. 'Nordic model'.")
    academic_name = models.CharField(
        "academic name",
        max_length=100,
        help_text="The name in the policy literature, e.g. 'neo-abolitionism'.",
    )
    also_called = models.CharField(
        "also called",
        max_length=200,
        blank=True,
        help_text="Other names in common use, comma-separated.",
    )
    summary = models.CharField("summary", max_length=300, help_text="One sentence: what is and is not an offence.")
    description = models.TextField("description", help_text="Plain-language explanation shown on the model's page.")
    typical_workers = models.CharField(
        "typical treatment of sex workers",
        max_length=30,
        choices=Treatment.choices,
        help_text="How laws of this model usually treat people who sell sex.",
    )
    typical_clients = models.CharField(
        "typical treatment of clients",
        max_length=30,
        choices=Treatment.choices,
        help_text="How laws of this model usually treat people who buy sex.",
    )
    typical_third_parties = models.CharField(
        "typical treatment of third parties",
        max_length=30,
        choices=Treatment.choices,
        help_text="Brothel operators, managers, landlords, drivers, advertisers.",
    )
    position = models.PositiveSmallIntegerField("position", default=0, help_text="Order in lists and legends.")

    class Meta:
        ordering = ["position"]
        verbose_name = "legal model"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slug__in=LegalModelSlug.values),
                name="legal_model_slug_in_vocabulary",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self) -> list[dict]:
        """What the model covers, role by role: [{role, treatments: [{slug, label}]}], the most
        common treatment first (``vocabulary.MODEL_DEFINITIONS``, which validate_atlas applies)."""
        return [
            {"role": name, "treatments": [{"slug": value, "label": Treatment(value).label} for value in values]}
            for _, name, values in MODEL_DEFINITIONS[self.slug].roles()
        ]


_detail_prefixes: dict[tuple[str, object, str], str] = {}


def _detail_url_prefix() -> str:
    """'/jurisdictions/': what a jurisdiction's page address has before its slug."""
    key = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    prefix = _detail_prefixes.get(key)
    if prefix is None:
        prefix = _detail_prefixes[key] = reverse("jurisdictions:detail", kwargs={"slug": "x"})[: -len("x/")]
    return prefix


@track_history("JurisdictionHistory", "jurisdiction")
class Jurisdiction(Publishable):
    """A place with its own sex-work law: a country, or a unit whose law differs.

    Example: the United States (coded "varies") with Nevada as a child, and
    Nevada's counties as Nevada's children.
    """

    name = models.CharField("name", max_length=150, help_text="Common English name, e.g. 'New Zealand'.")
    slug = models.SlugField(
        "slug",
        max_length=150,
        unique=True,
        help_text="Public identifier used in URLs and exports, e.g. 'new-zealand'. Never change it once published.",
    )
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=JurisdictionKind.choices,
        default=JurisdictionKind.COUNTRY,
        help_text="What sort of unit this is.",
    )
    iso_code = models.CharField(
        "ISO code",
        max_length=6,
        blank=True,
        help_text="ISO 3166-1 alpha-2 for countries (e.g. 'SE'), ISO 3166-2 for subdivisions "
        "(e.g. 'US-NV'); blank where none exists (e.g. a county).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="part of",
        null=True,
        blank=True,
        # PROTECT: deleting a country must not silently delete its states' records.
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The jurisdiction this one belongs to; blank for countries.",
    )
    region = models.CharField("region", max_length=20, choices=Region.choices, help_text="UN M49 region.")
    subregion = models.CharField(
        "subregion", max_length=60, blank=True, help_text="UN M49 subregion, e.g. 'Northern Europe'."
    )
    last_reviewed = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="When a reviewer last checked every record of this jurisdiction against its sources "
        "(set by the “Mark reviewed” action). Blank: not known to have been reviewed.",
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="last reviewed by",
        null=True,
        blank=True,
        # SET_NULL: removing an account keeps the review date.
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reviewer who marked it reviewed; blank for dates from the curated files.",
    )
    notes = models.TextField("notes", blank=True, help_text="Editorial notes shown on the public page.")

    objects = JurisdictionQuerySet.as_manager()
    public = PublicJurisdictionManager()

    if TYPE_CHECKING:  # the regime in force, annotated by JurisdictionQuerySet.with_regime() (None: no regime)
        regime_period_id: int | None
        regime_varies: bool | None
        regime_model_slug: str | None
        regime_model_name: str | None
        regime_model_position: int | None
        regime_since: datetime.date | None
        regime_since_precision: str | None
        regime_began_earlier: bool | None
        regime_until: datetime.date | None
        regime_workers: str | None
        regime_clients: str | None
        regime_third_parties: str | None
        regime_confidence: str | None

    class Meta:
        permissions = [("publish_jurisdiction", "Can publish and unpublish jurisdictions")]
        ordering = ["name"]
        indexes = [
            # Search (JurisdictionQuerySet.search) matches folded names by trigrams.
            GinIndex(OpClass(fold(F("name")), name="gin_trgm_ops"), name="jurisdiction_name_trigram"),
            # Browse's pages in name order: a page reads its rows, not the whole table.
            models.Index(fields=["name", "id"], condition=Q(status="published"), name="jurisdiction_public_by_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~Q(iso_code=""),
                name="jurisdiction_unique_iso_code",
                violation_error_message="Another jurisdiction already has this ISO code.",
            ),
            models.CheckConstraint(
                condition=Q(iso_code="") | Q(iso_code__regex=ISO_CODE_PATTERN),
                name="jurisdiction_iso_code_format",
                violation_error_message="ISO codes look like 'SE' or 'US-NV' (capital letters).",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="jurisdiction_not_own_parent",
                violation_error_message="A jurisdiction cannot be part of itself.",
            ),
            models.CheckConstraint(
                condition=Q(kind=JurisdictionKind.COUNTRY, parent__isnull=True) | ~Q(kind=JurisdictionKind.COUNTRY),
                name="jurisdiction_country_has_no_parent",
                violation_error_message="A country cannot be part of another jurisdiction.",
            ),
        ]
        # A trigger (migration 0002) also refuses longer cycles: A -> B -> A.

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # A slug is [-a-zA-Z0-9_], which reverse() would leave as it is: one reverse() per
        # process and URL configuration, not one per row of a list.
        return f"{_detail_url_prefix()}{self.slug}/"

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "This would make the jurisdiction part of itself."})
            ancestor = ancestor.parent

    def ancestors(self, *, public: bool = False) -> list[Jurisdiction]:
        """Parent, grandparent, ... (outermost last); ``public=True`` leaves drafts out."""
        chain, node = [], self.parent
        while node is not None:
            if not public or node.is_published:
                chain.append(node)
            node = node.parent
        return chain

    @property
    def public_parent(self) -> Jurisdiction | None:
        """The parent as public pages and exports name it: None while the parent is a draft."""
        parent = self.parent
        return parent if parent is not None and parent.is_published else None

    @property
    def label(self) -> str:
        """The name with its parent, so that places sharing a name are told apart in lists.

        'Georgia (United States)', 'Clark County, Nevada', 'Sweden'. Load ``parent`` with the
        row (``select_related("parent")``) when labelling many places.
        """
        parent = self.public_parent if self.parent_id is not None else None  # a draft parent is not named
        if parent is None:
            return self.name
        if self.kind in (JurisdictionKind.COUNTY, JurisdictionKind.CITY):
            return f"{self.name}, {parent.name}"
        return f"{self.name} ({parent.name})"


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Other name in use"
    FORMER = "former", "Former name"


@track_history("JurisdictionAliasHistory", "jurisdiction alias")
class JurisdictionAlias(models.Model):
    """Another name people search for: 'UK', 'Holland', 'Ivory Coast', or a former name ('Swaziland').

    Search (``Jurisdiction.objects.search``) matches aliases as it matches names: case and
    accents ignored.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="jurisdiction",
        # CASCADE: an alias is part of the jurisdiction's own record, not history of its law.
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField("name", max_length=150, help_text="e.g. 'UK', 'Holland', 'Burma'.")
    kind = models.CharField(
        "kind",
        max_length=10,
        choices=AliasKind.choices,
        default=AliasKind.ALIAS,
        help_text="A former name is shown as such in search results ('formerly Swaziland').",
    )

    class Meta:
        verbose_name = "alias"
        verbose_name_plural = "aliases"
        ordering = ["jurisdiction", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                name="jurisdiction_alias_once",
                violation_error_message="This jurisdiction already has this alias.",
            ),
            models.CheckConstraint(condition=Q(kind__in=AliasKind.values), name="jurisdiction_alias_kind"),
            models.CheckConstraint(condition=~Q(name=""), name="jurisdiction_alias_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


@track_history("SourceHistory", "source")
class Source(EditTracked):
    """A document a claim rests on: a statute, ruling, official or NGO report, article."""

    slug = models.SlugField(
        "key",
        max_length=120,
        unique=True,
        help_text="Short stable identifier used by the curated dataset, e.g. 'nz-prostitution-reform-act-2003'.",
    )
    title = models.CharField("title", max_length=300)
    url = models.URLField(
        "URL",
        max_length=500,
        unique=True,
        help_text="Official address of the document; each document is recorded once.",
    )
    publisher = models.CharField(
        "publisher", max_length=200, blank=True, help_text="e.g. 'New Zealand Parliamentary Counsel Office'."
    )
    kind = models.CharField("kind", max_length=20, choices=SourceKind.choices)
    published_on = models.DateField("published on", null=True, blank=True, help_text="Blank if unknown.")
    accessed_on = models.DateField(
        "accessed on", null=True, blank=True, help_text="When an editor last opened the URL."
    )
    notes = models.TextField("notes", blank=True)

    class Meta:
        ordering = ["title"]
        permissions = [("publish_source", "Can change sources that published records cite")]

    def __str__(self) -> str:
        return self.title


@track_history("PolicyEventHistory", "policy event")
class PolicyEvent(Publishable):
    """A dated step in a jurisdiction's law: a bill, a law passed or in force, a ruling, a repeal.

    Example: "Prostitution Reform Act 2003 comes into force", 27 June 2003, New Zealand.
    Events that belong to no jurisdiction (Amnesty International's 2016 policy)
    have no jurisdiction.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="jurisdiction",
        null=True,
        blank=True,
        # PROTECT: a jurisdiction with recorded history cannot vanish silently.
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Blank for international events not tied to one jurisdiction.",
    )
    slug = models.SlugField(
        "key",
        max_length=150,
        unique=True,
        help_text="Stable identifier, e.g. 'new-zealand-2003-pra-in-force'.",
    )
    date = models.DateField("date", help_text="For month or year precision, use the first day of the month or year.")
    date_precision = models.CharField(
        "date precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date the sources establish.",
    )
    kind = models.CharField("kind", max_length=30, choices=EventKind.choices)
    title = models.CharField("title", max_length=300)
    description = models.TextField("description", blank=True, help_text="What changed, in neutral terms.")
    confidence = models.CharField(
        "confidence",
        max_length=6,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
        help_text="How firmly the cited sources establish this event and its date.",
    )
    needs_review = models.BooleanField(
        "needs review", default=False, help_text="Tick when something here is uncertain; say what in the notes."
    )
    notes = models.TextField("notes", blank=True, help_text="What is uncertain, and why.")
    sources = models.ManyToManyField(Source, through="PolicyEventSource", related_name="events", verbose_name="sources")

    objects = PolicyEventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        permissions = [("publish_policyevent", "Can publish and unpublish policy events")]
        indexes = [
            models.Index(fields=["jurisdiction", "date"]),
            models.Index(fields=["date"]),
            # Changed since a date (browse's changed_since): the places with a published event
            # on or after it, read from the index alone.
            models.Index(
                fields=["date"], include=["jurisdiction"], condition=Q(status="published"), name="event_published_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_precision=DatePrecision.DAY)
                | Q(date_precision=DatePrecision.MONTH, date__day=1)
                | Q(date_precision=DatePrecision.YEAR, date__month=1, date__day=1),
                name="event_date_matches_precision",
                violation_error_message="With month precision the date must be the 1st; "
                "with year precision, 1 January.",
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_in_vocabulary"),
        ]

    def __str__(self) -> str:
        return self.title


@track_history("RegimePeriodHistory", "regime period")
class RegimePeriod(Publishable):
    """From ``start_date`` (to ``end_date``) a jurisdiction was governed by one legal model.

    Example: Sweden, Nordic model, from 1 January 1999, still in force: workers
    legal, clients criminalised, third parties criminalised. Periods of one
    jurisdiction never overlap (an exclusion constraint enforces it).
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="jurisdiction",
        # PROTECT: history is kept; remove periods explicitly before a jurisdiction.
        on_delete=models.PROTECT,
        related_name="regime_periods",
    )
    varies_within = models.BooleanField(
        "varies within",
        default=False,
        help_text="Tick when the law is set by the units (states, counties) and each is coded on "
        "its own; leave the model and treatments blank then.",
    )
    legal_model = models.ForeignKey(
        LegalModel,
        verbose_name="legal model",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regime_periods",
        help_text="Blank only when the law varies within the jurisdiction.",
    )
    start_date = models.DateField(
        "in force from",
        help_text="First day the regime applied. For month or year precision, the first day of the month or year.",
    )
    start_precision = models.CharField(
        "start date precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the start date the sources establish: pages show '1995' for year precision.",
    )
    in_force_before_start = models.BooleanField(
        "already in force before",
        default=False,
        help_text="Tick when the regime began before the start date and the record starts at the "
        "dataset's coverage floor (1 January 1990) rather than at the law's own start.",
    )
    end_date = models.DateField(
        "in force until",
        null=True,
        blank=True,
        help_text="First day it no longer applied (exclusive). Blank: still in force.",
    )
    end_precision = models.CharField(
        "end date precision",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the end date the sources establish (ignored while the period is in force).",
    )
    treatment_of_workers = models.CharField(
        "sex workers",
        max_length=30,
        choices=Treatment.choices,
        blank=True,
        help_text="How the law treats people who sell sex.",
    )
    treatment_of_clients = models.CharField(
        "clients",
        max_length=30,
        choices=Treatment.choices,
        blank=True,
        help_text="How the law treats people who buy sex.",
    )
    treatment_of_third_parties = models.CharField(
        "third parties",
        max_length=30,
        choices=Treatment.choices,
        blank=True,
        help_text="Brothel owners and managers, landlords, drivers, security, receptionists, "
        "advertisers, anyone 'living on the earnings'.",
    )
    # Activity details: what a person doing each of these faces.
    street_work = models.CharField(
        "street-based sex work",
        max_length=30,
        choices=ActivityStatus.choices,
        default=ActivityStatus.UNKNOWN,
        help_text="Soliciting or working in public places.",
    )
    indoor_work_alone = models.CharField(
        "working alone indoors",
        max_length=30,
        choices=ActivityStatus.choices,
        default=ActivityStatus.UNKNOWN,
        help_text="One sex worker working from private premises.",
    )
    working_together = models.CharField(
        "working together",
        max_length=30,
        choices=ActivityStatus.choices,
        default=ActivityStatus.UNKNOWN,
        help_text="Two or more sex workers sharing premises for safety or cost.",
    )
    brothels = models.CharField(
        "brothels and managed venues",
        max_length=30,
        choices=ActivityStatus.choices,
        default=ActivityStatus.UNKNOWN,
        help_text="Operating premises where others sell sex.",
    )
    advertising = models.CharField(
        "advertising",
        max_length=30,
        choices=ActivityStatus.choices,
        default=ActivityStatus.UNKNOWN,
        help_text="Advertising sexual services.",
    )
    registration = models.CharField(
        "mandatory registration",
        max_length=30,
        choices=Requirement.choices,
        default=Requirement.UNKNOWN,
        help_text="Must sex workers register with the authorities?",
    )
    health_checks = models.CharField(
        "mandatory health checks",
        max_length=30,
        choices=Requirement.choices,
        default=Requirement.UNKNOWN,
        help_text="Must sex workers undergo health checks?",
    )
    notes = models.TextField("notes", blank=True, help_text="Nuances and uncertainties, in plain language.")
    confidence = models.CharField(
        "confidence",
        max_length=6,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
        help_text="How firmly the cited sources establish this coding.",
    )
    model_exception = models.TextField(
        "why the treatments differ from the model",
        blank=True,
        help_text="Only when a role's treatment falls outside what the legal model covers (see the models "
        "page): why the period is coded with this model all the same, with the source.",
    )
    needs_review = models.BooleanField(
        "needs review", default=False, help_text="Tick when something is uncertain; say what in the notes."
    )
    enacted_by = models.ForeignKey(
        PolicyEvent,
        verbose_name="enacted by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="periods_enacted",
        help_text="The event (usually a law coming into force) that began this period.",
    )
    sources = models.ManyToManyField(
        Source, through="RegimePeriodSource", related_name="regime_periods", verbose_name="sources"
    )

    objects = RegimePeriodQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction", "start_date"]
        permissions = [("publish_regimeperiod", "Can publish and unpublish regime periods")]
        indexes = [
            # As of a date: the published period of a place that started on or before it
            # (with_regime's join, a jurisdiction's page), its end read from the index.
            models.Index(
                fields=["jurisdiction", "start_date"],
                include=["end_date"],
                condition=Q(status="published"),
                name="period_public_by_place_start",
            ),
            # Changed since a date: published periods that began, or ended, on or after it.
            models.Index(
                fields=["start_date"],
                include=["jurisdiction"],
                condition=Q(status="published"),
                name="period_published_start",
            ),
            models.Index(
                fields=["end_date"],
                include=["jurisdiction"],
                condition=Q(status="published"),
                name="period_published_end",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="regime_period_ends_after_start",
                violation_error_message="The end date must be after the start date.",
            ),
            models.CheckConstraint(
                condition=date_matches_precision_q("start_date", "start_precision"),
                name="regime_period_start_matches_precision",
                violation_error_message="With month precision the start date must be the 1st; "
                "with year precision, 1 January.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | date_matches_precision_q("end_date", "end_precision"),
                name="regime_period_end_matches_precision",
                violation_error_message="With month precision the end date must be the 1st; "
                "with year precision, 1 January.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        varies_within=True,
                        legal_model__isnull=True,
                        treatment_of_workers="",
                        treatment_of_clients="",
                        treatment_of_third_parties="",
                    )
                    | Q(
                        varies_within=False,
                        legal_model__isnull=False,
                        treatment_of_workers__in=Treatment.values,
                        treatment_of_clients__in=Treatment.values,
                        treatment_of_third_parties__in=Treatment.values,
                    )
                ),
                name="regime_period_model_or_varies",
                violation_error_message="Either choose a legal model and all three treatments, or "
                "tick 'varies within' and leave them blank.",
            ),
            # DEFERRABLE INITIALLY IMMEDIATE: checked at once, but the loader may
            # defer it to rewrite a run of adjacent periods in one transaction.
            ExclusionConstraint(
                name="regime_periods_do_not_overlap",
                expressions=[
                    ("jurisdiction", RangeOperators.EQUAL),
                    (
                        Func(
                            F("start_date"),
                            F("end_date"),
                            Value("[)"),
                            function="daterange",
                            output_field=DateRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                # Drafts may overlap: publishing one ends the period it replaces.
                condition=Q(status=PublicationStatus.PUBLISHED),
                deferrable=Deferrable.IMMEDIATE,
                violation_error_message="This period overlaps another published period of the "
                "same jurisdiction. End the earlier period first.",
            ),
        ]

    def __str__(self) -> str:
        model = "varies" if self.varies_within else (self.legal_model or "?")
        until = self.end_date.isoformat() if self.end_date else "in force"
        return f"{self.jurisdiction}: {model} ({self.start_date.isoformat()} – {until})"

    ROLE_FIELDS = (
        ("Sex workers", "treatment_of_workers"),
        ("Clients", "treatment_of_clients"),
        ("Third parties", "treatment_of_third_parties"),
    )

    @property
    def start_display(self) -> str:
        """The start date as precisely as it is known: '1995', 'June 2020', '28 June 2003'."""
        return DatePrecision(self.start_precision).format(self.start_date)

    @property
    def end_display(self) -> str:
        """The end date as precisely as it is known; empty while the period is in force."""
        return DatePrecision(self.end_precision).format(self.end_date) if self.end_date else ""

    @property
    def model_slug(self) -> str:
        """The public model slug, or 'varies'."""
        if self.varies_within or self.legal_model is None:
            return "varies"
        return self.legal_model.slug

    def role_treatments(self) -> list[dict]:
        """[{role, slug, label}] for workers, clients and third parties."""
        return [
            {"role": role, "field": name, "slug": getattr(self, name), "label": getattr(self, f"get_{name}_display")()}
            for role, name in self.ROLE_FIELDS
        ]

    def activity_details(self) -> list[dict]:
        """[{activity, help, slug, label}] for every coded activity, in a fixed order."""
        details = []
        for name in CODED_ACTIVITY_FIELDS:
            details.append(
                {
                    "activity": field_label(self, name),
                    "field": name,
                    "help": concrete_field(self, name).help_text,
                    "slug": getattr(self, name),
                    "label": getattr(self, f"get_{name}_display")(),
                }
            )
        return details

    def clean(self) -> None:
        super().clean()
        # Checked here too so the no-overlap check never builds an impossible range.
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "The end date must be after the start date."})
        # Here too because the admin skips the start-date constraints when it ends a replaced period.
        for date_field, precision_field in (("start_date", "start_precision"), ("end_date", "end_precision")):
            value, precision = getattr(self, date_field), getattr(self, precision_field)
            if value and precision in DatePrecision.values and not DatePrecision(precision).fits(value):
                raise ValidationError(
                    {date_field: "With month precision the date must be the 1st; with year precision, 1 January."}
                )
        if self.enacted_by is not None and self.enacted_by.jurisdiction_id not in (None, self.jurisdiction_id):
            raise ValidationError({"enacted_by": "The enacting event belongs to another jurisdiction."})


@track_history("RegimePeriodSourceHistory", "regime period citation")
class RegimePeriodSource(models.Model):
    """A citation: this source supports this regime period (at an optional pinpoint)."""

    regime_period = models.ForeignKey(RegimePeriod, on_delete=models.CASCADE, related_name="citations")
    # PROTECT: a source still cited cannot be deleted.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="period_citations")
    pinpoint = models.CharField(
        "pinpoint", max_length=300, blank=True, help_text="Section, article or page, e.g. 's. 19'."
    )

    class Meta:
        verbose_name = "source"
        constraints = [
            models.UniqueConstraint(fields=["regime_period", "source"], name="period_source_once"),
        ]

    def __str__(self) -> str:
        return str(self.source)


@track_history("PolicyEventSourceHistory", "policy event citation")
class PolicyEventSource(models.Model):
    """A citation: this source supports this policy event."""

    event = models.ForeignKey(PolicyEvent, on_delete=models.CASCADE, related_name="citations")
    # PROTECT: a source still cited cannot be deleted.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="event_citations")
    pinpoint = models.CharField(
        "pinpoint", max_length=300, blank=True, help_text="Section, article or page, e.g. 'para 164'."
    )

    class Meta:
        verbose_name = "source"
        constraints = [
            models.UniqueConstraint(fields=["event", "source"], name="event_source_once"),
        ]

    def __str__(self) -> str:
        return str(self.source)


class DatasetLoad(models.Model):
    """A record that ``load_atlas`` loaded the curated dataset with this content digest."""

    digest = models.CharField("content digest", max_length=64, help_text="SHA-256 of the fixture files.")
    loaded_at = models.DateTimeField("loaded at", auto_now_add=True)
    summary = models.TextField("summary", blank=True, help_text="What the load created and updated.")

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M} ({self.digest[:12]})"


class DataVersion(models.Model):
    """The one-row version of everything the public sees (see ``data_version.py``).

    Written only by the database: a trigger raises ``number`` when a transaction that
    changed a public table commits.
    """

    number = models.BigIntegerField("number")
    changed_at = models.DateTimeField("changed at")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="data_version_single_row")]

    def __str__(self) -> str:
        return f"data version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class DataChange(models.Model):
    """A transaction that changed a public table and has not committed yet (emptied at commit)."""

    txid = models.BigIntegerField("transaction id", primary_key=True)

    def __str__(self) -> str:
        return f"pending change in transaction {self.txid}"


# Every table whose rows reach a public page raises the data version: the admin, publishing,
# restore, load_atlas, imports and the shell all go through these triggers.
for _model in (
    LegalModel,
    Jurisdiction,
    JurisdictionAlias,
    Source,
    PolicyEvent,
    RegimePeriod,
    RegimePeriodSource,
    PolicyEventSource,
):
    pgtrigger.register(bumps_data_version())(_model)


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class RevisionQuerySet(models.QuerySet):
    def pending(self) -> RevisionQuerySet:
        """Revisions no reviewer has decided yet."""
        return self.filter(status=RevisionStatus.PENDING)

    def of(self, record: models.Model) -> RevisionQuerySet:
        """Revisions proposed for ``record``."""
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


class Revision(models.Model):
    """A change an editor proposed to a published record, waiting for a reviewer's decision.

    The public keeps reading the published row. ``changes`` holds the proposed values of
    the fields the editor changed (JSON: dates as ISO strings, foreign keys as ids) and
    ``base`` what those fields held when the editor saved, so approval can tell whether
    someone changed them since. Example: an editor proposes to lower the confidence of
    Sweden's 1999 period and explains why in ``note``; a reviewer approves it, and the
    period's history records the approval. Rejected revisions are kept.
    """

    content_type = models.ForeignKey(ContentType, verbose_name="kind of record", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField("record id")
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(
        "record", max_length=400, help_text="The record's name when the revision was proposed."
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="jurisdiction",
        null=True,
        blank=True,
        # SET_NULL: decided revisions are kept as a record even if the jurisdiction goes.
        on_delete=models.SET_NULL,
        related_name="revisions",
        help_text="The jurisdiction the record belongs to (for the review queue); blank for international events.",
    )
    changes = models.JSONField("proposed values", default=dict, help_text="Field name → proposed value.")
    base = models.JSONField("values before", default=dict, help_text="Field name → value when proposed.")
    citations = models.JSONField(
        "proposed sources",
        null=True,
        blank=True,
        help_text="[{source, pinpoint}] the record would cite; blank: the sources do not change.",
    )
    base_citations = models.JSONField("sources before", null=True, blank=True)
    end_replaced = models.BooleanField(
        "end the period in force",
        default=False,
        help_text="Approval also ends the published period in force on this period's start date.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="proposed by",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("editor's note", blank=True, help_text="What changed and why, for the reviewer.")
    created_at = models.DateTimeField("proposed at", auto_now_add=True)
    status = models.CharField("status", max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="decided by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("decided at", null=True, blank=True)
    decision_note = models.TextField("reviewer's note", blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RevisionStatus.values), name="revision_status_known"),
            models.CheckConstraint(
                condition=Q(status=RevisionStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=RevisionStatus.PENDING) & Q(decided_at__isnull=False)),
                name="revision_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision of {self.record_label} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RevisionStatus.PENDING


class LoadedRecord(models.Model):
    """The fingerprint of a record as ``load_atlas`` last loaded it from the curated files.

    ``values`` are the record's canonical values as the files stated them; a record whose
    database values still equal them was not edited since, so a changed file may update
    it. ``file`` and ``position`` say where it was written, so ``dump_atlas`` puts it back.
    Example: kind "period", key "sweden@1999-01-01".
    """

    kind = models.CharField(
        "kind",
        max_length=12,
        choices=[
            ("source", "Source"),
            ("jurisdiction", "Jurisdiction"),
            ("event", "Policy event"),
            ("period", "Regime period"),
        ],
    )
    key = models.CharField("key", max_length=200, help_text="Slug or key; a period: '<jurisdiction>@<start>'.")
    object_id = models.PositiveBigIntegerField("record id")
    values = models.JSONField("values as loaded")
    file = models.CharField("file", max_length=300, blank=True, help_text="Path under fixtures/.")
    position = models.PositiveIntegerField("position in the file", default=0)

    class Meta:
        verbose_name = "loaded record"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="loaded_record_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
