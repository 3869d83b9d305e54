"""Emission policies of the scenario's fire units (``doctrine.emission``, ``units[].emission``) and the
combinations that cannot work (docs/doctrine.md, Emission control)."""

from __future__ import annotations

from iadsim.catalog import Catalog
from iadsim.errors import Problem
from iadsim.scenario.schema import Emission, Scenario


def unit_emissions(scenario: Scenario) -> list[Emission]:
    """Each unit's emission policy: its own, or the doctrine's."""
    return [unit.emission or scenario.doctrine.emission for unit in scenario.units]


def emission_problems(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """A unit whose every radar waits for a track (``in_range``, ``radars: all``) with no other radar to give
    it one: it would never radiate."""
    problems: list[Problem] = []
    for index, (unit, emission) in enumerate(zip(scenario.units, unit_emissions(scenario), strict=True)):
        if emission.policy != "in_range" or emission.radars != "all":
            continue
        networks = set(unit.networks)
        others = [s.name for s in scenario.sensors if networks & set(s.networks)]
        others += [u.name for u in scenario.units if u is not unit and networks & set(u.networks)]
        searching = (catalog.find(unit.type, "fire_unit") is not None
                     and any(catalog.radar(r).role != "fire_control" for r in catalog.fire_unit(unit.type).radars))
        if not others:
            path = f"units[{index}].emission" if unit.emission is not None else "doctrine.emission"
            problems.append(Problem(
                f"unit '{unit.name}' radiates only while a track is within range, and no other radar feeds its "
                f"air picture: it would never see a track, so never radiate", f"{path}.radars",
                expected="radars: engagement (its search radars stay on), or a network with another radar",
                suggestion="radars: engagement" if searching else
                           "put a stand-alone sensor or another unit on one of its networks"))
    return problems
