"""Create (or update) the 'editor' and 'reviewer' groups with their permissions. Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

RECORD_MODELS = ["jurisdiction", "source", "policyevent", "regimeperiod", "regimeperiodsource", "policyeventsource"]
HISTORY_MODELS = [f"{name}history" for name in RECORD_MODELS]

ROLES = {
    # Editors add and change records (new policy records start as drafts); they cannot
    # publish or delete.
    "editor": (
        [f"{action}_{model}" for model in RECORD_MODELS for action in ("add", "change", "view")]
        + [f"view_{model}" for model in HISTORY_MODELS]
        + ["view_legalmodel", "view_revision"]
    ),
    # Reviewers also publish, unpublish and delete, and change the sources public records cite.
    "reviewer": (
        [f"{action}_{model}" for model in RECORD_MODELS for action in ("add", "change", "view", "delete")]
        + [f"view_{model}" for model in HISTORY_MODELS]
        + [
            "view_legalmodel",
            "change_legalmodel",
            "publish_jurisdiction",
            "publish_policyevent",
            "publish_regimeperiod",
            "publish_source",
            "view_revision",
            "change_revision",
            "view_datasetload",
        ]
    ),
}


class Command(BaseCommand):
    help = "Create the 'editor' and 'reviewer' groups with exactly their permissions."

    def handle(self, *args, **options):
        for name, codenames in ROLES.items():
            group, _ = Group.objects.get_or_create(name=name)
            permissions = Permission.objects.filter(content_type__app_label="jurisdictions", codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                self.stderr.write(f"{name}: unknown permissions {sorted(missing)} (run migrate first)")
            group.permissions.set(permissions)
            self.stdout.write(f"{name}: {permissions.count()} permissions")
