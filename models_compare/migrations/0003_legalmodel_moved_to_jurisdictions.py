"""LegalModel now lives in jurisdictions (see jurisdictions 0003); its table and rows are kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("models_compare", "0002_the_five_legal_models"),
        ("jurisdictions", "0003_legalmodel_from_models_compare"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LegalModel")],
            database_operations=[],
        ),
    ]
