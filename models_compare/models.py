from django.db import models

from .vocabulary import LegalModelSlug, Treatment


class LegalModel(models.Model):
    """One of the five legal models of sex work (DESIGN.md), e.g. ``nordic``.

    The rows are created by a migration: their slugs are a public contract.
    ``typical_*`` describe the model in the abstract; each regime period codes
    what a particular law actually does.
    """

    slug = models.SlugField(
        "slug", unique=True, choices=LegalModelSlug.choices,
        help_text="Public identifier used in URLs and exports.",
    )
    name = models.CharField("name", max_length=100, help_text="e.g. 'Nordic model'.")
    academic_name = models.CharField(
        "academic name", max_length=100,
        help_text="The name in the policy literature, e.g. 'neo-abolitionism'.",
    )
    also_called = models.CharField(
        "also called", max_length=200, blank=True,
        help_text="Other names in common use, comma-separated.",
    )
    summary = models.CharField(
        "summary", max_length=300, help_text="One sentence: what is and is not an offence."
    )
    description = models.TextField(
        "description", help_text="Plain-language explanation shown on the model's page."
    )
    typical_workers = models.CharField(
        "typical treatment of sex workers", max_length=30, choices=Treatment.choices,
        help_text="How laws of this model usually treat people who sell sex.",
    )
    typical_clients = models.CharField(
        "typical treatment of clients", max_length=30, choices=Treatment.choices,
        help_text="How laws of this model usually treat people who buy sex.",
    )
    typical_third_parties = models.CharField(
        "typical treatment of third parties", max_length=30, choices=Treatment.choices,
        help_text="Brothel operators, managers, landlords, drivers, advertisers.",
    )
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Order in lists and legends."
    )

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
