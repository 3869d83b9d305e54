"""Verification of anti-radiation missiles against a radar that falls silent (:mod:`iadsim.c2.seekers`).

The model: a missile whose radar fell silent at T flies to the radar's last known position, off by
e = v·(t − T) at impact time t (v: its type's ``silent_drift_rate``) in a uniformly random direction, and
its warhead lands with circular-normal scatter (per-axis σ = CEP / √(2 ln 2)) about that point. The miss
distance r from the radar then follows the Rice distribution with E[r²] = e² + 2σ² and
Var[r²] = 4e²σ² + 4σ⁴ (Papoulis & Pillai, *Probability, Random Variables and Stochastic Processes*, 4th
ed., the Rician density; Driels, *Weaponeering*, ch. 8, for σ from the CEP).
"""

from __future__ import annotations

import numpy as np

import iadsim
from iadsim.catalog import load_catalog
from iadsim.verify import CaseResult, case

Z_99 = 2.5758
"""Two-sided 99 % quantile of the standard normal distribution."""
SHUT_DOWN_S = 60.0
"""Before the first missile arrives (about 95 s): the radar falls silent by its policy, not by a hit."""
COUNT = 400


def shutdown_scenario(count: int = COUNT, cep: str | None = None) -> dict:
    """An undefended S-400-class battalion whose radars radiate for SHUT_DOWN_S, then never again, and
    ``count`` HARM-class missiles at its search radar, launched 0.25 s apart from 60 km (``cep``: the
    raid's own, default the catalog's)."""
    raid = {"type": "agm-88-class", "count": count, "launch_interval": 0.25,
            "launch_point": {"lat": 47.89, "lon": 37.80, "alt": 8000.0}, "target": "Battalion",
            "target_part": "search_radar"}
    if cep is not None:
        raid["cep"] = cep
    return {
        "name": "verify ARM against a radar that shuts down", "duration": 400.0, "time_step": 1.0,
        "units": [{"name": "Battalion", "type": "s400-battalion", "position": {"lat": 47.35, "lon": 37.80},
                   "inventory": {"s400-9m96e-class": 0},
                   "emission": {"policy": "blinking", "on_for": SHUT_DOWN_S, "off_for": 36000.0}}],
        "raids": [raid],
    }


def miss_and_drift_m(seed: int, cep: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Engine run: each missile's miss distance from the radar (the ``strike`` value, m) and the closed-form
    drift e = v·max(t − T, 0) at its impact time (m)."""
    events = iadsim.simulate(shutdown_scenario(cep=cep), seed=seed).events.to_pandas()
    strikes = events[events.kind == "strike"]
    rate = load_catalog().threat("agm-88-class").silent_drift_rate
    return strikes.value.to_numpy(), rate * np.maximum(strikes.t_s.to_numpy() - SHUT_DOWN_S, 0.0)


@case("arm-shutdown-drift")
def arm_shutdown_drift() -> CaseResult:
    """400 HARM-class missiles at a radar that shuts down at 60 s, impacts from about 95 s to 195 s: each
    miss standardised, z = (r² − e² − 2σ²) / √(4e²σ² + 4σ⁴), has mean 0 and variance 1 (Rice)."""
    miss, drift = miss_and_drift_m(seed=88)
    sigma = load_catalog().threat("agm-88-class").cep / np.sqrt(2.0 * np.log(2.0))
    z = (miss**2 - drift**2 - 2.0 * sigma**2) / np.sqrt(4.0 * drift**2 * sigma**2 + 4.0 * sigma**4)
    half = Z_99 / np.sqrt(len(miss))
    late = int((drift > 0).sum())
    return CaseResult(
        case="arm-shutdown-drift", model="c2.seekers + c2.emission (engine run)",
        reference="e = v·(t − T), scatter σ = CEP/1.1774: E[r²] = e² + 2σ², Var[r²] = 4e²σ² + 4σ⁴ (Rice)",
        expected="mean z = 0",
        got=f"{z.mean():+.3f} ({len(miss)} strikes, drift {drift.min():.0f} to {drift.max():.0f} m)",
        tolerance=f"99 % interval ±{half:.3f}",
        passed=bool(len(miss) == COUNT and late == COUNT and abs(float(z.mean())) <= half),
    )
