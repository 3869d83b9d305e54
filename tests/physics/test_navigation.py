"""Navigation jamming against its closed form: the seconds a straight path spends inside a footprint.

A threat flying straight at speed v through a sphere of radius R (the GNSS jammer's
footprint, 3-D distance) whose centre lies d to the side of its path and h below it
is jammed for 2 sqrt(R^2 - d^2 - h^2) / v seconds (plane geometry; Earth's curvature
over the 50 km chord changes it by about 1e-4); its error is the drift rate times that
(the model's definition, docs/models.md "Navigation jamming"). Within 1 %: the tick
is 1 s of about 900.
"""

import math

import numpy as np
import pyarrow.compute as pc
import pytest

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.engine import simulate

R_M, SIDE_M = 25e3, 10e3


def scenario(threat: str, side_m: float = SIDE_M) -> dict:
    """One threat flying due north along 30° E for 200 km to a city; a GNSS jammer ``side_m`` east of its path."""
    east_deg = math.degrees(side_m / (geo.MEAN_EARTH_RADIUS_M * math.cos(math.radians(50.9))))
    return {
        "name": "GNSS", "duration": "2 h", "seed": 3,
        "assets": [{"name": "City", "position": {"lat": 51.8, "lon": 30.0}}],
        "raids": [{"type": threat, "launch_point": {"lat": 50.0, "lon": 30.0}, "target": "City"}],
        "jammers": [{"name": "Jammer", "type": "ground-gnss-jammer-class",
                     "position": {"lat": 50.9, "lon": 30.0 + east_deg}}],
    }


def kinds(result) -> list[str]:
    return result.events.column("kind").cast("string").to_pylist()


def test_error_is_the_drift_rate_times_the_chord_time() -> None:
    shahed = load_catalog().threat("shahed-136-class")
    result = simulate(scenario("shahed-136-class"))
    lost = result.events.filter(pc.equal(result.events.column("kind").cast("string"), "lost"))
    assert lost.num_rows == 1 and "leak" not in kinds(result) and "impact" not in kinds(result)
    chord_s = 2.0 * math.sqrt(R_M**2 - SIDE_M**2 - shahed.cruise_altitude**2) / shahed.speed
    error_m = lost.column("value")[0].as_py()
    assert error_m == pytest.approx(shahed.gnss_drift_rate * chord_s, rel=0.01)
    # it comes down that far from its aim point
    city = geo.geodetic_to_ecef(np.deg2rad(51.8), np.deg2rad(30.0), 0.0)
    down = geo.geodetic_to_ecef(np.deg2rad(lost.column("lat_deg")[0].as_py()),
                                np.deg2rad(lost.column("lon_deg")[0].as_py()), lost.column("alt_m")[0].as_py())
    assert np.linalg.norm(np.asarray(down) - np.asarray(city)) == pytest.approx(error_m, rel=1e-3)
    assert result.metrics["lost"] == 1 and result.metrics["leaked"] == 0


def test_a_threat_outside_the_footprint_or_without_satellite_navigation_leaks() -> None:
    for threat, side_m in (("shahed-136-class", 40e3), ("kalibr-class", SIDE_M)):
        result = simulate(scenario(threat, side_m))
        assert "lost" not in kinds(result) and "leak" in kinds(result)
        assert result.metrics["lost"] == 0
