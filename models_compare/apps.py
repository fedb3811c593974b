from django.apps import AppConfig


class ModelsCompareConfig(AppConfig):
    name = "models_compare"
    verbose_name = "Public comparison site"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
