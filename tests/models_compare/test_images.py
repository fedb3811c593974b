"""Charts and maps as SVG and PNG files, and the embeddable map."""

import struct
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(body: bytes) -> tuple[int, int]:
    assert body.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", body[16:24])


def test_over_time_chart_as_a_standalone_svg(client, atlas):
    response = client.get(reverse("models_compare:over_time_svg"))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    text = " ".join(root.itertext())
    assert root.tag.endswith("svg") and root.get("width") and root.get("height")
    for name in ("Nordic model", "Decriminalisation", "Partial criminalisation"):
        assert name in text
    assert "Sex Work Law Atlas · CC BY 4.0" in text and "dataset version" in text


def test_over_time_chart_as_a_png(client, atlas):
    response = client.get(reverse("models_compare:over_time_png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    width, height = png_size(response.content)
    assert width > 600 and height > 400


def test_map_as_a_png_for_a_date_and_region(client, atlas):
    response = client.get(reverse("models_compare:map_png"), {"as_of": "2005-06-30", "focus": "europe"})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert png_size(response.content)[0] >= 800
    for bad in ({"as_of": "1800-01-01"}, {"focus": "atlantis"}, {"as_of": "%00"}):
        assert client.get(reverse("models_compare:map_png"), bad).status_code == 400


class TestEmbed:
    def test_the_embedded_map_may_be_framed_by_any_site_and_sets_no_cookie(self, client, atlas):
        response = client.get(reverse("models_compare:embed_map"), {"model": "nordic", "as_of": "2010-12-31"})
        assert response.status_code == 200
        assert "X-Frame-Options" not in response and not response.cookies
        policies = [response.get(h, "") for h in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")]
        assert any("frame-ancestors *" in policy for policy in policies), policies
        body = response.content.decode()
        assert "wm-highlight-nordic" in body and "Sex Work Law Atlas</a> (CC BY 4.0)" in body
        assert '<base target="_blank">' in body and "<script" not in body and "csrf" not in body.lower()
        assert "31 December 2010" in body

    def test_other_pages_still_refuse_to_be_framed(self, client, atlas):
        response = client.get(reverse("models_compare:home"))
        assert response["X-Frame-Options"] == "DENY"
        policies = [response.get(h, "") for h in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")]
        assert any("frame-ancestors 'none'" in policy for policy in policies)

    def test_the_credit_links_to_the_same_map_on_the_atlas(self, client, atlas):
        body = client.get(reverse("models_compare:embed_map"), {"model": "legalization", "focus": "europe"}).content
        assert b'href="http://testserver/models/legalization/?focus=europe"' in body

    @pytest.mark.parametrize("params", [{"model": "tolerance"}, {"focus": "mars"}, {"as_of": "2999-01-01"}])
    def test_bad_choices_are_a_400(self, client, atlas, params):
        assert client.get(reverse("models_compare:embed_map"), params).status_code == 400
        assert client.get(reverse("models_compare:embed"), params).status_code == 400

    def test_builder_names_the_regions(self, client, atlas):
        body = client.get(reverse("models_compare:embed"), {"focus": "caribbean"}).content.decode()
        assert '<option value="caribbean" selected>Central America and the Caribbean</option>' in body
        assert "Sex Work Law Atlas: legal models of sex work, Central America and the Caribbean, today" in body

    def test_builder_gives_the_iframe_snippet(self, client, atlas):
        response = client.get(
            reverse("models_compare:embed"), {"model": "nordic", "as_of": "2010-12-31", "focus": "europe"}
        )
        body = response.content.decode()
        src = "http://testserver/embed/map/?as_of=2010-12-31&amp;focus=europe&amp;model=nordic"
        assert f"&lt;iframe src=&quot;{src}&quot;" in body or f'&lt;iframe src="{src}"' in body
        assert f'<iframe class="embed-preview" src="{src}"' in body
