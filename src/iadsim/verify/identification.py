"""Verification of identification: IFF and weapons control acting on identity (:mod:`iadsim.c2.identification`).

Friendly aircraft whose transponders answer each IFF challenge with the mode's reliability r fly over a
defended city under weapons tight: one is engaged only when all of its k challenges go unanswered, with
probability (1 - r)^k (independent answers). The fraction of friendlies engaged in engine runs must lie in
the exact 99 % binomial interval of that closed form.
"""

from __future__ import annotations

from scipy import stats

import iadsim
from iadsim.c2.identification import answered_after
from iadsim.catalog import load_catalog
from iadsim.verify import CaseResult, case

IFF_MODE = "iff-mode-4"
FRIENDLIES = 12
"""Friendly aircraft a run, 30 s apart."""
REPLICATIONS = 12


def friendlies_scenario(challenges: int) -> dict:
    """An LR SAM battery defending a city under weapons tight; FRIENDLIES airliners fly over it from the north."""
    north, over, south = ({"lat": lat, "lon": 27.14, "alt": 11000.0} for lat in (39.4, 38.42, 37.4))
    return {
        "name": "verify IFF under weapons tight", "duration": 600.0, "time_step": 1.0, "path_interval": 0.0,
        "assets": [{"name": "City", "position": {"lat": 38.42, "lon": 27.14}, "value": 100}],
        "units": [{"name": "Battery", "type": "generic-lr-sam", "position": {"lat": 38.40, "lon": 27.10},
                   "inventory": {"generic-lr-interceptor": 200}}],
        "raids": [{"type": "generic-drone", "launch_point": {"lat": 36.0, "lon": 27.14}, "target": "City",
                   "launch_time": 590.0}],
        "friendlies": [{"name": f"Airliner {i + 1}", "type": "airliner-a320-class", "start": north,
                        "route": [over, south], "time": 30.0 * i} for i in range(FRIENDLIES)],
        "doctrine": {"weapons_control": "tight", "identification_confidence": 0.0, "iff": IFF_MODE,
                     "iff_challenges": challenges},
    }


def friendlies_engaged(challenges: int) -> int:
    """Friendly aircraft engaged (a round launched at them) over REPLICATIONS runs, seeds 0, 1, ..."""
    scenario = friendlies_scenario(challenges)
    return sum(int(iadsim.simulate(scenario, seed=seed).metrics["friendlies_engaged"])
               for seed in range(REPLICATIONS))


@case("iff-friendlies-engaged-tight")
def iff_friendlies_engaged_tight() -> CaseResult:
    """Fraction of friendlies engaged under weapons tight after 1 and 2 challenges vs (1 - r)^k."""
    r = load_catalog().iff(IFF_MODE).reliability
    n = FRIENDLIES * REPLICATIONS
    rows = []
    for k in (1, 2):
        expected = 1.0 - answered_after(r, k)
        low, high = stats.binom.interval(0.99, n, expected)
        rows.append((k, friendlies_engaged(k), expected, low, high))
    return CaseResult(
        case="iff-friendlies-engaged-tight", model="c2.identification (IFF) with weapons tight (decide stage)",
        reference=f"P(engaged) = (1 - r)^k, r = {r:g} ({IFF_MODE})",
        expected=", ".join(f"k={k}: {e:.3f}" for k, _, e, _, _ in rows),
        got=", ".join(f"k={k}: {got}/{n}" for k, got, _, _, _ in rows),
        tolerance="exact 99 % binomial interval each: " + ", ".join(f"[{lo:g}, {hi:g}]" for *_, lo, hi in rows),
        passed=all(low <= got <= high for _, got, _, low, high in rows),
    )
