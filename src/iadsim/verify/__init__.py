"""Verification cases: each model held against a closed form or a published figure.

A case is a function returning a :class:`CaseResult`, registered with
:func:`case`. ``iadsim verify`` runs every case and prints one row each; the
test suite runs them too (``tests/verify``), so a model that drifts from its
reference fails CI. Add a case by writing a function in a module of this
package and listing the module in :data:`CASE_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

CASE_MODULES: tuple[str, ...] = ("iadsim.verify.geodesy", "iadsim.verify.report_map", "iadsim.verify.c2", "iadsim.verify.kill_chain",
                                 "iadsim.verify.physics", "iadsim.verify.study",
                                 "iadsim.verify.posture", "iadsim.verify.strikes", "iadsim.verify.arm", "iadsim.verify.release", "iadsim.verify.sensors", "iadsim.verify.jamming",
                                 "iadsim.verify.tracking", "iadsim.verify.identification")


@dataclass(frozen=True)
class CaseResult:
    """One verification: what was compared with what, and whether it agreed within tolerance."""

    case: str
    model: str
    reference: str
    expected: str
    got: str
    tolerance: str
    passed: bool


Case = Callable[[], CaseResult]
_CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    """Register a verification case under ``name``."""

    def add(function: Case) -> Case:
        if name in _CASES:
            raise ValueError(f"verification case {name!r} is registered twice")
        _CASES[name] = function
        return function

    return add


def all_cases() -> dict[str, Case]:
    """Every registered case, by name, in registration order."""
    for module in CASE_MODULES:
        importlib.import_module(module)
    return dict(_CASES)


def run_case(name: str) -> CaseResult:
    return all_cases()[name]()
