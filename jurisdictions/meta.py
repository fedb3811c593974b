"""Typed access to model field metadata (labels and help texts shown on pages and in exports)."""

from __future__ import annotations

from django.db.models import Field, Model


def concrete_field(model: type[Model] | Model, name: str) -> Field:
    """``model._meta.get_field(name)``, which must be a concrete field (not a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model._meta.label}.{name} is not a concrete field")
    return field


def field_label(model: type[Model] | Model, name: str) -> str:
    """The field's verbose name with a capital first letter, as a heading."""
    verbose_name = str(concrete_field(model, name).verbose_name)
    return verbose_name[:1].upper() + verbose_name[1:]
