"""Public form widgets are remembered by their full context: the same HTML as Django renders."""

import re

from django.forms.renderers import DjangoTemplates
from django.http import QueryDict

from models_compare import form_rendering
from models_compare.filters import JurisdictionFilterSet, PolicyEventFilterSet


def widgets(form) -> dict[str, str]:
    return {field.name: str(field) for field in form}


def test_remembered_widgets_are_the_html_django_renders():
    for query in ["", "legal_model=nordic&region=europe&sort=-since&q=<b>x</b>", "confidence=low&as_of=2001-01-01"]:
        data = QueryDict(query)
        shared = JurisdictionFilterSet(data).form
        plain = JurisdictionFilterSet(data).form
        plain.renderer = DjangoTemplates()
        expected = widgets(plain)
        assert widgets(shared) == expected
        assert widgets(shared) == expected  # now from memory


def test_a_widget_is_told_apart_by_its_value():
    checked = re.compile(r'value="(\w+)"[^>]*checked')
    first = widgets(PolicyEventFilterSet(QueryDict("kind=law_passed")).form)["kind"]
    second = widgets(PolicyEventFilterSet(QueryDict("kind=court_ruling")).form)["kind"]
    assert checked.findall(first) == ["law_passed"]
    assert checked.findall(second) == ["court_ruling"]


def test_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(form_rendering, "MAX_ENTRIES", 3)
    renderer = form_rendering.SharedWidgetRenderer()
    for n in range(10):
        form = JurisdictionFilterSet(QueryDict(f"q=place{n}")).form
        form.renderer = renderer
        str(form["q"])
    assert len(renderer._kept) == 3
