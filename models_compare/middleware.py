"""HTTP speed for the public site: a response cache and conditional GETs keyed on the data version.

Anonymous ``GET``/``HEAD`` requests (no session cookie) outside the admin are answered from
a cache keyed by the full URL, today's date, the content encoding and the data version
(:func:`jurisdictions.data_version.current_data_version`). Every write to a public table
bumps that version at commit, so a published change can never be served stale: the next
request looks under a new key. The same version makes the ``ETag`` and ``Last-Modified``
headers, so a browser's repeat visit is answered ``304 Not Modified`` without rendering.
"""

from __future__ import annotations

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.text import StreamingBuffer

from jurisdictions.data_version import current_data_version, pinned_data_version
from jurisdictions.routing import choose_read_alias, reads_from

SAFE_METHODS = {"GET", "HEAD"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Shared caches and browsers store the page but ask again each time (answered by a 304).
PUBLIC_CACHE_CONTROL = {"public": True, "no_cache": True}


class PublicPageCacheMiddleware:
    """Place it after SecurityMiddleware and WhiteNoise and before GZipMiddleware, so the
    stored responses are already compressed and carry every other middleware's headers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "ATLAS_RESPONSE_CACHE", True)
        self.cache_alias = getattr(settings, "ATLAS_RESPONSE_CACHE_ALIAS", "pages")
        self.timeout = getattr(settings, "ATLAS_RESPONSE_CACHE_TIMEOUT", 60 * 60 * 24)
        self.max_bytes = getattr(settings, "ATLAS_RESPONSE_CACHE_MAX_BYTES", 2 * 1024 * 1024)
        self.excluded = (
            *("/" + prefix.strip("/") + "/" for prefix in (settings.ADMIN_URL, settings.STATIC_URL or "static/")),
            # Health probes must answer without the database (and never from a cache).
            *getattr(settings, "ATLAS_RESPONSE_CACHE_EXCLUDE", ("/healthz", "/readyz")),
        )

    def is_public(self, request) -> bool:
        return (
            request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path_info.startswith(self.excluded)
        )

    def __call__(self, request):
        if not self.is_public(request):
            response = self.get_response(request)
            if request.method in SAFE_METHODS and settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in editor's page (perhaps a preview of drafts) is never shared.
                patch_cache_control(response, private=True)
            return response
        try:
            # A streaming replica that is up and current, else the primary (jurisdictions/routing.py).
            alias = choose_read_alias()
            version = current_data_version(alias)
        except DatabaseError:
            # The database is down or hung: let the page fail below, where it becomes a 503.
            return self.get_response(request)
        with reads_from(alias), pinned_data_version(alias, version=version):
            return self.respond(request, version)

    def respond(self, request, version):
        today = timezone.localdate()
        gzip = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(f"{url}\n{gzip}".encode()).hexdigest()[:32]
        stamp = f"{version.number}.{int(version.changed_at.timestamp())}"
        etag = f'W/"{stamp}-{today:%Y%m%d}-{digest[:16]}"'
        last_modified = version.last_modified(today)
        if self.not_modified(request, etag, last_modified.timestamp()):
            response = HttpResponseNotModified()
            self.mark(response, etag, last_modified)
            return response
        key = f"atlas:page:{stamp}:{today.isoformat()}:{digest}"
        cache = caches[self.cache_alias] if self.enabled else None
        cached = self.from_cache(request, cache, key, etag) if cache is not None else None
        if cached is not None:
            return cached
        response = self.get_response(request)
        if response.status_code != 200 or not self.storable(response):
            return response
        if response.has_header("ETag"):
            # A file served with its own validators (the whole-dataset exports): it answers
            # conditional and range requests itself.
            return self.keep_file(request, response, cache, key)
        self.mark(response, etag, last_modified)
        if cache is not None:
            if response.streaming:
                response.streaming_content = self.tee(response.streaming_content, dict(response.items()), cache, key)
            elif len(response.content) <= self.max_bytes:
                cache.set(key, response, self.timeout)
        return response

    def from_cache(self, request, cache, key: str, etag: str):
        cached = cache.get(key)
        if cached is None or cached["ETag"] == etag:
            return cached
        # A file kept with its own validators (keep_file); a byte range is cut from the file.
        if "HTTP_RANGE" in request.META:
            return None
        if self.not_modified(request, cached["ETag"], parse_http_date_safe(cached["Last-Modified"])):
            return self.file_not_modified(cached)
        return cached

    def keep_file(self, request, response, cache, key):
        """Keep a small file's whole body, with the file's own headers and validators.

        Opening, checking and sending a file costs a request three to four times the bare
        view; the whole-dataset downloads at today's size are 24-105 KB gzipped, about the
        size of the home page (54 KB), which the cache holds. Range requests still go to the
        file (they skip the cache above), and a ``HEAD`` answer has no body to keep.
        """
        size = response.get("Content-Length", "")
        if (
            cache is None
            or request.method != "GET"
            or "HTTP_RANGE" in request.META
            or not isinstance(response, FileResponse)
            or not size.isdigit()
            or int(size) > self.max_bytes
        ):
            return response
        try:
            content = response.getvalue()
        finally:
            # The file only: closing the response itself would signal the end of the request.
            if response.file_to_stream is not None:
                response.file_to_stream.close()
        kept = whole_response(content, dict(response.items()))
        if len(content) == int(size):
            cache.set(key, kept, self.timeout)
        return kept

    @staticmethod
    def file_not_modified(cached):
        response = HttpResponseNotModified()
        for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
            if cached.has_header(name):
                response[name] = cached[name]
        return response

    @staticmethod
    def not_modified(request, etag: str, modified: float | None) -> bool:
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter.
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return etag.removeprefix("W/") in tags or "*" in tags
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and modified is not None and int(modified) <= since

    @staticmethod
    def mark(response, etag: str, last_modified) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)

    @staticmethod
    def storable(response) -> bool:
        """Only pages that are the same for everyone: no cookie set, nothing read from the session."""
        if response.cookies:
            return False
        vary = response.get("Vary", "").lower()
        if "cookie" in vary:
            return False
        control = response.get("Cache-Control", "").lower()
        return not any(word in control for word in ("private", "no-store"))

    def tee(self, chunks, headers: dict, cache, key):
        """Pass a streamed body through; store it too when it ends below the size limit."""
        kept: list[bytes] | None = []
        size = 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size <= self.max_bytes:
                    kept.append(chunk)
                else:
                    kept = None
            yield chunk
        if kept is not None:
            cache.set(key, whole_response(b"".join(kept), headers), self.timeout)


def whole_response(content: bytes, headers: dict[str, str]) -> HttpResponse:
    """A body read to its end, as a response the cache can store, with the headers it was sent with."""
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


class PublicGZipMiddleware(GZipMiddleware):
    """Compresses HTML, SVG, JSON and CSV, except in the admin, at ``ATLAS_GZIP_LEVEL`` (4).

    Admin pages carry CSRF tokens and editors' data; compressing them next to text an
    attacker can inject is what BREACH exploits. Public pages carry no secret, so they need
    no random padding either. Level 4 instead of Django's 6: a third of the CPU for about
    10% more bytes (the 250 KB home page: 2.8 ms instead of 8.7 ms, 54 KB instead of 49 KB),
    and a page rendered for every request pays it every time.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.admin_prefix = "/" + settings.ADMIN_URL.strip("/") + "/"
        self.level = getattr(settings, "ATLAS_GZIP_LEVEL", 4)

    def process_response(self, request, response):
        if request.path_info.startswith(self.admin_prefix):
            return response
        # As GZipMiddleware, at our level: nothing short, nothing already encoded.
        if not response.streaming and len(response.content) < 200:
            return response
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        if response.streaming:
            if response.is_async:
                return super().process_response(request, response)
            response.streaming_content = gzip_chunks(response.streaming_content, self.level)
            del response.headers["Content-Length"]
        else:
            packed = gzip.compress(response.content, compresslevel=self.level, mtime=0)
            if len(packed) >= len(response.content):
                return response
            response.content = packed
            response.headers["Content-Length"] = str(len(packed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def gzip_chunks(chunks, level: int):
    """A streamed body, gzipped as it goes (django.utils.text.compress_sequence at ``level``)."""
    buffer = StreamingBuffer()
    with gzip.GzipFile(mode="wb", compresslevel=level, fileobj=buffer, mtime=0) as packer:
        yield buffer.read()  # the gzip header
        for chunk in chunks:
            packer.write(chunk)
            data = buffer.read()
            if data:
                yield data
    yield buffer.read()
