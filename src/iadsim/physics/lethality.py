"""Kill probability against miss distance: the damage functions of a warhead.

- *Cookie-cutter*: the single-shot kill probability within the lethal radius R,
  none beyond.
- *Carleton*: pk · exp(−(d/R)²), a smooth fall-off with the same lethal area
  π R² as the cookie-cutter (∫ 2πd exp(−d²/R²) dd = π R²), the standard smooth
  damage function of weapon-effectiveness models (Washburn, Notes on Combat
  Models; Driels, Weaponeering, 2nd ed., ch. 8).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

DAMAGE_FUNCTIONS: tuple[str, ...] = ("cookie_cutter", "carleton")


def kill_probability(miss_m: F64, lethal_radius_m: F64, single_shot_pk: F64, carleton: NDArray[np.bool_]) -> F64:
    """Kill probability of each endgame ``(K,)``; a NaN miss (no endgame: gave up) kills nothing."""
    miss = np.nan_to_num(miss_m, nan=np.inf)
    cookie = np.where(miss <= lethal_radius_m, single_shot_pk, 0.0)
    smooth = single_shot_pk * np.exp(-np.square(np.minimum(miss, 1e6) / lethal_radius_m))
    return np.where(carleton, smooth, cookie)
