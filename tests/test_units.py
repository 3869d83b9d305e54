"""Quantity strings become SI floats once; wrong units are refused with the accepted list."""

import math

import pytest
from pydantic import BaseModel, ValidationError

from iadsim.units import Angle, Duration, Length, QuantityError, Speed, display, parse_quantity


@pytest.mark.parametrize(
    ("text", "dimension", "si"),
    [
        ("40 km", "length", 40_000.0),
        ("250 m/s", "speed", 250.0),
        ("Mach 2.5", "speed", 2.5 * 340.294),
        ("2.5 Mach", "speed", 2.5 * 340.294),
        ("9 g", "acceleration", 9 * 9.80665),
        ("30 deg", "angle", math.radians(30)),
        ("2.5 min", "time", 150.0),
        ("-20 dBsm", "area", 0.01),
        ("1.5e3 ft", "length", 457.2),
        ("450 kt", "speed", 450 * 1852 / 3600),
        (12, "length", 12.0),
        (0.5, "angle", 0.5),
    ],
)
def test_quantities_parse_to_si(text, dimension, si):
    assert parse_quantity(text, dimension) == pytest.approx(si, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "dimension", "fragment"),
    [
        ("40 km", "time", "'40 km' is a length, but a time is expected"),
        ("Mach 2", "length", "is a speed, but a length is expected"),
        ("3 parsecs", "length", "unknown unit 'parsecs'"),
        ("10 klm", "length", "did you mean 'km'?"),
        ("fast", "speed", "cannot read 'fast' as a speed"),
        ("nan km", "length", "cannot read"),
        ("nan", "length", "finite"),
        (float("inf"), "length", "finite"),
        (True, "length", "expected a length"),
        ([1, 2], "length", "got list"),
    ],
)
def test_bad_quantities_are_refused_clearly(text, dimension, fragment):
    with pytest.raises(QuantityError, match=None) as error:
        parse_quantity(text, dimension)
    assert fragment in str(error.value)


def test_schema_fields_parse_units_and_keep_si():
    class Probe(BaseModel):
        range: Length
        speed: Speed
        heading: Angle
        wait: Duration

    probe = Probe(range="12 nmi", speed="Mach 1", heading="90 deg", wait="1 h")
    assert probe.range == pytest.approx(22_224.0)
    assert probe.speed == pytest.approx(340.294)
    assert probe.heading == pytest.approx(math.pi / 2)
    assert probe.wait == 3600.0
    with pytest.raises(ValidationError, match="is a speed, but a length"):
        Probe(range="3 m/s", speed=1, heading=0, wait=0)


def test_display_picks_a_readable_unit():
    assert display(100_000.0, "length") == "100 km"
    assert display(15.0, "length") == "15 m"
    assert display(math.radians(0.5), "angle") == "0.5 deg"
