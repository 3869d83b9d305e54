"""Quantities with units at the edge, SI inside.

Scenario and catalog files write quantities as strings such as ``"40 km"``,
``"250 m/s"``, ``"Mach 2.5"``, ``"9 g"``, ``"30 deg"``, ``"2.5 min"`` or
``"-30 dBsm"``; a bare number means SI (metres, seconds, radians, square
metres, kilograms). :func:`parse_quantity` turns one into an SI float once, at
load time, and refuses an unknown unit or a unit of the wrong dimension with a
message that says what was expected.

Conventions stated once here:

* ``Mach`` uses the ISA sea-level speed of sound, 340.294 m/s (ICAO Doc 7488).
* ``g`` is standard gravity, 9.80665 m/s² (CGPM 1901).
* ``dBsm`` is decibels relative to one square metre: σ = 10^(x/10) m².
* ``dBW`` and ``dBm`` are decibels relative to one watt and one milliwatt.
* A ``gain`` (antenna gain, side-lobe level, noise figure, suppression) is a power ratio written in
  ``dB`` (``dBi`` for an antenna: relative to an isotropic one), held as the plain ratio inside.
* A power and a gain must carry their unit: a bare ``1000`` could be watts or dBW (power) or a ratio or
  decibels (gain), and the two readings differ by orders of magnitude, so it is refused.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator

from iadsim.errors import shorten, shown

SPEED_OF_SOUND_SEA_LEVEL_MPS = 340.294
STANDARD_GRAVITY_MPS2 = 9.80665

# Unit tables: dimension -> unit spelling -> factor to SI.
_LINEAR_UNITS: dict[str, dict[str, float]] = {
    "length": {
        "m": 1.0, "km": 1e3, "cm": 1e-2, "mm": 1e-3,
        "ft": 0.3048, "nmi": 1852.0, "NM": 1852.0, "mi": 1609.344,
    },
    "speed": {
        "m/s": 1.0, "km/h": 1 / 3.6, "kph": 1 / 3.6, "km/s": 1e3,
        "kt": 1852.0 / 3600, "kn": 1852.0 / 3600, "knots": 1852.0 / 3600,
        "mph": 1609.344 / 3600, "ft/s": 0.3048, "ft/min": 0.3048 / 60,
    },
    "acceleration": {"m/s^2": 1.0, "m/s2": 1.0, "g": STANDARD_GRAVITY_MPS2},
    "angle": {"rad": 1.0, "deg": math.pi / 180, "mrad": 1e-3},
    "angular_rate": {"rad/s": 1.0, "deg/s": math.pi / 180},
    "time": {
        "s": 1.0, "sec": 1.0, "ms": 1e-3, "min": 60.0, "mins": 60.0, "minutes": 60.0,
        "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hours": 3600.0, "d": 86400.0, "days": 86400.0,
    },
    "area": {"m^2": 1.0, "m2": 1.0},
    "mass": {"kg": 1.0, "t": 1e3, "lb": 0.45359237},
    "power": {"W": 1.0, "kW": 1e3, "MW": 1e6, "mW": 1e-3},
    "frequency": {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9},
    "gain": {},
}

# Units whose conversion is not a plain factor: dimension -> unit -> function.
_SPECIAL_UNITS: dict[str, dict[str, Callable[[float], float]]] = {
    "speed": {"Mach": lambda x: x * SPEED_OF_SOUND_SEA_LEVEL_MPS},
    "area": {"dBsm": lambda x: 10.0 ** (x / 10.0)},
    "power": {"dBW": lambda x: 10.0 ** (x / 10.0), "dBm": lambda x: 10.0 ** ((x - 30.0) / 10.0)},
    "gain": {"dB": lambda x: 10.0 ** (x / 10.0), "dBi": lambda x: 10.0 ** (x / 10.0)},
}
UNIT_REQUIRED = frozenset({"power", "gain"})
"""Dimensions whose values must carry a unit (see the module doc)."""

DIMENSIONS = tuple(_LINEAR_UNITS)

_NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
"""Digits 0-9 only: Python's float() also reads Arabic-Indic and full-width digits, which a unit string
should not silently accept."""
_SUFFIXED = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z][A-Za-z0-9/^]*)?\s*$")
_MACH_PREFIXED = re.compile(rf"^\s*Mach\s*({_NUMBER})\s*$", re.IGNORECASE)


class QuantityError(ValueError):
    """A quantity string that cannot be read as the expected dimension."""


def units_of(dimension: str) -> list[str]:
    """All unit spellings accepted for ``dimension``."""
    return [*_LINEAR_UNITS[dimension], *_SPECIAL_UNITS.get(dimension, {})]


def _dimension_of_unit(unit: str) -> str | None:
    for dimension in DIMENSIONS:
        if unit in _LINEAR_UNITS[dimension] or unit in _SPECIAL_UNITS.get(dimension, {}):
            return dimension
    return None


def _convert(number: float, unit: str, dimension: str) -> float:
    if unit in _LINEAR_UNITS[dimension]:
        return number * _LINEAR_UNITS[dimension][unit]
    return _SPECIAL_UNITS[dimension][unit](number)


def parse_quantity(value: object, dimension: str) -> float:
    """Return ``value`` in SI units of ``dimension``.

    ``value`` is a number (already SI) or a string ``"<number> <unit>"`` (or
    ``"Mach <number>"`` for a speed). Raises :class:`QuantityError` with a
    message naming the accepted units when the string cannot be read.
    """
    if dimension not in _LINEAR_UNITS:
        raise KeyError(f"unknown dimension {dimension!r}")
    accepted = ", ".join(units_of(dimension))
    if isinstance(value, bool):
        raise QuantityError(f"expected a {dimension} such as '{_example(dimension)}', got {value!r}")
    if isinstance(value, int | float) and dimension in UNIT_REQUIRED:
        raise QuantityError(f"{shown(value)} has no unit: write a {dimension} with its unit, like "
                            f"'{_example(dimension)}' (units: {accepted})")
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            number = _parse_string(value, dimension, accepted)
        else:
            number = None
    except OverflowError:
        raise QuantityError(f"{shown(value)} is too large (a {dimension.replace('_', ' ')} is wanted)") from None
    if number is None:
        raise QuantityError(
            f"expected a {dimension} (a number in SI units or a string like "
            f"'{_example(dimension)}'), got {type(value).__name__}"
        )
    if not math.isfinite(number):
        raise QuantityError(f"expected a finite {dimension}, got {shown(value)}")
    return number


def _parse_string(text: str, dimension: str, accepted: str) -> float:
    mach = _MACH_PREFIXED.match(text)
    if mach:
        if dimension != "speed":
            raise QuantityError(f"'{shorten(text)}' is a speed, but a {dimension} is expected here (units: {accepted})")
        return float(mach.group(1)) * SPEED_OF_SOUND_SEA_LEVEL_MPS
    match = _SUFFIXED.match(text)
    if not match:
        if text.strip().lower() in {"nan", "inf", "-inf", "+inf", "infinity"}:
            raise QuantityError(f"expected a finite {dimension}, got '{text}'")
        digits = "; write digits 0-9" if any(c.isdigit() and not c.isascii() for c in text) else ""
        raise QuantityError(
            f"cannot read '{shorten(text)}' as a {dimension}: write a number and a unit, "
            f"like '{_example(dimension)}' (units: {accepted}){digits}"
        )
    number, unit = float(match.group(1)), match.group(2)
    if unit is None and dimension in UNIT_REQUIRED:
        raise QuantityError(f"'{shorten(text)}' has no unit: write a {dimension} with its unit, like "
                            f"'{_example(dimension)}' (units: {accepted})")
    if unit is None:
        return number
    if unit in units_of(dimension):
        return _convert(number, unit, dimension)
    other = _dimension_of_unit(unit)
    if other is not None:
        raise QuantityError(
            f"'{shorten(text)}' is a {other.replace('_', ' ')}, but a {dimension.replace('_', ' ')} "
            f"is expected here (units: {accepted})"
        )
    close = difflib.get_close_matches(unit, units_of(dimension), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise QuantityError(f"unknown unit '{shorten(unit)}' in '{shorten(text)}' for a {dimension} (units: {accepted}){hint}")


def _example(dimension: str) -> str:
    return {
        "length": "40 km", "speed": "250 m/s", "acceleration": "9 g", "angle": "30 deg",
        "angular_rate": "15 deg/s", "time": "2.5 min", "area": "0.1 m^2", "mass": "450 kg",
        "power": "30 dBW", "frequency": "500 MHz", "gain": "35 dB",
    }[dimension]


@dataclass(frozen=True)
class Dimension:
    """Marks a schema field as a quantity of one dimension (for display and documentation)."""

    name: str


def quantity(dimension: str) -> tuple[Dimension, BeforeValidator]:
    """Field metadata: the dimension, and a validator that parses a quantity of it into SI."""
    return Dimension(dimension), BeforeValidator(lambda value: parse_quantity(value, dimension))


def dimension_of(metadata: list[object]) -> str | None:
    """The dimension named in a pydantic field's metadata, if it is a quantity."""
    return next((item.name for item in metadata if isinstance(item, Dimension)), None)


# How to show an SI value of each dimension to people: (unit, factor from SI, threshold for the larger unit).
_DISPLAY: dict[str, tuple[tuple[str, float], ...]] = {
    "length": (("m", 1.0), ("km", 1e-3)),
    "speed": (("m/s", 1.0),),
    "acceleration": (("m/s^2", 1.0),),
    "angle": (("deg", 180 / math.pi),),
    "angular_rate": (("deg/s", 180 / math.pi),),
    "time": (("s", 1.0), ("min", 1 / 60)),
    "area": (("m^2", 1.0),),
    "mass": (("kg", 1.0),),
    "frequency": (("MHz", 1e-6), ("GHz", 1e-9)),
}


def display(value: float, dimension: str) -> str:
    """``100000.0, "length"`` -> ``"100 km"``: an SI value in a unit people read; a gain in dB, a power in
    dBW and W."""
    if dimension == "gain":
        return f"{10.0 * math.log10(value):,.4g} dB"
    if dimension == "power":
        return f"{10.0 * math.log10(value):,.4g} dBW ({value:,.4g} W)"
    unit, factor = _DISPLAY[dimension][0]
    if len(_DISPLAY[dimension]) > 1 and abs(value * _DISPLAY[dimension][1][1]) >= 10:
        unit, factor = _DISPLAY[dimension][1]
    return f"{value * factor:,.6g} {unit}"


Length = Annotated[float, *quantity("length")]
Speed = Annotated[float, *quantity("speed")]
Acceleration = Annotated[float, *quantity("acceleration")]
Angle = Annotated[float, *quantity("angle")]
AngularRate = Annotated[float, *quantity("angular_rate")]
Duration = Annotated[float, *quantity("time")]
Area = Annotated[float, *quantity("area")]
Mass = Annotated[float, *quantity("mass")]
Power = Annotated[float, *quantity("power")]
Frequency = Annotated[float, *quantity("frequency")]
Gain = Annotated[float, *quantity("gain")]
