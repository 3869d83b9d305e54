"""Verification of weapons released by aircraft (``raids[].releases``, :mod:`iadsim.physics.release`).

An F-16-class fighter flies head on at a radar and releases one AGM-88-class (HARM) missile once within its
release range R; the missile then flies the great-circle leg to the radar at its catalog speed v at its
catalog cruise altitude h (move model `flight`, level terminal). Closed form: released at ground range R, it
arrives after T = (R / Rₑ)(Rₑ + h) / v, the leg's length at the cruise altitude over the speed (the move
models measure legs there; Rₑ the mean Earth radius), noticed at the first tick at or after it. Catalog
figures: speed 2,280 km/h and range 150 km (Wikipedia, AGM-88 HARM).

A JSOW-class glide weapon (:mod:`iadsim.physics.glide`) released from a high fighter reaches
L/D (h + v²/2g); against the published figures (Wikipedia and FAS, AGM-154: 22 km from a low-altitude
release, 130 km from a high one; Wikipedia, GBU-39: more than 110 km) from assumed release conditions,
and in an engine run it leaves at R, falls from the release altitude onto its aim and arrives after
T = R / v̄ (legs of a glide measured at the ground, at its mean glide speed v̄).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.verify import CaseResult, case

if TYPE_CHECKING:
    import pandas as pd

RELEASE_RANGE_M = 120e3
TIME_STEP_S = 1.0
RANGE_TOLERANCE_M = 50.0
"""The release is found on the fighter's flight sampled every second (250 m), crossing interpolated."""


def release_scenario(weapon: str = "agm-88-class", release_range_m: float = RELEASE_RANGE_M,
                     altitude_m: float = 5000.0) -> dict:
    """An undefended S-400-class battalion, radiating, and one F-16-class flying at ``altitude_m`` releasing one
    ``weapon`` (a HARM-class missile) at its search radar from ``release_range_m``."""
    return {
        "name": "verify a release by range", "duration": 900.0, "time_step": TIME_STEP_S,
        "models": {"move": "flight"},
        "units": [{"name": "Battalion", "type": "s400-battalion", "position": {"lat": 47.35, "lon": 37.80},
                   "inventory": {"s400-9m96e-class": 0}}],
        "raids": [{"name": "Fighter", "type": "f16-class", "altitude": altitude_m,
                   "launch_point": {"lat": 48.80, "lon": 37.80, "alt": altitude_m},
                   "waypoints": [{"lat": 47.90, "lon": 37.80, "alt": altitude_m},
                                 {"lat": 48.80, "lon": 37.90, "alt": altitude_m}],
                   "releases": [{"weapon": weapon, "target": "Battalion", "target_part": "search_radar",
                                 "release_range": release_range_m}]}],
    }


def released_flight(scenario: dict,
                    weapon: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """One run of a :func:`release_scenario`: the ``weapon``'s release and arrival events (``threat_launch``,
    ``leak``), its ground range (m) to the radar where it was released, and its time of flight (s)."""
    events = iadsim.simulate(scenario, seed=0).events.to_pandas()
    launch = events[(events.kind == "threat_launch") & (events.weapon == weapon)]
    arrival = events[(events.kind == "leak") & (events.weapon == weapon)]
    radar = scenario["units"][0]["position"]  # no layout: the search radar stands at the unit's position
    start = geo.n_vector(np.radians(launch.lat_deg.to_numpy()), np.radians(launch.lon_deg.to_numpy()))
    aim = geo.n_vector(np.radians(radar["lat"]), np.radians(radar["lon"]))
    ground_m = geo.MEAN_EARTH_RADIUS_M * np.arccos(np.clip(start @ aim, -1.0, 1.0))
    return launch, arrival, ground_m, arrival.t_s.to_numpy() - launch.t_s.to_numpy()


@case("release-range-time-of-flight")
def release_range_time_of_flight() -> CaseResult:
    """The HARM's ground range to the radar where it leaves the fighter, and its time of flight to the radar,
    against R and T = (R/Rₑ)(Rₑ + h)/v with the catalog's v and h; R within the catalog's 150 km reach."""
    harm = load_catalog().threat("agm-88-class")
    launch, arrival, ground_m, flight_s = released_flight(release_scenario(), harm.name)
    expected_s = RELEASE_RANGE_M / geo.MEAN_EARTH_RADIUS_M * (geo.MEAN_EARTH_RADIUS_M + harm.cruise_altitude) / harm.speed
    late_s = flight_s - expected_s
    passed = bool(len(launch) == 1 and len(arrival) == 1 and abs(ground_m[0] - RELEASE_RANGE_M) <= RANGE_TOLERANCE_M
                  and 0.0 <= late_s[0] < TIME_STEP_S and RELEASE_RANGE_M <= harm.max_range)
    got = (f"{ground_m[0] / 1e3:.3f} km, {flight_s[0]:.2f} s" if len(launch) == 1 and len(arrival) == 1
           else f"{len(launch)} releases, {len(arrival)} arrivals")
    return CaseResult(
        case="release-range-time-of-flight", model="physics.release + physics.flight (engine run)",
        reference=f"T = (R/Rₑ)(Rₑ + h)/v, v = {harm.speed:g} m/s, reach {harm.max_range / 1e3:g} km (Wikipedia, "
                  f"AGM-88 HARM), h = {harm.cruise_altitude / 1e3:g} km (catalog estimate)",
        expected=f"{RELEASE_RANGE_M / 1e3:.3f} km, {expected_s:.2f} s",
        got=got, tolerance=f"±{RANGE_TOLERANCE_M:.0f} m; time late by less than one tick ({TIME_STEP_S:g} s)",
        passed=passed,
    )


HIGH_RELEASE = (12192.0, 236.0)
"""40,000 ft at Mach 0.8 (m, m/s): the high release the catalog's lift_to_drag figures are fitted to."""
LOW_RELEASE = (152.0, 221.0)
"""500 ft at Mach 0.65 near sea level (m, m/s): an assumed low-level release (the sources give no conditions)."""
GLIDE_FIGURE_TOLERANCE = 0.15
"""Relative tolerance of the reach against a published range: the low-release conditions are assumed."""
GLIDE_RELEASE_RANGE_M, GLIDE_ALTITUDE_M = 100e3, 10000.0


def glide_reaches() -> list[tuple[str, str, float, float]]:
    """(weapon, release, reach by L/D (h + v²/2g), published range) (m) for the catalog's glide weapons."""
    from iadsim.physics.glide import glide_reach_m

    catalog = load_catalog()
    jsow, sdb = catalog.threat("agm-154-class"), catalog.threat("gbu-39-class")
    return [(weapon.name, name, float(glide_reach_m(weapon.lift_to_drag, *release)), published)
            for weapon, name, release, published in ((jsow, "low", LOW_RELEASE, 22e3),
                                                     (jsow, "high", HIGH_RELEASE, 130e3),
                                                     (sdb, "high", HIGH_RELEASE, 110e3))]


@case("glide-release-range")
def glide_release_range() -> CaseResult:
    """Glide reach L/D (h + v²/2g) against the published JSOW-class and SDB-class ranges within 15 %; an engine
    run: a JSOW-class released 100 km out from 10 km, at R within 50 m, down to its aim's altitude, after
    T = R / v̄ (less than one tick late)."""
    reaches = glide_reaches()
    worst = max(abs(reach / published - 1.0) for *_, reach, published in reaches)
    jsow = load_catalog().threat("agm-154-class")
    launch, arrival, ground_m, flight_s = released_flight(
        release_scenario(jsow.name, GLIDE_RELEASE_RANGE_M, GLIDE_ALTITUDE_M), jsow.name)
    expected_s = GLIDE_RELEASE_RANGE_M / jsow.speed
    flown = len(launch) == 1 and len(arrival) == 1
    passed = bool(flown and worst <= GLIDE_FIGURE_TOLERANCE
                  and abs(ground_m[0] - GLIDE_RELEASE_RANGE_M) <= RANGE_TOLERANCE_M
                  and 0.0 <= flight_s[0] - expected_s < TIME_STEP_S
                  and abs(launch.alt_m.iloc[0] - GLIDE_ALTITUDE_M) < 1.0 and abs(arrival.alt_m.iloc[0]) < 1.0)
    figures = "; ".join(f"{name} {kind} {reach / 1e3:.1f} km" for name, kind, reach, _ in reaches)
    got = (f"{figures}; released at {ground_m[0] / 1e3:.3f} km, {launch.alt_m.iloc[0]:.0f} m, arrived at "
           f"{arrival.alt_m.iloc[0]:.0f} m after {flight_s[0]:.2f} s" if flown
           else f"{figures}; {len(launch)} releases, {len(arrival)} arrivals")
    return CaseResult(
        case="glide-release-range", model="physics.glide + physics.release + physics.flight (engine run)",
        reference="R = L/D (h + v²/2g) against 22 km low / 130 km high (Wikipedia and FAS, AGM-154 JSOW) and "
                  "110 km (Wikipedia, GBU-39 SDB), releases at 152 m and Mach 0.65 (assumed) or 12.2 km and "
                  f"Mach 0.8; T = R / v̄, v̄ = {jsow.speed:g} m/s (catalog estimate)",
        expected=f"22, 130, 110 km; {GLIDE_RELEASE_RANGE_M / 1e3:.3f} km, {expected_s:.2f} s",
        got=got, tolerance=f"{GLIDE_FIGURE_TOLERANCE:.0%} of a published range; ±{RANGE_TOLERANCE_M:.0f} m; "
                           f"less than one tick late",
        passed=passed,
    )
