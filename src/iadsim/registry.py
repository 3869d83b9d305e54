"""The stage contract and the registry of models, one per stage role.

A *stage* is built once from the compiled scenario, then advanced every tick
by ``step(world, t_s, dt_s, rng)``, which returns the events it produced as
columns (see :mod:`iadsim.events`). A scenario picks one model per role by
name (``models: {track: truth_noise}``); a new model is a new class plus one
``@register`` line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

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


class Stage(Protocol):
    """One step of the tick loop."""

    def step(self, world: World, t_s: float, dt_s: float, rng: np.random.Generator) -> EventColumns:
        """Advance the stage to time ``t_s`` (s) over a tick of ``dt_s`` (s); return its events."""
        ...


StageFactory = Callable[["CompiledScenario"], Stage]
_REGISTRY: dict[str, dict[str, StageFactory]] = {role: {} for role in ROLES}


def register(role: str, name: str) -> Callable[[StageFactory], StageFactory]:
    """Class decorator: make a stage model available to scenarios as ``models.<role>: <name>``."""

    def add(factory: StageFactory) -> StageFactory:
        if name in _REGISTRY[role]:
            raise ValueError(f"a {role} model named {name!r} is already registered")
        _REGISTRY[role][name] = factory
        return factory

    return add


def available(role: str) -> list[str]:
    """Names of the models registered for ``role``."""
    _import_builtin()
    return sorted(_REGISTRY[role])


def factory(role: str, name: str) -> StageFactory:
    _import_builtin()
    return _REGISTRY[role][name]


def _import_builtin() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
