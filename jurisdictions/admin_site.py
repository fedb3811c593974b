"""The admin site, with the editors' review queue on its index page."""

from django.contrib import admin


class AtlasAdminSite(admin.AdminSite):
    site_header = "Sex Work Law Atlas: editors"
    site_title = "Sex Work Law Atlas admin"
    index_title = "Records and review queue"

    def index(self, request, extra_context=None):
        # Imported here: the admin site is built while the app registry is still loading models.
        from .selectors import review_queue

        extra_context = {**(extra_context or {}), "review_queue": review_queue()}
        return super().index(request, extra_context)
