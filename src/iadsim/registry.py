"""The stage contract and the registry of models, one per stage role.

A *stage* is built once from the compiled scenario, then advanced every tick
by ``step(world, t_s, dt_s, rng)``, which returns the events it produced (see
:mod:`iadsim.events`). A scenario picks one model per role by name
(``models: {track: truth_noise}``); a new model is a new class plus one
``@register`` line.

Every model declares the world columns it reads (``requires``) and those it
writes (``provides``), as ``"group.column"`` names (``"detections.range_az_el"``).
A model may provide only columns of the groups its role owns
(:data:`ROLE_GROUPS`; checked when it registers), and a scenario's choice of
models is refused at load when one of them requires a column that neither
compilation (:data:`COMPILED_COLUMNS`) nor any chosen model provides
(:func:`missing_columns`): a combination that cannot work never runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

if TYPE_CHECKING:
    from iadsim.events import EventColumns
    from iadsim.scenario.compile import CompiledScenario
    from iadsim.world import World

# Roles in the order the engine runs them each tick.
ROLES: tuple[str, ...] = ("move", "sense", "track", "decide", "launch", "fly", "assess", "record")
# Roles the scenario chooses a model for; the others have one built-in model.
CHOOSABLE_ROLES: tuple[str, ...] = ("move", "sense", "track", "decide", "fly")
_BUILTIN_MODULES = ("iadsim.physics", "iadsim.sensors", "iadsim.tracking", "iadsim.c2", "iadsim.recorder")

ROLE_GROUPS: dict[str, frozenset[str]] = {
    "move": frozenset({"threats"}),
    "sense": frozenset({"detections"}),
    "track": frozenset({"tracks"}),
    "decide": frozenset({"assignments"}),
    "launch": frozenset({"units", "interceptors", "sensors"}),  # a unit's radars move and fall silent with it
    "fly": frozenset({"interceptors"}),
    "assess": frozenset({"threats", "interceptors"}),  # fates: status, arrivals, endgames
    "record": frozenset(),
}
"""The world groups each role may write (DESIGN.md, "Contracts between the parts")."""


def columns(group: str, *names: str) -> frozenset[str]:
    """``"group.name"`` for each name: the form of ``requires`` and ``provides``."""
    return frozenset(f"{group}.{name}" for name in names)


def group_columns(group: str, leave_out: tuple[str, ...] = ()) -> frozenset[str]:
    """Every column of a world group (``"tracks"``), but those left out."""
    from iadsim import world

    kind = {"assets": world.Assets, "threats": world.Threats, "sensors": world.Sensors, "units": world.Units,
            "interceptors": world.Interceptors, "tracks": world.Tracks, "detections": world.Detections,
            "assignments": world.Assignments}[group]
    return columns(group, *(f.name for f in fields(kind) if f.name not in leave_out))


def _compiled_columns() -> frozenset[str]:
    return (group_columns("assets") | group_columns("sensors") | group_columns("units")
            | group_columns("threats", leave_out=("vel_ecef_mps", "arrived")))


class Stage(Protocol):
    """One step of the tick loop, with the world columns it reads and writes."""

    requires: ClassVar[frozenset[str]]
    provides: ClassVar[frozenset[str]]

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        """Advance the stage to time ``t_s`` (s) over a tick of ``dt_s`` (s); return its events."""
        ...


StageFactory = Callable[["CompiledScenario"], Stage]
_REGISTRY: dict[str, dict[str, StageFactory]] = {role: {} for role in ROLES}


def register(role: str, name: str) -> Callable[[StageFactory], StageFactory]:
    """Class decorator: make a stage model available to scenarios as ``models.<role>: <name>``.

    The class must declare ``requires`` and ``provides``; it may provide only columns of
    the groups its role owns.
    """

    def add(factory: StageFactory) -> StageFactory:
        if name in _REGISTRY[role]:
            raise ValueError(f"a {role} model named {name!r} is already registered")
        for declared in ("requires", "provides"):
            if not isinstance(getattr(factory, declared, None), frozenset):
                raise TypeError(f"the {role} model {name!r} must declare {declared} (a frozenset of group.column)")
        foreign = sorted(c for c in factory.provides if c.split(".")[0] not in ROLE_GROUPS[role])
        if foreign:
            raise ValueError(f"the {role} model {name!r} provides {', '.join(foreign)}: not a group its role owns")
        _REGISTRY[role][name] = factory
        return factory

    return add


@dataclass(frozen=True)
class MissingColumn:
    """A chosen model needs a world column that nothing chosen provides."""

    role: str
    model: str
    column: str

    @property
    def owner(self) -> str:
        """The role whose models could provide the column."""
        group = self.column.split(".")[0]
        return next((role for role, groups in ROLE_GROUPS.items() if group in groups and role != "assess"), "?")


def missing_columns(models: Mapping[str, str]) -> list[MissingColumn]:
    """What the chosen models (``{role: name}`` for every choosable role) need and nobody provides."""
    chosen = {role: factory(role, models[role] if role in CHOOSABLE_ROLES else "default") for role in ROLES}
    provided = set(COMPILED_COLUMNS).union(*(stage.provides for stage in chosen.values()))
    return [MissingColumn(role, models.get(role, "default"), column)
            for role, stage in chosen.items() for column in sorted(stage.requires - provided)]


def combination_problems(models: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """Each chosen model that cannot work with the others: (role, message, expected, suggestion)."""
    problems = []
    gaps: dict[tuple[str, str], list[MissingColumn]] = {}
    for gap in missing_columns(models):
        gaps.setdefault((gap.role, gap.model), []).append(gap)
    for (role, model), missing in gaps.items():
        needed = frozenset(gap.column for gap in missing)
        owner = missing[0].owner
        providers = [name for name in available(owner) if needed <= factory(owner, name).provides]
        given = models.get(owner, "default")
        message = (f"the {role} model '{model}' needs {', '.join(sorted(needed))}, "
                   f"which the {owner} model '{given}' does not provide")
        expected = f"a {owner} model that provides {'them' if len(needed) > 1 else 'it'}"
        suggestion = (f"choose {owner}: {' or '.join(providers)}" if providers
                      else f"choose another {role} model")
        problems.append((role, message, expected + (f" ({', '.join(providers)})" if providers else ""), suggestion))
    return problems


def available(role: str) -> list[str]:
    """Names of the models registered for ``role``."""
    _import_builtin()
    return sorted(_REGISTRY[role])


def factory(role: str, name: str) -> StageFactory:
    _import_builtin()
    return _REGISTRY[role][name]


COMPILED_COLUMNS: frozenset[str] = _compiled_columns()
"""World columns that compilation fills: there before any stage runs (a threat's velocity and arrival
are the move stage's to give)."""


AIR_PICTURE = columns("tracks", "id", "count", "active", "firm", "picture", "threat_index", "pos_ecef_m",
                      "vel_ecef_mps", "last_update_t_s", "angle_only")
"""What command and control reads of the air picture (every decide model)."""
FIRE_UNITS = (group_columns("units") | group_columns("assets")
              | columns("interceptors", "count", "status", "unit_index", "missile_index", "track_row"))
"""What command and control reads of the units, the assets and the rounds in flight (every decide model)."""
INTERCEPTOR_GUIDANCE = (columns("interceptors", "count", "status", "missile_index", "threat_index", "track_row",
                                "launch_t_s", "pos_ecef_m", "vel_ecef_mps")
                        | columns("threats", "status", "pos_ecef_m", "vel_ecef_mps")
                        | columns("tracks", "pos_ecef_m", "vel_ecef_mps", "last_update_t_s"))
"""What a fly model reads: its rounds, their targets and the tracks that guide them (every fly model)."""


def _import_builtin() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
