"""Where a strike lands and what it kills: circular-normal scatter about the aim point, damage by distance.

A guided weapon's impact point scatters about its aim point as a circular normal
distribution whose circular error probable (CEP, the radius holding half the
impacts) is a catalog figure: each horizontal axis is normal with
σ = CEP / √(2 ln 2) ≈ CEP / 1.1774. A target at distance d from the impact is
killed with the probability of the warhead's damage function against the
target's hardness (:mod:`iadsim.physics.lethality`: cookie-cutter or Carleton).

For a target at the aim point the single-shot kill probability has closed forms
(Driels, *Weaponeering*, 2nd ed., ch. 8–9), held by ``iadsim verify``:

- cookie-cutter of radius R, kill probability p inside: p·(1 − 0.5^((R/CEP)²));
- Carleton p·exp(−d²/R²): p / (1 + 2σ²/R²).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

SIGMA_PER_CEP = 1.0 / np.sqrt(2.0 * np.log(2.0))
"""σ of each horizontal axis of a circular normal distribution per metre of CEP (CEP = σ √(2 ln 2))."""


def scatter_east_north(rng: np.random.Generator, cep_m: F64) -> F64:
    """(N, 2) east and north offsets (m) of impact points from their aim points, one per CEP of ``cep_m`` (N,)."""
    return rng.standard_normal((len(cep_m), 2)) * (SIGMA_PER_CEP * np.asarray(cep_m, dtype=float))[:, None]


def cookie_cutter_pk(lethal_radius_m: float, cep_m: float, pk: float = 1.0) -> float:
    """Single-shot kill probability of a cookie-cutter warhead aimed at its target: p·(1 − 0.5^((R/CEP)²))."""
    return pk * (1.0 - 0.5 ** ((lethal_radius_m / cep_m) ** 2))


def carleton_pk(lethal_radius_m: float, cep_m: float, pk: float = 1.0) -> float:
    """Single-shot kill probability of a Carleton warhead aimed at its target: p / (1 + 2σ²/R²)."""
    sigma = SIGMA_PER_CEP * cep_m
    return pk / (1.0 + 2.0 * sigma**2 / lethal_radius_m**2)
