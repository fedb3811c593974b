"""Request-level defences that hold for the whole site (see SECURITY.md)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponseNotAllowed

SAFE_METHODS = ("GET", "HEAD")


class PublicReadOnlyMiddleware:
    """Public pages, feeds, exports and probes answer GET and HEAD only (405 otherwise).

    Runs before CSRF, so a POST to a public address is a clear 405, not a 403; only the
    admin (the editors' site) takes other methods.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return None
        return HttpResponseNotAllowed(SAFE_METHODS)


def client_ip(request) -> str:
    """The client's address, for login throttling (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it
    received the request from to ``X-Forwarded-For``, the client is the entry that many
    places from the right: entries further left were written by the client and prove
    nothing. With no trusted proxy (the default) it is the socket's address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through them all.
        return remote
    return forwarded[-proxies]


class AddressThrottlingHandler(AxesDatabaseHandler):
    """django-axes' handler, plus a limit per address whatever the usernames tried.

    axes locks a username from an address after AXES_FAILURE_LIMIT failures; trying many
    usernames from one address (spraying) would never trip that, so an address is also
    locked out after ATLAS_LOGIN_FAILURES_PER_ADDRESS failures within the cool-off period.
    """

    def get_failures(self, request, credentials=None) -> int:
        # What axes compares with AXES_FAILURE_LIMIT, both before a login and after a failure.
        failures = super().get_failures(request, credentials)
        if self.failures_from_address(request) >= settings.ATLAS_LOGIN_FAILURES_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def failures_from_address(self, request) -> int:
        from axes.models import AccessAttempt

        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
