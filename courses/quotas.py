"""Which quota a trainee's seat counts against: the rule, without the database.

A quota reserves seats of a course for a region, an organisation type, or one type within one
region. Each trainee counts against exactly one quota, the most specific that matches them
(region and type, else region, else type), or against the open seats when none matches. A
quota is both what its trainees may hold at most and what nobody else may take; the open seats
are the capacity minus all quotas.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

# A trainee's place in the seat rules, as registered: (region id, organisation type).
SeatGroup = tuple[int, str]


class QuotaKey(NamedTuple):
    """Whom a quota is for: a region, an organisation type ("" for any), or both."""

    region_id: int | None = None
    organisation_type: str = ""


def quota_for(quotas: Iterable[QuotaKey], group: SeatGroup) -> QuotaKey | None:
    """The most specific of `quotas` that `group` counts against, or None for the open seats."""
    region_id, organisation_type = group
    keys = quotas if isinstance(quotas, (set, frozenset, dict)) else set(quotas)
    for key in (
        QuotaKey(region_id, organisation_type),
        QuotaKey(region_id),
        QuotaKey(None, organisation_type),
    ):
        if key in keys:
            return key
    return None


def held_by_quota(
    held: Mapping[SeatGroup, int], quotas: Iterable[QuotaKey]
) -> Counter[QuotaKey | None]:
    """The seats held against each quota, and against the open seats (key None)."""
    keys = set(quotas)
    totals: Counter[QuotaKey | None] = Counter()
    for group, n in held.items():
        totals[quota_for(keys, group)] += n
    return totals
