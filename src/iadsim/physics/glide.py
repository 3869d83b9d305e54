"""Unpowered glide weapons (JSOW- and SDB-class, a catalog type with ``lift_to_drag``): reach and flight.

A weapon released at height h above its target at speed v glides with lift-to-drag ratio L/D. In a steady
glide the flight-path angle γ has tan γ = D/L, so each metre of height lost buys L/D metres of ground; the
release speed is energy too, v²/2g of height (the energy height), spent the same way if the weapon ends its
glide slow. The ground reach is then

    R = L/D · (h + v² / 2g)

(the still-air glide range R = h · L/D of any flight-mechanics text, e.g. Anderson, *Introduction to Flight*,
on the energy height h + v²/2g of Rutowski, *Energy approach to the general aircraft performance problem*,
J. Aeronautical Sciences, 1954). A release
range beyond R is refused at load (:mod:`iadsim.scenario.releases`); the catalog's ``max_range`` is the
published best figure and caps it.

In flight (both move models) the weapon flies its route at ``speed``, its mean glide speed, while its
altitude falls linearly with the time flown from the release altitude to its aim's: a straight path of slope
h/R, at least as steep as its best glide D/L when R ≤ L/D · h (beyond, up to the reach, the release speed pays
for the difference). Its time of flight is the route's
length at that speed, T = R / v̄ for a release at ground range R.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iadsim.units import STANDARD_GRAVITY_MPS2


def glide_reach_m(lift_to_drag: ArrayLike, height_m: ArrayLike, speed_mps: ArrayLike) -> NDArray[np.float64]:
    """Ground reach (m) of a glide at ``lift_to_drag`` released ``height_m`` above its target at ``speed_mps``:
    L/D (h + v²/2g), none when that energy height is not positive."""
    energy_height = (np.asarray(height_m, dtype=float)
                     + np.square(np.asarray(speed_mps, dtype=float)) / (2.0 * STANDARD_GRAVITY_MPS2))
    return np.asarray(lift_to_drag, dtype=float) * np.maximum(energy_height, 0.0)
