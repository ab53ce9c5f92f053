"""The split rule: one BTS port code's traffic shared among the crossings it covers.

BTS counts traffic per port code; one code can cover several crossings (Blaine is Peace
Arch and Pacific Highway; Buffalo–Niagara Falls is three bridges). Rule
``split-by-cbp-max-lanes v1`` (:func:`split_shares`) assigns each crossing a share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from borderflow.data import Crossing, Registry
from borderflow.vocab import (
    MEASURE_GROUPS,
)

# --- split rule -------------------------------------------------------------------------------

#: Name and version of the split rule.
SPLIT_RULE = "split-by-cbp-max-lanes v1"


@dataclass(frozen=True)
class SplitShare:
    """Share of one BTS port code's traffic (one measure group) assigned to one crossing."""

    bts_port_code: str
    crossing_id: str
    crossing_name: str
    group: str
    share: float
    rule: str
    basis: str


def _proportional(
    code: str,
    group: str,
    weights: Mapping[Crossing, int],
    members: tuple[Crossing, ...],
    basis: str,
) -> tuple[SplitShare, ...]:
    total = sum(weights.values())
    return tuple(
        SplitShare(
            code, c.crossing_id, c.us_name, group, weights.get(c, 0) / total, SPLIT_RULE, basis
        )
        for c in members
    )


def _equal(
    code: str, group: str, members: tuple[Crossing, ...], basis: str
) -> tuple[SplitShare, ...]:
    return tuple(
        SplitShare(code, c.crossing_id, c.us_name, group, 1 / len(members), SPLIT_RULE, basis)
        for c in members
    )


def _passenger_split(
    code: str, group: str, members: tuple[Crossing, ...]
) -> tuple[SplitShare, ...]:
    lanes = {c: c.cbp_max_lanes("passenger") for c in members}
    if all(v is not None and v > 0 for v in lanes.values()):
        known = {c: v for c, v in lanes.items() if v is not None}
        detail = ", ".join(f"{c.us_name} {v}" for c, v in known.items())
        return _proportional(
            code,
            group,
            known,
            members,
            f"proportional to CBP maximum passenger lanes (2023-11-10): {detail}",
        )
    return _equal(
        code,
        group,
        members,
        "equal split: CBP gives passenger lanes for only some or none of these crossings",
    )


def _by_cbp_lanes(
    code: str, group: str, members: tuple[Crossing, ...], basis: str
) -> tuple[SplitShare, ...]:
    """Shares proportional to CBP's maximum lanes of ``group``; empty if none lists any."""
    lanes = {c: n for c in members if (n := c.cbp_max_lanes(group))}
    if not lanes:
        return ()
    detail = ", ".join(f"{c.us_name} {v}" for c, v in lanes.items())
    return _proportional(code, group, lanes, members, f"{basis} (2023-11-10): {detail}")


def split_shares(registry: Registry, bts_port_code: str, group: str) -> tuple[SplitShare, ...]:
    """Split one BTS port code's traffic among its crossings (rule ``split-by-cbp-max-lanes v1``).

    The rule, by measure group (see :data:`MEASURE_GROUPS`):

    - one crossing under the code: share 1;
    - ``passenger``: proportional to CBP's maximum passenger lanes (U.S.-bound, snapshot
      2023-11-10) when every crossing under the code has that figure, else equal shares;
    - ``commercial``: if any crossing under the code is in CBP's feed, only crossings whose
      feed entry lists commercial lanes get trucks, in proportion to those lanes; if none
      is in the feed (or none lists them), as ``passenger``;
    - ``pedestrian``: crossings with CBP pedestrian lanes, in proportion to them; else as
      ``passenger``;
    - ``rail``: all to the master crossing -- rail lines are not points of the registry,
      so this is a placeholder attribution, not a location.

    Point Roberts sits under Blaine (``300403``) in CBP's feed but has its own BTS code
    (3017), so it is not part of the Blaine (3004) split.

    Parameters
    ----------
    registry
        The crossing registry.
    bts_port_code
        4-character BTS port code.
    group
        Measure group: ``passenger``, ``commercial``, ``pedestrian`` or ``rail``.

    Returns
    -------
    tuple of SplitShare
        One share per crossing under the code; the shares sum to 1.

    Raises
    ------
    KeyError
        If the group is unknown or no crossing of the registry is counted under the code
        (e.g. Algonac 3814, in the BTS data but not in the crossing layer).
    """
    if group not in MEASURE_GROUPS:
        raise KeyError(f"unknown measure group {group!r}; expected one of {tuple(MEASURE_GROUPS)}")
    members = registry.by_port_code(bts_port_code)
    if not members:
        raise KeyError(f"no registry crossing is counted under BTS port code {bts_port_code!r}")
    if len(members) == 1:
        return (
            SplitShare(
                bts_port_code,
                members[0].crossing_id,
                members[0].us_name,
                group,
                1.0,
                SPLIT_RULE,
                "only crossing under this code",
            ),
        )
    if group == "rail":
        master = [c for c in members if c.is_master] or [members[0]]
        weights = {master[0]: 1}
        return _proportional(
            bts_port_code,
            group,
            weights,
            members,
            "all to the master crossing: rail lines are not registry points (placeholder)",
        )
    if group == "commercial" and any(c.in_cbp_feed for c in members):
        found = _by_cbp_lanes(
            bts_port_code,
            group,
            members,
            "only crossings whose CBP feed entry lists commercial lanes, proportional to them",
        )
        if found:
            return found
    if group == "pedestrian":
        found = _by_cbp_lanes(
            bts_port_code, group, members, "only crossings with CBP pedestrian lanes"
        )
        if found:
            return found
    return _passenger_split(bts_port_code, group, members)


__all__ = ["SPLIT_RULE", "SplitShare", "split_shares"]
