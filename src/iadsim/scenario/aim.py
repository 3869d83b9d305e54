"""Raids aimed at one part of a fire unit (``raids[].target_part``): its search radar, its engagement radar,
its command post or a launcher, where the unit's ``layout`` puts it.

The raid's route ends at the first part of that kind in the unit's type (its aim point and the last point
of its route); an anti-radiation missile (catalog ``anti_radiation``) needs a radar part to home on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog import Catalog
from iadsim.errors import Problem
from iadsim.scenario.schema import Scenario
from iadsim.world import PART_KINDS, Parts, Threats, Units, part_positions

if TYPE_CHECKING:
    from iadsim.scenario.compile import Routes

RADAR_PARTS = ("search_radar", "engagement_radar")


def part_kinds_of(catalog: Catalog, unit_type: str) -> set[str]:
    """The kinds of part (:data:`~iadsim.world.PART_KINDS`) a fire unit of ``unit_type`` has."""
    kind = catalog.fire_unit(unit_type)
    roles = [catalog.radar(name).role for name in kind.radars]
    kinds = {"command_post", "launcher"} if kind.launchers else {"command_post"}
    if "fire_control" in roles:
        kinds.add("engagement_radar")
        kinds |= {"search_radar"} if any(role != "fire_control" for role in roles) else set()
    elif roles:
        kinds.add("engagement_radar")  # a type without fire-control radars engages with every radar
    return kinds


def aim_problems(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Raids whose ``target_part`` the target lacks, and anti-radiation missiles not aimed at a radar."""
    problems: list[Problem] = []
    units = {unit.name: unit for unit in scenario.units}
    aimed = [(f"raids[{index}]", raid) for index, raid in enumerate(scenario.raids)]
    aimed += [(f"raids[{index}].releases[{k}]", flight) for index, raid in enumerate(scenario.raids)
              for k, flight in enumerate(raid.release_flights())]
    for path, raid in aimed:
        kind = catalog.find(raid.type, "threat")
        if kind is None:
            continue
        unit = units.get(raid.target or "")
        if raid.target_part is not None and unit is None:
            problems.append(Problem(
                f"'target_part' needs a fire unit as target ('{raid.target}' is not one)", f"{path}.target_part",
                expected=f"a unit as 'target' ({', '.join(units) or 'none defined'})",
                suggestion="aim the raid at a unit, or leave 'target_part' out"))
            continue
        if raid.target_part is not None and catalog.find(unit.type, "fire_unit") is not None:
            has = part_kinds_of(catalog, unit.type)
            if raid.target_part not in has:
                problems.append(Problem(
                    f"a {unit.type} has no {raid.target_part.replace('_', ' ')}", f"{path}.target_part",
                    expected=f"one of its parts ({', '.join(sorted(has))})",
                    suggestion=f"aim at one of {', '.join(p for p in PART_KINDS if p in has)}"))
                continue
        if kind.anti_radiation and raid.target_part not in RADAR_PARTS:
            problems.append(Problem(
                f"'{raid.type}' is an anti-radiation missile: it homes on a radar, and this raid aims at "
                f"{'no part' if raid.target_part is None else 'its ' + raid.target_part.replace('_', ' ')}",
                f"{path}.target_part", expected="target: a unit, target_part: search_radar or engagement_radar",
                suggestion="target_part: search_radar (or engagement_radar)"))
    return problems


def aimed_parts(scenario: Scenario, threats: Threats, parts: Parts) -> NDArray[np.int64]:
    """(N,) the part row each threat is aimed at (-1: none): the first part of its raid's ``target_part`` kind
    in the target unit (friendly aircraft aim at none)."""
    unit_names = [unit.name for unit in scenario.units]
    flights = scenario.flights
    row_of_raid = np.full(len(flights), -1, np.int64)
    for index, raid in enumerate(flights):
        if raid.target_part is not None:
            unit = unit_names.index(raid.target)
            rows = np.flatnonzero((parts.unit_index == unit) & (parts.kind == PART_KINDS.index(raid.target_part)))
            row_of_raid[index] = rows[0]
    return row_of_raid[threats.raid_index] if len(row_of_raid) else np.full(len(threats.id), -1, np.int64)


def aim_at_parts(scenario: Scenario, threats: Threats, routes: Routes, units: Units) -> None:
    """Move the end of the route and the aim point of threats aimed at a part onto that part, in place."""
    part = aimed_parts(scenario, threats, units.parts)
    rows = np.flatnonzero(part >= 0)
    if len(rows) == 0:
        return
    aim = part_positions(units, units.parts, part[rows])
    lat, lon, alt = geo.ecef_to_geodetic(aim)
    threats.target_pos_ecef_m[rows] = aim
    columns = np.arange(routes.lat_rad.shape[1])[None, :]
    tail = columns >= (routes.n_points[rows] - 1)[:, None]
    for array, value in ((routes.lat_rad, lat), (routes.lon_rad, lon), (routes.alt_m, alt)):
        array[rows] = np.where(tail, np.asarray(value)[:, None], array[rows])
