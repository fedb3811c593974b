"""The public vocabulary of DESIGN.md: slugs that URLs, exports and tests rely on.

Changing a value here changes a public contract; add, never rename.
"""

from django.db import models


class LegalModelSlug(models.TextChoices):
    """The five legal models, in the order the site presents them."""

    CRIMINALIZATION = "criminalization", "Full criminalisation"
    PARTIAL_CRIMINALIZATION = "partial_criminalization", "Partial criminalisation"
    NORDIC = "nordic", "Nordic model"
    LEGALIZATION = "legalization", "Legalisation"
    DECRIMINALIZATION = "decriminalization", "Decriminalisation"


# Exported in place of a model slug for a jurisdiction whose units differ.
VARIES = "varies"


class Treatment(models.TextChoices):
    """How the law treats one role (sex workers, clients or third parties)."""

    CRIMINALIZED = "criminalized", "Criminalised"
    PARTIALLY_CRIMINALIZED = "partially_criminalized", "Partially criminalised"
    REGULATED = "regulated", "Regulated (legal only within licensing)"
    LEGAL = "legal", "Legal under general law"


class ActivityStatus(models.TextChoices):
    """The legal status of one activity (street work, brothels, advertising, ...)."""

    LAWFUL = "lawful", "Lawful"
    REGULATED = "regulated", "Lawful only with a licence, permit or in permitted zones"
    ADMINISTRATIVE_OFFENCE = "administrative_offence", "Administrative offence (fine)"
    CRIMINAL_OFFENCE = "criminal_offence", "Criminal offence"
    VARIES_LOCALLY = "varies_locally", "Varies by locality"
    UNKNOWN = "unknown", "Not yet coded"


class Requirement(models.TextChoices):
    """Whether the law imposes a duty on sex workers (registration, health checks)."""

    REQUIRED = "required", "Required"
    REQUIRED_IN_LICENSED_SECTOR = "required_in_licensed_sector", "Required in the licensed sector"
    NOT_REQUIRED = "not_required", "Not required"
    VARIES_LOCALLY = "varies_locally", "Varies by locality"
    UNKNOWN = "unknown", "Not yet coded"


class Confidence(models.TextChoices):
    """How sure the coding is, given the sources cited."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# What a regime period codes besides the three roles, in the order pages and exports show them:
# activities (each an ActivityStatus), then duties of sex workers (each a Requirement).
ACTIVITY_FIELDS = ("street_work", "indoor_work_alone", "working_together", "brothels", "advertising")
REQUIREMENT_FIELDS = ("registration", "health_checks")
CODED_ACTIVITY_FIELDS = (*ACTIVITY_FIELDS, *REQUIREMENT_FIELDS)
