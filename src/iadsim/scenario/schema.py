"""The scenario file's schema: pure data, every quantity in SI after loading.

Field by field, a scenario says *when* (seed, duration, time step), *what is
defended* (assets), *who defends* (fire units and stand-alone sensors, tied by
networks), *who attacks* (raids of catalog threat types) and *which models*
run each stage. Quantities are written with units (``"40 km"``, ``"Mach 2"``);
see :mod:`iadsim.units`. Latitude and longitude are in degrees (WGS-84).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from iadsim.catalog.loader import CatalogFile
from iadsim.catalog.schema import Layer, ThreatClass
from iadsim.units import Acceleration, Angle, AngularRate, Duration, Length, Speed
from iadsim.validation import StrictModel as _Strict
from iadsim.validation import WholeNumber, name_type

Name = name_type(200)
"""A name: Unicode NFC without surrounding spaces, no control characters; names are unique without regard
to case (checked when the scenario is loaded)."""
TypeName = name_type(100)
MAX_DURATION_S = 30 * 86400.0
"""Longest scenario, and so the longest time any field of one may give."""
MAX_SPEED_MPS = 12_000.0
"""Above Earth's escape velocity (11.2 km/s): nothing in a scenario flies faster."""
MAX_ALTITUDE_M = 1e6
MAX_ROUNDS = 1_000_000
"""Most rounds of one type a unit's magazine, one delivery or a reserve may hold (int32-safe in every sum)."""
MAX_VALUE = 1e9
"""Largest relative worth of an asset or unit, and largest cost weight: values are relative."""
MAX_SEED = 2**63 - 1
"""Seeds fit a signed 64-bit integer, as stored in Parquet and JSON."""
MAX_CATALOG_FILES = 100
CatalogPath = Annotated[str, Field(min_length=1, max_length=4096)]
"""A catalog file's path as written in a scenario or study file, relative to that file."""


class Position(_Strict):
    """A point on WGS-84: latitude and longitude in degrees, altitude above the ellipsoid."""

    lat: float = Field(ge=-90.0, le=90.0, description="Latitude in degrees, -90 to 90.")
    lon: float = Field(ge=-180.0, le=180.0, description="Longitude in degrees, -180 to 180.")
    alt: Length = Field(0.0, ge=-500.0, le=MAX_ALTITUDE_M, description="Altitude above the WGS-84 ellipsoid (m).")


class Waypoint(Position):
    """A point of a raid's route; a ``name`` lets a release be made there (``releases[].release_at``)."""

    name: Name | None = Field(None, description="A name for the point, unique within its raid.")


class Asset(_Strict):
    """Something worth defending: a city, an airbase, a power plant."""

    name: Name
    position: Position
    value: float = Field(1.0, gt=0.0, le=MAX_VALUE, description="Relative worth, used to weigh threats against it.")


class Network(_Strict):
    """A data network: its members share one air picture after ``latency``."""

    name: Name
    link: str = Field("generic", description="Data-link type; members must speak a common link.")
    latency: Duration = Field(0.0, ge=0.0, le=3600.0, description="Delay before a member's report reaches the others (s).")


class Relocation(_Strict):
    """Shoot and scoot: after firing, the unit packs up, drives ``distance`` along ``bearing`` and sets up again.

    March-out and set-up take the catalog's ``march_time`` and ``setup_time`` of
    the unit's type; the drive takes distance / speed.
    """

    distance: Length = Field(gt=0.0, le=500e3, description="How far each move takes the unit (m).")
    bearing: Angle = Field(math.pi / 2.0, description="Direction of each move, clockwise from north (rad); default east.")
    speed: Speed = Field(gt=0.0, le=100.0, description="Road speed of the march (m/s), e.g. '30 km/h'.")
    delay: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="Time after its last launch, with none of its interceptors "
                                                    "still in flight, before the unit starts packing (s).")


class Move(_Strict):
    """A scheduled move: at ``time`` the unit packs up, drives to ``to`` at ``speed`` and sets up there."""

    time: Duration = Field(ge=0.0, le=MAX_DURATION_S, description="When the unit is ordered to move (s after start); a unit not "
                                               "deployed then moves as soon as it is deployed again.")
    to: Position
    speed: Speed = Field(gt=0.0, le=100.0, description="Road speed of the march (m/s), e.g. '30 km/h'.")


class Resupply(_Strict):
    """Deliveries of interceptors to a unit's magazine: at ``times``, or every ``every`` from ``start``."""

    rounds: dict[str, Annotated[WholeNumber, Field(ge=1, le=MAX_ROUNDS)]] = Field(
        min_length=1, description="Rounds of each interceptor type per delivery, e.g. {generic-lr-interceptor: 8}.")
    times: list[Annotated[Duration, Field(ge=0.0)]] = Field(
        default_factory=list, max_length=100_000, description="Delivery times (s after start); those after the "
                                                              "end of the scenario never come.")
    every: Duration | None = Field(None, gt=0.0, le=MAX_DURATION_S, description="Period of regular deliveries "
                                   "(s); at most MAX_DELIVERIES deliveries in all (iadsim.scenario.budget).")
    start: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="First regular delivery (s after start); with 'every'.")
    count: int | None = Field(None, ge=1, le=100_000, description="Number of regular deliveries; "
                                                                  "default: until the end of the scenario.")

    @model_validator(mode="after")
    def _has_a_schedule(self) -> Resupply:
        if not self.times and self.every is None:
            raise ValueError("a resupply needs 'times' or 'every'")
        if self.every is None and (self.count is not None or self.start):
            raise ValueError("'start' and 'count' need 'every'")
        if any(t < 0 for t in self.times):
            raise ValueError("delivery times cannot be negative")
        return self


class Offset(_Strict):
    """Where one part of a fire unit stands, from the unit's ``position`` (m east and north)."""

    east: Length = Field(0.0, ge=-50e3, le=50e3, description="Metres east of the unit's position (m).")
    north: Length = Field(0.0, ge=-50e3, le=50e3, description="Metres north of the unit's position (m).")


class Layout(_Strict):
    """Where a fire unit's parts stand (docs/models.md, Strikes on units): its command post, each of its
    type's radars in the type's order, each of its launchers. A part left out stands at the unit's position."""

    command_post: Offset = Field(default_factory=Offset, description="The command post.")
    radars: list[Offset] = Field(default_factory=list, max_length=100,
                                 description="One per radar of the unit's type, in the type's order.")
    launchers: list[Offset] = Field(default_factory=list, max_length=1000,
                                    description="One per launcher of the unit's type.")


class Emission(_Strict):
    """When a fire unit's radars radiate (docs/doctrine.md, Emission control): ``always``; ``in_range`` (only
    while a track of its air picture is within ``range``); ``blinking`` (``on_for`` seconds on, ``off_for``
    seconds off, from ``phase``); ``arm_warning`` (on until an anti-radiation missile is in its air picture, then off
    after ``reaction_time`` with ``reaction_probability``, until ``resume_after`` seconds without one)."""

    policy: Literal["always", "in_range", "blinking", "arm_warning"] = Field(
        "always", description="always | in_range | blinking | arm_warning (docs/doctrine.md, Emission control).")
    radars: Literal["all", "engagement"] = Field(
        "all", description="The radars the policy governs: all the unit's, or its engagement (fire-control) "
                           "radars only, its search radars radiating always.")
    range: Length | None = Field(None, gt=0.0, le=5e6, description="in_range: ground distance from the unit "
                                 "within which a track of its air picture turns its radars on (m).")
    on_for: Duration | None = Field(None, gt=0.0, le=MAX_DURATION_S, description="blinking: seconds on per cycle.")
    off_for: Duration | None = Field(None, gt=0.0, le=MAX_DURATION_S, description="blinking: seconds off per "
                                     "cycle.")
    phase: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="blinking: start of the first 'on' (s).")
    reaction_time: Duration = Field(10.0, ge=0.0, le=3600.0, description="arm_warning: seconds from the "
                                    "warning to shut-down (s).")
    reaction_probability: float = Field(1.0, ge=0.0, le=1.0, description="arm_warning: chance the crew shuts "
                                        "down on a warning (one draw per warning).")
    resume_after: Duration = Field(60.0, ge=0.0, le=MAX_DURATION_S, description="arm_warning: seconds without "
                                   "an anti-radiation missile in the picture before radiating again (s).")
    network_warning: bool = Field(True, description="arm_warning: any anti-radiation missile in the unit's "
                                  "(networked) air picture warns it; false: only one aimed at the unit itself.")

    @model_validator(mode="after")
    def _policy_has_its_figures(self) -> Emission:
        if self.policy == "in_range" and self.range is None:
            raise ValueError("emission policy in_range needs a 'range', e.g. '60 km'")
        if self.policy == "blinking" and (self.on_for is None or self.off_for is None):
            raise ValueError("emission policy blinking needs 'on_for' and 'off_for' periods greater "
                             "than 0, e.g. on_for: 20 s, off_for: 40 s")
        return self


class Unit(_Strict):
    """A fire unit of a catalog ``fire_unit`` type: its parts at its position, or laid out around it."""

    name: Name
    type: TypeName = Field(description="A catalog fire_unit type (`iadsim catalog list --kind fire_unit`).")
    position: Position
    heading: Angle = Field(0.0, description="Direction the unit faces, clockwise from north (rad).")
    inventory: dict[str, Annotated[WholeNumber, Field(ge=0, le=MAX_ROUNDS)]] = Field(
        description="Rounds per interceptor type, e.g. {generic-lr-interceptor: 16}."
    )
    networks: list[Name] = Field(default_factory=list, description="Networks the unit belongs to.")
    relocate_after_firing: Relocation | None = Field(
        None, description="Move after each engagement (shoot and scoot); default: stay.")
    moves: list[Move] = Field(default_factory=list, description="Scheduled moves to new positions.")
    resupply: list[Resupply] = Field(default_factory=list, description="Scheduled deliveries of interceptors "
                                                                       "(only of types with rounds in 'inventory').")
    layout: Layout | None = Field(None, description="Where its command post, radars and launchers stand "
                                                    "around its position; default: all at its position.")
    command_post: Name | None = Field(None, description="The scenario command post (``command_posts``) that "
                                      "commands it; default: none, its own command post fights on the "
                                      "picture of its networks.")
    emission: Emission | None = Field(None, description="When its radars radiate; default: doctrine.emission.")
    defends: list[Name] = Field(default_factory=list, max_length=1000, description="Point defence: other units "
                                "whose threats (tracks aimed at them) it takes as aimed at itself, engaging them "
                                "in the self-defence pass with all its rounds; default: none.")


class Sensor(_Strict):
    """A stand-alone radar (not part of a fire unit), such as a national early-warning radar."""

    name: Name
    type: TypeName = Field(description="A catalog radar type.")
    position: Position
    networks: list[Name] = Field(default_factory=list, description="Networks it reports to.")
    heading: Angle = Field(0.0, description="Centre of its azimuth sector, clockwise from north (rad), for a "
                                            "radar type with a sector_width.")


class RaidDecoys(_Strict):
    """Decoys every threat of a raid releases or tows at its launch: they fly its route at its speed and altitude."""

    type: TypeName = Field(description="A catalog decoy type (a threat type with `decoy`; `iadsim catalog list "
                                        "--kind threat`).")
    count: int = Field(ge=1, le=100, description="Decoys per threat, at most its type's decoy_capacity.")


TargetPart = Literal["command_post", "search_radar", "engagement_radar", "launcher"]


class Release(_Strict):
    """Weapons every aircraft of a raid releases from its type's ``loadout`` at a target: ``count`` of ``weapon``,
    once the aircraft is within ``release_range`` of the aim point (ground distance) or at the waypoint named
    ``release_at``; the aircraft flies on along its route (egress). Each weapon is a threat of its own from the
    aircraft's position at that moment to the target; an aircraft shot down first releases nothing
    (docs/models.md, Aircraft that release weapons)."""

    weapon: TypeName = Field(description="A weapon type of the aircraft type's catalog loadout.")
    count: int = Field(1, ge=1, le=100, description="Weapons each aircraft releases.")
    target: Name = Field(description="Name of the asset or unit the weapons attack.")
    target_part: TargetPart | None = Field(
        None, description="With a unit as target: the part aimed at, as for a raid's target_part.")
    release_range: Length | None = Field(None, gt=0.0, le=5e6, description="Release once the aircraft is within "
                                         "this ground distance of the aim point (m), at most the weapon's reach.")
    release_at: Name | None = Field(None, description="Release at the raid's waypoint of this name.")
    interval: Duration = Field(0.0, ge=0.0, le=3600.0, description="Time between the weapons of one aircraft (s).")
    altitude: Length | None = Field(None, ge=0.0, le=MAX_ALTITUDE_M, description="The weapons' cruise altitude; "
                                                                                 "defaults to the type's.")
    speed: Speed | None = Field(None, gt=0.0, le=MAX_SPEED_MPS, description="Their speed; defaults to the type's.")
    terminal: Literal["level", "dive", "pop_up"] = Field(
        "level", description="End of their flight, as for a raid (move model `flight`).")

    @model_validator(mode="after")
    def _one_release_condition(self) -> Release:
        if (self.release_range is None) == (self.release_at is None):
            raise ValueError("a release needs one of 'release_range' (e.g. 80 km) or 'release_at' (a waypoint's "
                             "name)" + (", not both" if self.release_range is not None else ""))
        return self


class Raid(_Strict):
    """``count`` threats of one catalog type, launched one after another towards a target."""

    name: Name | None = Field(None, description="Label for the raid; defaults to its type.")
    type: TypeName = Field(description="A catalog threat type.")
    count: int = Field(1, ge=1, le=100_000, description="Number of threats in the raid.")
    launch_time: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="Launch of the first threat "
                                                                             "(s after start).")
    launch_interval: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="Time between successive "
                                                                                  "launches (s).")
    launch_point: Position
    spread: Length = Field(0.0, ge=0.0, le=1e6, description="Launch points scatter uniformly within this radius (m).")
    target: Name | None = Field(None, description="Name of the asset or unit the raid attacks.")
    target_part: TargetPart | None = Field(
        None, description="With a unit as target: the part aimed at (the first of its kind in the unit's type; "
                          "an anti-radiation missile needs a radar); default: the unit's position.")
    waypoints: list[Waypoint] = Field(default_factory=list, description="Route before the target, in order.")
    altitude: Length | None = Field(None, ge=0.0, le=MAX_ALTITUDE_M, description="Cruise altitude; defaults to "
                                                                                 "the type's.")
    speed: Speed | None = Field(None, gt=0.0, le=MAX_SPEED_MPS, description="Speed; defaults to the type's.")
    trajectory: Literal["minimum_energy", "apogee", "lofted", "depressed"] | None = Field(
        None, description="Ballistic trajectory (move model `flight`); defaults to the type's.")
    altitude_reference: Literal["ellipsoid", "ground"] = Field(
        "ellipsoid", description="Altitude measured above the WGS-84 ellipsoid, or above the ground "
                                 "(terrain-following, sea-skimming: the scenario's terrain, flat at 0 m "
                                 "without one); move model `flight`.")
    terminal: Literal["level", "dive", "pop_up"] = Field(
        "level", description="End of the route: level flight onto the aim point; dive onto it at the type's "
                             "climb rate; or pop up to pop_up_altitude within terminal_range, then dive; "
                             "move model `flight`.")
    terminal_range: Length = Field(10_000.0, gt=0.0, le=1e6, description="Ground distance before the aim at which a "
                                                                 "pop-up starts (m).")
    pop_up_altitude: Length = Field(1_000.0, gt=0.0, le=MAX_ALTITUDE_M, description="Altitude a pop-up climbs to (m).")
    waves: int = Field(1, ge=1, le=10_000, description="Times the raid is repeated (e.g. one wave a night).")
    wave_interval: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="Time between the first launches of successive "
                                                             "waves (s), e.g. '24 h'.")
    jammer: TypeName | None = Field(
        None, description="A catalog jammer type every threat of the raid carries (self-protection pod, or an "
                          "escort jammer flying with the package); default: none (sense model `radar`).")
    decoys: RaidDecoys | None = Field(
        None, description="Decoys each threat of the raid carries (docs/models.md, Decoys); default: none.")
    cep: Length | None = Field(
        None, ge=0.0, le=100e3, description="Circular error probable of the raid's impact points (m), e.g. a "
                                            "weapon degraded by jamming; default: its type's catalog cep.")
    releases: list[Release] = Field(
        default_factory=list, max_length=20, description="Weapons each aircraft of the raid releases from its "
                                                         "loadout, and where (docs/models.md, Aircraft that release "
                                                         "weapons); default: none.")

    def release_flights(self) -> list[Raid]:
        """Each release as a flight of the weapons it releases (what compilation and the move stage fly): the
        launch times and points are the aircraft's until the move stage puts them where it releases them."""
        label = self.name or self.type
        return [Raid(name=f"{label}: {release.weapon} at {release.target}"
                          + (f" {release.target_part.replace('_', ' ')}" if release.target_part else ""),
                     type=release.weapon, count=self.count * self.waves * release.count,
                     launch_time=self.launch_time, launch_point=self.launch_point, target=release.target,
                     target_part=release.target_part, altitude=release.altitude, speed=release.speed,
                     terminal=release.terminal)
                for release in self.releases]

    @model_validator(mode="before")
    @classmethod
    def _lethal_radius_was_replaced(cls, data: object) -> object:
        if isinstance(data, dict) and "lethal_radius" in data:
            raise ValueError(
                "'lethal_radius' was replaced by the threat type's warhead: its catalog 'cep' (scatter of the "
                "impact points) and 'damage' (lethal radius and kill probability per target hardness), "
                "docs/models.md, Strikes on units. Remove 'lethal_radius'; set the raid's 'cep' to change the "
                "scatter, or give a catalog threat type of your own with its 'warhead', 'cep' and 'damage'")
        return data

    @model_validator(mode="after")
    def _needs_a_destination(self) -> Raid:
        if self.target is None and not self.waypoints:
            raise ValueError("a raid needs a 'target' (an asset or unit name) or 'waypoints' to fly")
        if self.waves > 1 and self.wave_interval <= 0.0:
            raise ValueError("a raid of several waves needs a 'wave_interval' greater than 0, e.g. '24 h'")
        return self


class Friendly(_Strict):
    """A friendly aircraft (a combat air patrol, an airliner on its airway): a flight of one aircraft the air
    picture tracks like any other, which the defence must not shoot down (docs/models.md, Identification)."""

    name: Name
    type: TypeName = Field(description="A catalog threat type flown as a friendly aircraft, e.g. "
                                       "airliner-a320-class.")
    start: Position = Field(description="Where it is at ``time``.")
    route: list[Position] = Field(min_length=1, max_length=1000, description="Points it flies to in order; its "
                                                                           "flight ends at the last.")
    time: Duration = Field(0.0, ge=0.0, le=MAX_DURATION_S, description="When it starts its route (s after start).")
    altitude: Length | None = Field(None, ge=0.0, le=MAX_ALTITUDE_M, description="Cruise altitude; defaults to "
                                                                                 "the type's.")
    speed: Speed | None = Field(None, gt=0.0, le=MAX_SPEED_MPS, description="Speed; defaults to the type's.")
    iff: bool = Field(True, description="Its transponder answers the defence's IFF challenges; false: silent "
                                        "(off, failed or without the defence's keys).")

    def as_raid(self) -> Raid:
        """The flight as a raid of one aircraft along its route (what compilation and the move stage fly)."""
        return Raid(name=self.name, type=self.type, count=1, launch_time=self.time, launch_point=self.start,
                    waypoints=[Waypoint(**point.model_dump()) for point in self.route], altitude=self.altitude,
                    speed=self.speed)


class Corridor(_Strict):
    """A safe-passage corridor: a track flying inside it, within its altitude and speed bands, is an assumed
    friend (identification by flight profile) until IFF says otherwise."""

    name: Name
    route: list[Position] = Field(min_length=2, max_length=1000, description="Its centre line, point to point.")
    width: Length = Field(gt=0.0, le=1e6, description="Its full width across the centre line (m).")
    min_altitude: Length = Field(0.0, ge=0.0, le=MAX_ALTITUDE_M, description="Lowest altitude inside it (m).")
    max_altitude: Length = Field(MAX_ALTITUDE_M, ge=0.0, le=MAX_ALTITUDE_M, description="Highest altitude (m).")
    min_speed: Speed = Field(0.0, ge=0.0, le=MAX_SPEED_MPS, description="Slowest speed flown inside it (m/s).")
    max_speed: Speed = Field(MAX_SPEED_MPS, ge=0.0, le=MAX_SPEED_MPS, description="Fastest speed (m/s).")

    @model_validator(mode="after")
    def _bands_are_in_order(self) -> Corridor:
        if self.min_altitude > self.max_altitude:
            raise ValueError(f"min_altitude ({self.min_altitude:g} m) is above max_altitude "
                             f"({self.max_altitude:g} m): write the lower bound first")
        if self.min_speed > self.max_speed:
            raise ValueError(f"min_speed ({self.min_speed:g} m/s) is above max_speed ({self.max_speed:g} m/s): "
                             "write the lower bound first")
        return self


class CommandPost(_Strict):
    """A command post above the fire units (battalion, brigade, national): it solves the assignment for the
    units it commands over the networks it is on (docs/doctrine.md, Command and autonomy)."""

    name: Name
    position: Position
    networks: list[Name] = Field(min_length=1, description="Networks it commands over; a unit it commands "
                                                           "must share one with it.")
    hardness: Literal["soft", "armoured"] = Field("soft", description="Hardness against a warhead landing "
                                                                      "near it.")
    lost_at: Duration | None = Field(None, ge=0.0, le=MAX_DURATION_S, description="When it is lost (struck, "
                                     "jammed off the air) (s after start); default: never.")


class Jammer(_Strict):
    """A jammer of its own (sense model `radar`): a stand-off jamming aircraft on a route, or a ground jammer.

    It starts at ``position`` at time 0, flies its ``route`` at ``speed`` (if it
    has one) and then holds there, its antennas toward ``heading``; it jams from
    start to end. It is not a threat: no radar tracks it and nobody shoots at it.
    """

    name: Name
    type: TypeName = Field(description="A catalog jammer type (`iadsim catalog list --kind jammer`).")
    position: Position = Field(description="Where it stands, or where it starts its route.")
    route: list[Position] = Field(default_factory=list, max_length=1000,
                                  description="Points it flies to in order, then holds at the last.")
    speed: Speed | None = Field(None, gt=0.0, le=MAX_SPEED_MPS, description="Speed along the route (m/s).")
    heading: Angle | None = Field(None, description="Direction its antennas face once it holds or where it "
                                                    "stands, clockwise from north (rad); default: along its "
                                                    "last leg, or north.")

    @model_validator(mode="after")
    def _a_route_needs_a_speed(self) -> Jammer:
        if self.route and self.speed is None:
            raise ValueError("a jammer with a route needs a 'speed', e.g. '800 km/h'")
        return self


class Models(_Strict):
    """Which model runs each stage (``iadsim models`` lists them)."""

    move: str = Field("waypoint", description="Threat motion.")
    sense: str = Field("range_horizon", description="Radar detection.")
    track: str = Field("truth_noise", description="Tracking.")
    decide: str = Field("wta", description="Threat evaluation and weapon assignment.")
    fly: str = Field("average_speed", description="Interceptor flyout.")


class Tracking(_Strict):
    """How every air picture's tracker starts, keeps and ends tracks (models `ekf`, `imm`, `stonesoup`).

    The defaults are the usual textbook choices (Blackman & Popoli 1999, ch. 6-7;
    Bar-Shalom, Li & Kirubarajan 2001): 3-of-5 confirmation, a 99.97 % gate,
    deletion once the missed looks cost as much as 3 in a row of a radar with Pd 0.9.
    """

    confirm_hits: int = Field(3, ge=1, le=20, description="M of M-of-N: detections that confirm a new track.")
    confirm_looks: int = Field(5, ge=1, le=50, description="N of M-of-N: looks within which the M must come.")
    coast_misses: int = Field(3, ge=1, le=50, description="A confirmed track is dropped once its missed looks "
                                                         "since its last update weigh as much as this many misses "
                                                         "in a row of a radar that detects it 9 times in 10.")
    max_position_sigma: Length = Field(10_000.0, gt=0.0, le=1e7, description="A track is dropped when its position "
                                                                     "uncertainty (1 sigma, 3-D) grows past this (m).")
    gate_probability: float = Field(0.9997, gt=0.5, lt=1.0, description="Probability that the gate holds the "
                                                                        "true target's measurement.")
    acceleration_sigma: Acceleration = Field(5.0, gt=0.0, le=1000.0, description="Process noise of the constant-"
                                                                          "velocity model (m/s²).")
    initial_speed_sigma: Speed = Field(500.0, gt=0.0, le=MAX_SPEED_MPS, description="Uncertainty of a new track's speed in each "
                                                                  "axis (m/s).")
    turn_rate: AngularRate = Field(0.0873, gt=0.0, le=1.0, description="Turn rate of the IMM's coordinated-turn "
                                                                 "models, left and right (rad/s).")
    mode_persistence: float = Field(0.95, gt=0.0, lt=1.0, description="IMM: probability that the target keeps "
                                                                      "its motion model from one look to the next.")
    resume_within: Duration = Field(60.0, ge=0.0, le=MAX_DURATION_S, description="A new track that falls within the gate of a track "
                                                          "lost less than this long ago resumes it: same track id, "
                                                          "same engagements (s; 0: never).")
    fire_control_speed_sigma: Speed = Field(30.0, gt=0.0, le=MAX_SPEED_MPS, description="Command and control may fire at a track "
                                                                     "once its speed uncertainty (1 sigma, 3-D) "
                                                                     "is below this (m/s).")
    max_target_speed: Speed = Field(5000.0, gt=0.0, le=MAX_SPEED_MPS, description="Fastest target a new track "
                                    "may start on: two detections start a track when they are no farther apart "
                                    "than this speed covers between them, plus their errors (m/s).")
    ballistic_acceleration_sigma: Acceleration = Field(
        5.0, gt=0.0, le=1000.0, description="Process noise of the IMM's ballistic mode, free flight under gravity "
                                            "(m/s²); drag and terminal manoeuvres are left to it.")

    @model_validator(mode="after")
    def _window_holds_the_hits(self) -> Tracking:
        if self.confirm_hits > self.confirm_looks:
            raise ValueError(f"confirm_hits ({self.confirm_hits}) cannot exceed confirm_looks ({self.confirm_looks})")
        return self


class Terrain(_Strict):
    """A height grid of the ground, so that ridges mask low flyers from radars."""

    file: str = Field(description="A GeoTIFF in latitude-longitude (EPSG:4326) or a NumPy .npz with lat_deg, "
                                  "lon_deg and height_m, relative to the working directory.")


class ReserveFor(_Strict):
    """Rounds of some layers kept for some threat classes (``doctrine.reserve_for``), so that the threats that
    arrive first (drones) cannot exhaust what the later ones (ballistic missiles) need."""

    rounds: int = Field(ge=1, le=MAX_ROUNDS, description="Rounds of each missile type of `layers` each unit keeps "
                                                         "for tracks of `classes` (self-defence included).")
    classes: list[ThreatClass] = Field(
        min_length=1, description="Threat classes (as threat evaluation classifies tracks) the reserve is for.")
    layers: list[Layer] = Field(
        min_length=1, description="Layers whose missile types keep the reserve.")


class Doctrine(_Strict):
    """How the command posts fight: engagement rules, layers, price of rounds, reserves.

    Every field has a default, so a scenario without ``doctrine:`` fights the
    usual layered way: shoot-look-shoot, long-range rounds kept for the threats
    only they can reach, weapons free, units defending themselves first.
    """

    mode: Literal["shoot_look_shoot", "shoot_shoot"] = Field(
        "shoot_look_shoot", description="shoot_look_shoot: fire, wait for the result, fire again if it missed; "
                                        "shoot_shoot: fire the next round while the first is still flying.")
    salvo: int | None = Field(
        None, ge=1, le=8, description="Rounds in the air at one threat at once (default: 1 for shoot_look_shoot, "
                                      "2 for shoot_shoot).")
    max_interceptors_per_threat: int = Field(
        4, ge=1, le=64, description="Most rounds fired at one threat over its whole flight.")
    layer_policy: Literal["save_long_range", "max_range"] = Field(
        "save_long_range", description="save_long_range: a round of a longer layer is not fired at a threat a "
                                       "shorter layer of the same air picture will reach in time; "
                                       "max_range: engage as soon as any layer can.")
    weapons_control: Literal["free", "tight", "hold"] = Field(
        "free", description="free: engage any track; tight: only tracks classified with at least "
                            "identification_confidence and heading for a defended point; hold: self-defence only.")
    identification_confidence: float = Field(
        0.8, ge=0.0, le=1.0, description="Class confidence a track needs to be engaged under weapons tight.")
    self_defence: bool = Field(
        True, description="A unit first engages the threats aimed at itself (its radar), with all its rounds.")
    reserve_rounds: int = Field(
        0, ge=0, le=MAX_ROUNDS, description="Rounds of each missile type a unit keeps back for its own defence.")
    cost_weight: float = Field(
        0.0, ge=0.0, le=MAX_VALUE, description="Value a million US dollars of interceptors is worth, in the units of asset "
                                 "value: a round is fired only if it lowers the expected surviving threat value "
                                 "by more than its price times this; 0 ignores prices.")
    emission: Emission = Field(default_factory=Emission, description="When the units' radars radiate "
                               "(a unit's own 'emission' replaces it); default: always.")
    unit_value: float | None = Field(
        None, gt=0.0, le=MAX_VALUE, description="Value of a fire unit as a defended point (default: the highest asset value, "
                                  "or 1 without assets).")
    iff: TypeName = Field("iff-mode-5", description="The IFF mode the defence challenges tracks with (a catalog "
                                                    "iff type, `iadsim catalog list --kind iff`).")
    iff_challenges: int = Field(2, ge=1, le=20, description="Challenges left unanswered before a track outside "
                                                             "every corridor is declared hostile.")
    autonomy_delay: Duration = Field(60.0, ge=0.0, le=MAX_DURATION_S, description="Time a unit cut off from its "
                                     "command post fights blind before it goes autonomous on its own radars (s).")
    kill_chain: Literal["engagement_radar", "air_picture"] = Field(
        "engagement_radar", description="engagement_radar: a unit fires only at a track its own engagement radar "
                                        "holds firm, after a hand-over from the air picture (docs/doctrine.md, "
                                        "Engagement radars and the kill chain); air_picture: at any firm track of "
                                        "its air picture.")
    launch_on_remote: bool = Field(
        False, description="Units whose catalog type can engage on remote (engage_on_remote) may launch on any "
                           "firm track of their air picture, another sensor's, without their own engagement "
                           "radar's track.")
    reserve_for: ReserveFor | None = Field(
        None, description="Rounds of some layers kept for some threat classes; default: none.")

    @model_validator(mode="after")
    def _salvo_fits_the_cap(self) -> Doctrine:
        if self.salvo is not None and self.salvo > self.max_interceptors_per_threat:
            raise ValueError(f"a salvo of {self.salvo} exceeds max_interceptors_per_threat "
                             f"({self.max_interceptors_per_threat})")
        return self

    @property
    def rounds_in_the_air(self) -> int:
        """Most rounds at one threat at once: the salvo, or the mode's default."""
        default = 1 if self.mode == "shoot_look_shoot" else 2
        return min(self.salvo or default, self.max_interceptors_per_threat)


class Scenario(_Strict):
    """A whole scenario: one engagement to simulate."""

    name: Name
    description: str = ""
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of every random draw in a run.")
    duration: Duration = Field(gt=0.0, le=MAX_DURATION_S, description="Simulated time (s).")
    time_step: Duration = Field(1.0, gt=0.0, le=600.0, validate_default=True, description="Length of one tick (s); "
                                "the number of ticks is bounded (iadsim.scenario.budget).")
    assets: list[Asset] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    sensors: list[Sensor] = Field(default_factory=list)
    networks: list[Network] = Field(default_factory=list)
    raids: list[Raid] = Field(min_length=1)
    jammers: list[Jammer] = Field(default_factory=list, max_length=1000, description="Stand-off and ground "
                                  "jammers; jammers carried by threats are given by their raid.")
    friendlies: list[Friendly] = Field(default_factory=list, max_length=10_000, description="Friendly aircraft "
                                       "flying through the defences.")
    corridors: list[Corridor] = Field(default_factory=list, max_length=1000, description="Safe-passage "
                                      "corridors: identification by flight profile.")
    command_posts: list[CommandPost] = Field(default_factory=list, max_length=1000, description="Command posts "
                                             "above the fire units (``units[].command_post``).")
    models: Models = Field(default_factory=Models)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    log_all_detections: bool = Field(False, description="Log every detection, not only the first per radar.")
    tracking: Tracking = Field(default_factory=Tracking)
    terrain: Terrain | None = Field(None, description="Ground heights for radar masking (sense model `radar`) and "
                                                        "terrain-following flight (move model `flight`); without "
                                                        "it, the ground is the ellipsoid.")
    path_interval: Duration = Field(
        10.0, ge=0.0, le=3600.0,
        description="Time between samples of each threat's and interceptor's position in the event log, "
                    "for the report's map and replay and the exports (s); 0 records no paths.",
    )
    catalogs: list[CatalogPath] = Field(
        default_factory=list, max_length=MAX_CATALOG_FILES, exclude=True,
        description="Catalog files of the scenario's own system types, relative to the scenario file "
                    "(docs/catalog.md, 'Adding your own system'). Not part of the scenario's hash: the "
                    "files' contents are recorded by their SHA-256 where results are kept.")
    _catalog_files: tuple[CatalogFile, ...] = PrivateAttr(default=())
    """The user's catalog files (:class:`iadsim.catalog.CatalogFile`, texts as read) this scenario was
    checked against, set by :func:`iadsim.scenario.load.scenario_from_document`: they travel with the
    scenario to a study's workers, so every worker builds the same catalog."""

    @property
    def flights(self) -> list[Raid]:
        """Every flight the threat arrays hold, in their order of raids: the raids, the weapons their aircraft
        release (:meth:`Raid.release_flights`), then each friendly aircraft as a raid of one
        (:meth:`Friendly.as_raid`); a threat's ``raid_index`` indexes this list."""
        return [*self.raids, *(flight for raid in self.raids for flight in raid.release_flights()),
                *(friendly.as_raid() for friendly in self.friendlies)]

    @property
    def catalog_files(self) -> tuple[CatalogFile, ...]:
        """The user's catalog files this scenario was checked against (none: the bundled catalog alone)."""
        return self._catalog_files

    @field_validator("time_step")
    @classmethod
    def _step_fits(cls, time_step: float, info: ValidationInfo) -> float:
        duration = info.data.get("duration")
        if duration is not None and time_step > duration:
            raise ValueError(f"the time step ({time_step:g} s) is longer than the duration ({duration:g} s); "
                             f"it is 1 s unless written: write a time_step of at most {duration:g} s")
        return time_step
