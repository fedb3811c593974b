"""Reviewed changes: editors' edits to published records wait for a reviewer; every route keeps the rules."""

import datetime
import json

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jurisdictions import services
from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod, Revision, Source
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, SourceFactory, legal_model

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=None)


def member(role: str) -> User:
    user = User.objects.create_user(username=f"{role}-1", password="a-long-enough-passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client, roles):
    client.force_login(member("editor"))
    return client


@pytest.fixture
def reviewer(roles):
    from django.test import Client

    client = Client()
    client.force_login(member("reviewer"))
    return client


def proposed(**kwargs) -> Revision:
    """``services.propose_revision()``, which must have proposed a change."""
    revision = services.propose_revision(**kwargs)
    assert revision is not None
    return revision


def form_data(response) -> dict:
    """The POST a browser would send for an admin change page as rendered (main form and inlines)."""
    data: dict[str, str | list[str]] = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(item) for item in value]
            else:
                data[key] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def change_url(record) -> str:
    return reverse(f"admin:jurisdictions_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def sweden(db):
    country = JurisdictionFactory(name="Sweden", slug="sweden", iso_code="SE")
    old = RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(1999, 1, 1),
        treatment_of_clients="legal",
        notes="Before the Sex Purchase Act.",
    )
    nordic = RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("nordic"),
        start_date=D(1999, 1, 1),
        treatment_of_clients="criminalized",
        treatment_of_third_parties="criminalized",
        notes="Buying sex is an offence.",
    )
    return {"country": country, "old": old, "nordic": nordic}


class TestEditorsChangesWaitForReview:
    def test_a_change_to_a_published_period_is_a_pending_revision_invisible_to_the_public(self, editor, client, sweden):
        period = sweden["nordic"]
        data = form_data(editor.get(change_url(period)))
        data.update(legal_model=str(legal_model("decriminalization").pk), treatment_of_clients="legal")
        data["change_note"] = "The 2024 review says so."
        response = editor.post(change_url(period), data, follow=True)
        assert "waits for a reviewer" in response.content.decode()
        assert "changed successfully" not in response.content.decode()

        period.refresh_from_db()
        assert period.legal_model.slug == "nordic" and period.status == "published"
        revision = Revision.objects.get()
        assert revision.is_pending and revision.note == "The 2024 review says so."
        assert set(revision.changes) == {"legal_model", "treatment_of_clients"}
        # The public page and the export still show the published version.
        client.logout()
        export = json.loads(client.get("/jurisdictions/export.json?q=sweden").getvalue())
        assert export["results"][0]["legal_model"] == "nordic"
        assert "Nordic" in client.get("/jurisdictions/sweden/").content.decode()

    def test_the_reviewer_sees_a_field_by_field_diff_and_approves_it(self, reviewer, sweden):
        editor_user = User.objects.create_user("ed")
        revision = proposed(
            record=sweden["nordic"],
            changes={"notes": "Checked against the 2024 consolidation.", "confidence": "medium"},
            author=editor_user,
            note="Source re-read.",
        )
        page = reviewer.get(reverse("admin:jurisdictions_revision_change", args=[revision.pk])).content.decode()
        assert "Buying sex is an offence." in page and "Checked against the 2024 consolidation." in page
        assert "ed," in page and "Source re-read." in page and "Approve and publish this change" in page

        response = reviewer.post(
            reverse("admin:jurisdictions_revision_change", args=[revision.pk]), {"_approve": "1"}, follow=True
        )
        assert "Approved" in response.content.decode()
        period = RegimePeriod.objects.get(pk=sweden["nordic"].pk)
        assert (period.notes, period.confidence) == ("Checked against the 2024 consolidation.", "medium")
        revision.refresh_from_db()
        assert revision.status == "approved"
        assert revision.reviewer is not None and revision.reviewer.username == "reviewer-1"
        # The history records the approval with the revision's number.
        latest = period.history.order_by("-pgh_id").select_related("pgh_context").first()
        assert latest is not None and latest.pgh_context.metadata["revision"] == revision.pk

    def test_a_rejected_revision_is_kept_and_changes_nothing(self, reviewer, sweden):
        revision = proposed(record=sweden["nordic"], changes={"notes": "Wrong"}, author=None)
        reviewer.post(
            reverse("admin:jurisdictions_revision_change", args=[revision.pk]),
            {"_reject": "1", "decision_note": "No source says so."},
        )
        revision.refresh_from_db()
        assert (revision.status, revision.decision_note) == ("rejected", "No source says so.")
        assert RegimePeriod.objects.get(pk=sweden["nordic"].pk).notes == "Buying sex is an offence."

    def test_approval_is_refused_when_someone_changed_the_field_since(self, sweden):
        revision = proposed(record=sweden["nordic"], changes={"notes": "Mine"}, author=None)
        RegimePeriod.objects.filter(pk=sweden["nordic"].pk).update(notes="Theirs")
        with pytest.raises(services.ValidationError, match=r"changed since this revision was proposed \(notes\)"):
            services.approve_revision(revision=revision, reviewer=User.objects.create_user("r"))
        assert RegimePeriod.objects.get(pk=sweden["nordic"].pk).notes == "Theirs"

    def test_approval_keeps_the_publishing_rules(self, sweden):
        # Moving the Nordic period's start back into the older period would overlap it.
        revision = proposed(record=sweden["nordic"], changes={"start_date": D(1995, 1, 1)}, author=None)
        with pytest.raises(services.ValidationError, match="overlaps"):
            services.approve_revision(revision=revision, reviewer=User.objects.create_user("r"))
        assert Revision.objects.get().is_pending
        no_sources = proposed(record=sweden["nordic"], changes={}, citations=[], author=None)
        with pytest.raises(services.ValidationError, match="cites no source"):
            services.approve_revision(revision=no_sources, reviewer=User.objects.create_user("r2"))

    def test_inline_changes_become_revisions_and_untouched_inlines_nothing(self, editor, sweden):
        url = change_url(sweden["country"])
        data = form_data(editor.get(url))
        prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(sweden["nordic"].pk))[:-3]
        data[f"{prefix}-notes"] = "Edited inline."
        editor.post(url, data)
        revision = Revision.objects.get()
        assert revision.object_id == sweden["nordic"].pk and revision.changes == {"notes": "Edited inline."}
        assert RegimePeriod.objects.get(pk=sweden["nordic"].pk).notes == "Buying sex is an offence."

    def test_new_inline_periods_are_drafts_saved_at_once(self, editor, sweden):
        url = change_url(sweden["country"])
        data = form_data(editor.get(url))
        source = SourceFactory()
        n = int(data["regime_periods-TOTAL_FORMS"])
        data["regime_periods-TOTAL_FORMS"] = str(n + 1)
        data.update(
            {
                f"regime_periods-{n}-start_date": "2030-01-01",
                f"regime_periods-{n}-legal_model": str(legal_model("decriminalization").pk),
                f"regime_periods-{n}-treatment_of_workers": "legal",
                f"regime_periods-{n}-treatment_of_clients": "legal",
                f"regime_periods-{n}-treatment_of_third_parties": "legal",
                f"regime_periods-{n}-street_work": "unknown",
                f"regime_periods-{n}-indoor_work_alone": "unknown",
                f"regime_periods-{n}-working_together": "unknown",
                f"regime_periods-{n}-brothels": "unknown",
                f"regime_periods-{n}-advertising": "unknown",
                f"regime_periods-{n}-registration": "unknown",
                f"regime_periods-{n}-health_checks": "unknown",
                f"regime_periods-{n}-confidence": "medium",
                f"regime_periods-{n}-sources_cited": [str(source.pk)],
            }
        )
        assert editor.post(url, data).status_code == 302
        draft = RegimePeriod.objects.get(start_date=D(2030, 1, 1))
        assert draft.status == "draft" and list(draft.sources.all()) == [source]
        assert not Revision.objects.exists()


class TestSourcesThePublicReadsWaitForReview:
    """A source that a published record cites is public (its title and URL are printed beside the
    coding), so an editor's change to it waits for a reviewer like a change to the record."""

    def test_an_editors_change_to_a_cited_source_is_a_pending_revision(self, editor, client, sweden):
        source = sweden["nordic"].sources.get()
        old_url = source.url
        data = form_data(editor.get(change_url(source)))
        data.update(url="https://example.org/a-different-document", change_note="Moved.")
        response = editor.post(change_url(source), data, follow=True)
        assert "waits for a reviewer" in response.content.decode()
        source.refresh_from_db()
        assert source.url == old_url
        revision = Revision.objects.get()
        assert revision.changes == {"url": "https://example.org/a-different-document"} and revision.jurisdiction is None
        client.logout()
        page = client.get("/jurisdictions/sweden/").content.decode()
        assert old_url in page and "a-different-document" not in page

    def test_a_reviewer_approves_it_and_the_page_shows_it(self, reviewer, client, sweden):
        source = sweden["nordic"].sources.get()
        revision = proposed(
            record=source, changes={"title": "Sex Purchase Act (consolidated)"}, author=None, note="Title."
        )
        page = reviewer.get(reverse("admin:jurisdictions_revision_change", args=[revision.pk])).content.decode()
        assert "Sex Purchase Act (consolidated)" in page and "Approve" in page
        reviewer.post(reverse("admin:jurisdictions_revision_change", args=[revision.pk]), {"_approve": "1"})
        source.refresh_from_db()
        assert source.title == "Sex Purchase Act (consolidated)"
        assert "Sex Purchase Act (consolidated)" in client.get("/jurisdictions/sweden/").content.decode()

    def test_a_source_no_published_record_cites_is_saved_at_once(self, editor):
        source = SourceFactory(title="Not cited yet")
        data = form_data(editor.get(change_url(source)))
        data.update(title="Not cited yet (second edition)")
        editor.post(change_url(source), data)
        source.refresh_from_db()
        assert source.title == "Not cited yet (second edition)" and not Revision.objects.exists()

    def test_a_reviewers_change_to_a_cited_source_is_saved_at_once(self, reviewer, sweden):
        source = sweden["nordic"].sources.get()
        data = form_data(reviewer.get(change_url(source)))
        data.update(publisher="Riksdagen")
        reviewer.post(change_url(source), data)
        source.refresh_from_db()
        assert source.publisher == "Riksdagen" and not Revision.objects.exists()


class TestImportsFollowTheRules:
    def upload(self, client, model, csv_text):
        client.post(
            reverse(f"admin:jurisdictions_{model}_process_import"),
            {},
        )
        response = client.post(
            reverse(f"admin:jurisdictions_{model}_import"),
            {"import_file": SimpleUploadedFile("rows.csv", csv_text.encode(), content_type="text/csv"), "format": "0"},
        )
        form = response.context["confirm_form"]
        data = {name: form[name].value() for name in form.fields}
        return client.post(reverse(f"admin:jurisdictions_{model}_process_import"), data, follow=True)

    def test_an_editors_csv_update_leaves_the_published_record_published(self, editor, sweden):
        period = sweden["nordic"]
        csv_text = (
            "jurisdiction,start_date,end_date,varies_within,legal_model,treatment_of_workers,treatment_of_clients,"
            "treatment_of_third_parties,notes,confidence,status\n"
            "sweden,1999-01-01,,0,nordic,legal,criminalized,criminalized,A changed note,high,draft\n"
        )
        self.upload(editor, "regimeperiod", csv_text)
        period.refresh_from_db()
        assert period.status == "published" and period.notes == "Buying sex is an offence."
        revision = Revision.objects.get()
        assert revision.changes == {"notes": "A changed note"} and revision.note == "CSV import"

    def test_an_editors_csv_change_to_a_cited_source_is_a_pending_revision(self, editor, sweden):
        source = sweden["nordic"].sources.get()
        csv_text = (
            "slug,title,url,publisher,kind,published_on,accessed_on,notes\n"
            f"{source.slug},A new title,{source.url},{source.publisher},{source.kind},,,\n"
            "a-new-source,A new source,https://example.org/new,,statute,,,\n"
        )
        self.upload(editor, "source", csv_text)
        source.refresh_from_db()
        assert source.title != "A new title"
        assert Revision.objects.get().changes == {"title": "A new title"}
        assert Source.objects.filter(slug="a-new-source").exists()  # nothing cites it: saved at once

    def test_a_reviewers_import_never_publishes(self, reviewer, sweden):
        csv_text = (
            "slug,jurisdiction,date,date_precision,kind,title,confidence,status\n"
            "se-2030,sweden,2030-01-01,day,law_passed,An unsourced event,high,published\n"
        )
        self.upload(reviewer, "policyevent", csv_text)
        event = PolicyEvent.objects.get(slug="se-2030")
        assert event.status == "draft"  # the status column is not imported; publishing needs a source


class TestRestoreAndDelete:
    def test_restoring_a_deleted_period_brings_its_citations_back(self, reviewer, sweden):
        period = sweden["old"]
        sources = list(period.sources.all())
        pk = period.pk
        services.delete_record(record=period)
        history = apps.get_model("jurisdictions", "RegimePeriodHistory")
        deletion = history.objects.get(pgh_obj_id=pk, pgh_label="delete")
        response = reviewer.post(
            reverse("admin:jurisdictions_regimeperiodhistory_changelist"),
            {"action": "restore_version", "_selected_action": [deletion.pk]},
            follow=True,
        )
        assert "with the sources it cited then" in response.content.decode(), [
            str(m) for m in response.context["messages"]
        ]
        restored = RegimePeriod.objects.get(pk=pk)
        assert restored.status == "published" and list(restored.sources.all()) == sources

    def test_a_restore_that_would_overlap_is_refused(self, sweden):
        period = sweden["old"]
        version = period.history.order_by("pgh_id").first()
        period.delete()
        RegimePeriodFactory(jurisdiction=sweden["country"], start_date=D(1995, 1, 1), end_date=D(1999, 1, 1))
        with pytest.raises(services.ValidationError, match="overlaps"):
            services.restore_version(version=version)

    def test_deleting_the_period_in_force_asks_how_the_timeline_continues(self, reviewer, sweden):
        url = reverse("admin:jurisdictions_regimeperiod_delete", args=[sweden["nordic"].pk])
        page = reviewer.get(url).content.decode()
        assert "How does the timeline of Sweden continue?" in page and "Re-open the previous period" in page
        # Without an answer nothing is deleted.
        reviewer.post(url, {"post": "yes"})
        assert RegimePeriod.objects.filter(pk=sweden["nordic"].pk).exists()
        reviewer.post(url, {"post": "yes", "continuation": "reopen"})
        assert not RegimePeriod.objects.filter(pk=sweden["nordic"].pk).exists()
        old = RegimePeriod.objects.get(pk=sweden["old"].pk)
        assert old.end_date is None  # in force again
        latest = old.history.order_by("-pgh_id").select_related("pgh_context").first()
        assert latest is not None and latest.pgh_context.metadata["continuation"] == "reopen"

    def test_unpublishing_the_period_in_force_asks_first(self, reviewer, sweden):
        url = reverse("admin:jurisdictions_regimeperiod_changelist")
        action = {"action": "unpublish_selected", "_selected_action": [sweden["nordic"].pk]}
        page = reviewer.post(url, action).content.decode()
        assert "How does each timeline continue?" in page
        assert RegimePeriod.objects.get(pk=sweden["nordic"].pk).status == "published"
        reviewer.post(url, {**action, "continuation": "not_recorded"})
        assert RegimePeriod.objects.get(pk=sweden["nordic"].pk).status == "draft"
        assert RegimePeriod.objects.get(pk=sweden["old"].pk).end_date == D(1999, 1, 1)  # left "not recorded"


class TestSaveAnyway:
    def test_a_stale_refusal_names_the_record_and_field_and_save_anyway_writes_only_mine(self, reviewer, sweden):
        country = sweden["country"]
        url = change_url(country)
        data = form_data(reviewer.get(url))
        # Someone else renames the country and edits a period's notes after the form was opened.
        Jurisdiction.objects.filter(pk=country.pk).update(name="Kingdom of Sweden")
        country.refresh_from_db()
        country.save()  # a new updated_at
        other = RegimePeriod.objects.get(pk=sweden["old"].pk)
        other.notes = "Someone else's note."
        other.save()
        data["notes"] = "My note on the jurisdiction."
        page = reviewer.post(url, data).content.decode()
        assert "Someone else saved “Kingdom of Sweden”" in page and "They changed: Name." in page
        data["overwrite_newer"] = "on"
        response = reviewer.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        country.refresh_from_db()
        assert (country.name, country.notes) == ("Kingdom of Sweden", "My note on the jurisdiction.")
        # The period this editor never touched keeps the other person's notes.
        assert RegimePeriod.objects.get(pk=sweden["old"].pk).notes == "Someone else's note."


class TestHistoryList:
    def test_editors_read_changes_with_user_and_old_and_new_values(self, editor, reviewer, sweden):
        revision = proposed(record=sweden["nordic"], changes={"notes": "Newer"}, author=None)
        reviewer.post(reverse("admin:jurisdictions_revision_change", args=[revision.pk]), {"_approve": "1"})
        record = f"jurisdictions.regimeperiod:{sweden['nordic'].pk}"
        page = editor.get(reverse("admin:history"), {"record": record}).content.decode()
        assert "reviewer-1" in page and "approved revision" in page
        assert "Buying sex is an offence.</del> → <ins>Newer</ins>" in page
        assert "last changed" not in page  # bookkeeping stays out
        by_user = editor.get(reverse("admin:history"), {"user": User.objects.get(username="reviewer-1").pk})
        assert "Newer" in by_user.content.decode()

    def test_each_record_has_a_history_button(self, editor, sweden):
        page = editor.get(change_url(sweden["nordic"])).content.decode()
        assert f"?record=jurisdictions.regimeperiod:{sweden['nordic'].pk}" in page

    @pytest.mark.parametrize("query", ["record=nonsense", "record=auth.user:1", "user=abc", "kind=x", "page=-3"])
    def test_bad_filters_are_form_errors_not_server_errors(self, editor, query):
        assert editor.get(reverse("admin:history") + "?" + query).status_code == 200


class TestReviewQueue:
    def test_each_jurisdiction_is_listed_once(self, reviewer, sweden):
        RegimePeriod.objects.update(confidence="low")
        PolicyEventFactory(jurisdiction=sweden["country"], confidence="low")
        page = reviewer.get(reverse("admin:jurisdictions_jurisdiction_changelist") + "?review=low")
        assert list(page.context["cl"].result_list) == [sweden["country"]]

    def test_queue_is_sorted_by_last_review_and_counts_pending_revisions(self, reviewer, sweden):
        never = JurisdictionFactory(name="Zed", last_reviewed=None)
        sweden["country"].last_reviewed = D(2020, 1, 1)
        sweden["country"].save()
        services.propose_revision(record=sweden["nordic"], changes={"notes": "x"}, author=None)
        context = reviewer.get(reverse("admin:index")).context["review_queue"]
        assert [row.pk for row in context["rows"]][:2] == [never.pk, sweden["country"].pk]
        assert context["rows"][1].pending_revisions == 1 and context["counts"]["revisions"] == 1

    def test_publish_selected_on_the_queue_publishes_the_drafts(self, reviewer, sweden):
        draft = PolicyEventFactory(jurisdiction=sweden["country"], status="draft")
        url = reverse("admin:jurisdictions_jurisdiction_changelist") + "?review=drafts"
        response = reviewer.post(
            url, {"action": "publish_selected", "_selected_action": [sweden["country"].pk]}, follow=True
        )
        assert "Published 1 record(s)" in response.content.decode()
        assert PolicyEvent.objects.get(pk=draft.pk).status == "published"
        again = reviewer.post(
            url, {"action": "publish_selected", "_selected_action": [sweden["country"].pk]}, follow=True
        )
        assert "Nothing to publish" in again.content.decode()

    def test_mark_reviewed_records_who_and_when(self, reviewer, sweden):
        reviewer.post(
            reverse("admin:jurisdictions_jurisdiction_changelist"),
            {"action": "mark_reviewed", "_selected_action": [sweden["country"].pk]},
        )
        country = Jurisdiction.objects.get(pk=sweden["country"].pk)
        assert country.last_reviewed == timezone.localdate()
        assert country.last_reviewed_by is not None and country.last_reviewed_by.username == "reviewer-1"

    def test_editors_cannot_mark_reviewed(self, editor, sweden):
        editor.post(
            reverse("admin:jurisdictions_jurisdiction_changelist"),
            {"action": "mark_reviewed", "_selected_action": [sweden["country"].pk]},
        )
        assert Jurisdiction.objects.get(pk=sweden["country"].pk).last_reviewed_by is None
