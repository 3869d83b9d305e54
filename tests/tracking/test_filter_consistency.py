"""Filter consistency of the batched EKF (constant velocity, radar range/azimuth/elevation).

Criterion of Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to
Tracking and Navigation* (2001) §5.4.2: over N = 500 Monte Carlo runs, N times
the average NEES (state) is chi-square with 6N degrees of freedom and N times
the average NIS (innovation) chi-square with 3N; the run averages should lie
inside the two-sided 95 % band at about 95 % of steps: we require 90 %.
"""

from __future__ import annotations

from iadsim.verify.tracking import consistency_runs, fraction_inside_band


def test_nees_and_nis_inside_the_95_percent_chi_square_band() -> None:
    nees_steps, nis_steps = consistency_runs()
    assert nees_steps.shape == nis_steps.shape == (40, 500)
    assert fraction_inside_band(nees_steps, 6) >= 0.90
    assert fraction_inside_band(nis_steps, 3) >= 0.90


def test_an_overconfident_filter_fails_the_band() -> None:
    """The check has teeth: a filter told the target manoeuvres 100 times less than it does is caught."""
    nees_steps, nis_steps = consistency_runs(filter_intensity=0.01)
    assert fraction_inside_band(nees_steps, 6) < 0.5
    assert nees_steps.mean() > 6.0 * 1.2
