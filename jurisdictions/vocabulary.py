"""The public vocabulary of DESIGN.md: slugs that URLs, exports and tests rely on.

Changing a value here changes a public contract; add, never rename.
"""

from dataclasses import dataclass

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
    UNKNOWN = "unknown", "Not established"


class Requirement(models.TextChoices):
    """Whether the law imposes a duty on sex workers (registration, health checks)."""

    REQUIRED = "required", "Required"
    REQUIRED_IN_LICENSED_SECTOR = "required_in_licensed_sector", "Required in the licensed sector"
    NOT_REQUIRED = "not_required", "Not required"
    VARIES_LOCALLY = "varies_locally", "Varies by locality"
    UNKNOWN = "unknown", "Not established"


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


@dataclass(frozen=True)
class ModelDefinition:
    """What a legal model covers: the treatments of each role that laws of this model have, the
    most common first. ``validate_atlas`` reports a period coded with the model whose treatments
    fall outside these, unless its ``model_exception`` note explains why."""

    workers: tuple[str, ...]
    clients: tuple[str, ...]
    third_parties: tuple[str, ...]

    def roles(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """[(role key, role name, treatments)] in the order pages list them."""
        return [
            ("workers", "Sex workers", self.workers),
            ("clients", "Clients", self.clients),
            ("third_parties", "Third parties", self.third_parties),
        ]

    def outside(self, *, workers: str, clients: str, third_parties: str) -> list[str]:
        """The role names whose treatment this definition does not cover ([] when all fit)."""
        coded = {"workers": workers, "clients": clients, "third_parties": third_parties}
        return [name for key, name, allowed in self.roles() if coded[key] not in allowed]


# What each model covers, read from the laws coded (see docs/DATA.md, "Legal models"). Full
# criminalisation punishes selling with or without punishing clients (Russia's and Central Asia's
# administrative codes fine only the seller); partial criminalisation leaves selling lawful and may
# or may not reach clients (kerb-crawling) and every third party (letting rooms may be lawful);
# Nordic laws may still catch two workers sharing premises; legalisation may license individual
# workers while criminalising every third party, and may license clients' venues; decriminalisation
# leaves sex-work businesses under general business or planning licensing.
MODEL_DEFINITIONS: dict[str, ModelDefinition] = {
    LegalModelSlug.CRIMINALIZATION: ModelDefinition(
        workers=(Treatment.CRIMINALIZED,),
        clients=(Treatment.CRIMINALIZED, Treatment.LEGAL),
        third_parties=(Treatment.CRIMINALIZED,),
    ),
    LegalModelSlug.PARTIAL_CRIMINALIZATION: ModelDefinition(
        workers=(Treatment.PARTIALLY_CRIMINALIZED, Treatment.LEGAL),
        clients=(Treatment.LEGAL, Treatment.PARTIALLY_CRIMINALIZED),
        third_parties=(Treatment.CRIMINALIZED, Treatment.PARTIALLY_CRIMINALIZED),
    ),
    LegalModelSlug.NORDIC: ModelDefinition(
        workers=(Treatment.LEGAL, Treatment.PARTIALLY_CRIMINALIZED),
        clients=(Treatment.CRIMINALIZED,),
        third_parties=(Treatment.CRIMINALIZED,),
    ),
    LegalModelSlug.LEGALIZATION: ModelDefinition(
        workers=(Treatment.REGULATED,),
        clients=(Treatment.LEGAL, Treatment.REGULATED),
        third_parties=(Treatment.REGULATED, Treatment.CRIMINALIZED),
    ),
    LegalModelSlug.DECRIMINALIZATION: ModelDefinition(
        workers=(Treatment.LEGAL,),
        clients=(Treatment.LEGAL,),
        third_parties=(Treatment.REGULATED, Treatment.LEGAL),
    ),
}
