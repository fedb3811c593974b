"""Move LegalModel from models_compare (the public site) to jurisdictions (the domain).

The table and its rows are kept: the model is declared here over the existing table
(state only), the foreign keys are re-pointed (state only), and the table is then renamed.
The content type is renamed too, so granted permissions and admin log entries follow.
"""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, old_app, new_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new_app, model="legalmodel").exists():
        ContentType.objects.filter(app_label=old_app, model="legalmodel").update(app_label=new_app)


def rename_content_type(apps, schema_editor):
    move_content_type(apps, "models_compare", "jurisdictions")


def restore_content_type(apps, schema_editor):
    move_content_type(apps, "jurisdictions", "models_compare")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("jurisdictions", "0002_no_parent_cycles"),
        ("models_compare", "0002_the_five_legal_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LegalModel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(choices=[('criminalization', 'Full criminalisation'), ('partial_criminalization', 'Partial criminalisation'), ('nordic', 'Nordic model'), ('legalization', 'Legalisation'), ('decriminalization', 'Decriminalisation')], help_text='Public identifier used in URLs and exports.', unique=True, verbose_name='slug')),
                        ('name', models.CharField(help_text="e.g. 'Nordic model'.", max_length=100, verbose_name='name')),
                        ('academic_name', models.CharField(help_text="The name in the policy literature, e.g. 'neo-abolitionism'.", max_length=100, verbose_name='academic name')),
                        ('also_called', models.CharField(blank=True, help_text='Other names in common use, comma-separated.', max_length=200, verbose_name='also called')),
                        ('summary', models.CharField(help_text='One sentence: what is and is not an offence.', max_length=300, verbose_name='summary')),
                        ('description', models.TextField(help_text="Plain-language explanation shown on the model's page.", verbose_name='description')),
                        ('typical_workers', models.CharField(choices=[('criminalized', 'Criminalised'), ('partially_criminalized', 'Partially criminalised'), ('regulated', 'Regulated (legal only within licensing)'), ('legal', 'Legal under general law')], help_text='How laws of this model usually treat people who sell sex.', max_length=30, verbose_name='typical treatment of sex workers')),
                        ('typical_clients', models.CharField(choices=[('criminalized', 'Criminalised'), ('partially_criminalized', 'Partially criminalised'), ('regulated', 'Regulated (legal only within licensing)'), ('legal', 'Legal under general law')], help_text='How laws of this model usually treat people who buy sex.', max_length=30, verbose_name='typical treatment of clients')),
                        ('typical_third_parties', models.CharField(choices=[('criminalized', 'Criminalised'), ('partially_criminalized', 'Partially criminalised'), ('regulated', 'Regulated (legal only within licensing)'), ('legal', 'Legal under general law')], help_text='Brothel operators, managers, landlords, drivers, advertisers.', max_length=30, verbose_name='typical treatment of third parties')),
                        ('position', models.PositiveSmallIntegerField(default=0, help_text='Order in lists and legends.', verbose_name='position')),
                    ],
                    options={
                        'db_table': 'models_compare_legalmodel',
                        'verbose_name': 'legal model',
                        'ordering': ['position'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('slug__in', ['criminalization', 'partial_criminalization', 'nordic', 'legalization', 'decriminalization'])), name='legal_model_slug_in_vocabulary')],
                    },
                ),
                migrations.AlterField(
                    model_name='regimeperiod',
                    name='legal_model',
                    field=models.ForeignKey(blank=True, help_text='Blank only when the law varies within the jurisdiction.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='regime_periods', to='jurisdictions.legalmodel', verbose_name='legal model'),
                ),
                migrations.AlterField(
                    model_name='regimeperiodhistory',
                    name='legal_model',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Blank only when the law varies within the jurisdiction.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='jurisdictions.legalmodel', verbose_name='legal model'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="legalmodel", table=None),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
