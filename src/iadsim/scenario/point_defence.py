"""Point defence (``units[].defends``): a unit that takes the threats aimed at other units as its own.

A point-defence unit (a Pantsir-class vehicle by an S-400-class battalion) engages, in the self-defence pass
of every command cycle (docs/doctrine.md), the tracks aimed at itself and at every unit it defends, with all its
rounds and whatever the layer policy. Refused at load (exit 2) when it cannot work: an unknown unit, the unit
itself, a unit beyond the reach of the defender's longest-reaching round, doctrine ``self_defence: false`` (the
pass it acts in) or the ``greedy`` decide model (it has no self-defence pass).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog import Catalog
from iadsim.errors import Problem, did_you_mean
from iadsim.scenario.schema import Position, Scenario


def point_defence_problems(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Every ``defends`` entry that names no other unit, a unit out of the defender's reach, or a doctrine and
    decide model without the self-defence pass it works through."""
    problems: list[Problem] = []
    units = {unit.name: unit for unit in scenario.units}
    for index, unit in enumerate(scenario.units):
        if not unit.defends:
            continue
        path = f"units[{index}].defends"
        if not scenario.doctrine.self_defence:
            problems.append(Problem(
                "point defence works in the self-defence pass, which doctrine.self_defence: false turns off", path,
                expected="doctrine.self_defence: true", suggestion="drop 'defends:' or set self_defence: true"))
        if scenario.models.decide == "greedy":
            problems.append(Problem(
                "the greedy decide model has no self-defence pass for point defence to act in", path,
                expected="models.decide: wta, wta_greedy or wta_exact", suggestion="models: {decide: wta}"))
        kind = catalog.find(unit.type, "fire_unit")
        reach = max((catalog.interceptor(name).max_range for name in kind.interceptors), default=0.0) if kind else 0.0
        for k, name in enumerate(unit.defends):
            defended = units.get(name)
            if defended is None:
                problems.append(Problem(
                    f"unknown unit '{name}'", f"{path}[{k}]",
                    expected=f"the name of another unit ({', '.join(n for n in units if n != unit.name) or 'none'})",
                    suggestion=did_you_mean(name, list(units)) or "name a unit of 'units:'"))
            elif name == unit.name:
                problems.append(Problem(
                    f"unit '{name}' names itself: a unit always defends itself (doctrine.self_defence)", f"{path}[{k}]",
                    expected="another unit's name", suggestion=f"drop '{name}' from 'defends:'"))
            elif kind is not None:
                distance = _distance_m(unit.position, defended.position)
                if distance > reach:
                    problems.append(Problem(
                        f"unit '{name}' stands {distance / 1000:,.1f} km from '{unit.name}', beyond the "
                        f"{reach / 1000:,.1f} km reach of its longest-reaching round", f"{path}[{k}]",
                        expected=f"a unit within {reach / 1000:,.1f} km",
                        suggestion=f"place '{unit.name}' by '{name}' (point defence stands within a few km)"))
    return problems


def _distance_m(a: Position, b: Position) -> float:
    """Straight-line distance between two scenario positions (m)."""
    points = geo.geodetic_to_ecef(np.radians([a.lat, b.lat]), np.radians([a.lon, b.lon]), np.array([a.alt, b.alt]))
    return float(np.linalg.norm(points[0] - points[1]))


def defended_units(scenario: Scenario) -> NDArray[np.bool_]:
    """(U, U) ``[u, v]``: unit ``u`` takes the threats aimed at unit ``v`` as its own (every unit itself, and the
    units its ``defends`` names)."""
    index = {unit.name: k for k, unit in enumerate(scenario.units)}
    table = np.eye(len(scenario.units), dtype=np.bool_)
    for u, unit in enumerate(scenario.units):
        for name in unit.defends:
            table[u, index[name]] = True
    return table
