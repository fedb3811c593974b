"""What "in force on a date" means, written once.

A regime period is in force from its ``start_date`` (inclusive) until its ``end_date``
(exclusive); an ``end_date`` of None means it is still in force. ``in_force_q`` says it to the
database, ``in_force_on`` to rows already loaded (model instances or dataset records).
"""

from __future__ import annotations

import datetime
from typing import Protocol

from django.db.models import Q


class Dated(Protocol):
    """Anything with a start date and an optional end date: a RegimePeriod or a dataset record."""

    @property
    def start_date(self) -> datetime.date: ...

    @property
    def end_date(self) -> datetime.date | None: ...


def in_force_q(at: datetime.date, prefix: str = "") -> Q:
    """Q for regime periods in force on ``at``; ``prefix`` reaches them through a relation."""
    return Q(**{f"{prefix}start_date__lte": at}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": at})
    )


def in_force_on(period: Dated, at: datetime.date) -> bool:
    """Whether a loaded period is in force on ``at`` (the same rule as ``in_force_q``)."""
    return period.start_date <= at and (period.end_date is None or period.end_date > at)
