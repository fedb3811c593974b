from django.views.generic import DetailView

from .models import Jurisdiction


class JurisdictionDetailView(DetailView):
    model = Jurisdiction
    template_name = "jurisdictions/detail.html"
