"""Weapons released by aircraft (``raids[].releases``): which threat rows they are, and the checks at load.

Each release of a raid is a flight of its own (:meth:`~iadsim.scenario.schema.Raid.release_flights`): ``count``
weapons per aircraft, threat rows allocated at compilation after the raids' decoys. :class:`Releases` ties each
weapon row to its carrier's row and says when it is released: within a ground distance of its aim point, or at
a named waypoint of the carrier's route. The move stage works out from the carrier's own flight where and when
that is (:mod:`iadsim.physics.release`) before the first tick, and a weapon whose carrier is shot down (or ends
its flight) before then is never released.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.catalog import Catalog
from iadsim.catalog.schema import ThreatType
from iadsim.errors import Problem, did_you_mean
from iadsim.scenario.schema import Position, Raid, Scenario

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Releases:
    """Per released weapon (R,): its threat row, its carrier's row, and its release condition: a ground distance
    from its aim point (m; NaN when released at a waypoint) or the index of the route point it is released at
    (-1 when by range; route point 0 is the launch point), and its delay after the release (s): the
    ``interval`` between the weapons of one aircraft."""

    weapon_row: I64
    carrier_row: I64
    release_range_m: F64
    route_point: I64
    delay_s: F64

    @classmethod
    def empty(cls) -> Releases:
        ints = np.empty(0, np.int64)
        return cls(ints, ints, np.empty(0), ints, np.empty(0))

    @property
    def count(self) -> int:
        return len(self.weapon_row)

    @classmethod
    def of(cls, raid: Raid, first_carrier: int, n_carriers: int, first_weapon: int, release_index: int) -> Releases:
        """The weapons of ``raid.releases[release_index]``, rows from ``first_weapon``, carried by the raid's
        ``n_carriers`` rows from ``first_carrier`` (``count`` consecutive rows per aircraft)."""
        release = raid.releases[release_index]
        n = n_carriers * release.count
        names = [point.name for point in raid.waypoints]
        point = names.index(release.release_at) + 1 if release.release_at is not None else -1
        return cls(first_weapon + np.arange(n), first_carrier + np.repeat(np.arange(n_carriers), release.count),
                   np.full(n, np.nan if release.release_range is None else release.release_range),
                   np.full(n, point, np.int64), np.tile(release.interval * np.arange(release.count), n_carriers))

    @classmethod
    def joined(cls, parts: list[Releases]) -> Releases:
        if not parts:
            return cls.empty()
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in
                     ("weapon_row", "carrier_row", "release_range_m", "route_point", "delay_s")))


CLOSEST_APPROACH_SAMPLES = 256
"""Points per leg at which the load check measures how close a route comes to a release's target."""


def _ground_m(a: Position | F64, b: Position) -> F64:
    """Great-circle ground distance (m, mean Earth radius) from n-vectors ``a`` (K, 3) to position ``b``."""
    nb = geo.n_vector(np.deg2rad(b.lat), np.deg2rad(b.lon))
    return geo.MEAN_EARTH_RADIUS_M * np.arccos(np.clip(np.asarray(a) @ nb, -1.0, 1.0))


def closest_approach_m(route: list[Position], target: Position) -> float:
    """Smallest ground distance (m) from ``target`` of a route flown on great-circle legs through ``route``."""
    points = geo.n_vector(np.deg2rad([p.lat for p in route]), np.deg2rad([p.lon for p in route]))
    fraction = np.linspace(0.0, 1.0, CLOSEST_APPROACH_SAMPLES)[:, None]
    legs = [start * (1.0 - fraction) + end * fraction for start, end in zip(points[:-1], points[1:], strict=True)]
    samples = np.vstack(legs) if legs else points
    samples /= np.linalg.norm(samples, axis=1, keepdims=True)
    return float(_ground_m(samples, target).min())


def release_problems(scenario: Scenario, catalog: Catalog) -> list[Problem]:
    """Releases that cannot happen: an aircraft that is not one, a weapon not in its loadout or more of it than
    the loadout holds, an unknown target or waypoint, a release range beyond the weapon's reach or one its
    route never comes within."""
    problems: list[Problem] = []
    targets = {asset.name: asset.position for asset in scenario.assets} | {u.name: u.position for u in scenario.units}
    for index, raid in enumerate(scenario.raids):
        carrier = catalog.find(raid.type, "threat")
        names = [point.name for point in raid.waypoints if point.name is not None]
        for n, name in enumerate(names):
            if name.casefold() in (other.casefold() for other in names[:n]):
                problems.append(Problem(f"two waypoints of the raid are named '{name}'", f"raids[{index}].waypoints",
                                        expected="waypoint names unique within the raid"))
        if not raid.releases or carrier is None:
            continue
        path = f"raids[{index}].releases"
        if carrier.threat_class != "aircraft" or carrier.decoy is not None:
            aircraft = sorted(t.name for t in catalog.of_kind("threat") if t.loadout)
            problems.append(Problem(
                f"'{raid.type}' is {'a decoy' if carrier.decoy else 'a ' + carrier.threat_class.replace('_', ' ')}"
                f": only an aircraft releases weapons", path,
                expected=f"a raid of an aircraft type with a loadout ({', '.join(aircraft) or 'none'})",
                suggestion="fly the weapons as a raid of their own (type, launch_point, target)"))
            continue
        loadout = {row.weapon: row.count for row in carrier.loadout or []}
        asked: dict[str, int] = {}
        for k, release in enumerate(raid.releases):
            where = f"{path}[{k}]"
            if release.weapon not in loadout:
                problems.append(Problem(
                    f"a {raid.type} carries no '{release.weapon}'", f"{where}.weapon",
                    expected=f"a weapon of its catalog loadout ({', '.join(loadout) or 'it has none'})",
                    suggestion=did_you_mean(release.weapon, list(loadout)) or
                    "an aircraft type whose loadout holds it (a catalog file of your own under 'catalogs:')"))
                continue
            asked[release.weapon] = asked.get(release.weapon, 0) + release.count
            if asked[release.weapon] > loadout[release.weapon]:
                problems.append(Problem(
                    f"each {raid.type} would release {asked[release.weapon]} {release.weapon}: its loadout holds "
                    f"{loadout[release.weapon]}", f"{where}.count",
                    expected=f"at most {loadout[release.weapon]} {release.weapon} per aircraft over its releases",
                    suggestion="fewer per aircraft, or more aircraft in the raid"))
            target = targets.get(release.target)
            if target is None:
                problems.append(Problem(
                    f"unknown target '{release.target}'", f"{where}.target",
                    expected=f"the name of an asset or unit ({', '.join(targets) or 'none defined'})",
                    suggestion=did_you_mean(release.target, list(targets))))
                continue
            weapon = catalog.threat(release.weapon)
            if weapon.lift_to_drag is not None:
                problems += _glide_problems(release.altitude, release.terminal, weapon.name, where)
            reach = Reach.of(weapon, raid.altitude if raid.altitude is not None else carrier.cruise_altitude,
                             raid.speed or carrier.speed, target)
            if release.release_range is not None:
                route = [raid.launch_point, *raid.waypoints, *([targets[raid.target]] if raid.target in targets else [])]
                problems += _range_problems(route, release.release_range, reach, target, f"{where}.release_range")
            elif release.release_at not in names:
                problems.append(Problem(
                    f"the raid has no waypoint named '{release.release_at}'", f"{where}.release_at",
                    expected=f"the name of one of its waypoints ({', '.join(names) or 'none is named'})",
                    suggestion=did_you_mean(release.release_at, names) or
                    "name a waypoint: {name: Release, lat: ..., lon: ..., alt: ...}"))
            else:
                point = raid.waypoints[[p.name for p in raid.waypoints].index(release.release_at)]
                distance = closest_approach_m([point], target)
                if distance > reach.range_m:
                    problems.append(Problem(
                        f"waypoint '{release.release_at}' is {distance / 1e3:.0f} km from {release.target}, beyond "
                        f"the reach of {weapon.name} ({reach.text})", f"{where}.release_at",
                        expected=f"a waypoint within {reach.range_m / 1e3:.3g} km of the target",
                        suggestion="a waypoint closer to the target, or a release_range"
                                   + (", or a higher or faster release" if reach.glide else "")))
    return problems


@dataclass(frozen=True)
class Reach:
    """How far a weapon released by an aircraft flies: its catalog ``max_range``, and for a glide weapon the
    shorter L/D (h + v²/2g) from its release ``height_m`` above the target at ``speed_mps``
    (:func:`~iadsim.physics.glide.glide_reach_m`); ``text`` says which, for messages."""

    weapon: str
    range_m: float
    glide: bool
    text: str

    @classmethod
    def of(cls, weapon: ThreatType, release_alt_m: float, speed_mps: float, target: Position) -> Reach:
        """The reach of ``weapon`` released at the carrier's cruise altitude and speed, aimed at ``target``."""
        # Imported here: the physics package imports compilation, which imports this module.
        from iadsim.physics.glide import glide_reach_m

        catalog = f"{weapon.max_range / 1e3:g} km, its catalog max_range"
        if weapon.lift_to_drag is None:
            return cls(weapon.name, weapon.max_range, False, catalog)
        height_m = release_alt_m - target.alt
        glide_m = float(glide_reach_m(weapon.lift_to_drag, height_m, speed_mps))
        if glide_m >= weapon.max_range:
            return cls(weapon.name, weapon.max_range, True, catalog)
        return cls(weapon.name, glide_m, True, f"{glide_m / 1e3:.3g} km gliding at L/D {weapon.lift_to_drag:g} from "
                                  f"{height_m:.0f} m above the target at {speed_mps:.0f} m/s")


def _glide_problems(altitude_m: float | None, terminal: str, weapon: str, where: str) -> list[Problem]:
    """A cruise altitude or a terminal profile given to a glide weapon, which has neither: it descends steadily
    from its release altitude onto its aim (:mod:`iadsim.physics.glide`)."""
    problems = []
    if altitude_m is not None:
        problems.append(Problem(f"{weapon} is a glide weapon: it has no cruise altitude, it glides down from the "
                                f"aircraft's altitude at the release", f"{where}.altitude",
                                expected="no altitude for a glide weapon",
                                suggestion="leave out 'altitude', or set the raid's altitude (the release height)"))
    if terminal != "level":
        problems.append(Problem(f"{weapon} is a glide weapon: it descends steadily onto its aim, it cannot "
                                f"{terminal.replace('_', ' ')}", f"{where}.terminal",
                                expected="terminal: level (the default) for a glide weapon",
                                suggestion="leave out 'terminal'"))
    return problems


def _range_problems(route: list[Position], release_range_m: float, reach: Reach, target: Position,
                    path: str) -> list[Problem]:
    if release_range_m > reach.range_m:
        limit = np.floor(reach.range_m / 100.0) / 10.0
        return [Problem(f"a release range of {release_range_m / 1e3:g} km is beyond the reach of {reach.weapon} "
                        f"({reach.text})", path,
                        expected=f"a release_range of at most {limit:g} km",
                        suggestion=f"release_range: {limit:g} km or less"
                                   + (", or release it higher or faster (the raid's altitude, speed)"
                                      if reach.glide else ""))]
    closest = closest_approach_m(route, target)
    if closest > release_range_m:
        return [Problem(f"the raid's route never comes within {release_range_m / 1e3:g} km of the target (it "
                        f"comes within {closest / 1e3:.1f} km at the closest)", path,
                        expected="a release range the route reaches",
                        suggestion=f"release_range: {np.ceil(closest / 1e3):g} km or more, or a waypoint nearer "
                                   "the target")]
    return []
