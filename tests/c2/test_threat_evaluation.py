"""Threat evaluation from tracks: class from kinematics, aim and time to go in closed form, value, self-threat."""

import numpy as np
import pytest

from iadsim import geo
from iadsim.c2.threat_evaluation import (
    DefendedPoints,
    class_probabilities,
    default_parameters,
    evaluate,
)
from iadsim.catalog.schema import THREAT_CLASSES

LAT, LON = np.deg2rad(38.4), np.deg2rad(27.1)
ROTATION = geo.enu_rotation(LAT, LON)
ORIGIN = geo.geodetic_to_ecef(LAT, LON, 0.0)


def place(east_m, north_m, altitude_m, velocity_enu=(0.0, 0.0, 0.0)):
    """ECEF position (1, 3) at ``altitude_m`` above the ground point (east, north) of (38.4 N, 27.1 E), and the
    ECEF velocity (1, 3) of ``velocity_enu`` in that point's own local frame."""
    ground = geo.enu_to_ecef(np.array([[east_m, north_m, 0.0]], dtype=float), ORIGIN, ROTATION)
    lat, lon, _ = geo.ecef_to_geodetic(ground)
    pos = geo.geodetic_to_ecef(lat, lon, np.array([altitude_m], dtype=float))
    return pos, np.array([velocity_enu], dtype=float) @ geo.enu_rotation(lat[0], lon[0])


def at(east_m, north_m, altitude_m):
    return place(east_m, north_m, altitude_m)[0]


@pytest.mark.parametrize(("speed", "altitude", "expected"), [
    (50.0, 500.0, "drone"), (250.0, 30.0, "cruise_missile"), (250.0, 5000.0, "aircraft"),
    (1400.0, 30000.0, "ballistic_missile"), (2000.0, 5000.0, "ballistic_missile"),
])
def test_classes_from_speed_and_altitude(speed, altitude, expected):
    probability = class_probabilities(np.array([speed]), np.array([altitude]), default_parameters())
    assert probability.sum() == pytest.approx(1.0)
    assert THREAT_CLASSES[int(np.argmax(probability))] == expected
    assert probability.max() > 0.9


def test_confidence_falls_between_classes():
    """A 95 m/s track at 500 m is at the edge of drone and aircraft bands: not sure either way."""
    probability = class_probabilities(np.array([95.0]), np.array([500.0]), default_parameters())[0]
    assert probability.max() < 0.9


def defended(asset_east_m=0.0):
    """An asset of value 100 at the origin and a fire unit 20 km east of it."""
    return DefendedPoints(np.vstack([at(asset_east_m, 0.0, 0.0), at(20_000.0, 0.0, 0.0)]),
                          np.array([100.0, 80.0]), np.array([-1, 0]))


def test_a_straight_track_heads_for_the_asset_on_its_path_with_time_to_go_distance_over_speed():
    pos, vel = place(0.0, 60_000.0, 5000.0, (0.0, -250.0, 0.0))
    a = evaluate(pos, vel, defended())
    assert a.aimed[0] and a.aim_index[0] == 0
    assert a.t_go_s[0] == pytest.approx(60_000.0 / 250.0, rel=1e-3)
    assert THREAT_CLASSES[a.class_index[0]] == "aircraft"
    assert a.value[0] == pytest.approx(100.0 * 1.0, rel=0.02)  # aircraft lethality 1
    assert a.threatened_unit[0] == -1


def test_a_track_aimed_at_the_unit_threatens_the_unit():
    pos, vel = place(20_000.0, 40_000.0, 30.0, (0.0, -250.0, 0.0))
    a = evaluate(pos, vel, defended())
    assert a.aim_index[0] == 1 and a.threatened_unit[0] == 0
    assert a.value[0] == pytest.approx(80.0 * 0.45, rel=0.02)  # cruise missile lethality 0.45


def test_a_ballistic_track_is_extrapolated_to_its_vacuum_impact_point():
    """From 20 km up, falling at 500 m/s with 1000 m/s ground speed: t = (v + √(v² + 2gh)) / g, in the vacuum
    closed form, with v the (negative) climb rate."""
    g = default_parameters().gravity
    v_up, h, ground = -500.0, 20_000.0, 1000.0
    t_fall = (v_up + np.sqrt(v_up**2 + 2 * g * h)) / g
    pos, vel = place(-ground * t_fall, 0.0, h, (ground, 0.0, v_up))
    a = evaluate(pos, vel, defended())
    assert THREAT_CLASSES[a.class_index[0]] == "ballistic_missile"
    assert a.aimed[0] and a.aim_index[0] == 0
    assert a.t_go_s[0] == pytest.approx(t_fall, rel=1e-6)


def test_a_track_heading_for_nothing_gets_the_nearest_point_and_its_flying_time():
    pos, vel = place(100_000.0, 0.0, 5000.0, (0.0, 250.0, 0.0))
    a = evaluate(pos, vel, defended())  # flying north, past everything
    assert not a.aimed[0] and a.aim_index[0] == 1
    assert a.t_go_s[0] == pytest.approx(np.linalg.norm(pos - at(20_000.0, 0.0, 0.0)) / 250.0, rel=1e-6)
