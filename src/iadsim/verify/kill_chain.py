"""Verification of the kill chain (:mod:`iadsim.c2.kill_chain`): engagement radars and the hand-over.

- ``kill-chain-no-engagement-radar``: a battery whose engagement radar points away from a raid (its search
  radar, all round, still tracks it) launches nothing; the same battery under ``kill_chain: air_picture``
  launches (issue 19, Verification: "a unit without its engagement radar launches nothing").
- ``kill-chain-hand-over-time``: the time from cue to firm engagement track of every ``fire_control_track``
  event equals the closed form acquisition_time + (M − 1) T (M the tracking confirm_hits, T the engagement
  radar's scan period, one look a tick, a radar that detects on every look: range_horizon).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from iadsim.verify import CaseResult, case

POINTED_AWAY_CATALOG = """\
entries:
  - name: verify-sector-fire-control-radar
    kind: radar
    role: fire_control
    description: An engagement radar with a 90 degree sector, for the kill-chain verification.
    source: iadsim-estimate
    detection_range: 150 km
    reference_rcs: 1 m^2
    max_range: 180 km
    antenna_height: 4 m
    scan_period: 1 s
    track_capacity: 100
    range_sigma: 20 m
    azimuth_sigma: 0.1 deg
    elevation_sigma: 0.1 deg
    sector_width: 90 deg
  - name: verify-sector-sam
    kind: fire_unit
    description: A battery with an all-round search radar and a sector engagement radar, launchers all round.
    source: iadsim-estimate
    radars: [generic-search-radar, verify-sector-fire-control-radar]
    interceptors: [generic-lr-interceptor]
    launchers: 6
    fire_control_channels: 9
    guided_missiles: 9
    min_launch_interval: 3 s
    cost_usd: 1000000000
"""
"""A fire-unit type of the verification's own: a sector engagement radar on a unit that may fire all round
(no engagement_sector), so that only the kill chain can stop it when the radar points away."""


def battery_scenario(heading_deg: float, kill_chain: str, catalog_file: str | None = None,
                     unit_type: str = "generic-lr-sam", fighters: int = 4) -> dict:
    """One battery at a city facing ``heading_deg``, ``fighters`` fighters from the north-east at 100 km."""
    scenario = {
        "name": "kill chain verification", "seed": 3, "duration": "8 min", "time_step": "1 s",
        "assets": [{"name": "City", "position": {"lat": 38.42, "lon": 27.14}, "value": 100}],
        "units": [{"name": "Battery", "type": unit_type, "position": {"lat": 38.42, "lon": 27.14},
                   "heading": f"{heading_deg} deg", "inventory": {"generic-lr-interceptor": 24}}],
        "raids": [{"type": "generic-fighter", "count": fighters, "launch_point": {"lat": 39.06, "lon": 27.94},
                   "spread": "5 km", "target": "City"}],
        "doctrine": {"kill_chain": kill_chain, "layer_policy": "max_range", "self_defence": False},
    }
    if catalog_file is not None:
        scenario["catalogs"] = [catalog_file]
    return scenario


def launches(scenario: dict) -> tuple[int, object]:
    """Launch events of one run of ``scenario`` (and its events)."""
    import pyarrow.compute as pc

    import iadsim

    result = iadsim.simulate(iadsim.load_scenario(scenario))
    kind = result.events.column("kind").cast("string")
    return int(pc.sum(pc.equal(kind, "launch")).as_py() or 0), result.events


def pointed_away_launches() -> dict[str, int]:
    """Launches of the sector battery facing the raid and facing away, under both kill chains."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sector_sam.yaml"
        path.write_text(POINTED_AWAY_CATALOG)
        return {f"{chain}, {name}": launches(battery_scenario(heading, chain, str(path), "verify-sector-sam"))[0]
                for chain in ("engagement_radar", "air_picture") for name, heading in (("facing", 45.0),
                                                                                      ("away", 225.0))}


@case("kill-chain-no-engagement-radar")
def kill_chain_no_engagement_radar() -> CaseResult:
    """Engagement radar pointed away: no launch under the kill chain; launches under air_picture."""
    got = pointed_away_launches()
    passed = (got["engagement_radar, away"] == 0 and got["air_picture, away"] > 0
              and got["engagement_radar, facing"] > 0)
    return CaseResult(
        case="kill-chain-no-engagement-radar", model="c2.kill_chain (decide wta)",
        reference="issue 19: a unit guides rounds only at a target its own engagement radar holds",
        expected="0 launches with the engagement radar pointed away; > 0 under air_picture and facing the raid",
        got=", ".join(f"{name}: {count}" for name, count in got.items()), tolerance="exact", passed=passed)


def hand_over_times() -> tuple[np.ndarray, float]:
    """The hand-over times (s) of a generic-lr-sam's engagement tracks, and their closed form."""
    import pyarrow.compute as pc

    from iadsim.c2.kill_chain import default_figures
    from iadsim.catalog import load_catalog
    from iadsim.scenario.schema import Tracking

    _, events = launches(battery_scenario(45.0, "engagement_radar"))
    kind = events.column("kind").cast("string")
    values = events.filter(pc.equal(kind, "fire_control_track")).column("value").to_numpy()
    radar = load_catalog().radar("generic-lr-fire-control-radar")
    acquisition = radar.acquisition_time if radar.acquisition_time is not None else \
        default_figures().acquisition_time.value
    expected = acquisition + (Tracking().confirm_hits - 1) * radar.scan_period
    return values, expected


@case("kill-chain-hand-over-time")
def kill_chain_hand_over_time() -> CaseResult:
    """Cue to firm engagement track: acquisition_time + (M − 1) scan periods."""
    values, expected = hand_over_times()
    worst = float(np.max(np.abs(values - expected))) if len(values) else np.inf
    return CaseResult(
        case="kill-chain-hand-over-time", model="c2.kill_chain (sense range_horizon)",
        reference="closed form: acquisition_time + (M - 1) T, M-of-N confirmation (Blackman & Popoli 1999, ch. 6)",
        expected=f"{expected:.1f} s", got=f"{len(values)} hand-overs, worst error {worst:.2e} s",
        tolerance="1e-9 s", passed=len(values) > 0 and worst <= 1e-9)
