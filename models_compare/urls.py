from django.urls import path
from django.views.generic import TemplateView

app_name = "models_compare"

urlpatterns = [
    path("", TemplateView.as_view(template_name="models_compare/home.html"), name="home"),
]
