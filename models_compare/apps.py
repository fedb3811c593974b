from django.apps import AppConfig


class ModelsCompareConfig(AppConfig):
    name = "models_compare"
    verbose_name = "Legal models and comparison"
