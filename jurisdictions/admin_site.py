"""The admin site, with the editors' review queue on its index page and the change history."""

from django.contrib import admin
from django.urls import path


class AtlasAdminSite(admin.AdminSite):
    site_header = "Sex Work Law Atlas: editors"
    site_title = "Sex Work Law Atlas admin"
    index_title = "Records and review queue"

    def get_urls(self):
        # Imported here: the admin site is built while the app registry is still loading models.
        from .admin import change_history_view

        return [path("history/", self.admin_view(change_history_view), name="history"), *super().get_urls()]

    def index(self, request, extra_context=None):
        from .selectors import review_queue

        extra_context = {**(extra_context or {}), "review_queue": review_queue(), "can_see_history": True}
        return super().index(request, extra_context)
