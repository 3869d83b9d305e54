"""Verification of weapons released by aircraft (``raids[].releases``, :mod:`iadsim.physics.release`).

An F-16-class fighter flies head on at a radar and releases one AGM-88-class (HARM) missile once within its
release range R; the missile then flies the great-circle leg to the radar at its catalog speed v at its
catalog cruise altitude h (move model `flight`, level terminal). Closed form: released at ground range R, it
arrives after T = (R / Rₑ)(Rₑ + h) / v, the leg's length at the cruise altitude over the speed (the move
models measure legs there; Rₑ the mean Earth radius), noticed at the first tick at or after it. Catalog
figures: speed 2,280 km/h and range 150 km (Wikipedia, AGM-88 HARM).
"""

from __future__ import annotations

import numpy as np

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.verify import CaseResult, case

RELEASE_RANGE_M = 120e3
TIME_STEP_S = 1.0
RANGE_TOLERANCE_M = 50.0
"""The release is found on the fighter's flight sampled every second (250 m), crossing interpolated."""


def release_scenario() -> dict:
    """An undefended S-400-class battalion, radiating, and one F-16-class releasing a HARM-class missile at its
    search radar from RELEASE_RANGE_M."""
    return {
        "name": "verify a release by range", "duration": 900.0, "time_step": TIME_STEP_S,
        "models": {"move": "flight"},
        "units": [{"name": "Battalion", "type": "s400-battalion", "position": {"lat": 47.35, "lon": 37.80},
                   "inventory": {"s400-9m96e-class": 0}}],
        "raids": [{"name": "Fighter", "type": "f16-class", "launch_point": {"lat": 48.80, "lon": 37.80, "alt": 5000.0},
                   "waypoints": [{"lat": 47.90, "lon": 37.80, "alt": 5000.0}, {"lat": 48.80, "lon": 37.90, "alt": 5000.0}],
                   "releases": [{"weapon": "agm-88-class", "target": "Battalion", "target_part": "search_radar",
                                 "release_range": RELEASE_RANGE_M}]}],
    }


@case("release-range-time-of-flight")
def release_range_time_of_flight() -> CaseResult:
    """The HARM's ground range to the radar where it leaves the fighter, and its time of flight to the radar,
    against R and T = (R/Rₑ)(Rₑ + h)/v with the catalog's v and h; R within the catalog's 150 km reach."""
    run = iadsim.simulate(release_scenario(), seed=0)
    events = run.events.to_pandas()
    harm = load_catalog().threat("agm-88-class")
    launch = events[(events.kind == "threat_launch") & (events.weapon == "agm-88-class")]
    arrival = events[(events.kind == "leak") & (events.weapon == "agm-88-class")]
    start = geo.n_vector(np.radians(launch.lat_deg.to_numpy()), np.radians(launch.lon_deg.to_numpy()))
    radar = release_scenario()["units"][0]["position"]  # no layout: the search radar stands at the unit's position
    aim = geo.n_vector(np.radians(radar["lat"]), np.radians(radar["lon"]))
    ground_m = geo.MEAN_EARTH_RADIUS_M * np.arccos(np.clip(start @ aim, -1.0, 1.0))
    flight_s = arrival.t_s.to_numpy() - launch.t_s.to_numpy()
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
