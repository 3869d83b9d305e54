"""Compile a validated scenario into the arrays of a :class:`~iadsim.world.World`.

Compilation expands raids into individual threats (launch times, launch points
scattered within the raid's spread), places the radars of every fire unit,
works out which radars feed which air picture, and gathers the catalog types
in play into lists that the arrays index. Random draws use their own stream,
so that they never shift the draws of a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from iadsim import geo
from iadsim.entities import entities_of_kind
from iadsim.catalog import Catalog
from iadsim.catalog.schema import FireUnitType, InterceptorType, RadarType, ThreatType
from iadsim.scenario.aim import aim_at_parts
from iadsim.scenario.layout import unit_parts
from iadsim.scenario.releases import Releases
from iadsim.scenario.schedule import Deliveries, raid_launch_times_s
from iadsim.scenario.schema import Position, Raid, Scenario
from iadsim.scenario.tables import TypeTables
from iadsim.terrain import FLAT, GridTerrain, load_terrain
from iadsim.world import PENDING, Assets, Interceptors, Launchers, Sensors, Threats, Units, World


@dataclass
class Routes:
    """Each threat's route as padded geodetic points: launch point, waypoints, aim point.

    Arrays are ``(N, W)``; row i uses its first ``n_points[i]`` columns, the
    rest repeat the last point. ``cruise_alt_m`` and ``speed_mps`` are per threat.
    """

    lat_rad: NDArray[np.float64]
    lon_rad: NDArray[np.float64]
    alt_m: NDArray[np.float64]
    n_points: NDArray[np.int32]
    cruise_alt_m: NDArray[np.float64]
    speed_mps: NDArray[np.float64]


@dataclass
class CompiledScenario:
    """Everything a stage needs to build itself: the scenario, the types in play and the initial world."""

    scenario: Scenario
    catalog: Catalog
    threat_types: list[ThreatType]
    radar_types: list[RadarType]
    interceptor_types: list[InterceptorType]
    unit_types: list[FireUnitType]
    routes: Routes
    world: World
    tables: TypeTables
    """Catalog figures per type and per entity, built once here for every stage (:mod:`iadsim.scenario.tables`)."""
    entities: pa.Table
    """Who the event log's ids are: names, types, starting positions (:mod:`iadsim.entities`)."""
    deliveries: Deliveries | None = None
    """Scheduled resupply of the units' magazines (see :mod:`iadsim.scenario.schedule`)."""
    terrain: GridTerrain = FLAT
    """The ground, loaded once: radars' masking and terrain-following flight (:mod:`iadsim.terrain`)."""
    releases: Releases = field(default_factory=Releases.empty)
    """Weapons released by aircraft (``raids[].releases``): their rows, carriers and release conditions."""
    unit_own_picture: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    """(U,) for a unit under a scenario command post, the air picture of its own radars alone, which it falls
    back on when cut off (:mod:`iadsim.c2.command`); -1 for the others."""

    @property
    def n_ticks(self) -> int:
        return int(np.ceil(self.scenario.duration / self.scenario.time_step - 1e-9))


def compile_scenario(scenario: Scenario, catalog: Catalog, rng: np.random.Generator) -> CompiledScenario:
    """Expand ``scenario`` into arrays; ``rng`` draws the raids' launch scatter."""
    threat_names = sorted({raid.type for raid in scenario.flights}
                          | {raid.decoys.type for raid in scenario.raids if raid.decoys is not None})
    unit_names = sorted({unit.type for unit in scenario.units})
    unit_types = [catalog.fire_unit(name) for name in unit_names]
    radar_names = sorted({sensor.type for sensor in scenario.sensors}
                         | {radar for unit_type in unit_types for radar in unit_type.radars})
    missile_names = sorted({missile for unit_type in unit_types for missile in unit_type.interceptors})
    compiled_types = dict(
        threat_types=[catalog.threat(name) for name in threat_names],
        radar_types=[catalog.radar(name) for name in radar_names],
        interceptor_types=[catalog.interceptor(name) for name in missile_names],
        unit_types=unit_types,
    )
    assets = Assets(
        id=np.arange(len(scenario.assets), dtype=np.int32),
        pos_ecef_m=_ecef([asset.position for asset in scenario.assets]),
        value=np.array([asset.value for asset in scenario.assets], dtype=float),
    )
    units = _units(scenario, unit_names, missile_names)
    threats, routes, releases = _threats(scenario, catalog, threat_names, rng)
    sensors, sensor_names, n_pictures, unit_picture, own_picture = _sensors(scenario, catalog, radar_names)
    units.picture = unit_picture
    units.parts = unit_parts(scenario, catalog, sensors.unit_index)
    aim_at_parts(scenario, threats, routes, units)
    units.launchers = Launchers.loaded(
        units.rounds, np.array([u.launchers for u in unit_types], dtype=np.int32)[units.type_index],
        np.array([u.rounds_per_launcher or 0 for u in unit_types], dtype=np.int32)[units.type_index])
    deliveries = Deliveries.of(scenario, missile_names)
    world = World(
        assets=assets, threats=threats, sensors=sensors, units=units,
        interceptors=Interceptors.with_capacity(int(units.rounds.sum() + deliveries.rounds.sum())),
        n_pictures=n_pictures,
    )
    raid_names = [raid.name or raid.type for raid in scenario.flights]
    tables = TypeTables.of(compiled_types["interceptor_types"], unit_types, units.type_index,
                           compiled_types["radar_types"], sensors.type_index, compiled_types["threat_types"],
                           threats.type_index, raid_names, threats.raid_index,
                           len(scenario.flights) - len(scenario.friendlies))
    return CompiledScenario(scenario=scenario, catalog=catalog, routes=routes, world=world,
                            tables=tables,
                            entities=_entities(scenario, world, sensor_names, tables), deliveries=deliveries,
                            terrain=load_terrain(scenario.terrain.file) if scenario.terrain is not None else FLAT,
                            unit_own_picture=own_picture, releases=releases,
                            **compiled_types)


def _entities(scenario: Scenario, world: World, sensor_names: list[str], tables: TypeTables) -> pa.Table:
    """The entities table (:mod:`iadsim.entities`): assets, units, radars and threats, where they start."""
    sensors = world.sensors
    return pa.concat_tables([
        entities_of_kind("asset", [a.name for a in scenario.assets], [""] * len(scenario.assets), None,
                         [a.position.lat for a in scenario.assets], [a.position.lon for a in scenario.assets],
                         [a.position.alt for a in scenario.assets]),
        entities_of_kind("unit", [u.name for u in scenario.units], [u.type for u in scenario.units], None,
                         [u.position.lat for u in scenario.units], [u.position.lon for u in scenario.units],
                         [u.position.alt for u in scenario.units]),
        entities_of_kind("sensor", sensor_names, [r.name for r in tables.radar_type], sensors.unit_index,
                         np.rad2deg(sensors.lat_rad), np.rad2deg(sensors.lon_rad), sensors.antenna_alt_m),
        entities_of_kind("threat", tables.raid_name.tolist(), tables.threat_type.tolist()),
    ]).combine_chunks()


def _link_jamming(scenario: Scenario, catalog: Catalog,
                  positions: list[Position]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(n,) the latency (s) communications jammers add to the links of network members at ``positions``, and
    the probability that a message is lost at that end: the largest ``comms_latency``, and 1 - Π(1 - ``comms_loss``)
    (jammers independent), of the jammers within whose ``comms_radius`` (3-D distance) each stands."""
    delays, kept = np.zeros(len(positions)), np.ones(len(positions))
    jammers = [(j, catalog.jammer(j.type)) for j in scenario.jammers if catalog.jammer(j.type).comms_radius]
    if not jammers or not positions:
        return delays, 1.0 - kept
    members = _ecef(positions)
    for jammer, kind in jammers:
        assert kind.comms_radius is not None
        inside = np.linalg.norm(members - _ecef([jammer.position]), axis=1) < kind.comms_radius
        delays[inside] = np.maximum(delays[inside], kind.comms_latency or 0.0)
        kept[inside] *= 1.0 - (kind.comms_loss or 0.0)
    return delays, 1.0 - kept


def _ecef(positions: list[Position]) -> NDArray[np.float64]:
    if not positions:
        return np.zeros((0, 3))
    lat = np.deg2rad([p.lat for p in positions])
    lon = np.deg2rad([p.lon for p in positions])
    return geo.geodetic_to_ecef(lat, lon, [p.alt for p in positions])


def _units(scenario: Scenario, unit_names: list[str], missile_names: list[str]) -> Units:
    count = len(scenario.units)
    rounds = np.zeros((count, len(missile_names)), dtype=np.int32)
    for row, unit in enumerate(scenario.units):
        for missile, n in unit.inventory.items():
            rounds[row, missile_names.index(missile)] = n
    lat = np.deg2rad([unit.position.lat for unit in scenario.units])
    lon = np.deg2rad([unit.position.lon for unit in scenario.units])
    return Units(
        id=np.arange(count, dtype=np.int32),
        type_index=np.array([unit_names.index(unit.type) for unit in scenario.units], dtype=np.int32),
        pos_ecef_m=_ecef([unit.position for unit in scenario.units]),
        lat_rad=lat, lon_rad=lon, rotation=geo.enu_rotation(lat, lon).reshape(count, 3, 3),
        alt_m=np.array([unit.position.alt for unit in scenario.units], dtype=float),
        heading_rad=np.array([unit.heading for unit in scenario.units], dtype=float),
        picture=np.zeros(count, dtype=np.int32),
        rounds=rounds,
        next_launch_t_s=np.zeros(count),
        state=np.zeros(count, dtype=np.int8),
    )


def _threats(
    scenario: Scenario, catalog: Catalog, threat_names: list[str], rng: np.random.Generator
) -> tuple[Threats, Routes, Releases]:
    targets = {asset.name: asset.position for asset in scenario.assets}
    targets |= {unit.name: unit.position for unit in scenario.units}
    flights = scenario.flights
    width = max(2 + len(raid.waypoints) - (raid.target is None) for raid in flights)
    values = {asset.name: asset.value for asset in scenario.assets}
    lat, lon, alt, n_points, launch_t, raid_index, type_index, cruise, speed, target_value = ([] for _ in range(10))

    def add(block: NDArray[np.float64], times: NDArray[np.float64], index: int, raid_type: str, n_route: int,
            raid_cruise_m: float, raid_speed_mps: float, value: float) -> None:
        n = len(times)
        lat.append(block[..., 0])
        lon.append(block[..., 1])
        alt.append(block[..., 2])
        n_points.extend([n_route] * n)
        launch_t.append(times)
        raid_index.extend([index] * n)
        type_index.extend([threat_names.index(raid_type)] * n)
        cruise.extend([raid_cruise_m] * n)
        speed.extend([raid_speed_mps] * n)
        target_value.extend([value] * n)

    def fly(index: int, raid: Raid) -> tuple:
        """Add the flight's weapons (or aircraft); return what its decoys fly."""
        kind = catalog.threat(raid.type)
        points = [*raid.waypoints, *([targets[raid.target]] if raid.target is not None else [])]
        launch_times = raid_launch_times_s(raid)
        n = len(launch_times)
        starts = _scatter(raid.launch_point, raid.spread, n, rng)
        route = np.array([[np.deg2rad(p.lat), np.deg2rad(p.lon), p.alt] for p in points])
        route = np.vstack([route, np.repeat(route[-1:], width - 1 - len(points), axis=0)])
        block = np.empty((n, width, 3))
        block[:, 0, :2] = starts
        block[:, 0, 2] = raid.launch_point.alt
        block[:, 1:] = route
        flown = (kind.cruise_altitude if raid.altitude is None else raid.altitude,
                 kind.speed if raid.speed is None else raid.speed, values.get(raid.target, np.nan))
        first = len(raid_index)
        add(block, launch_times, index, raid.type, 1 + len(points), *flown)
        return index, raid, block, launch_times, 1 + len(points), flown, first

    carriers = [fly(index, raid) for index, raid in enumerate(scenario.raids)]
    # Decoys come after every weapon, and friendly aircraft after them, so a scenario's threat ids do not
    # change when decoys or friendlies are added.
    for index, raid, block, launch_times, n_route, flown, _ in carriers:
        if raid.decoys is None:
            continue
        assert raid.decoys is not None
        add(np.repeat(block, raid.decoys.count, axis=0), np.repeat(launch_times, raid.decoys.count), index,
            raid.decoys.type, n_route, *flown)
    # Released weapons next, each flight's rows aircraft by aircraft; the move stage puts their launch where
    # and when their aircraft releases them (iadsim.physics.release).
    releases = []
    index = len(scenario.raids)
    for _, raid, _, launch_times, _, _, first_carrier in carriers:
        for k in range(len(raid.releases)):
            releases.append(Releases.of(raid, first_carrier, len(launch_times), fly(index, flights[index])[-1], k))
            index += 1
    for index in range(index, len(flights)):
        fly(index, flights[index])
    routes = Routes(np.vstack(lat), np.vstack(lon), np.vstack(alt), np.array(n_points, np.int32),
                    np.array(cruise), np.array(speed))
    count = len(raid_index)
    last = routes.n_points - 1
    rows = np.arange(count)
    kinds = [catalog.threat(name) for name in threat_names]
    types = np.array(type_index, dtype=np.int32)
    threats = Threats(
        id=np.arange(count, dtype=np.int32),
        type_index=types,
        raid_index=np.array(raid_index, dtype=np.int32),
        launch_t_s=np.concatenate(launch_t),
        target_pos_ecef_m=geo.geodetic_to_ecef(routes.lat_rad[rows, last], routes.lon_rad[rows, last],
                                               routes.alt_m[rows, last]),
        target_value=np.array(target_value, dtype=float),
        pos_ecef_m=geo.geodetic_to_ecef(routes.lat_rad[:, 0], routes.lon_rad[:, 0], routes.alt_m[:, 0]),
        alt_m=routes.alt_m[:, 0].copy(),
        vel_ecef_mps=np.zeros((count, 3)),
        status=np.full(count, PENDING, dtype=np.int8),
        arrived=np.zeros(count, dtype=bool),
        rcs_m2=np.array([kind.rcs for kind in kinds])[types],
        cost_usd=np.array([kind.cost_usd for kind in kinds])[types],
        speed_mps=np.zeros(count),
    )
    return threats, routes, Releases.joined(releases)


def _scatter(centre: Position, radius_m: float, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``count`` points (lat, lon in rad) uniform in a disc of ``radius_m`` around ``centre``."""
    lat0, lon0 = np.deg2rad(centre.lat), np.deg2rad(centre.lon)
    if radius_m == 0.0:
        return np.tile([lat0, lon0], (count, 1))
    distance = radius_m * np.sqrt(rng.random(count))
    bearing = rng.uniform(0.0, 2.0 * np.pi, count)
    enu = np.stack((distance * np.sin(bearing), distance * np.cos(bearing), np.zeros(count)), axis=-1)
    origin = geo.geodetic_to_ecef(lat0, lon0, 0.0)
    lat, lon, _ = geo.ecef_to_geodetic(geo.enu_to_ecef(enu, origin, geo.enu_rotation(lat0, lon0)))
    return np.stack((lat, lon), axis=-1)


def _sensors(
    scenario: Scenario, catalog: Catalog, radar_names: list[str]
) -> tuple[Sensors, list[str], int, NDArray[np.int32], NDArray[np.int32]]:
    """Place every radar; group units that hear the same radars, as soon, into one air picture each.

    A radar's reports reach a unit's command post at once if it is the unit's own
    radar, and after a network's latency if both are on that network (members
    speak its link: checked when the scenario is loaded); over several shared
    networks, the fastest counts (of equally fast ones, the least lossy). A communications jammer
    (``comms_radius``) adds its ``comms_latency`` to the network link of every member where it stands at
    the start within that distance, at each end, and loses a message at each jammed end with probability
    ``comms_loss``. Units that hear the same radars as soon but lose different messages are in different
    pictures. A unit that shares no network fights with its own radars.
    Returns the radars, their names, the number of pictures, each unit's picture and, for a unit under a
    scenario command post, the picture of its own radars alone (-1 for others).
    """
    names, types, owners, positions, headings, memberships = [], [], [], [], [], []
    for row, unit in enumerate(scenario.units):
        for radar in catalog.fire_unit(unit.type).radars:
            names.append(f"{unit.name}/{radar}")
            types.append(radar)
            owners.append(row)
            positions.append(unit.position)
            headings.append(unit.heading)
            memberships.append(set(unit.networks))
    for sensor in scenario.sensors:
        names.append(sensor.name)
        types.append(sensor.type)
        owners.append(-1)
        positions.append(sensor.position)
        headings.append(sensor.heading)
        memberships.append(set(sensor.networks))
    count = len(names)
    own_picture = np.full(len(scenario.units), -1, np.int32)
    lat = np.deg2rad([p.lat for p in positions])
    lon = np.deg2rad([p.lon for p in positions])
    ground = np.array([p.alt for p in positions], dtype=float)
    antenna = ground + np.array([catalog.radar(name).antenna_height for name in types], dtype=float)
    # latency[s, u]: delay before radar s's reports reach unit u's command post (inf: they never do).
    # loss[s, u]: probability that one of radar s's looks never reaches unit u's command post.
    latency, loss = np.full((count, len(scenario.units)), np.inf), np.zeros((count, len(scenario.units)))
    for s in range(count):
        if owners[s] >= 0:
            latency[s, owners[s]] = 0.0
    radar_jammed_s, radar_loss = _link_jamming(scenario, catalog, positions)
    post_jammed_s, post_loss = _link_jamming(scenario, catalog, [unit.position for unit in scenario.units])
    for network in scenario.networks:
        radars = [s for s in range(count) if network.name in memberships[s]]
        posts = np.array([u for u, unit in enumerate(scenario.units) if network.name in unit.networks], np.int64)
        for s in radars:
            delay = network.latency + radar_jammed_s[s] + post_jammed_s[posts]
            link_loss = 1.0 - (1.0 - radar_loss[s]) * (1.0 - post_loss[posts])
            better = (delay < latency[s, posts]) | ((delay == latency[s, posts]) & (link_loss < loss[s, posts]))
            latency[s, posts[better]], loss[s, posts[better]] = delay[better], link_loss[better]
    # A unit under a scenario command post may be cut off from it: its own radars' picture is kept for it from
    # the start, so that it can fight on it at once (c2/command.py).
    commanded = [u for u, unit in enumerate(scenario.units) if unit.command_post is not None]
    own = np.full((count, len(commanded)), np.inf)
    for column, u in enumerate(commanded):
        own[[s for s in range(count) if owners[s] == u], column] = 0.0
    if count and scenario.units:
        heard = np.vstack([np.hstack([latency.T, loss.T]), np.hstack([own.T, np.zeros((len(commanded), count))])])
        columns, picture = np.unique(heard, axis=0, return_inverse=True)
        picture = picture.reshape(-1)
        unit_picture = picture[:len(scenario.units)]
        own_picture[commanded] = picture[len(scenario.units):]
    else:
        columns, unit_picture = np.zeros((0, 2 * count)), np.zeros(len(scenario.units), np.int64)
    columns, loss_columns = columns[:, :count], columns[:, count:]
    sensors = Sensors(
        id=np.arange(count, dtype=np.int32),
        type_index=np.array([radar_names.index(name) for name in types], dtype=np.int32),
        unit_index=np.array(owners, dtype=np.int32),
        pos_ecef_m=geo.geodetic_to_ecef(lat, lon, antenna) if count else np.zeros((0, 3)),
        lat_rad=lat, lon_rad=lon, rotation=geo.enu_rotation(lat, lon).reshape(count, 3, 3), antenna_alt_m=antenna, ground_alt_m=ground,
        feeds_picture=np.ascontiguousarray(np.isfinite(columns.T)),
        heading_rad=np.array(headings, dtype=float),
        feed_latency_s=np.ascontiguousarray(columns.T),
        feed_loss=np.ascontiguousarray(loss_columns.T),
        emitting=np.ones(count, dtype=bool),
    )
    return sensors, names, len(columns), unit_picture.astype(np.int32).reshape(-1), own_picture
