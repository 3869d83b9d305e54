"""Figures of a run, computed from its event log (and the scenario, for the list of types in play)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iadsim.catalog import Catalog
from iadsim.catalog.schema import LAYERS
from iadsim.scenario.schema import Scenario


def compute_metrics(events: pa.Table, scenario: Scenario, catalog: Catalog) -> dict[str, float]:
    """A flat dict of run metrics.

    ``threats``, ``detected``, ``tracked``, ``engaged``, ``killed`` and ``leaked``
    count distinct threats; ``leak_fraction`` is leaked / threats;
    ``interceptors_<type>`` counts launches of each interceptor type the units
    carry, ``killed_<layer>`` kills by each layer in play; ``cost_defender`` and
    ``cost_attacker`` are the prices of interceptors fired and threats launched (USD),
    ``cost_threats_killed`` and ``cost_threats_leaked`` the prices of the threats
    shot down and of those that got through (USD). With fire units that move,
    are struck or are resupplied: ``units_destroyed``, ``unit_moves`` (marches
    begun), ``rounds_resupplied``, parts lost to strikes (``launchers_lost``, ``radars_lost``,
    ``command_posts_lost``); ``first_out_of_rounds_s`` is when a unit first
    fired its last round of a type (absent when none ran out).
    """
    kind = events.column("kind").cast(pa.string())

    def rows(name: str) -> pa.Table:
        return events.filter(pc.equal(kind, name))

    def distinct_threats(name: str) -> int:
        return len(np.unique(rows(name).column("threat_id").to_numpy()))

    launches = rows("launch")
    kills = rows("intercept")
    threats = distinct_threats("threat_launch")
    leaked = distinct_threats("leak")
    metrics: dict[str, float] = {
        "threats": threats,
        "detected": distinct_threats("detect"),
        "tracked": distinct_threats("track_start"),
        "engaged": distinct_threats("launch"),
        "killed": distinct_threats("intercept"),
        "leaked": leaked,
        "leak_fraction": leaked / threats if threats else 0.0,
        "interceptors_fired": launches.num_rows,
    }
    weapons = launches.column("weapon").cast(pa.string()).to_numpy(zero_copy_only=False)
    carried = sorted({name for unit in scenario.units for name in catalog.fire_unit(unit.type).interceptors})
    for name in carried:
        metrics[f"interceptors_{name}"] = int(np.count_nonzero(weapons == name))
    kill_layers = kills.column("layer").cast(pa.string()).to_numpy(zero_copy_only=False)
    for layer in LAYERS:
        if any(catalog.interceptor(name).layer == layer for name in carried):
            metrics[f"killed_{layer}"] = int(np.count_nonzero(kill_layers == layer))
    metrics["cost_defender"] = float(np.nansum(launches.column("value").to_numpy()))
    launched = rows("threat_launch")
    metrics["cost_attacker"] = float(np.nansum(launched.column("value").to_numpy()))
    price = dict(zip(launched.column("threat_id").to_pylist(), launched.column("value").to_pylist(), strict=True))
    for fate, kind_name in (("killed", "intercept"), ("leaked", "leak")):
        ids = np.unique(rows(kind_name).column("threat_id").to_numpy())
        metrics[f"cost_threats_{fate}"] = float(sum(price.get(int(i), 0.0) for i in ids))
    states = rows("unit_state").column("reason").cast(pa.string()).to_numpy(zero_copy_only=False)
    if len(scenario.units):
        metrics["units_destroyed"] = int(np.count_nonzero(states == "destroyed"))
        metrics["unit_moves"] = int(np.count_nonzero(states == "marching"))
        metrics["rounds_resupplied"] = int(np.nansum(rows("resupply").column("value").to_numpy()))
        lost = rows("part_lost").column("detail").to_numpy(zero_copy_only=False).astype(str)
        metrics["launchers_lost"] = int(np.count_nonzero(np.char.startswith(lost, "launcher")))
        metrics["radars_lost"] = int(np.count_nonzero(np.char.endswith(lost, "radar")))
        metrics["command_posts_lost"] = int(np.count_nonzero(lost == "command_post"))
        dry = rows("out_of_rounds").column("t_s").to_numpy()
        if len(dry):
            metrics["first_out_of_rounds_s"] = float(dry.min())
    return metrics


def threat_outcomes(events: pa.Table) -> list[dict[str, object]]:
    """One record per threat: type, raid, first detection, track and engagement, interceptors fired, and fate.

    ``fate`` is ``killed`` (with the weapon and layer that killed it), ``leaked``
    or ``flying`` (still in the air when the run ended); times in seconds
    (``engaged_t_s``: the first interceptor launched at it).
    """
    columns = {name: events.column(name).to_pylist() for name in
               ("t_s", "kind", "threat_id", "weapon", "layer", "detail")}
    outcomes: dict[int, dict[str, object]] = {}
    for t, kind, threat, weapon, layer, detail in zip(*columns.values(), strict=True):
        if kind == "threat_launch":
            outcomes[threat] = {"threat_id": threat, "type": weapon, "raid": detail, "launch_t_s": t,
                                "detected_t_s": None, "interceptors": 0, "fate": "flying", "fate_t_s": None,
                                "killed_by": None, "layer": None, "tracked_t_s": None, "engaged_t_s": None}
            continue
        record = outcomes.get(threat)
        if record is None:
            continue
        if kind == "detect" and record["detected_t_s"] is None:
            record["detected_t_s"] = t
        elif kind == "track_start" and record["tracked_t_s"] is None:
            record["tracked_t_s"] = t
        elif kind == "launch":
            record["interceptors"] = int(record["interceptors"]) + 1
            if record["engaged_t_s"] is None:
                record["engaged_t_s"] = t
        elif kind == "intercept":
            record.update(fate="killed", fate_t_s=t, killed_by=weapon, layer=layer)
        elif kind == "leak":
            record.update(fate="leaked", fate_t_s=t)
    return list(outcomes.values())
