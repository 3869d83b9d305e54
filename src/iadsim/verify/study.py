"""Verification of the study statistics in :mod:`iadsim.study.stats`."""

from __future__ import annotations

from iadsim.study.stats import wilson_interval
from iadsim.verify import CaseResult, case

NEWCOMBE_1998_WILSON = {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605), (0, 20): (0.0, 0.1611),
                        (1, 29): (0.0061, 0.1718)}
"""Wilson score limits (method 3, without continuity correction) of the worked examples in
Newcombe (1998), Two-sided confidence intervals for the single proportion: comparison of seven
methods, Statistics in Medicine 17:857-872, Table II, printed to 4 decimals."""


@case("wilson-interval")
def wilson_against_newcombe() -> CaseResult:
    """The Wilson (1927) 95 % score interval of four proportions against Newcombe (1998), Table II: within 5e-5
    (the table's rounding)."""
    worst = 0.0
    for (successes, trials), expected in NEWCOMBE_1998_WILSON.items():
        got = wilson_interval(successes, trials)
        worst = max(worst, *(abs(a - b) for a, b in zip(got, expected, strict=True)))
    low, high = wilson_interval(81, 263)
    return CaseResult(
        case="wilson-interval", model="study.stats.wilson_interval",
        reference="Newcombe (1998) Stat. Med. 17:857, Table II; Wilson (1927)",
        expected="81/263: 0.2553-0.3662 (and 3 more)", got=f"81/263: {low:.4f}-{high:.4f}; worst {worst:.1e}",
        tolerance="5e-5", passed=worst <= 5e-5,
    )
