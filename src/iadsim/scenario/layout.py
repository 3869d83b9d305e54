"""Where a fire unit's parts stand (``units[].layout``): checked at load, laid out at compilation.

A part of a unit's layout that stands farther from the command post than its
type's catalog ``cable_length`` cannot be connected: the scenario is refused
(exit 2). The parts themselves are :class:`iadsim.world.Parts`; strikes on
them are :mod:`iadsim.c2.components`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from iadsim.catalog import Catalog
from iadsim.errors import Problem
from iadsim.scenario.schema import Offset, Scenario
from iadsim.world import COMMAND_POST, ENGAGEMENT_RADAR, LAUNCHER, SEARCH_RADAR, Parts


def layout_problems(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Layouts that do not fit their unit's type: counts of radars and launchers, parts beyond cable length."""
    problems: list[Problem] = []
    for index, unit in enumerate(scenario.units):
        kind = catalog.find(unit.type, "fire_unit")
        if unit.layout is None or kind is None:
            continue
        path = f"units[{index}].layout"
        for group, count in (("radars", len(kind.radars)), ("launchers", kind.launchers)):
            given = len(getattr(unit.layout, group))
            if given not in (0, count):
                problems.append(Problem(
                    f"the layout places {given} {group}, and a {unit.type} has {count}", f"{path}.{group}",
                    expected=f"one position per {group[:-1]} ({count}), or none (all at the unit's position)",
                    suggestion=f"list {count} offsets" + (f", in the type's order ({', '.join(kind.radars)})"
                                                          if group == "radars" else "")))
        if kind.cable_length is None:
            continue
        post = unit.layout.command_post
        for group in ("radars", "launchers"):
            for k, part in enumerate(getattr(unit.layout, group)):
                apart = math.hypot(part.east - post.east, part.north - post.north)
                if apart > kind.cable_length:
                    problems.append(Problem(
                        f"this part stands {apart:.0f} m from the command post, beyond the {kind.cable_length:.0f} m "
                        f"cable length of a {unit.type}", f"{path}.{group}[{k}]",
                        expected=f"within {kind.cable_length:.0f} m of the command post (catalog cable_length)",
                        suggestion="place it nearer the command post, or make it a unit of its own"))
    return problems


def unit_parts(scenario: Scenario, catalog: Catalog, sensor_unit: NDArray[np.integer]) -> Parts:
    """Every unit's parts where its ``layout`` puts them; ``sensor_unit`` (S,): each radar's unit (-1: none).

    A unit's radars are the sensor rows of its unit, in its type's order (as compilation creates them). An
    engagement radar is a fire_control radar of its type, or any of its radars when the type has none.
    """
    unit, kind, sensor, offset = [], [], [], []
    for u, spec in enumerate(scenario.units):
        kind_of = catalog.fire_unit(spec.type)
        layout = spec.layout
        roles = [catalog.radar(name).role for name in kind_of.radars]
        engagement = [role == "fire_control" for role in roles] if "fire_control" in roles else [True] * len(roles)
        place = [layout.command_post if layout else Offset()]
        place += [_nth(layout.radars if layout else [], k) for k in range(len(roles))]
        place += [_nth(layout.launchers if layout else [], k) for k in range(kind_of.launchers)]
        unit += [u] * len(place)
        kind += ([COMMAND_POST] + [ENGAGEMENT_RADAR if e else SEARCH_RADAR for e in engagement]
                 + [LAUNCHER] * kind_of.launchers)
        sensor += [-1, *np.flatnonzero(sensor_unit == u).tolist(), *([-1] * kind_of.launchers)]
        offset += [(p.east, p.north, 0.0) for p in place]
    n_units = len(scenario.units)
    parts = Parts(unit_index=np.array(unit, np.int32), kind=np.array(kind, np.int8),
                  sensor_index=np.array(sensor, np.int32), offset_enu_m=np.array(offset, float).reshape(-1, 3),
                  alive=np.ones(len(unit), bool), command_post_up=np.ones(n_units, bool),
                  engagement_radar_up=np.ones(n_units, bool), launchers_up=np.zeros(n_units, np.int32),
                  sensor_up=np.ones(len(sensor_unit), bool))
    summarise(parts)
    return parts


def _nth(offsets: list[Offset], k: int) -> Offset:
    return offsets[k] if k < len(offsets) else Offset()


def summarise(parts: Parts) -> None:
    """Refresh the per-unit and per-radar views of what stands (after parts are lost)."""
    n_units = len(parts.command_post_up)

    def standing(kind: int) -> NDArray[np.int64]:
        return np.bincount(parts.unit_index[parts.alive & (parts.kind == kind)], minlength=n_units)

    parts.command_post_up[:] = standing(COMMAND_POST) > 0
    parts.engagement_radar_up[:] = standing(ENGAGEMENT_RADAR) > 0
    parts.launchers_up[:] = standing(LAUNCHER)
    radar = parts.sensor_index >= 0
    parts.sensor_up[parts.sensor_index[radar]] = parts.alive[radar]
