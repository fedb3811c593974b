"""Public pages of one jurisdiction: its detail page and its Atom feed."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.views import View

from . import selectors
from .forms import AsOfForm
from .models import Jurisdiction


def render_bad_request(request, forms_with_errors, title="This address cannot be shown"):
    """A 400 page that lists what was wrong with the query string."""
    return render(request, "invalid_request.html",
                  {"forms": forms_with_errors, "title": title}, status=400)


class AsOfMixin:
    """Validates ``?as_of=`` before the view runs: a 400 page on bad input, else
    ``self.as_of`` (today when absent) and ``self.as_of_form`` for the template."""

    def dispatch(self, request, *args, **kwargs):
        self.as_of_form = AsOfForm(request.GET)
        if not self.as_of_form.is_valid():
            return render_bad_request(request, [self.as_of_form])
        self.as_of = self.as_of_form.date()
        return super().dispatch(request, *args, **kwargs)


class JurisdictionDetailView(AsOfMixin, View):
    def get(self, request, slug):
        as_of_form = self.as_of_form
        # Staff may preview drafts (?preview=1); everyone else sees published records only.
        preview = request.user.is_staff and request.GET.get("preview") == "1"
        page = selectors.jurisdiction_page(slug=slug, as_of=as_of_form.date(), preview=preview,
                                           explicit_date=bool(as_of_form.cleaned_data["as_of"]))
        return render(request, "jurisdictions/detail.html", {"page": page, "as_of_form": as_of_form})


class JurisdictionEventsFeed(Feed):
    """Atom feed of one jurisdiction's policy events, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Jurisdiction.public, slug=slug)

    def title(self, jurisdiction):
        return f"{jurisdiction.name}: sex-work law events (Sex Work Law Atlas)"

    def link(self, jurisdiction):
        return jurisdiction.get_absolute_url()

    def subtitle(self, jurisdiction):
        return f"Dated policy events for {jurisdiction.name}, with sources."

    def items(self, jurisdiction):
        return jurisdiction.events.public().select_related("jurisdiction").newest_first()[:50]

    def item_title(self, event):
        return f"{event.title} ({event.get_kind_display()})"

    def item_description(self, event):
        return event.description

    def item_link(self, event):
        return f"{event.jurisdiction.get_absolute_url()}#event-{event.slug}"

    def item_pubdate(self, event):
        from datetime import datetime, time, timezone

        return datetime.combine(event.date, time(), tzinfo=timezone.utc)
