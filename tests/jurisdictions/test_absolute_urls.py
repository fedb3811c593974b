"""A jurisdiction's address is built without a reverse() per row, and is still reverse()'s answer."""

from django.urls import clear_script_prefix, reverse, set_script_prefix

from jurisdictions.models import Jurisdiction


def test_the_address_is_what_reverse_gives_under_any_script_prefix():
    slugs = ["sweden", "us-nv", "clark-county", "Mixed_Case-1"]
    try:
        for prefix in ["/", "/atlas/"]:
            set_script_prefix(prefix)
            for slug in slugs:
                expected = reverse("jurisdictions:detail", kwargs={"slug": slug})
                assert Jurisdiction(slug=slug).get_absolute_url() == expected
                assert expected.startswith(prefix)
    finally:
        clear_script_prefix()
