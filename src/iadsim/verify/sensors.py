"""Verification of radar detection: Swerling statistics against closed forms and Monte Carlo, and the horizon."""

from __future__ import annotations

import numpy as np
from scipy import stats

from iadsim import geo
from iadsim.sensors.detection import DetectionTable, probability_of_detection, threshold
from iadsim.verify import CaseResult, case

MONTE_CARLO_LOOKS = 20_000


@case("swerling1-single-look")
def swerling1_single_look() -> CaseResult:
    """Swerling 1, one look: Pd = Pfa^(1/(1+SNR)) (Swerling 1960; Skolnik 2001 ch. 2; Mahafza 2000 §2.6).

    Checked over SNR 0-30 dB at Pfa 1e-6, for both the closed form the model
    uses and the interpolated table the radar stage reads at run time.
    """
    snr_db = np.linspace(0.0, 30.0, 317)  # off the table's 0.01 dB grid: checks the interpolation
    snr = 10.0 ** (snr_db / 10.0)
    pfa = 1e-6
    reference = pfa ** (1.0 / (1.0 + snr))
    error = max(float(np.max(np.abs(probability_of_detection(snr, pfa, 1, 1) - reference))),
                float(np.max(np.abs(DetectionTable(pfa, 1, 1)(snr_db) - reference))))
    return CaseResult(
        case="swerling1-single-look", model="sensors.detection (closed form and run-time table)",
        reference="Pd = Pfa^(1/(1+SNR)), Swerling (1960), Skolnik (2001) ch. 2", expected="Pfa^(1/(1+SNR)), 0-30 dB",
        got=f"max |error| {error:.1e}", tolerance="0.005 absolute", passed=error <= 0.005,
    )


def monte_carlo_detection_rate(snr: float, pfa: float, pulses: int, swerling: int, looks: int,
                               rng: np.random.Generator) -> int:
    """Detections in ``looks`` simulated dwells of a square-law detector (the physics, not the formula).

    Each dwell draws the target's RCS fluctuation (steady, exponential or
    chi-square with 4 degrees of freedom, mean 1), then ``pulses`` echoes with
    complex Gaussian noise of unit power, sums their power and compares the sum
    with the threshold set for ``pfa``.
    """
    fluctuation = {0: np.ones(looks), 1: rng.exponential(1.0, looks), 3: rng.gamma(2.0, 0.5, looks)}[swerling]
    amplitude = np.sqrt(snr * fluctuation)[:, None] * np.exp(1j * rng.uniform(0, 2 * np.pi, (looks, 1)))
    noise = (rng.standard_normal((looks, pulses)) + 1j * rng.standard_normal((looks, pulses))) / np.sqrt(2.0)
    power = np.sum(np.abs(amplitude + noise) ** 2, axis=1)
    return int(np.count_nonzero(power > threshold(pfa, pulses)))


@case("swerling-monte-carlo")
def swerling_monte_carlo() -> CaseResult:
    """Monte Carlo square-law detection (Swerling 0, 1, 3; 1 and 10 pulses) inside the 99 % binomial interval.

    Each of 24 (case, pulses, SNR) points simulates 20,000 dwells at Pfa 1e-3;
    the count of detections must lie in the central 99 % interval of a
    binomial with the model's Pd (Marcum 1960; Swerling 1960; Mahafza 2000 §2.6).
    """
    rng = np.random.default_rng(19600401)
    pfa = 1e-3
    inside = total = 0
    worst = ""
    for swerling in (0, 1, 3):
        for pulses in (1, 10):
            for snr_db in (-3.0, 3.0, 8.0, 13.0):
                snr = 10.0 ** (snr_db / 10.0)
                pd = float(probability_of_detection(snr, pfa, pulses, swerling))
                hits = monte_carlo_detection_rate(snr, pfa, pulses, swerling, MONTE_CARLO_LOOKS, rng)
                low, high = stats.binom.interval(0.99, MONTE_CARLO_LOOKS, pd)
                total += 1
                if low <= hits <= high:
                    inside += 1
                else:
                    worst = f"; outside: SW{swerling} n={pulses} {snr_db:g} dB: {hits} not in [{low:g}, {high:g}]"
    return CaseResult(
        case="swerling-monte-carlo", model="sensors.detection.probability_of_detection",
        reference="square-law detector simulated; Marcum (1960), Swerling (1960)",
        expected="24 of 24 inside the 99 % binomial interval", got=f"{inside} of {total}{worst}",
        tolerance="99 % binomial interval each", passed=inside == total,
    )


@case("radar-horizon")
def radar_horizon() -> CaseResult:
    """4/3-Earth radar horizon against the textbook d ≈ 4.12 (√h_r + √h_t) km, h in metres (Skolnik 2001 §8.2)."""
    antenna = np.array([2.0, 5.0, 10.0, 25.0, 40.0, 100.0])[:, None]
    target = np.array([10.0, 30.0, 100.0, 1000.0, 5000.0, 15000.0])[None, :]
    model_km = geo.radar_horizon_m(antenna, target) / 1e3
    textbook_km = 4.12 * (np.sqrt(antenna) + np.sqrt(target))
    error = float(np.max(np.abs(model_km / textbook_km - 1.0)))
    return CaseResult(
        case="radar-horizon", model="geo.radar_horizon_m (k = 4/3)",
        reference="d = 4.12 (sqrt h_r + sqrt h_t) km, Skolnik (2001) §8.2", expected="36 height pairs, 2 m-15 km",
        got=f"max relative error {error:.2%}", tolerance="0.5 %", passed=error <= 0.005,
    )
