"""Form widgets of the public pages, each distinct one rendered once per process.

A widget's HTML is a pure function of its template and its context (name, value, attributes,
choices), so :class:`SharedWidgetRenderer` keeps what it rendered under that context and
answers the next form that shows the same widget the same way from memory: the filter panels
and date pickers of the public pages stop costing a template render per field and per
option on every request. Only widget templates are kept (``django/forms/widgets/``); forms,
labels and errors render as usual. The public forms inherit :class:`PublicForm`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString

WIDGET_TEMPLATES = "django/forms/widgets/"
MAX_ENTRIES = 512


class SharedWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, remembering each widget's HTML by its full context.

    The key is the context as JSON (lazy texts and dates as their text), so two widgets share
    an entry only when every name, value, attribute and choice is the same. At most
    ``MAX_ENTRIES`` widgets are kept, least recently used first out: typed values cannot grow it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._kept: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, template_name, context, request=None):
        if request is not None or not template_name.startswith(WIDGET_TEMPLATES):
            return super().render(template_name, context, request)
        key = (template_name, json.dumps(context, sort_keys=True, default=str))
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                return SafeString(html)
        html = super().render(template_name, context, request)
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > MAX_ENTRIES:
                self._kept.popitem(last=False)
        return html


shared_widget_renderer = SharedWidgetRenderer()


class PublicForm(forms.Form):
    """A form of the public site: its widgets render through :data:`shared_widget_renderer`."""

    default_renderer = shared_widget_renderer
