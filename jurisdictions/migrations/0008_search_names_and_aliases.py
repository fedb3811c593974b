"""Search: other names of jurisdictions (aliases, former names) and accent-blind, fuzzy matching.

``atlas_fold(text)`` lowers the case, removes accents (the ``unaccent`` extension) and turns
punctuation into single spaces, so "Côte d’Ivoire", "COTE D'IVOIRE" and "cote d ivoire" are one
key. It is IMMUTABLE (``unaccent()`` alone is only STABLE, because its dictionary could change),
so it can be indexed; trigram similarity (``pg_trgm``) ranks near misses.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

FOLD_SQL = r"""
CREATE OR REPLACE FUNCTION atlas_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)),
                                '[^[:alnum:]]+', ' ', 'g'));
"""


class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0007_event_kind_scheduled_review'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(FOLD_SQL, "DROP FUNCTION IF EXISTS atlas_fold(text);"),
        migrations.AddIndex(
            model_name='jurisdiction',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(models.Func(models.F('name'), function='atlas_fold', output_field=models.CharField()), name='gin_trgm_ops'), name='jurisdiction_name_trigram'),
        ),
        migrations.CreateModel(
            name='JurisdictionAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text="e.g. 'UK', 'Holland', 'Burma'.", max_length=150, verbose_name='name')),
                ('kind', models.CharField(choices=[('alias', 'Other name in use'), ('former', 'Former name')], default='alias', help_text="A former name is shown as such in search results ('formerly Swaziland').", max_length=10, verbose_name='kind')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='jurisdictions.jurisdiction', verbose_name='jurisdiction')),
            ],
            options={
                'verbose_name': 'alias',
                'verbose_name_plural': 'aliases',
                'ordering': ['jurisdiction', 'name'],
            },
        ),
        migrations.CreateModel(
            name='JurisdictionAliasHistory',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('name', models.CharField(help_text="e.g. 'UK', 'Holland', 'Burma'.", max_length=150, verbose_name='name')),
                ('kind', models.CharField(choices=[('alias', 'Other name in use'), ('former', 'Former name')], default='alias', help_text="A former name is shown as such in search results ('formerly Swaziland').", max_length=10, verbose_name='kind')),
                ('jurisdiction', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='jurisdictions.jurisdiction', verbose_name='jurisdiction')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='history', related_query_name='history', to='jurisdictions.jurisdictionalias')),
            ],
            options={
                'verbose_name': 'jurisdiction alias version',
                'verbose_name_plural': 'jurisdiction alias history',
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='jurisdictionalias',
            constraint=models.UniqueConstraint(fields=('jurisdiction', 'name'), name='jurisdiction_alias_once', violation_error_message='This jurisdiction already has this alias.'),
        ),
        migrations.AddConstraint(
            model_name='jurisdictionalias',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['alias', 'former'])), name='jurisdiction_alias_kind'),
        ),
        migrations.AddConstraint(
            model_name='jurisdictionalias',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='jurisdiction_alias_not_blank'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='jurisdictionalias',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "jurisdictions_jurisdictionaliashistory" ("id", "jurisdiction_id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."id", NEW."jurisdiction_id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='635b45f3c13ca94d3ff69b55a7909920ffb585df', operation='INSERT', pgid='pgtrigger_insert_insert_ec62d', table='jurisdictions_jurisdictionalias', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='jurisdictionalias',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "jurisdictions_jurisdictionaliashistory" ("id", "jurisdiction_id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."id", NEW."jurisdiction_id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;', hash='64e45e3d0e2eb16b4020b144b19ee2a61c53510a', operation='UPDATE', pgid='pgtrigger_update_update_59c1b', table='jurisdictions_jurisdictionalias', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='jurisdictionalias',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "jurisdictions_jurisdictionaliashistory" ("id", "jurisdiction_id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."id", OLD."jurisdiction_id", OLD."kind", OLD."name", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;', hash='61bf85d69f2741eabbd761f0b8994075419e8d3e', operation='DELETE', pgid='pgtrigger_delete_delete_34806', table='jurisdictions_jurisdictionalias', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='jurisdictionalias',
            trigger=pgtrigger.compiler.Trigger(name='bump_data_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM atlas_note_data_change(); RETURN NULL;', hash='68476278102d688bffdc239d6474dfad0d66d869', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_bump_data_version_d8fa0', table='jurisdictions_jurisdictionalias', when='AFTER')),
        ),
    ]
