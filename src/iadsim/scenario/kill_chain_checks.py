"""Load checks of the doctrine's kill-chain fields: ``launch_on_remote`` and ``reserve_for``
(docs/doctrine.md, "Engagement radars and the kill chain" and "Reserve by threat class")."""

from __future__ import annotations

from iadsim.catalog.loader import Catalog
from iadsim.errors import Problem
from iadsim.scenario.schema import Scenario


def check_kill_chain(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Problems with ``doctrine.launch_on_remote`` and ``doctrine.reserve_for`` (catalog names already checked)."""
    doctrine, problems = scenario.doctrine, []
    units = [(index, unit) for index, unit in enumerate(scenario.units) if catalog.find(unit.type, "fire_unit")]
    if doctrine.launch_on_remote:
        if doctrine.kill_chain == "air_picture":
            problems.append(Problem(
                "launch_on_remote relaxes the engagement-radar kill chain, which kill_chain: air_picture turns off",
                "doctrine.launch_on_remote", expected="kill_chain: engagement_radar with launch_on_remote",
                suggestion="leave launch_on_remote out, or set kill_chain: engagement_radar"))
        for index, unit in units:
            kind = catalog.fire_unit(unit.type)
            if not kind.engage_on_remote:
                citation = kind.citations.get("engage_on_remote")
                why = f" ({citation.note})" if citation is not None and citation.note else ""
                problems.append(Problem(
                    f"unit '{unit.name}' cannot launch on remote: its type '{unit.type}' has engage_on_remote: "
                    f"false{why}", "doctrine.launch_on_remote",
                    expected="units whose catalog type has engage_on_remote: true",
                    suggestion="leave launch_on_remote out, or use a type of your own that can (a catalog file "
                               "under 'catalogs:', with a source)"))
    reserve = doctrine.reserve_for
    if reserve is None:
        return problems
    if scenario.models.decide == "greedy":
        problems.append(Problem(
            "reserve_for needs the threat classes of threat evaluation, which the greedy decide model does not "
            "make", "doctrine.reserve_for", expected="models.decide: wta, wta_greedy or wta_exact",
            suggestion="set models.decide to wta, or leave reserve_for out"))
    reserved = [(index, unit, name, count) for index, unit in units for name, count in unit.inventory.items()
                if catalog.find(name, "interceptor") and catalog.interceptor(name).layer in reserve.layers]
    if not reserved:
        problems.append(Problem(
            f"no unit holds rounds of the layer(s) {', '.join(reserve.layers)} that reserve_for keeps",
            "doctrine.reserve_for.layers", expected="layers of the interceptor types in the units' inventories",
            suggestion="name the layer of a missile type the units carry"))
    for index, unit, name, count in reserved:
        if reserve.rounds > count:
            problems.append(Problem(
                f"reserve_for keeps {reserve.rounds} rounds of '{name}', more than unit '{unit.name}' holds "
                f"({count})", "doctrine.reserve_for.rounds",
                expected=f"at most {count} rounds", suggestion=f"keep at most {count}, or give the unit more"))
    return problems
