"""Site-wide defences: CSP header, read-only public site, login throttling behind a proxy,
short admin sessions, one-line logs for bad Host headers, health probes, production settings."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from django.urls import reverse

from config.security import client_ip

PROJECT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy") or response.headers["Content-Security-Policy-Report-Only"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


class TestContentSecurityPolicy:
    @pytest.mark.parametrize("url", ["/", "/jurisdictions/", "/no-such-page/", "/admin/login/"])
    def test_every_page_has_a_strict_policy(self, client, url):
        directives = csp_directives(client.get(url))
        assert directives["default-src"] == "'self'"
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in directives[directive] and "*" not in directives[directive]
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"

    def test_admin_inline_blocks_get_a_fresh_nonce(self, admin_client):
        first = admin_client.get(reverse("admin:jurisdictions_jurisdiction_changelist"))
        second = admin_client.get(reverse("admin:jurisdictions_jurisdiction_changelist"))
        nonce = csp_directives(first)["style-src"].split("'nonce-")[1].rstrip("'")
        assert f'nonce="{nonce}"' in first.content.decode()
        assert csp_directives(second)["style-src"] != csp_directives(first)["style-src"]


class TestPublicSiteIsReadOnly:
    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
    @pytest.mark.parametrize("url", ["/", "/jurisdictions/", "/events/feed/", "/models/nordic/feed/", "/healthz"])
    def test_only_get_and_head_are_allowed(self, client, method, url):
        response = client.generic(method.upper(), url)
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD"

    def test_head_is_answered(self, client):
        assert client.head("/events/feed/").status_code == 200

    def test_the_admin_still_takes_posts(self, client):
        assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 200


class TestSortParameter:
    @pytest.mark.parametrize("url", ["/jurisdictions/", "/jurisdictions/export.csv", "/jurisdictions/export.json"])
    @pytest.mark.parametrize("sort", [",", ",,", ",name", "name,,-name", "-since,"])
    def test_empty_sort_keys_are_ignored(self, client, url, sort):
        assert client.get(url, {"sort": sort}).status_code == 200


class TestLoginThrottling:
    URL = "/admin/login/"

    def fail(self, client, username, address="203.0.113.9"):
        return client.post(self.URL, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)

    @override_settings(ATLAS_LOGIN_FAILURES_PER_ADDRESS=8)
    def test_spraying_usernames_from_one_address_is_locked_out(self, client):
        User.objects.create_user(username="editor", password="a-long-enough-passphrase", is_staff=True)
        for index in range(7):
            assert "Too many failed" not in self.fail(client, f"user{index}").content.decode()
        assert "Too many failed" in self.fail(client, "user7").content.decode()
        locked = client.post(
            self.URL, {"username": "editor", "password": "a-long-enough-passphrase"}, REMOTE_ADDR="203.0.113.9"
        )
        assert "Too many failed sign-in attempts" in locked.content.decode()
        # Another address is not affected.
        other = client.post(
            self.URL, {"username": "editor", "password": "a-long-enough-passphrase"}, REMOTE_ADDR="198.51.100.7"
        )
        assert other.status_code == 302

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_each_client_is_counted_apart(self, client):
        User.objects.create_user(username="editor", password="a-long-enough-passphrase", is_staff=True)
        for _ in range(5):
            client.post(
                self.URL,
                {"username": "editor", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.7",
            )
        # Same proxy, another client: not locked out by the first one's failures.
        response = client.post(
            self.URL,
            {"username": "editor", "password": "a-long-enough-passphrase"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
        assert response.status_code == 302


class TestClientAddress:
    factory = RequestFactory()

    @pytest.mark.parametrize(
        ("proxies", "forwarded", "expected"),
        [
            (0, "198.51.100.7", "10.0.0.1"),  # no trusted proxy: the header proves nothing
            (1, "198.51.100.7", "198.51.100.7"),
            (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged entry on the left is ignored
            (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
            (2, "198.51.100.7", "10.0.0.1"),  # fewer entries than proxies: not through them all
            (1, "", "10.0.0.1"),
        ],
    )
    def test_client_is_read_through_the_trusted_proxies_only(self, settings, proxies, forwarded, expected):
        settings.TRUSTED_PROXY_COUNT = proxies
        request = self.factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert client_ip(request) == expected


def test_admin_sessions_last_a_working_day(client):
    User.objects.create_user(username="editor", password="a-long-enough-passphrase", is_staff=True)
    response = client.post("/admin/login/", {"username": "editor", "password": "a-long-enough-passphrase"})
    assert response.status_code == 302
    assert 0 < response.cookies["sessionid"]["max-age"] <= 8 * 60 * 60


def test_public_pages_set_no_cookie(client):
    assert not client.get("/jurisdictions/").cookies


def test_a_bad_host_header_is_logged_in_one_line(client, capsys, monkeypatch):
    handler = logging.getLogger("django.security.DisallowedHost").handlers[0]
    records: list[str] = []
    monkeypatch.setattr(handler, "emit", lambda record: records.append(handler.format(record)))
    with override_settings(ALLOWED_HOSTS=["atlas.example"]):
        assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert len(records) == 1 and "\n" not in records[0] and "evil.example" in records[0]


class TestHealthProbes:
    def test_liveness_needs_no_database(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        assert response.status_code == 200 and response.json() == {"status": "ok"}

    def test_readiness_checks_the_database_and_migrations(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200 and response.json() == {"status": "ready"}
        assert response.headers["Cache-Control"] == "no-store"


def run_production(*args, **env):
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process: not in production.
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://atlas@db.invalid:5432/atlas",
        "SECRET_KEY": "k" * 20 + "-production-check-" + "z" * 30,
        "ALLOWED_HOSTS": "atlas.example",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment, capture_output=True, text=True
    )


class TestProductionSettings:
    def test_check_deploy_is_clean_with_the_documented_variables(self):
        result = run_production("check", "--deploy", "--fail-level", "WARNING")
        assert result.returncode == 0, result.stderr + result.stdout
        assert "no issues" in result.stdout

    @pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
    def test_secrets_are_required(self, missing):
        result = run_production("check", **{missing: ""})
        assert result.returncode != 0
        assert result.stderr.strip().splitlines() == [
            next(line for line in result.stderr.splitlines() if f"{missing} must be set in production" in line)
        ]

    def test_pages_render_without_collectstatic(self, client, settings, tmp_path, caplog):
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "config.storage.AtlasStaticFilesStorage"},
        }
        settings.STATIC_ROOT = tmp_path  # empty: collectstatic never ran
        for url, status in [("/about/", 200), ("/no-such-page/", 404)]:
            response = client.get(url)
            assert response.status_code == status
            assert b'href="/static/css/site.css"' in response.content
        assert "run `manage.py collectstatic`" in caplog.text
