"""Verification of strikes on fire units: circular-normal scatter and damage functions (:mod:`iadsim.physics.damage`).

Monte Carlo estimates, drawn with the engine's own functions from a fixed seed, against the closed forms of
Driels, *Weaponeering* (2nd ed., ch. 8-9); each must fall within its binomial 99 % interval.
"""

from __future__ import annotations

import numpy as np

import iadsim
from iadsim.catalog import load_catalog
from iadsim.physics.damage import carleton_pk, cookie_cutter_pk, scatter_east_north
from iadsim.physics.lethality import kill_probability
from iadsim.verify import CaseResult, case

Z_99 = 2.5758
"""Two-sided 99 % quantile of the standard normal distribution."""
DRAWS = 40_000


def _within_99(hits: int, n: int, expected: float) -> tuple[bool, float]:
    """Whether ``hits`` of ``n`` agrees with probability ``expected`` (normal approximation), and the half-width."""
    half = Z_99 * np.sqrt(expected * (1.0 - expected) / n)
    return bool(abs(hits / n - expected) <= half), float(half)


def _monte_carlo_pk(lethal_radius_m: float, cep_m: float, pk: float, carleton: bool, seed: int) -> int:
    """Kills among DRAWS warheads aimed at a point target, scattered and assessed as the engine does."""
    rng = np.random.default_rng(seed)
    offset = scatter_east_north(rng, np.full(DRAWS, cep_m))
    p_kill = kill_probability(np.hypot(offset[:, 0], offset[:, 1]), np.full(DRAWS, lethal_radius_m),
                              np.full(DRAWS, pk), np.full(DRAWS, carleton))
    return int((rng.random(DRAWS) < p_kill).sum())


def _pk_case(name: str, function: str, reference: str, radius_m: float, cep_m: float, pk: float, seed: int
             ) -> CaseResult:
    """Monte Carlo P_k of one damage function (``cookie-cutter`` or ``Carleton``) against its closed form."""
    carleton = function == "Carleton"
    expected = (carleton_pk if carleton else cookie_cutter_pk)(radius_m, cep_m, pk)
    hits = _monte_carlo_pk(radius_m, cep_m, pk, carleton=carleton, seed=seed)
    passed, half = _within_99(hits, DRAWS, expected)
    return CaseResult(
        case=name, model=f"physics.damage (scatter) + lethality ({function})",
        reference=f"{reference} (Driels, Weaponeering)", expected=f"{expected:.4f}",
        got=f"{hits / DRAWS:.4f} ({DRAWS} draws)", tolerance=f"99 % interval ±{half:.4f}", passed=passed,
    )


@case("strike-cookie-cutter-pk")
def strike_cookie_cutter_pk() -> CaseResult:
    """Cookie-cutter radius R = 1.5 CEP, circular-normal scatter: P_k = 1 − 0.5^((R/CEP)²) = 0.790."""
    return _pk_case("strike-cookie-cutter-pk", "cookie-cutter", "P_k = 1 − 0.5^((R/CEP)²)", 15.0, 10.0, 1.0, seed=18)


@case("strike-carleton-pk")
def strike_carleton_pk() -> CaseResult:
    """Carleton damage function p·exp(−d²/R²), R = CEP, p = 0.8: P_k = p / (1 + 2σ²/R²), σ = CEP/1.1774."""
    return _pk_case("strike-carleton-pk", "Carleton", "P_k = p / (1 + 2σ²/R²)", 10.0, 10.0, 0.8, seed=19)


@case("strike-scatter-cep")
def strike_scatter_cep() -> CaseResult:
    """Engine run: 300 GMLRS-class rockets at an undefended battalion; half the impacts within the catalog CEP."""
    count = 300
    cep = load_catalog().threat("gmlrs-class").cep
    scenario = {
        "name": "verify strike scatter", "duration": 200.0, "time_step": 1.0,
        "units": [{"name": "Battalion", "type": "s400-battalion", "position": {"lat": 47.35, "lon": 37.80},
                   "inventory": {"s400-9m96e-class": 0}}],
        "raids": [{"type": "gmlrs-class", "count": count,
                   "launch_point": {"lat": 47.80, "lon": 37.80}, "target": "Battalion"}],
    }
    events = iadsim.simulate(scenario, seed=18).events.to_pandas()
    miss = events[events.kind == "strike"].value.to_numpy()
    passed, half = _within_99(int((miss <= cep).sum()), count, 0.5)
    return CaseResult(
        case="strike-scatter-cep", model="c2.components (strikes in the engine)",
        reference="P(miss ≤ CEP) = 0.5, definition of CEP", expected=f"0.500 of {count} within {cep:.0f} m",
        got=f"{(miss <= cep).mean():.3f} of {len(miss)}", tolerance=f"99 % interval ±{half:.3f}",
        passed=passed and len(miss) == count,
    )
