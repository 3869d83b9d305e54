"""Fire unit posture: deployed, marching, setting up or destroyed; moves, shoot and scoot, resupply.

A unit fires and its radars emit only while **deployed**. Ordered to move (a
scheduled ``moves:`` entry, or ``relocate_after_firing:`` once it has fired,
its own interceptors are down and ``delay`` has passed), it goes silent and
**marches**: it packs up for its type's catalog ``march_time`` in place, then
drives to the new position at the ordered road speed (position interpolated in
latitude, longitude and altitude along the way: moves are a few kilometres to a
few tens), then **sets up** there for the catalog ``setup_time`` and is
deployed again. A type without those figures packs and sets up at once.

A threat with a warhead that reaches its aim point lands with scatter and
damages the parts of units it reaches (:mod:`iadsim.c2.components`); a unit
left with no launcher or no radar is **destroyed**: it never fires or emits
again. Scheduled deliveries add rounds to a unit's
magazine (a destroyed unit's are lost); the launch stage moves them onto
emptied launchers as for any reload.

Every change is an event: ``unit_state`` (``detail``: the new state; ``value``:
seconds until the unit is deployed again, or for ``destroyed`` the strike's
distance from the impact of the strike that took its last launcher or radar) and ``resupply`` (``value``: rounds delivered). The launch stage owns
the units and runs this before it fires; the decide stage reads
``world.units.deployed``; the sense stage reads ``world.sensors.emitting``, which the units' emission
policies (:mod:`iadsim.c2.emission`) silence further, each tick after the rest of the posture.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iadsim import geo
from iadsim.c2.components import Components
from iadsim.c2.emission import EmissionControl
from iadsim.events import NO_EVENTS, EventColumns, events, merge
from iadsim.jit import kernel
from iadsim.scenario.compile import CompiledScenario
from iadsim.world import (
    DEPLOYED,
    DESTROYED,
    FLYING,
    IN_FLIGHT,
    LEAKED,
    MARCHING,
    SETTING_UP,
    UNIT_STATES,
    World,
)

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

class Posture:
    """Unit states, moves, strikes on units and resupply, advanced by the launch stage each tick."""

    def __init__(self, compiled: CompiledScenario) -> None:
        scenario, world = compiled.scenario, compiled.world
        units, threats = world.units, world.threats
        count = len(units.id)
        self.march_s, self.setup_s = compiled.tables.unit_march_s, compiled.tables.unit_setup_s
        hops = [spec.relocate_after_firing for spec in scenario.units]
        self.hops = np.array([hop is not None for hop in hops], dtype=bool)
        self.hop_m = np.array([hop.distance if hop else 0.0 for hop in hops])
        self.hop_bearing_rad = np.array([hop.bearing if hop else 0.0 for hop in hops])
        self.hop_speed_mps = np.array([hop.speed if hop else 1.0 for hop in hops])
        self.hop_delay_s = np.array([hop.delay if hop else 0.0 for hop in hops])
        moves = sorted(((move.time, u, move) for u, spec in enumerate(scenario.units) for move in spec.moves),
                       key=lambda item: (item[0], item[1]))
        self.move_t_s = np.array([m[0] for m in moves], dtype=float)
        self.move_unit = np.array([m[1] for m in moves], dtype=np.int64)
        self.move_to = np.array([[m[2].to.lat, m[2].to.lon, m[2].to.alt] for m in moves], dtype=float).reshape(-1, 3)
        self.move_speed_mps = np.array([m[2].speed for m in moves], dtype=float)
        self.move_done = np.zeros(len(moves), dtype=bool)
        self.deliveries = compiled.deliveries
        self.next_delivery = 0
        self.weapon, self.layer = compiled.tables.weapon, compiled.tables.layer
        # The march under way: from (deg, deg, m) to (deg, deg, m), departing, arriving, ready.
        self.origin = np.zeros((count, 3))
        self.destination = np.zeros((count, 3))
        self.depart_t_s = np.full(count, np.inf)
        self.arrive_t_s = np.full(count, np.inf)
        self.ready_t_s = np.full(count, np.inf)
        self.fired = np.zeros(count, dtype=bool)  # fired since last deployed
        self.last_launch_t_s = np.full(count, -np.inf)
        self.strike_seen = np.zeros(len(threats.id), dtype=bool)
        self.components = Components(compiled)
        self.emission = EmissionControl.of(compiled)  # radars' emission policies (None: all radiate always)
        # Cheap tests of whether anything can happen this tick (most ticks nothing does):
        self.strikes_possible = self.components.possible
        self.next_move_s = float(self.move_t_s.min(initial=np.inf))  # earliest move not yet started
        self.next_hop_s = np.inf  # no unit that relocates after firing may start a hop before (never later)
        self.in_motion = False  # some unit marches or sets up
        self.last_t_s = 0.0  # time of the latest step
        self.next_phase_s = np.inf  # no march or set-up ends before (it may be earlier than the next one)
        sensors = world.sensors
        self.antenna_height_m = sensors.antenna_alt_m - sensors.ground_alt_m
        self.state_name = np.array(UNIT_STATES, dtype=object)

    # -- the launch stage's calls ------------------------------------------------------------------

    def step(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        """Strikes on units, deliveries, marches and set-ups that end, and new moves, up to ``t_s``.

        Each part runs only when something can happen in it (scalar tests), so a tick
        in which no unit moves, is struck or resupplied costs next to nothing.
        """
        parts = []
        self.last_t_s = t_s
        if self.strikes_possible:
            parts.append(self._strikes(world, t_s, rng))
        if self.delivery_due(t_s):
            parts.append(self._deliver(world, t_s))
        if self.in_motion:
            parts.append(self._progress(world, t_s))
        if min(self.next_hop_s, self.next_move_s) <= t_s + 1e-9:
            parts.append(self._orders(world, t_s))
        if self.emission is not None:
            parts.append(self.emission.step(world, t_s, rng))
        if self.components.seekers is not None:
            self.components.seekers.observe(world, t_s)
        return merge(*parts)

    def delivery_due(self, t_s: float) -> bool:
        """Whether a delivery falls due by ``t_s``."""
        plan = self.deliveries
        return self.next_delivery < len(plan.t_s) and plan.t_s[self.next_delivery] <= t_s + 1e-9

    def launched(self, unit: NDArray[np.integer], t_s: float) -> None:
        """Note the units that fired at ``t_s`` (for relocation after firing)."""
        self.fired[unit] = True
        self.last_launch_t_s[unit] = t_s
        relocating = unit[self.hops[unit]]
        if len(relocating):
            self.next_hop_s = min(self.next_hop_s, t_s + float(self.hop_delay_s[relocating].min()))

    def wake_s(self, world: World) -> float:
        """The next time a quiet world needs a tick for a unit: a delivery, a move, a phase's end, a relocation."""
        units = world.units
        times = [np.inf]
        if self.next_delivery < len(self.deliveries.t_s):
            times.append(self.deliveries.t_s[self.next_delivery])
        # A move ordered while its unit marches waits for the unit's set-up to end, itself a wake time.
        pending = ~self.move_done & units.deployed[self.move_unit]
        if pending.any():
            times.append(self.move_t_s[pending].min())
        times.append(np.where(units.state == MARCHING, self.arrive_t_s, np.inf).min(initial=np.inf))
        times.append(np.where(units.state == SETTING_UP, self.ready_t_s, np.inf).min(initial=np.inf))
        due = units.deployed & self.hops & self.fired
        times.append(np.where(due, self.last_launch_t_s + self.hop_delay_s, np.inf).min(initial=np.inf))
        if self.emission is not None:
            times.append(self.emission.wake_s(self.last_t_s))
        return float(min(times))

    # -- what happens -------------------------------------------------------------------------------

    def _strikes(self, world: World, t_s: float, rng: np.random.Generator) -> EventColumns:
        """Threats that reached their aim point land and damage parts; units left without launchers or radars
        are destroyed.

        The move stage marks arrivals before this stage runs, so a strike counts in
        the tick it lands, even if an interceptor meets the threat at its aim point
        in that same tick (its warhead is there).
        """
        threats, units = world.threats, world.units
        struck = _new_landings(threats.arrived, threats.status, self.strike_seen)
        if len(struck) == 0:
            return NO_EVENTS
        landed, damaged = self.components.strike(world, struck, t_s, rng)
        parts = units.parts
        radars = np.bincount(parts.unit_index[parts.alive & (parts.sensor_index >= 0)], minlength=len(units.id))
        out = (units.state[damaged] != DESTROYED) & ((parts.launchers_up[damaged] == 0) | (radars[damaged] == 0))
        destroyed = damaged[out]
        if len(destroyed) == 0:
            return landed
        self._set_state(world, destroyed, DESTROYED)
        self.arrive_t_s[destroyed] = self.ready_t_s[destroyed] = self.depart_t_s[destroyed] = np.inf
        return merge(landed, events("unit_state", t_s, len(destroyed), units.pos_ecef_m[destroyed],
                                    unit_id=units.id[destroyed], threat_id=self.components.last_threat_id[destroyed],
                                    value=self.components.last_distance_m[destroyed], detail="destroyed",
                                    reason="destroyed"))

    def _deliver(self, world: World, t_s: float) -> EventColumns:
        """Deliveries due by ``t_s`` go into the magazines of the units still standing."""
        plan = self.deliveries
        end = int(np.searchsorted(plan.t_s, t_s + 1e-9, side="right"))
        rows = np.arange(self.next_delivery, end)
        self.next_delivery = max(end, self.next_delivery)
        units = world.units
        rows = rows[units.state[plan.unit[rows]] != DESTROYED]
        if len(rows) == 0:
            return NO_EVENTS
        unit, missile = plan.unit[rows], plan.missile[rows]
        np.add.at(units.rounds, (unit, missile), plan.rounds[rows].astype(np.int32))
        return events("resupply", plan.t_s[rows], len(rows), units.pos_ecef_m[unit], unit_id=units.id[unit],
                      weapon=self.weapon[missile], layer=self.layer[missile], value=plan.rounds[rows])

    def _progress(self, world: World, t_s: float) -> EventColumns:
        """Marching units move; those that arrived set up; those set up are deployed again."""
        units, sensors = world.units, world.sensors
        marching = _advance_marches(units.state, self.depart_t_s, self.arrive_t_s, self.origin, self.destination,
                                    t_s, units.lat_rad, units.lon_rad, units.alt_m, units.pos_ecef_m, units.rotation,
                                    sensors.unit_index, self.antenna_height_m, sensors.lat_rad, sensors.lon_rad,
                                    sensors.ground_alt_m, sensors.antenna_alt_m, sensors.pos_ecef_m,
                                    sensors.rotation)
        if t_s + 1e-9 < self.next_phase_s:
            return NO_EVENTS
        arrived = marching[self.arrive_t_s[marching] <= t_s + 1e-9]
        self._set_state(world, arrived, SETTING_UP)
        setting_up = events("unit_state", self.arrive_t_s[arrived], len(arrived), units.pos_ecef_m[arrived],
                            unit_id=units.id[arrived], value=self.ready_t_s[arrived] - self.arrive_t_s[arrived],
                            detail="setting_up", reason="setting_up")
        ready = np.flatnonzero((units.state == SETTING_UP) & (self.ready_t_s <= t_s + 1e-9))
        self._set_state(world, ready, DEPLOYED)
        self.fired[ready] = False
        deployed = events("unit_state", self.ready_t_s[ready], len(ready), units.pos_ecef_m[ready],
                          unit_id=units.id[ready], value=0.0, detail="deployed", reason="deployed")
        self.arrive_t_s[ready] = self.ready_t_s[ready] = self.depart_t_s[ready] = np.inf
        self.next_phase_s = float(min(np.where(units.state == MARCHING, self.arrive_t_s, np.inf).min(initial=np.inf),
                                      np.where(units.state == SETTING_UP, self.ready_t_s, np.inf).min(initial=np.inf)))
        return merge(setting_up, deployed)

    def _orders(self, world: World, t_s: float) -> EventColumns:
        """Deployed units start the moves due: scheduled ones first, then relocation after firing."""
        units = world.units
        deployed = units.deployed
        unit, destination, speed = np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros(0)
        if self.next_move_s <= t_s + 1e-9:
            due = np.flatnonzero(~self.move_done & (self.move_t_s <= t_s + 1e-9) & deployed[self.move_unit])
            _, first = np.unique(self.move_unit[due], return_index=True)
            due = due[first]
            self.move_done[due] = True
            self.next_move_s = float(self.move_t_s[~self.move_done].min(initial=np.inf))
            unit, destination, speed = self.move_unit[due], self.move_to[due], self.move_speed_mps[due]
        missiles = world.interceptors
        hopping = _hops_due(units.state, self.hops, self.fired, self.last_launch_t_s, self.hop_delay_s, t_s, unit,
                            missiles.unit_index, missiles.status[:missiles.count])
        if len(hopping):
            lat, lon = np.rad2deg(units.lat_rad[hopping]), np.rad2deg(units.lon_rad[hopping])
            ahead = np.array([geo.geodesic_direct(a, o, b, d) for a, o, b, d in
                              zip(lat, lon, self.hop_bearing_rad[hopping], self.hop_m[hopping], strict=True)])
            destination = np.vstack([destination, np.column_stack([ahead, units.alt_m[hopping]])])
            unit = np.concatenate([unit, hopping])
            speed = np.concatenate([speed, self.hop_speed_mps[hopping]])
        marches = self._march(world, unit, destination, speed, t_s) if len(unit) else NO_EVENTS
        self.next_hop_s = _next_hop_s(units.state, self.hops, self.fired, self.last_launch_t_s, self.hop_delay_s)
        return marches

    def _march(self, world: World, unit: I64, destination: F64, speed_mps: F64, t_s: float) -> EventColumns:
        """Start marches: pack up in place, drive, then set up at ``destination`` (deg, deg, m)."""
        units = world.units
        origin = np.column_stack([np.rad2deg(units.lat_rad[unit]), np.rad2deg(units.lon_rad[unit]), units.alt_m[unit]])
        road_m = np.array([geo.geodesic_inverse(a[0], a[1], b[0], b[1])[0]
                           for a, b in zip(origin, destination, strict=True)])
        self.origin[unit], self.destination[unit] = origin, destination
        self.depart_t_s[unit] = t_s + self.march_s[unit]
        self.arrive_t_s[unit] = self.depart_t_s[unit] + road_m / speed_mps
        self.ready_t_s[unit] = self.arrive_t_s[unit] + self.setup_s[unit]
        self.next_phase_s = min(self.next_phase_s, float(self.arrive_t_s[unit].min()))
        self._set_state(world, unit, MARCHING)
        detail = np.array([f"marching to {b[0]:.4f}, {b[1]:.4f} ({d / 1e3:.1f} km): packs {p:.0f} s, drives {r:.0f} s, "
                           f"sets up {s:.0f} s" for b, d, p, r, s in
                           zip(destination, road_m, self.march_s[unit], road_m / speed_mps, self.setup_s[unit],
                               strict=True)], dtype=object)
        return events("unit_state", t_s, len(unit), units.pos_ecef_m[unit], unit_id=units.id[unit],
                      value=self.ready_t_s[unit] - t_s, detail=detail, reason="marching")

    def _set_state(self, world: World, unit: I64, state: int) -> None:
        if len(unit) == 0:
            return
        world.units.state[unit] = state
        radars = np.isin(world.sensors.unit_index, unit)
        world.sensors.emitting[radars] = (state == DEPLOYED) & world.units.parts.sensor_up[radars]
        self.in_motion = bool(np.isin(world.units.state, (MARCHING, SETTING_UP)).any())

    def _place(self, world: World, unit: I64, where: F64) -> None:
        """Put units (and their radars) at (lat deg, lon deg, alt m), in place in the world's arrays."""
        units, sensors = world.units, world.sensors
        _place_rows(unit, where, units.lat_rad, units.lon_rad, units.alt_m, units.pos_ecef_m, units.rotation,
                    sensors.unit_index, self.antenna_height_m, sensors.lat_rad, sensors.lon_rad,
                    sensors.ground_alt_m, sensors.antenna_alt_m, sensors.pos_ecef_m, sensors.rotation)


@kernel
def _hops_due(state: NDArray[np.int8], hops: NDArray[np.bool_], fired: NDArray[np.bool_], last_launch_t_s: F64,
              hop_delay_s: F64, t_s: float, moving: I64, missile_unit: NDArray[np.integer],
              missile_status: NDArray[np.int8]) -> I64:
    """The deployed units that relocate after firing, fired, and whose delay has passed by ``t_s``, except
    those starting a scheduled move (``moving``) and those guiding rounds still in flight (they stay until
    the rounds end)."""
    due = np.zeros(len(state), np.bool_)
    anyone = False
    for u in range(len(state)):
        due[u] = (state[u] == DEPLOYED and hops[u] and fired[u] and t_s + 1e-9 >= last_launch_t_s[u] + hop_delay_s[u])
        anyone |= due[u]
    if anyone:
        for u in moving:
            due[u] = False
        for m in range(len(missile_status)):
            if missile_status[m] == IN_FLIGHT:
                due[missile_unit[m]] = False
    return np.flatnonzero(due)


@kernel
def _next_hop_s(state: NDArray[np.int8], hops: NDArray[np.bool_], fired: NDArray[np.bool_], last_launch_t_s: F64,
                hop_delay_s: F64) -> float:
    """The earliest time a deployed unit that fired since may relocate (one guiding rounds stays due)."""
    earliest = np.inf
    for u in range(len(state)):
        if state[u] == DEPLOYED and hops[u] and fired[u]:
            earliest = min(earliest, last_launch_t_s[u] + hop_delay_s[u])
    return earliest


@kernel
def _advance_marches(state: NDArray[np.int8], depart_t_s: F64, arrive_t_s: F64, origin: F64, destination: F64,
                     t_s: float, unit_lat_rad: F64, unit_lon_rad: F64, unit_alt_m: F64, unit_pos_ecef_m: F64,
                     unit_rotation: F64, sensor_unit: NDArray[np.integer], antenna_height_m: F64,
                     sensor_lat_rad: F64, sensor_lon_rad: F64, sensor_ground_alt_m: F64, sensor_antenna_alt_m: F64,
                     sensor_pos_ecef_m: F64, sensor_rotation: F64) -> I64:
    """Put every marching unit where its march has brought it at ``t_s`` (interpolated in latitude, longitude
    and altitude between departure and arrival, in place before departing); returns the marching units."""
    marching = np.flatnonzero(state == MARCHING)
    where = np.empty((len(marching), 3))
    for i in range(len(marching)):
        u = marching[i]
        span = max(arrive_t_s[u] - depart_t_s[u], 1e-9)
        fraction = min(max((t_s - depart_t_s[u]) / span, 0.0), 1.0)
        for a in range(3):
            where[i, a] = origin[u, a] + fraction * (destination[u, a] - origin[u, a])
    _place_rows(marching, where, unit_lat_rad, unit_lon_rad, unit_alt_m, unit_pos_ecef_m, unit_rotation, sensor_unit,
                antenna_height_m, sensor_lat_rad, sensor_lon_rad, sensor_ground_alt_m, sensor_antenna_alt_m,
                sensor_pos_ecef_m, sensor_rotation)
    return marching


@kernel
def _new_landings(arrived: NDArray[np.bool_], status: NDArray[np.int8], seen: NDArray[np.bool_]) -> I64:
    """The threats that reached their aim point flying, or leaked, and were not seen landing before (now seen).
    One call a tick instead of six numpy calls over every threat."""
    rows = np.empty(len(status), np.int64)
    n = 0
    for row in range(len(status)):
        if not seen[row] and ((arrived[row] and status[row] == FLYING) or status[row] == LEAKED):
            seen[row] = True
            rows[n] = row
            n += 1
    return rows[:n]


@kernel
def _place_rows(unit: I64, where: F64, unit_lat_rad: F64, unit_lon_rad: F64, unit_alt_m: F64, unit_pos_ecef_m: F64,
                unit_rotation: F64, sensor_unit: NDArray[np.integer], antenna_height_m: F64, sensor_lat_rad: F64,
                sensor_lon_rad: F64, sensor_ground_alt_m: F64, sensor_antenna_alt_m: F64, sensor_pos_ecef_m: F64,
                sensor_rotation: F64) -> None:
    """Put units and their radars at ``where`` (lat deg, lon deg, alt m), in place: each unit's geodetic
    position, ECEF position and ENU rotation, and the same for its radars (antennas ``antenna_height_m``
    above the ground). Called every tick of a march."""
    for i in range(len(unit)):
        u = unit[i]
        lat, lon, alt = np.deg2rad(where[i, 0]), np.deg2rad(where[i, 1]), where[i, 2]
        unit_lat_rad[u], unit_lon_rad[u], unit_alt_m[u] = lat, lon, alt
        geo.set_frame_of(lat, lon, alt, unit_pos_ecef_m[u], unit_rotation[u])
        for radar in range(len(sensor_unit)):
            if sensor_unit[radar] == u:
                sensor_lat_rad[radar], sensor_lon_rad[radar] = lat, lon
                sensor_ground_alt_m[radar] = alt
                sensor_antenna_alt_m[radar] = alt + antenna_height_m[radar]
                geo.set_frame_of(lat, lon, sensor_antenna_alt_m[radar], sensor_pos_ecef_m[radar],
                                 sensor_rotation[radar])
