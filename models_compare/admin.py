from django.contrib import admin

from .models import LegalModel


@admin.register(LegalModel)
class LegalModelAdmin(admin.ModelAdmin):
    """The five models are a public contract: editors may refine the wording, not add or remove."""

    list_display = ["name", "slug", "academic_name", "typical_workers", "typical_clients",
                    "typical_third_parties"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
