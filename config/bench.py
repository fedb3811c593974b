"""The benchmark's ceiling: an empty page through every middleware (``manage.py benchmark``).

Served at ``/bench/bare/`` only when ``ATLAS_BENCHMARK_VIEW`` is set. It is never stored by the
response cache (``no-store``), so every request pays the full middleware stack, a cache
lookup included.
"""

from django.http import HttpResponse


def bare(request):
    response = HttpResponse(b"ok", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
