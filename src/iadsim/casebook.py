"""Figures the case write-ups quote (docs/cases/), computed from event logs of seeded runs.

Each function reads run results (their event logs and metrics, nothing kept on
the side) and returns plain records, so that ``examples/cases.py`` can print
the tables of the write-ups and the tests can assert the stories they tell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.engine import RunResult
from iadsim.metrics import threat_outcomes
from iadsim.scenario.compile import compile_scenario
from iadsim.scenario.schema import Scenario

DAY_S = 86400.0


def replications(scenario: Scenario | Mapping[str, Any], seeds: Iterable[int]) -> list[RunResult]:
    """One run per seed of the same scenario."""
    loaded = scenario if isinstance(scenario, Scenario) else iadsim.load_scenario(scenario)
    return [iadsim.simulate(loaded, seed=seed) for seed in seeds]


def variant(path: str, change: Any) -> dict[str, Any]:
    """The scenario file at ``path`` as a mapping, with ``change`` (a function of the mapping) applied."""
    data = iadsim.load_scenario(path).model_dump(mode="json")
    change(data)
    return data


def _events(result: RunResult) -> pd.DataFrame:
    return result.events.to_pandas()


def leaks_by_type(results: list[RunResult]) -> pd.DataFrame:
    """Per threat type over all runs: threats, leaked, leak fraction (leaked / threats)."""
    rows = [{"type": o["type"], "leaked": o["fate"] == "leaked"} for r in results for o in threat_outcomes(r.events)]
    table = pd.DataFrame(rows).groupby("type").agg(threats=("leaked", "size"), leaked=("leaked", "sum"))
    table["leak_fraction"] = table.leaked / table.threats
    return table


def rounds_by_layer(results: list[RunResult]) -> pd.DataFrame:
    """Mean interceptors fired per run by layer and by the class of threat they were fired at."""
    frames = []
    for result in results:
        events = _events(result)
        launches = events[events.kind == "launch"]
        frames.append(pd.DataFrame({"layer": launches.layer.astype(str),
                                    "at": launches.threat_id.map(_threat_types(events))}))
    fired = pd.concat(frames) if frames else pd.DataFrame(columns=["layer", "at"])
    return fired.groupby(["layer", "at"]).size().unstack(fill_value=0) / max(len(results), 1)


def mean_metrics(results: list[RunResult], keys: Iterable[str]) -> dict[str, float]:
    """Mean of the named metrics over runs (a metric absent from a run counts as NaN)."""
    return {key: float(np.nanmean([r.metrics.get(key, np.nan) for r in results])) for key in keys}


def nightly(result: RunResult, day_s: float = DAY_S) -> pd.DataFrame:
    """Per night (day of the run, from 1): threats launched, leaked, interceptors fired, rounds delivered."""
    events = _events(result)
    events["night"] = (events.t_s // day_s).astype(int) + 1
    counts = {name: events[events.kind == kind].groupby("night").size()
              for name, kind in (("threats", "threat_launch"), ("leaked", "leak"), ("fired", "launch"))}
    counts["delivered"] = events[events.kind == "resupply"].groupby("night").value.sum()
    counts["spent_usd"] = events[events.kind == "launch"].groupby("night").value.sum()
    counts["drones_usd"] = events[events.kind == "threat_launch"].groupby("night").value.sum()
    table = pd.DataFrame(counts).fillna(0)
    return table.astype({name: int for name in ("threats", "leaked", "fired", "delivered")})


def shortage_night(result: RunResult, fraction: float = 0.25, day_s: float = DAY_S) -> float:
    """The first night (from 1) in which at least ``fraction`` of that night's threats leaked, or NaN.

    A stray leak from a missed intercept is not a shortage; a quarter of a wave
    getting through is (the defence no longer has the rounds to engage them all).
    """
    table = nightly(result, day_s)
    short = table.index[table.leaked >= fraction * table.threats]
    return float(short.min()) if len(short) else float("nan")


def unit_survival(results: list[RunResult]) -> float:
    """Fraction of runs in which no fire unit was destroyed."""
    return float(np.mean([r.metrics.get("units_destroyed", 0) == 0 for r in results]))


def time_not_deployed_s(result: RunResult) -> float:
    """Seconds units spent marching or setting up (summed over units), from their state events."""
    events = _events(result)
    states = events[events.kind == "unit_state"]
    total = 0.0
    for _, unit in states.groupby("unit_id"):
        away = unit[unit.detail.str.startswith("marching")].t_s.to_numpy()
        back = unit[unit.detail == "deployed"].t_s.to_numpy()
        ends = [back[back >= t].min() if (back >= t).any() else result.scenario.duration for t in away]
        total += float(np.sum(np.asarray(ends) - away))
    return total


def _threat_types(events: pd.DataFrame) -> dict[int, str]:
    launched = events[events.kind == "threat_launch"]
    return dict(zip(launched.threat_id, launched.weapon.astype(str), strict=True))


def first_detection_km(result: RunResult) -> pd.DataFrame:
    """Mean slant range (km) at which each radar type first detected each threat type (rows: radar types)."""
    events = _events(result)
    names = compile_scenario(result.scenario, load_catalog(), np.random.default_rng(0)).sensor_names
    detects = events[events.kind == "detect"].sort_values("t_s").groupby(["sensor_id", "threat_id"]).first()
    detects = detects.reset_index()
    detects["radar"] = [names[i].split("/")[-1] for i in detects.sensor_id]
    detects["type"] = detects.threat_id.map(_threat_types(events))
    return (detects.groupby(["radar", "type"]).value.mean() / 1e3).unstack()


def first_launch_km(result: RunResult) -> pd.Series:
    """Mean ground distance (km) from the firing unit to each threat type at the first launch against it.

    Needs the threats' path points at the launch times (``path_interval`` equal to the time step).
    """
    events = _events(result)
    launches = events[events.kind == "launch"].sort_values("t_s").groupby("threat_id").first().reset_index()
    points = events[(events.kind == "path_point") & (events.threat_id >= 0)].set_index(["threat_id", "t_s"])
    where = points.loc[list(zip(launches.threat_id, launches.t_s, strict=True)), ["lat_deg", "lon_deg"]].to_numpy()
    distance = [geo.geodesic_inverse(a, b, c, d)[0] for a, b, (c, d) in
                zip(launches.lat_deg, launches.lon_deg, where, strict=True)]
    launches["km"] = np.asarray(distance) / 1e3
    launches["type"] = launches.threat_id.map(_threat_types(events))
    return launches.groupby("type").km.mean()


def warning_s(result: RunResult, asset: str) -> NDArray[np.float64]:
    """Per threat tracked: the flight time left to ``asset`` when its first track started (s).

    Ground distance from the threat at its first track to the asset, over the
    threat's speed (its raid's, or its type's catalog figure): the time the
    defence had, from first track to impact, for a threat flying straight in.
    """
    events = _events(result)
    scenario = result.scenario
    target = next(a for a in scenario.assets if a.name == asset).position
    catalog = load_catalog()
    speed_of_raid = {raid.name or raid.type: raid.speed or catalog.threat(raid.type).speed for raid in scenario.raids}
    launched = events[events.kind == "threat_launch"]
    speed = dict(zip(launched.threat_id, launched.detail.map(speed_of_raid), strict=True))
    first = events[events.kind == "track_start"].sort_values("t_s").groupby("threat_id").first().reset_index()
    distance = np.array([geo.geodesic_inverse(lat, lon, target.lat, target.lon)[0]
                         for lat, lon in zip(first.lat_deg, first.lon_deg, strict=True)])
    return distance / first.threat_id.map(speed).to_numpy(dtype=float)
