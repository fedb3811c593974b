"""'Cite this page': one citation in the forms researchers paste into their tools.

A citation names the page (with its date parameters in the title and the URL), the dataset
version it showed, and the day it was retrieved: :func:`page_citation` builds the sentence,
BibTeX, RIS and CSL-JSON from the same values.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from jurisdictions.selectors import dataset_version

PUBLISHER = "Sex Work Law Atlas"
LICENCE = "CC BY 4.0"


def long_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


@dataclass(frozen=True)
class Citation:
    title: str  # e.g. 'Belgium: sex-work law on 1 June 2022'
    url: str  # the page's address, query string included
    dataset_version: str
    dataset_date: datetime.date  # when the data last changed
    retrieved: datetime.date

    @property
    def key(self) -> str:
        """A BibTeX/CSL key: 'swla-belgium-sex-work-law-on-1-june-2022-2026-12-01'."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")[:60].strip("-")
        return f"swla-{slug}-{self.retrieved.isoformat()}"

    @property
    def sentence(self) -> str:
        return (
            f"{PUBLISHER}, “{self.title}”, dataset version {self.dataset_version}, "
            f"retrieved on {long_date(self.retrieved)} from {self.url} ({LICENCE})."
        )

    @property
    def note(self) -> str:
        return f"Dataset version {self.dataset_version}; licensed {LICENCE}"

    @property
    def bibtex(self) -> str:
        fields = [
            ("title", _bibtex_escape(self.title)),
            ("author", "{" + PUBLISHER + "}"),
            ("organization", PUBLISHER),
            ("year", str(self.dataset_date.year)),
            ("version", _bibtex_escape(self.dataset_version)),
            ("url", self.url),
            ("urldate", self.retrieved.isoformat()),
            ("note", _bibtex_escape(self.note)),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}"

    @property
    def ris(self) -> str:
        lines = [
            ("TY", "DATA"),
            ("TI", self.title),
            ("AU", PUBLISHER),
            ("PB", PUBLISHER),
            ("PY", str(self.dataset_date.year)),
            ("ET", self.dataset_version),
            ("UR", self.url),
            ("Y2", self.retrieved.strftime("%Y/%m/%d")),
            ("N1", self.note),
            ("ER", ""),
        ]
        return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines)

    @property
    def csl(self) -> dict:
        return {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "author": [{"literal": PUBLISHER}],
            "publisher": PUBLISHER,
            "version": self.dataset_version,
            "issued": {"date-parts": [[self.dataset_date.year, self.dataset_date.month, self.dataset_date.day]]},
            "accessed": {"date-parts": [[self.retrieved.year, self.retrieved.month, self.retrieved.day]]},
            "URL": self.url,
            "note": self.note,
        }

    @property
    def csl_json(self) -> str:
        return json.dumps([self.csl], indent=2, ensure_ascii=False)


def _bibtex_escape(text: str) -> str:
    """Escape the characters that are special in BibTeX field values."""
    return re.sub(r"([{}%&$#_\\])", r"\\\1", text)


def _citation(request, *, title: str, url: str) -> Citation:
    version = dataset_version()
    return Citation(
        title=title,
        url=request.build_absolute_uri(url),
        dataset_version=version.label,
        dataset_date=version.date,
        retrieved=timezone.localdate(),
    )


def pinned_url(request, *, as_of: datetime.date) -> str:
    """The page's address with its date spelled out, so the citation keeps showing what was read."""
    params = request.GET.copy()
    params.pop("preview", None)
    params.pop("page", None)
    params["as_of"] = as_of.isoformat()
    return f"{request.path}?{params.urlencode()}"


def jurisdiction_citation(request, *, jurisdiction, as_of: datetime.date) -> Citation:
    return _citation(
        request,
        title=f"{jurisdiction.name}: sex-work law on {long_date(as_of)}",
        url=pinned_url(request, as_of=as_of),
    )


def model_citation(request, *, model, as_of: datetime.date) -> Citation:
    return _citation(
        request, title=f"{model.name}: jurisdictions on {long_date(as_of)}", url=pinned_url(request, as_of=as_of)
    )


def browse_citation(request, *, as_of: datetime.date) -> Citation:
    return _citation(
        request,
        title=f"Jurisdictions and their sex-work law on {long_date(as_of)}",
        url=pinned_url(request, as_of=as_of),
    )


def comparison_citation(request, *, columns) -> Citation:
    """``columns``: the comparison's columns (each a jurisdiction at a date), every date pinned."""
    parts = [f"{column.jurisdiction.name} on {long_date(column.item.as_of)}" for column in columns]
    query = "&".join(f"j={column.item.slug}@{column.item.as_of.isoformat()}" for column in columns)
    return _citation(
        request, title=f"Sex-work law compared: {', '.join(parts)}", url=f"{reverse('models_compare:compare')}?{query}"
    )


def codebook_citation(request) -> Citation:
    return _citation(request, title="Codebook", url=reverse("models_compare:codebook"))
