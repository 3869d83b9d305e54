"""Figures of a run, computed from its event log (and the scenario, for the list of types in play)."""

from __future__ import annotations

from collections.abc import Callable

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

    With aircraft that release weapons (``raids[].releases``): ``weapons_released`` (launched from their
    aircraft: threats like any other) and ``weapons_not_released`` (their aircraft was shot down, or ended its
    flight, first: neither threats, kills nor leaks, and not in ``cost_attacker``).

    With a GNSS jammer in the scenario: ``lost`` (threats that drifted off their aim,
    neither killed nor leaked) and ``lost_fraction`` (lost / threats).
    With a jammer that loses network messages (``comms_loss``): ``messages_lost`` (radar looks that never
    reached an air picture).
    With radar jammers (stand-off, or carried by a raid): :func:`jammer_fix_metrics`.

    Decoys (``threat_launch`` events of reason ``decoy``) are not threats: the
    threat counts leave them out, and a run with decoys adds ``decoys``,
    ``decoys_engaged``, ``decoys_killed``, ``decoys_discriminated`` (known to be
    decoys by at least one air picture), ``rounds_at_decoys`` (interceptors
    launched at them) and ``cost_rounds_at_decoys`` (USD). ``cost_attacker``
    includes the decoys' price.

    Friendly aircraft (reason ``friendly``) are not threats either: a run with them adds
    :func:`friendly_metrics`. With command posts: ``units_cut_off`` (units that lost their
    command, ``command_lost``) and ``units_autonomous`` (that went on to fight on their own radars).
    """
    kind = events.column("kind").cast(pa.string())

    def rows(name: str) -> pa.Table:
        return events.filter(pc.equal(kind, name))

    launched = rows("threat_launch")
    launch_reason = launched.column("reason").cast(pa.string())
    friendly_ids = np.unique(launched.filter(pc.equal(launch_reason, "friendly")).column("threat_id").to_numpy())
    decoy_ids = np.unique(launched.filter(pc.equal(launch_reason, "decoy")).column("threat_id").to_numpy())
    not_threats = np.union1d(decoy_ids, friendly_ids)

    def distinct_threats(name: str) -> int:
        ids = np.unique(rows(name).column("threat_id").to_numpy())
        return len(np.setdiff1d(ids, not_threats, assume_unique=True)) if len(not_threats) else len(ids)

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
    if len(decoy_ids):
        metrics.update(decoy_metrics(rows, decoy_ids))
    if len(friendly_ids):
        metrics.update(friendly_metrics(rows, friendly_ids))
    if any(raid.releases for raid in scenario.raids):
        released = {flight.name for raid in scenario.raids for flight in raid.release_flights()}
        details = launched.column("detail").to_numpy(zero_copy_only=False)
        metrics["weapons_released"] = int(np.count_nonzero(np.isin(details, list(released))))
        metrics["weapons_not_released"] = rows("not_released").num_rows
    if scenario.command_posts:
        metrics["units_cut_off"] = len(np.unique(rows("command_lost").column("unit_id").to_numpy()))
        metrics["units_autonomous"] = len(np.unique(rows("autonomous").column("unit_id").to_numpy()))
    if any(catalog.jammer(jammer.type).gnss_radius is not None for jammer in scenario.jammers):
        lost = distinct_threats("lost")
        metrics.update(lost=lost, lost_fraction=lost / threats if threats else 0.0)
    if any(catalog.jammer(jammer.type).comms_loss is not None for jammer in scenario.jammers):
        metrics["messages_lost"] = rows("message_lost").num_rows
    if any(raid.jammer is not None for raid in scenario.raids) or any(
            catalog.jammer(jammer.type).bands for jammer in scenario.jammers):
        metrics.update(jammer_fix_metrics(rows("jammer_located")))
    attacker = launched.filter(pc.invert(pc.equal(launch_reason, "friendly"))) if len(friendly_ids) else launched
    metrics["cost_attacker"] = float(np.nansum(attacker.column("value").to_numpy()))
    price = dict(zip(attacker.column("threat_id").to_pylist(), attacker.column("value").to_pylist(), strict=True))
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


def decoy_metrics(rows: Callable[[str], pa.Table], decoy_ids: np.ndarray) -> dict[str, float]:
    """The decoy figures of :func:`compute_metrics` from the rows of each event kind and the decoys' ids."""
    def of_decoys(name: str) -> pa.Table:
        table = rows(name)
        return table.filter(pa.array(np.isin(table.column("threat_id").to_numpy(), decoy_ids)))

    at_decoys = of_decoys("launch")
    return {
        "decoys": len(decoy_ids),
        "decoys_engaged": len(np.unique(at_decoys.column("threat_id").to_numpy())),
        "decoys_killed": len(np.unique(of_decoys("intercept").column("threat_id").to_numpy())),
        "decoys_discriminated": len(np.unique(of_decoys("discriminate").column("threat_id").to_numpy())),
        "rounds_at_decoys": at_decoys.num_rows,
        "cost_rounds_at_decoys": float(np.nansum(at_decoys.column("value").to_numpy())),
    }


def jammer_fix_metrics(located: pa.Table) -> dict[str, float]:
    """``jammer_fixes`` (first fixes of a jammer by an air picture, ``jammer_located`` events) and, when there
    are any, ``first_jammer_located_s`` (the earliest) and ``jammer_location_error_m`` (their median error)."""
    error = located.column("value").to_numpy()
    if not len(error):
        return {"jammer_fixes": 0}
    return {"jammer_fixes": len(error), "first_jammer_located_s": float(located.column("t_s").to_numpy().min()),
            "jammer_location_error_m": float(np.median(error))}


def friendly_metrics(rows: Callable[[str], pa.Table], friendly_ids: np.ndarray) -> dict[str, float]:
    """The friendly-aircraft figures of :func:`compute_metrics`: ``friendlies``, ``friendlies_engaged`` (with a
    round launched at them), ``friendlies_lost`` and, by cause, ``friendlies_lost_<identity>``: the identity
    the track held when it was shot down (its last ``identify`` event before, else ``unknown``)."""
    engaged = rows("launch").column("threat_id").to_numpy()
    lost = rows("fratricide")
    identified = rows("identify")
    seen_t, seen_track = identified.column("t_s").to_numpy(), identified.column("track_id").to_numpy()
    seen_as = identified.column("reason").cast(pa.string()).to_numpy(zero_copy_only=False)
    causes = {identity: 0 for identity in ("unknown", "assumed_friend", "hostile")}
    for t, track in zip(lost.column("t_s").to_numpy(), lost.column("track_id").to_numpy(), strict=True):
        earlier = np.flatnonzero((seen_track == track) & (seen_t <= t))
        causes[str(seen_as[earlier[-1]]) if len(earlier) else "unknown"] += 1
    return {
        "friendlies": len(friendly_ids),
        "friendlies_engaged": len(np.intersect1d(np.unique(engaged), friendly_ids)),
        "friendlies_lost": len(np.unique(lost.column("threat_id").to_numpy())),
        **{f"friendlies_lost_{identity}": count for identity, count in causes.items()},
    }


def threat_outcomes(events: pa.Table) -> list[dict[str, object]]:
    """One record per threat: type, raid, first detection, track and engagement, interceptors fired, and fate.

    ``fate`` is ``killed`` (with the weapon and layer that killed it), ``leaked``,
    ``expended`` (a decoy that reached the end of its flight), ``lost`` (drifted off its
    aim by navigation jamming) or ``flying`` (still in
    the air when the run ended); times in seconds (``engaged_t_s``: the first
    interceptor launched at it). ``decoy`` is true for a decoy, with
    ``discriminated_t_s`` when an air picture first knew it for one.
    """
    columns = {name: events.column(name).to_pylist() for name in
               ("t_s", "kind", "threat_id", "weapon", "layer", "detail", "reason")}
    outcomes: dict[int, dict[str, object]] = {}
    for t, kind, threat, weapon, layer, detail, reason in zip(*columns.values(), strict=True):
        if kind == "threat_launch":
            outcomes[threat] = {"threat_id": threat, "type": weapon, "raid": detail, "launch_t_s": t,
                                "detected_t_s": None, "interceptors": 0, "fate": "flying", "fate_t_s": None,
                                "killed_by": None, "layer": None, "tracked_t_s": None, "engaged_t_s": None,
                                "decoy": reason == "decoy", "discriminated_t_s": None}
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
        elif kind in ("expended", "lost"):
            record.update(fate=kind, fate_t_s=t)
        elif kind == "discriminate" and record["discriminated_t_s"] is None:
            record["discriminated_t_s"] = t
    return list(outcomes.values())
