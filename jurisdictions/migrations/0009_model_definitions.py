"""The legal models' summaries and typical treatments describe what the coded laws really cover.

Full criminalisation does not always punish the client (Russia's and Central Asia's administrative
codes fine only the seller); decriminalisation usually leaves sex-work businesses under general
business or planning licensing (coded 'regulated'). The full definitions, role by role, are
jurisdictions.vocabulary.MODEL_DEFINITIONS.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

CHANGES = {
    "criminalization": {
        "summary": "Selling sex is an offence (criminal or administrative), and so is organising or profiting from "
        "it; in most of these countries buying sex is an offence too, in some only the seller is punished.",
        "typical_clients": "criminalized",
        "description": (
            "Selling sex is an offence, criminal or administrative (a fine or detention for the act of "
            "selling), and so is organising, hosting or profiting from it. In most of these countries the "
            "person who buys sex commits an offence too; in some, such as Russia and several Central Asian "
            "states whose administrative codes fine only the seller, the buyer is not punished. Penalties "
            "range from fines to imprisonment, and in some countries administrative detention or "
            "'re-education'."
        ),
    },
    "partial_criminalization": {
        "summary": "Selling sex is legal, but soliciting, working together, brothels and third parties are "
        "criminalised; buying is usually lawful, apart from offences such as kerb-crawling.",
        "typical_clients": "legal",
    },
    "decriminalization": {
        "summary": "Criminal penalties specific to sex work are removed; it is governed by general labour, health "
        "and safety, business and planning law, which may license sex-work businesses as it licenses others.",
        "typical_third_parties": "regulated",
    },
}


def describe_what_the_models_cover(apps, schema_editor):
    LegalModel = apps.get_model("jurisdictions", "LegalModel")
    for slug, values in CHANGES.items():
        LegalModel.objects.filter(slug=slug).update(**values)



class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0008_search_names_and_aliases'),
        # After the five models are created (models_compare 0002) and moved here.
        ('models_compare', '0003_legalmodel_moved_to_jurisdictions'),
    ]

    operations = [
        migrations.RunPython(describe_what_the_models_cover, migrations.RunPython.noop),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regimeperiod',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regimeperiod',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regimeperiod',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='regimeperiod',
            name='model_exception',
            field=models.TextField(blank=True, help_text="Only when a role's treatment falls outside what the legal model covers (see the models page): why the period is coded with this model all the same, with the source.", verbose_name='why the treatments differ from the model'),
        ),
        migrations.AddField(
            model_name='regimeperiodhistory',
            name='model_exception',
            field=models.TextField(blank=True, help_text="Only when a role's treatment falls outside what the legal model covers (see the models page): why the period is coded with this model all the same, with the source.", verbose_name='why the treatments differ from the model'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regimeperiod',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "jurisdictions_regimeperiodhistory" ("advertising", "brothels", "confidence", "enacted_by_id", "end_date", "end_precision", "health_checks", "id", "in_force_before_start", "indoor_work_alone", "jurisdiction_id", "legal_model_id", "model_exception", "needs_review", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registration", "start_date", "start_precision", "status", "street_work", "treatment_of_clients", "treatment_of_third_parties", "treatment_of_workers", "updated_at", "varies_within", "working_together") VALUES (NEW."advertising", NEW."brothels", NEW."confidence", NEW."enacted_by_id", NEW."end_date", NEW."end_precision", NEW."health_checks", NEW."id", NEW."in_force_before_start", NEW."indoor_work_alone", NEW."jurisdiction_id", NEW."legal_model_id", NEW."model_exception", NEW."needs_review", NEW."notes", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."registration", NEW."start_date", NEW."start_precision", NEW."status", NEW."street_work", NEW."treatment_of_clients", NEW."treatment_of_third_parties", NEW."treatment_of_workers", NEW."updated_at", NEW."varies_within", NEW."working_together"); RETURN NULL;', hash='b49a90fa5e3de3ca0c5e28957f40d8997a1af333', operation='INSERT', pgid='pgtrigger_insert_insert_69a10', table='jurisdictions_regimeperiod', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regimeperiod',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "jurisdictions_regimeperiodhistory" ("advertising", "brothels", "confidence", "enacted_by_id", "end_date", "end_precision", "health_checks", "id", "in_force_before_start", "indoor_work_alone", "jurisdiction_id", "legal_model_id", "model_exception", "needs_review", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registration", "start_date", "start_precision", "status", "street_work", "treatment_of_clients", "treatment_of_third_parties", "treatment_of_workers", "updated_at", "varies_within", "working_together") VALUES (NEW."advertising", NEW."brothels", NEW."confidence", NEW."enacted_by_id", NEW."end_date", NEW."end_precision", NEW."health_checks", NEW."id", NEW."in_force_before_start", NEW."indoor_work_alone", NEW."jurisdiction_id", NEW."legal_model_id", NEW."model_exception", NEW."needs_review", NEW."notes", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."registration", NEW."start_date", NEW."start_precision", NEW."status", NEW."street_work", NEW."treatment_of_clients", NEW."treatment_of_third_parties", NEW."treatment_of_workers", NEW."updated_at", NEW."varies_within", NEW."working_together"); RETURN NULL;', hash='8e00d057a04a4f36e9d8ca31761fe0a6f51ec607', operation='UPDATE', pgid='pgtrigger_update_update_fcc3b', table='jurisdictions_regimeperiod', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regimeperiod',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "jurisdictions_regimeperiodhistory" ("advertising", "brothels", "confidence", "enacted_by_id", "end_date", "end_precision", "health_checks", "id", "in_force_before_start", "indoor_work_alone", "jurisdiction_id", "legal_model_id", "model_exception", "needs_review", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registration", "start_date", "start_precision", "status", "street_work", "treatment_of_clients", "treatment_of_third_parties", "treatment_of_workers", "updated_at", "varies_within", "working_together") VALUES (OLD."advertising", OLD."brothels", OLD."confidence", OLD."enacted_by_id", OLD."end_date", OLD."end_precision", OLD."health_checks", OLD."id", OLD."in_force_before_start", OLD."indoor_work_alone", OLD."jurisdiction_id", OLD."legal_model_id", OLD."model_exception", OLD."needs_review", OLD."notes", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."registration", OLD."start_date", OLD."start_precision", OLD."status", OLD."street_work", OLD."treatment_of_clients", OLD."treatment_of_third_parties", OLD."treatment_of_workers", OLD."updated_at", OLD."varies_within", OLD."working_together"); RETURN NULL;', hash='1ba6bd30cc6bf6c2899351ae37a4836709514884', operation='DELETE', pgid='pgtrigger_delete_delete_807ec', table='jurisdictions_regimeperiod', when='AFTER')),
        ),
    ]
