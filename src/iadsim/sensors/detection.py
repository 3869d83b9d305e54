"""Probability of detection of a fluctuating target: Swerling 0, 1 and 3, with non-coherent integration.

A square-law detector sums ``n`` pulses of one dwell and compares the sum,
normalised to the noise power of one pulse, with a threshold ``Y`` set for a
false-alarm probability: noise alone sums to a Gamma(n, 1) variable, so
Pfa = Q(n, Y), the regularised upper incomplete gamma function (Skolnik 2001,
§2.5; Mahafza 2000, §2.6). A target adds ``snr`` (per pulse) times its
fluctuation ``x``, constant over the dwell and independent from scan to scan:

- Swerling 0: steady, x = 1; 2·sum is non-central chi-square with 2n degrees of
  freedom and non-centrality 2·n·snr (Marcum's case).
- Swerling 1: x exponential (chi-square with 2 degrees of freedom, many equal
  scatterers), mean 1.
- Swerling 3: x chi-square with 4 degrees of freedom (one dominant scatterer
  plus small ones), mean 1.

For Swerling k in {1, 3} the sum's moment-generating function is
(1+s)^(k'-n) (1 + s(1+β))^(-k') with k' = 1 or 2 and β = n·snr/k': the sum of a
Gamma(n-k', 1) noise term and a Gamma(k', 1+β) term, which gives the closed forms
below (for n = 1 they reduce to Pd = Pfa^(1/(1+snr)) for Swerling 1, the textbook
single-look result, and to Mahafza's eq. 2.73 for Swerling 3).

All functions are vectorised over ``snr``; ``snr`` is a power ratio, not dB.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

SwerlingCase = Literal[0, 1, 3]
SWERLING_CASES: tuple[int, ...] = (0, 1, 3)
_SHAPE = {1: 1, 3: 2}  # degrees of freedom / 2 of the chi-square fluctuation

Array = NDArray[np.float64]


def threshold(pfa: float, pulses: int) -> float:
    """Detection threshold ``Y`` (sum of ``pulses`` square-law samples over one pulse's noise power) for ``pfa``."""
    return float(special.gammainccinv(pulses, pfa))


def probability_of_detection(snr: ArrayLike, pfa: float, pulses: int = 1, swerling: int = 1) -> Array:
    """Pd of a target of per-pulse signal-to-noise ratio ``snr`` after non-coherent integration of ``pulses``."""
    snr = np.maximum(np.asarray(snr, dtype=float), 0.0)
    y = threshold(pfa, pulses)
    if swerling == 0:
        return np.asarray(stats.ncx2.sf(2.0 * y, 2 * pulses, 2.0 * pulses * snr), dtype=float)
    if swerling not in _SHAPE:
        raise ValueError(f"Swerling case {swerling} is not modelled (choose 0, 1 or 3)")
    k = _SHAPE[swerling]
    theta = 1.0 + pulses * snr / k  # scale of the target term
    if pulses < k:  # Swerling 3, one pulse: a mixture of Gamma(1, θ) and Gamma(2, θ) (see module doc)
        return np.exp(-y / theta) * (1.0 + (1.0 - 1.0 / theta) * y / theta)
    m = pulses - k  # shape of the noise-only term
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c = 1.0 - 1.0 / theta
        tail = c ** (-m) * special.gammainc(m, c * y)
        if k == 2:
            tail = (1.0 + y / theta) * tail - m / theta * c ** (-m - 1) * special.gammainc(m + 1, c * y)
        pd = special.gammaincc(m, y) + np.exp(-y / theta) * tail
    return np.where(pulses * snr > 1e-12, np.clip(pd, 0.0, 1.0), pfa)


def required_snr(pd: float, pfa: float, pulses: int = 1, swerling: int = 1) -> float:
    """Per-pulse SNR (power ratio) at which the target is detected with probability ``pd``."""
    if not pfa < pd < 1.0:
        raise ValueError(f"need pfa < pd < 1 (got pd={pd}, pfa={pfa})")
    low_db, high_db = -40.0, 80.0
    return float(10.0 ** (optimize.brentq(
        lambda snr_db: float(probability_of_detection(10.0 ** (snr_db / 10.0), pfa, pulses, swerling)) - pd,
        low_db, high_db, xtol=1e-10) / 10.0))


class DetectionTable:
    """Pd against SNR in dB on a fine grid, for fast interpolation on the hot path.

    Built once per (false-alarm probability, pulses, Swerling case) in play; the
    grid step of 0.01 dB keeps the interpolation within 1e-4 of the closed form.
    """

    MIN_DB, MAX_DB, STEP_DB = -30.0, 60.0, 0.01

    def __init__(self, pfa: float, pulses: int, swerling: int) -> None:
        self.snr_db = np.arange(self.MIN_DB, self.MAX_DB + self.STEP_DB / 2, self.STEP_DB)
        self.pd = probability_of_detection(10.0 ** (self.snr_db / 10.0), pfa, pulses, swerling)
        self.pfa = pfa

    def __call__(self, snr_db: ArrayLike) -> Array:
        """Pd at ``snr_db``; below the grid a target adds nothing to the noise (Pd → Pfa), above it Pd = 1."""
        return np.interp(snr_db, self.snr_db, self.pd, left=self.pfa, right=1.0)
