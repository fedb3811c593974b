"""The data version: one row raised at commit by any transaction that changed a public table.

See jurisdictions/data_version.py for the design. Each public table's statement-level trigger
(pgtrigger, below) notes its transaction in jurisdictions_datachange; a deferred constraint
trigger on that table raises the version once, at commit.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

INSTALL_SQL = """
INSERT INTO jurisdictions_dataversion (id, number, changed_at) VALUES (1, 1, date_trunc('second', now()))
    ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION atlas_note_data_change() RETURNS void AS $$
    INSERT INTO jurisdictions_datachange (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION atlas_bump_data_version() RETURNS trigger AS $$
BEGIN
    -- An upsert: the row comes back if someone emptied the table.
    INSERT INTO jurisdictions_dataversion AS v (id, number, changed_at)
        VALUES (1, 1, date_trunc('second', clock_timestamp()))
        ON CONFLICT (id) DO UPDATE
        SET number = v.number + 1,
            changed_at = GREATEST(date_trunc('second', clock_timestamp()), v.changed_at + interval '1 second');
    DELETE FROM jurisdictions_datachange WHERE txid = NEW.txid;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER data_version_bump
    AFTER INSERT ON jurisdictions_datachange
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION atlas_bump_data_version();
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS data_version_bump ON jurisdictions_datachange;
DROP FUNCTION IF EXISTS atlas_bump_data_version();
DROP FUNCTION IF EXISTS atlas_note_data_change();
"""




class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0003_legalmodel_from_models_compare'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataChange',
            fields=[
                ('txid', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='transaction id')),
            ],
        ),
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.BigIntegerField(verbose_name='number')),
                ('changed_at', models.DateTimeField(verbose_name='changed at')),
            ],
        ),
        migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL),
        pgtrigger.migrations.AddTrigger(
            model_name='jurisdiction',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='6e405dcfb535214c25a0686b08bc7702d948c941', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_ffa3e', table='jurisdictions_jurisdiction', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='legalmodel',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='17cebbc13f6b48470a255f714e64afa45f2f09d9', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_b5e6c', table='jurisdictions_legalmodel', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='policyevent',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='9c6a0a57c88ce2ac30c9f494af6a0f5fdd058e17', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_66542', table='jurisdictions_policyevent', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='policyeventsource',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='fe1cd09b06fb955fba84ce88fbc4c4d4105270a5', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_db607', table='jurisdictions_policyeventsource', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regimeperiod',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='d5dce00590f62e53a661e0779b6bc266c90cddfa', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_993ca', table='jurisdictions_regimeperiod', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regimeperiodsource',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='e35076eb64b579cce68f5270b521da8706cb2d37', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_f7c1e', table='jurisdictions_regimeperiodsource', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='source',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='39929254da0e797cda209de9898625102cfb1a52', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_30584', table='jurisdictions_source', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='dataversion',
            constraint=models.CheckConstraint(condition=models.Q(('id', 1)), name='data_version_single_row'),
        ),
    ]
