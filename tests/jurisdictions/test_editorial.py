"""Editors and reviewers: roles, publishing, history and restore, stale saves, imports, lockout."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from jurisdictions.models import PolicyEvent, RegimePeriod, Source
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, SourceFactory, legal_model

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=None)


def member_of(role: str) -> User:
    user = User.objects.create_user(username=f"{role}-user", password="a-long-enough-passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client, roles):
    client.force_login(member_of("editor"))
    return client


@pytest.fixture
def reviewer(client, roles):
    client.force_login(member_of("reviewer"))
    return client


def period_post(jurisdiction, start, source, **extra):
    data = {
        "jurisdiction": jurisdiction.pk,
        "start_date": start,
        "end_date": "",
        "legal_model": legal_model("decriminalization").pk,
        "treatment_of_workers": "legal",
        "treatment_of_clients": "legal",
        "treatment_of_third_parties": "legal",
        "street_work": "lawful",
        "indoor_work_alone": "lawful",
        "working_together": "lawful",
        "brothels": "regulated",
        "advertising": "unknown",
        "registration": "not_required",
        "health_checks": "not_required",
        "confidence": "high",
        "notes": "",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": source.pk if source else "",
        "citations-0-pinpoint": "",
    }
    data.update(extra)
    return data


class TestRoles:
    def test_editor_adds_a_period_as_a_draft_even_if_asking_to_publish(self, editor):
        country, source = JurisdictionFactory(), SourceFactory()
        response = editor.post(
            reverse("admin:jurisdictions_regimeperiod_add"),
            period_post(country, "2022-06-01", source, status="published"),
        )
        assert response.status_code == 302
        assert country.regime_periods.get().status == "draft"

    def test_editor_cannot_delete(self, editor):
        period = RegimePeriodFactory()
        response = editor.post(reverse("admin:jurisdictions_regimeperiod_delete", args=[period.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert RegimePeriod.objects.filter(pk=period.pk).exists()

    def test_editor_has_no_publish_action(self, editor):
        response = editor.get(reverse("admin:jurisdictions_regimeperiod_changelist"))
        assert response.status_code == 200
        assert "publish_selected" not in response.content.decode()

    def test_editor_cannot_publish_through_the_action(self, editor):
        period = RegimePeriodFactory(status="draft")
        editor.post(
            reverse("admin:jurisdictions_regimeperiod_changelist"),
            {"action": "publish_selected", "_selected_action": [period.pk]},
        )
        period.refresh_from_db()
        assert period.status == "draft"

    def test_reviewer_publishes_and_the_public_sees_it(self, reviewer, client):
        country = JurisdictionFactory(slug="ruritania", name="Ruritania")
        old = RegimePeriodFactory(
            jurisdiction=country,
            start_date=D(1990, 1, 1),
            legal_model=legal_model("criminalization"),
            treatment_of_workers="criminalized",
            treatment_of_clients="criminalized",
            treatment_of_third_parties="criminalized",
        )
        draft = RegimePeriodFactory(jurisdiction=country, start_date=D(2022, 6, 1), status="draft")
        assert client.get("/jurisdictions/ruritania/").context["page"].current == old
        response = reviewer.post(
            reverse("admin:jurisdictions_regimeperiod_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
            follow=True,
        )
        assert "Published 1 record" in response.content.decode()
        old.refresh_from_db()
        assert old.end_date == D(2022, 6, 1)
        assert client.get("/jurisdictions/ruritania/").context["page"].current.pk == draft.pk

    def test_reviewer_can_delete(self, reviewer):
        event = PolicyEventFactory()
        reviewer.post(reverse("admin:jurisdictions_policyevent_delete", args=[event.pk]), {"post": "yes"})
        assert not PolicyEvent.objects.filter(pk=event.pk).exists()


class TestDraftsArePrivate:
    def test_drafts_are_not_public_or_exported(self, client):
        country = JurisdictionFactory(slug="ruritania")
        RegimePeriodFactory(jurisdiction=country, status="draft")
        PolicyEventFactory(jurisdiction=country, status="draft", title="A secret draft event")
        assert client.get("/jurisdictions/ruritania/").context["page"].current is None
        assert "A secret draft event" not in client.get("/events/").content.decode()
        export = json.loads(client.get("/jurisdictions/export.json").getvalue())
        assert next(r for r in export["results"] if r["slug"] == "ruritania")["legal_model"] is None

    def test_staff_preview_shows_drafts(self, editor, client):
        country = JurisdictionFactory(slug="ruritania")
        draft = RegimePeriodFactory(jurisdiction=country, status="draft")
        response = editor.get("/jurisdictions/ruritania/", {"preview": "1"})
        assert response.context["page"].current == draft
        assert "Preview:" in response.content.decode()

    def test_a_draft_jurisdiction_is_nowhere_public(self, client):
        draft = JurisdictionFactory(slug="atlantis", name="Atlantis", status="draft")
        RegimePeriodFactory(jurisdiction=draft)
        PolicyEventFactory(jurisdiction=draft, title="Atlantis passes a law")
        JurisdictionFactory(slug="ruritania")
        assert client.get("/jurisdictions/atlantis/").status_code == 404
        assert client.get("/jurisdictions/atlantis/feed/").status_code == 404
        assert "Atlantis" not in client.get("/jurisdictions/").content.decode()
        assert "atlantis" not in {
            r["slug"] for r in json.loads(client.get("/jurisdictions/export.json").getvalue())["results"]
        }
        assert "Atlantis passes a law" not in client.get("/events/").content.decode()
        assert client.get("/compare/?j=atlantis&j=ruritania").status_code == 400
        assert "Atlantis" not in client.get("/models/decriminalization/").content.decode()

    def test_staff_preview_shows_a_draft_jurisdiction(self, editor):
        JurisdictionFactory(slug="atlantis", name="Atlantis", status="draft")
        assert editor.get("/jurisdictions/atlantis/", {"preview": "1"}).status_code == 200

    def test_reviewer_publishes_a_jurisdiction(self, reviewer, client):
        draft = JurisdictionFactory(slug="atlantis", status="draft")
        reviewer.post(
            reverse("admin:jurisdictions_jurisdiction_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )
        assert client.get("/jurisdictions/atlantis/").status_code == 200

    def test_preview_is_ignored_for_the_public(self, client):
        country = JurisdictionFactory(slug="ruritania")
        RegimePeriodFactory(jurisdiction=country, status="draft")
        assert client.get("/jurisdictions/ruritania/", {"preview": "1"}).context["page"].current is None


class TestOverlapOffer:
    def test_overlap_offers_to_end_the_current_period(self, admin_client):
        country, source = JurisdictionFactory(), SourceFactory()
        RegimePeriodFactory(
            jurisdiction=country,
            start_date=D(1990, 1, 1),
            legal_model=legal_model("partial_criminalization"),
            treatment_of_workers="partially_criminalized",
        )
        url = reverse("admin:jurisdictions_regimeperiod_add")
        response = admin_client.post(url, period_post(country, "2022-06-01", source, status="published"))
        assert response.status_code == 200
        assert "Tick this box to end it then" in response.content.decode()
        response = admin_client.post(
            url, period_post(country, "2022-06-01", source, status="published", end_replaced="on")
        )
        assert response.status_code == 302
        periods = list(country.regime_periods.order_by("start_date").values_list("start_date", "end_date"))
        assert periods == [(D(1990, 1, 1), D(2022, 6, 1)), (D(2022, 6, 1), None)]

    def test_missing_source_is_a_form_error(self, admin_client):
        country = JurisdictionFactory()
        response = admin_client.post(
            reverse("admin:jurisdictions_regimeperiod_add"), period_post(country, "2022-06-01", None)
        )
        assert response.status_code == 200
        assert "Cite at least one source" in response.content.decode()
        assert not country.regime_periods.exists()


class TestHistory:
    def history_of(self, record):
        return list(record.history.order_by("pgh_id"))

    def test_admin_save_is_recorded_with_user_and_old_and_new_values(self, reviewer):
        source = SourceFactory(title="Old title")
        response = reviewer.get(reverse("admin:jurisdictions_source_change", args=[source.pk]))
        form = response.context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data["title"] = "New title"
        response = reviewer.post(reverse("admin:jurisdictions_source_change", args=[source.pk]), data)
        assert response.status_code == 302
        versions = self.history_of(source)
        assert [v.title for v in versions] == ["Old title", "New title"]
        latest = versions[-1]
        assert latest.pgh_context.metadata["user"] == User.objects.get(username="reviewer-user").pk
        from pghistory.models import Events

        diff = Events.objects.tracks(source).get(pgh_label="update").pgh_diff
        assert diff["title"] == ["Old title", "New title"]

    def test_bulk_action_and_queryset_update_are_recorded(self, reviewer):
        period = RegimePeriodFactory(status="draft")
        reviewer.post(
            reverse("admin:jurisdictions_regimeperiod_changelist"),
            {"action": "publish_selected", "_selected_action": [period.pk]},
        )
        RegimePeriod.objects.filter(pk=period.pk).update(notes="changed by a queryset update")
        statuses = [(v.pgh_label, v.status, v.notes) for v in self.history_of(period)]
        assert statuses[-2][:2] == ("update", "published")
        assert statuses[-1] == ("update", "published", "changed by a queryset update")

    def test_restore_brings_back_old_values(self, reviewer):
        source = SourceFactory(title="Original title")
        source.title = "A mistaken title"
        source.save()
        original = source.history.order_by("pgh_id").first()
        assert original is not None
        url = reverse("admin:jurisdictions_sourcehistory_changelist")
        response = reviewer.post(url, {"action": "restore_version", "_selected_action": [original.pk]}, follow=True)
        assert "Restored" in response.content.decode()
        source.refresh_from_db()
        assert source.title == "Original title"

    def test_a_deleted_record_can_be_restored(self, reviewer):
        source = SourceFactory(title="Deleted by mistake")
        pk = source.pk
        source.delete()
        from django.apps import apps

        history = apps.get_model("jurisdictions", "SourceHistory")
        deletion = history.objects.get(pgh_obj_id=pk, pgh_label="delete")
        reviewer.post(
            reverse("admin:jurisdictions_sourcehistory_changelist"),
            {"action": "restore_version", "_selected_action": [deletion.pk]},
        )
        assert Source.objects.get(pk=pk).title == "Deleted by mistake"

    def test_editors_cannot_restore(self, editor):
        source = SourceFactory(title="Original")
        source.title = "Changed"
        source.save()
        original = source.history.order_by("pgh_id").first()
        assert original is not None
        editor.post(
            reverse("admin:jurisdictions_sourcehistory_changelist"),
            {"action": "restore_version", "_selected_action": [original.pk]},
        )
        source.refresh_from_db()
        assert source.title == "Changed"


class TestConcurrentEdits:
    def test_later_save_is_refused_and_keeps_the_input(self, reviewer):
        source = SourceFactory(title="Version A")
        url = reverse("admin:jurisdictions_source_change", args=[source.pk])
        form = reviewer.get(url).context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        # Another editor saves in the meantime.
        other = Source.objects.get(pk=source.pk)
        other.title = "Version B, saved first"
        other.save()
        data["title"] = "Version C, from a stale form"
        response = reviewer.post(url, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Someone else saved “Version B, saved first”" in body  # names the record
        assert "They changed: Title. You changed Title too." in body  # and the field
        assert "Version C, from a stale form" in body  # the input stays in the form
        assert Source.objects.get(pk=source.pk).title == "Version B, saved first"
        data["overwrite_newer"] = "on"
        assert reviewer.post(url, data).status_code == 302
        assert Source.objects.get(pk=source.pk).title == "Version C, from a stale form"


class TestImport:
    def upload(self, client, csv_text):
        return client.post(
            reverse("admin:jurisdictions_source_import"),
            {
                "import_file": SimpleUploadedFile("sources.csv", csv_text.encode(), content_type="text/csv"),
                "format": "0",
            },
        )

    def test_dry_run_previews_changes_without_writing(self, reviewer):
        SourceFactory(slug="existing", title="Existing", url="https://example.org/existing")
        csv_text = (
            "slug,title,url,publisher,kind,published_on,accessed_on,notes\n"
            "new-act,New Act,https://example.org/new,,statute,,,\n"
            "existing,Existing (renamed),https://example.org/existing,,statute,,,\n"
        )
        response = self.upload(reviewer, csv_text)
        body = response.content.decode()
        assert response.status_code == 200
        # The preview marks each row New or Update and shows the changed text.
        assert 'class="new"' in body and "New Act" in body
        assert 'class="update"' in body and " (renamed)</ins>" in body
        assert "Confirm import" in body
        assert not Source.objects.filter(slug="new-act").exists()
        assert Source.objects.get(slug="existing").title == "Existing"

    def test_every_row_error_is_listed_and_nothing_changes(self, reviewer):
        csv_text = (
            "slug,title,url,publisher,kind,published_on,accessed_on,notes\n"
            "good-row,Fine,https://example.org/fine,,statute,,,\n"
            "bad-kind,Bad kind,https://example.org/bad,,rumour,,,\n"
            "bad-date,Bad date,https://example.org/date,,statute,2003-02-30,,\n"
        )
        response = self.upload(reviewer, csv_text)
        body = response.content.decode()
        assert "rumour" in body and ("2003-02-30" in body or "valid date" in body)
        assert not Source.objects.filter(slug__in=["good-row", "bad-kind", "bad-date"]).exists()

    def test_confirmed_import_is_recorded_in_history(self, reviewer):
        csv_text = (
            "slug,title,url,publisher,kind,published_on,accessed_on,notes\n"
            "imported-act,Imported Act,https://example.org/imported,,statute,,,\n"
        )
        response = self.upload(reviewer, csv_text)
        confirm = response.context["confirm_form"]
        data = {name: confirm[name].value() for name in confirm.fields}
        response = reviewer.post(reverse("admin:jurisdictions_source_process_import"), data)
        assert response.status_code == 302
        source = Source.objects.get(slug="imported-act")
        assert [v.pgh_label for v in source.history.all()] == ["insert"]

    def test_editor_imported_events_arrive_as_drafts(self, editor):
        country = JurisdictionFactory(slug="ruritania")
        SourceFactory()
        csv_text = (
            "slug,jurisdiction,date,date_precision,kind,title,description,confidence,needs_review,notes,status\n"
            "ruritania-reform,ruritania,2024-01-01,year,law_passed,Reform,,medium,0,,published\n"
        )
        response = editor.post(
            reverse("admin:jurisdictions_policyevent_import"),
            {
                "import_file": SimpleUploadedFile("events.csv", csv_text.encode(), content_type="text/csv"),
                "format": "0",
            },
        )
        confirm = response.context["confirm_form"]
        editor.post(
            reverse("admin:jurisdictions_policyevent_process_import"),
            {name: confirm[name].value() for name in confirm.fields},
        )
        assert PolicyEvent.objects.get(slug="ruritania-reform", jurisdiction=country).status == "draft"


class TestReviewQueue:
    def test_admin_index_counts_what_needs_review(self, admin_client):
        stale = JurisdictionFactory(name="Stale", last_reviewed=D(2020, 1, 1))
        RegimePeriodFactory(jurisdiction=JurisdictionFactory(name="Unsure", last_reviewed=D.today()), confidence="low")
        JurisdictionFactory(name="Fresh", last_reviewed=D.today())
        body = admin_client.get(reverse("admin:index")).content.decode()
        assert "Review queue" in body
        assert re.search(r"not reviewed in 12 months</a></th><td>1<", body)
        assert re.search(r"low-confidence records</a></th><td>1<", body)
        assert "Stale" in body and "Unsure" in body and ">Fresh<" not in body
        listed = admin_client.get(reverse("admin:jurisdictions_jurisdiction_changelist"), {"review": "stale"})
        assert [j.pk for j in listed.context["cl"].result_list] == [stale.pk]


class TestLogin:
    def test_lockout_after_repeated_failures(self, client, roles):
        member_of("editor")
        url = reverse("admin:login")
        for _ in range(5):
            client.post(url, {"username": "editor-user", "password": "wrong"})
        response = client.post(url, {"username": "editor-user", "password": "a-long-enough-passphrase"})
        assert response.status_code in (403, 429)
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_other_users_are_not_locked_out(self, client, roles):
        member_of("editor")
        member_of("reviewer")
        url = reverse("admin:login")
        for _ in range(5):
            client.post(url, {"username": "editor-user", "password": "wrong"})
        response = client.post(url, {"username": "reviewer-user", "password": "a-long-enough-passphrase"})
        assert response.status_code == 302

    def test_password_validators_refuse_weak_passwords(self):
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            validate_password("password123")


def test_set_citations_adds_removes_and_keeps_pinpoints():
    from jurisdictions.models import RegimePeriodSource
    from jurisdictions.services import set_citations

    kept, dropped, added = SourceFactory(), SourceFactory(), SourceFactory()
    period = RegimePeriodFactory(cited=kept)
    RegimePeriodSource.objects.filter(regime_period=period).update(pinpoint="s 19")
    RegimePeriodSource.objects.create(regime_period=period, source=dropped)
    set_citations(record=period, sources=[kept, added])
    assert {(c.source_id, c.pinpoint) for c in period.citations.all()} == {(kept.pk, "s 19"), (added.pk, "")}
