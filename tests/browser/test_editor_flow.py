"""An editor adds a policy event and a regime period; a reviewer publishes them; the public sees them."""

import io
import json
import re

from django.core.management import call_command
from playwright.sync_api import expect

from .helpers import BROWSER, visit

pytestmark = BROWSER
PASSWORD = "a-long-enough-passphrase-2026"


def make_user(role: str):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=role, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, live_server, username):
    visit(page, live_server, "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Records and review queue")).to_be_visible()


def log_out(page):
    page.context.clear_cookies()


def choose_source(page, select_id, search):
    """Pick a source in a Django admin autocomplete (select2) widget."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=search).first.click()


def test_editor_drafts_and_reviewer_publishes(page, live_server, atlas):
    from jurisdictions.models import Jurisdiction
    from tests.factories import SourceFactory

    call_command("setup_roles", stdout=io.StringIO())
    make_user("editor")
    make_user("reviewer")
    SourceFactory(title="Netherlands Sex Work Regulation Act 2026", url="https://example.org/nl-2026")
    netherlands = Jurisdiction.objects.get(slug="netherlands")

    # The editor opens the Netherlands in the admin and adds an event and a period on one page.
    log_in(page, live_server, "editor")
    visit(page, live_server, f"/admin/jurisdictions/jurisdiction/{netherlands.pk}/change/")
    page.locator("#events-group .add-row a").click()
    event = page.locator("#events-0")
    event.locator("#id_events-0-date").fill("2025-01-01")
    event.locator("#id_events-0-kind").select_option("law_in_force")
    event.locator("#id_events-0-slug").fill("netherlands-2025-reform-in-force")
    event.locator("#id_events-0-title").fill("The Sex Work Regulation Act comes into force")
    choose_source(page, "id_events-0-sources_cited", "Netherlands Sex Work Regulation")

    page.locator("#regime_periods-group .add-row a").click()
    period = page.locator("#regime_periods-1")
    period.locator("#id_regime_periods-1-start_date").fill("2025-01-01")
    period.locator("#id_regime_periods-1-legal_model").select_option(label="Decriminalisation")
    period.locator("#id_regime_periods-1-treatment_of_workers").select_option("legal")
    period.locator("#id_regime_periods-1-treatment_of_clients").select_option("legal")
    period.locator("#id_regime_periods-1-treatment_of_third_parties").select_option("regulated")
    choose_source(page, "id_regime_periods-1-sources_cited", "Netherlands Sex Work Regulation")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Drafts: not public yet, but the editor can preview them.
    visit(page, live_server, "/jurisdictions/netherlands/")
    expect(page.locator("#regime-heading + .model-line")).to_contain_text("Legalisation")
    page.get_by_role("link", name="Preview with drafts").click()
    expect(page.locator("#regime-heading + .model-line")).to_contain_text("Decriminalisation")
    expect(page.get_by_text("Draft").first).to_be_visible()
    log_out(page)

    # The reviewer publishes both from the admin lists.
    log_in(page, live_server, "reviewer")
    for listing in ("regimeperiod", "policyevent"):
        visit(page, live_server, f"/admin/jurisdictions/{listing}/?status__exact=draft")
        page.locator("#action-toggle").check()
        page.locator("select[name=action]").select_option("publish_selected")
        page.get_by_role("button", name="Run").click()
        expect(page.locator(".messagelist")).to_contain_text("Published 1 record")
    log_out(page)

    # The public page and the export show the new regime; the old one ended the day it began.
    visit(page, live_server, "/jurisdictions/netherlands/")
    expect(page.locator("#regime-heading + .model-line")).to_contain_text("Decriminalisation")
    expect(page.locator("#regime-heading + .model-line")).to_contain_text("since 1 January 2025")
    expect(page.get_by_text("The Sex Work Regulation Act comes into force")).to_be_visible()
    export = json.loads(page.request.get(live_server.url + "/jurisdictions/export.json?q=netherlands").text())
    row = export["results"][0]
    assert (row["slug"], row["legal_model"], row["regime_since"]) == ("netherlands", "decriminalization", "2025-01-01")
    assert row["sources"] == ["https://example.org/nl-2026"]
    old = netherlands.regime_periods.get(legal_model__slug="legalization")
    assert old.end_date is not None and old.end_date.isoformat() == "2025-01-01"
    assert re.search("2025", page.content())
