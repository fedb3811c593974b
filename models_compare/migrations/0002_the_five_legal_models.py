"""Create the five legal models of DESIGN.md; their slugs are a public contract."""

from django.db import migrations

LEGAL_MODELS = [
    {
        "slug": "criminalization",
        "name": "Full criminalisation",
        "academic_name": "Prohibitionism",
        "also_called": "criminalisation, prohibition",
        "summary": "Selling sex, buying sex and third-party involvement are all criminal offences.",
        "description": (
            "Every part of a commercial sexual exchange is an offence: the person who sells "
            "sex, the person who buys it, and anyone who organises, hosts or profits from it. "
            "Penalties range from fines to imprisonment, and in some countries administrative "
            "detention or 're-education'."
        ),
        "typical_workers": "criminalized",
        "typical_clients": "criminalized",
        "typical_third_parties": "criminalized",
        "position": 1,
    },
    {
        "slug": "partial_criminalization",
        "name": "Partial criminalisation",
        "academic_name": "Abolitionism",
        "also_called": "abolitionism",
        "summary": (
            "Selling sex is legal, but soliciting, working together, brothels and third "
            "parties are criminalised."
        ),
        "description": (
            "Exchanging sex for money is not itself an offence, but the acts around it are: "
            "soliciting or loitering in public, kerb-crawling, keeping a brothel (often "
            "defined so that two sex workers sharing premises count as one), and "
            "organising or profiting from another person's sex work. A sex worker is "
            "within the law only when working alone and indoors."
        ),
        "typical_workers": "partially_criminalized",
        "typical_clients": "partially_criminalized",
        "typical_third_parties": "criminalized",
        "position": 2,
    },
    {
        "slug": "nordic",
        "name": "Nordic model",
        "academic_name": "Neo-abolitionism",
        "also_called": "Swedish model, End Demand model, client criminalisation, equality model",
        "summary": "Selling sex is not an offence; buying it is, and third parties are criminalised.",
        "description": (
            "Introduced by Sweden in 1999. Paying for sex is a criminal offence; selling sex "
            "is not. Third-party offences stay in force and are usually read widely: renting "
            "premises to a sex worker, sharing a flat used for sex work or driving a sex "
            "worker can be prosecuted as procuring or brothel-keeping. In some countries "
            "two sex workers sharing premises can still be charged with keeping a brothel."
        ),
        "typical_workers": "legal",
        "typical_clients": "criminalized",
        "typical_third_parties": "criminalized",
        "position": 3,
    },
    {
        "slug": "legalization",
        "name": "Legalisation",
        "academic_name": "Regulationism",
        "also_called": "regulation, licensing",
        "summary": (
            "Sex work is legal only within a licensing regime; outside it, offences remain."
        ),
        "description": (
            "The state permits sex work under conditions it sets: licensed brothels or "
            "zones, registration of sex workers, sometimes mandatory health checks. Work "
            "outside those conditions (unlicensed premises, the street outside permitted "
            "zones, unregistered workers) remains an offence, so a sex worker who cannot or "
            "will not meet the conditions still faces penalties."
        ),
        "typical_workers": "regulated",
        "typical_clients": "legal",
        "typical_third_parties": "regulated",
        "position": 4,
    },
    {
        "slug": "decriminalization",
        "name": "Decriminalisation",
        "academic_name": "Decriminalisation",
        "also_called": "full decriminalisation",
        "summary": (
            "Criminal penalties specific to sex work are removed; it is governed by general "
            "labour, health and safety, and business law."
        ),
        "description": (
            "Selling and buying sex between consenting adults, working together and "
            "running a sex-work business are no longer criminal offences. Sex work is "
            "treated as work: employment, workplace safety, planning and business rules "
            "apply as they do to other trades, and sex workers hold the same labour rights."
        ),
        "typical_workers": "legal",
        "typical_clients": "legal",
        "typical_third_parties": "legal",
        "position": 5,
    },
]


def create_legal_models(apps, schema_editor):
    LegalModel = apps.get_model("models_compare", "LegalModel")
    for values in LEGAL_MODELS:
        LegalModel.objects.update_or_create(slug=values["slug"], defaults=values)


def remove_legal_models(apps, schema_editor):
    apps.get_model("models_compare", "LegalModel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("models_compare", "0001_initial")]

    operations = [migrations.RunPython(create_legal_models, remove_legal_models)]
