"""The brand's segment rules (inputs/segment_rules.csv) and how they assign segments (docs/design.md).

A campaign's segment is its naming-convention segment, else the segment of the first campaign rule that matches it,
else `unassigned`. An order's (customer's) segment is its attributed campaign's segment, else the segment of the
first order rule that matches it, else `unassigned`. Rules keep their file order; values compare case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNASSIGNED = "unassigned"
CAMPAIGN_FIELDS = ("campaign_name", "campaign_id", "initiative", "platform", "account_id")
ORDER_FIELDS = ("landing_path", "discount_code", "utm_source", "utm_medium", "utm_campaign", "referring_host")


@dataclass(frozen=True)
class SegmentRule:
    """One row of segment_rules.csv."""

    applies_to: str  # campaign | order
    field: str
    operator: str  # equals | contains | starts_with
    value: str
    segment: str

    def matches(self, fields: Mapping[str, str | None]) -> bool:
        """Whether the rule's field of `fields` passes the operator (case-insensitive; a missing value never does)."""
        actual = fields.get(self.field)
        if actual is None:
            return False
        actual, wanted = actual.lower(), self.value.lower()
        if self.operator == "equals":
            return actual == wanted
        if self.operator == "contains":
            return wanted in actual
        return actual.startswith(wanted)


# The sandbox brand's rules, in file order. Campaign rules only reach the campaigns whose names carry no valid
# segment (the `boomers` names); order rules only the orders without a campaign segment. The first rule of each
# kind shadows a later one for some rows (an X `kids-club` campaign is parents, not genz; a MAYA15 order on a kids
# product is genz).
SEGMENT_RULES = (
    SegmentRule("campaign", "initiative", "equals", "kids-club", "parents"),
    SegmentRule("campaign", "platform", "equals", "x", "genz"),
    SegmentRule("campaign", "platform", "equals", "linkedin", "millennial"),
    SegmentRule("campaign", "campaign_name", "contains", "_boomers_", "parents"),
    SegmentRule("order", "discount_code", "equals", "MAYA15", "genz"),
    SegmentRule("order", "discount_code", "starts_with", "priya", "parents"),
    SegmentRule("order", "landing_path", "starts_with", "/products/kids-", "parents"),
    SegmentRule("order", "landing_path", "contains", "baby-bodysuit", "parents"),
    SegmentRule("order", "utm_campaign", "equals", "reel", "genz"),
    SegmentRule("order", "referring_host", "contains", "pinterest", "parents"),
    SegmentRule("order", "referring_host", "equals", "tiktok.com", "genz"),
    SegmentRule("order", "utm_source", "equals", "klaviyo", "millennial"),
)


def first_rule_segment(applies_to: str, fields: Mapping[str, str | None]) -> str | None:
    """The segment of the first rule of that kind matching `fields`, None when none matches."""
    for rule in SEGMENT_RULES:
        if rule.applies_to == applies_to and rule.matches(fields):
            return rule.segment
    return None
