"""The channels and segments a business-input row may name, from where they are defined.

Channels come from the dbt seed `channels.csv` (the one list the marts use too); segments from the naming
convention's allowed `segment` values in `.dlt/config.toml`. Nothing here is hard-coded, so a channel added to the
seed or a segment added to the convention is accepted by the input files at once.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sources.business_inputs import settings

__all__ = ["Vocabulary", "read_channels", "vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """Allowed values of the channel and segment fields, per input file."""

    channels: tuple[str, ...]
    ad_channels: tuple[str, ...]
    segments: tuple[str, ...]

    @property
    def target_channels(self) -> tuple[str, ...]:
        """targets.csv channel: any channel, or `all`."""
        return (*self.channels, settings.TOTAL)

    @property
    def target_segments(self) -> tuple[str, ...]:
        """targets.csv segment: a naming-convention segment, `unassigned`, or `all`."""
        return (*self.segments, settings.UNASSIGNED_SEGMENT, settings.TOTAL)

    @property
    def budget_channels(self) -> tuple[str, ...]:
        """budgets.csv channel: a channel that buys ads, or `all` (every channel's ad spend)."""
        return (*self.ad_channels, settings.TOTAL)


def read_channels(seed: Path = settings.CHANNELS_SEED) -> dict[str, str]:
    """Channel -> channel_type, in the seed's order."""
    with seed.open(encoding="utf-8", newline="") as handle:
        return {row["channel"].strip(): row["channel_type"].strip() for row in csv.DictReader(handle)}


def _configured_segments() -> list[str]:
    """The naming convention's segments in the project config (`[socialmart.naming.allowed_values] segment`)."""
    from socialmart.config import load_settings

    return list(load_settings().naming.allowed_values.get("segment", []))


def vocabulary(segments: Sequence[str] | None = None, seed: Path = settings.CHANNELS_SEED) -> Vocabulary:
    """The allowed values: `segments` as given, or (None) those of the project config."""
    channels = read_channels(seed)
    return Vocabulary(
        channels=tuple(channels),
        ad_channels=tuple(c for c, kind in channels.items() if kind in settings.AD_CHANNEL_TYPES),
        segments=tuple(_configured_segments() if segments is None else segments),
    )
