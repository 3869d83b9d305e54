"""Property tests over random small scenarios, stage by stage: no limit is ever broken.

After every decide step: each assignment is at a live track of the unit's own
air picture on a threat still flying, and its predicted intercept point (the
``assign`` event's position) lies inside the missile type's envelope and the
unit's sector, checked independently with geodesics. After every launch step:
no inventory or launcher below zero or above capacity, no unit guiding more
rounds or engaging more targets than its fire-control radar can, launching
faster than its launch interval, or firing more rounds than it had.
"""

from __future__ import annotations

import numpy as np
from geographiclib.geodesic import Geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iadsim
from iadsim.catalog import load_catalog
from iadsim.catalog.schema import InterceptorType
from iadsim.engine import build_stages, stream
from iadsim.events import as_columns
from iadsim.scenario.compile import compile_scenario
from iadsim.world import FLYING, World

CITY = (38.42, 27.14)
THREATS = ["generic-drone", "generic-cruise-missile", "generic-fighter", "generic-ballistic-missile"]
MISSILE = {"generic-lr-sam": "generic-lr-interceptor", "generic-sr-sam": "generic-sr-interceptor"}


@st.composite
def scenarios(draw):
    n_units = draw(st.integers(1, 3))
    units = []
    for i in range(n_units):
        kind = draw(st.sampled_from(sorted(MISSILE)))
        units.append({
            "name": f"U{i}", "type": kind,
            "position": {"lat": CITY[0] + draw(st.floats(-0.15, 0.15)), "lon": CITY[1] + draw(st.floats(-0.15, 0.15))},
            "heading": f"{draw(st.integers(0, 359))} deg",
            "inventory": {MISSILE[kind]: draw(st.integers(0, 14))},
            "networks": ["net"] if draw(st.booleans()) else [],
        })
    raids = []
    for _ in range(draw(st.integers(1, 3))):
        raids.append({
            "type": draw(st.sampled_from(THREATS)), "count": draw(st.integers(1, 6)),
            "launch_time": f"{draw(st.integers(0, 240))} s", "launch_interval": f"{draw(st.integers(0, 30))} s",
            "launch_point": {"lat": CITY[0] + draw(st.floats(0.3, 0.8)), "lon": CITY[1] + draw(st.floats(-0.8, 0.8))},
            "spread": "3 km", "target": draw(st.sampled_from(["City", *[u["name"] for u in units]])),
        })
    mode = draw(st.sampled_from(["shoot_look_shoot", "shoot_shoot"]))
    cap = draw(st.integers(1, 4))
    doctrine = {
        "mode": mode, "max_interceptors_per_threat": cap,
        "salvo": draw(st.integers(1, cap)) if mode == "shoot_shoot" else None,
        "layer_policy": draw(st.sampled_from(["save_long_range", "max_range"])),
        "weapons_control": draw(st.sampled_from(["free", "tight", "hold"])),
        "self_defence": draw(st.booleans()), "reserve_rounds": draw(st.integers(0, 2)),
        "cost_weight": draw(st.sampled_from([0.0, 0.5, 3.0])),
    }
    return {
        "name": "property", "seed": draw(st.integers(0, 1000)), "duration": "12 min", "time_step": "2 s",
        "assets": [{"name": "City", "position": {"lat": CITY[0], "lon": CITY[1]}, "value": 100}],
        "networks": [{"name": "net"}], "units": units, "raids": raids, "doctrine": doctrine,
        "models": {"decide": draw(st.sampled_from(["wta", "wta_greedy"]))},
    }


class Checker:
    """Steps a run stage by stage and checks every limit after decide and launch."""

    def __init__(self, data: dict) -> None:
        catalog = load_catalog()
        self.scenario = iadsim.load_scenario(data)
        self.compiled = compile_scenario(self.scenario, catalog, stream(self.scenario.seed, "compile"))
        world = self.compiled.world
        self.unit_types = [self.compiled.unit_types[i] for i in world.units.type_index]
        self.missiles = self.compiled.interceptor_types
        self.initial_rounds = world.units.rounds.copy()
        self.last_launch_t = np.full(len(world.units.id), -np.inf)
        dt = self.scenario.time_step
        self.per_tick = [max(1, int(dt // u.min_launch_interval)) if u.min_launch_interval > 0 else u.guided_missiles
                         for u in self.unit_types]

    def run(self) -> None:
        stages = build_stages(self.compiled)
        streams = {role: stream(self.scenario.seed, role) for role, _ in stages}
        world, dt = self.compiled.world, self.scenario.time_step
        for tick in range(1, self.compiled.n_ticks + 1):
            t = tick * dt
            for role, stage in stages:
                produced = as_columns(stage.step(world, t, dt, streams[role]))
                if role == "decide":
                    self.check_decisions(world, t, produced)
                if role == "launch":
                    self.check_fire_control(world, t, produced)

    def check_decisions(self, world: World, t: float, produced: dict[str, np.ndarray]) -> None:
        orders, tracks, units = world.assignments, world.tracks, world.units
        if len(orders.unit_index) == 0:
            return
        rows = orders.track_row
        assert tracks.active[rows].all(), "an assignment at a dropped track"
        assert (tracks.picture[rows] == units.picture[orders.unit_index]).all(), "an assignment at an unseen track"
        assert (world.threats.status[tracks.threat_index[rows]] == FLYING).all(), "an assignment at a dead threat"
        assigned = np.bincount(orders.unit_index, weights=orders.salvo, minlength=len(units.id))
        assert (assigned <= np.array(self.per_tick)).all(), "more rounds than the launch rate allows"
        assert (assigned <= units.ready_rounds().sum(axis=1)).all(), "more rounds than are ready"
        assigns = np.flatnonzero(produced["kind"] == "assign") if len(produced["t_s"]) else []
        for i in assigns:
            u, m = int(produced["unit_id"][i]), self.missile_index(produced["weapon"][i])
            self.check_envelope(u, self.missiles[m], produced["lat_deg"][i], produced["lon_deg"][i],
                                produced["alt_m"][i], np.linalg.norm(tracks.vel_ecef_mps[produced["track_id"][i]]))

    def missile_index(self, name: str) -> int:
        return [m.name for m in self.missiles].index(name)

    def check_envelope(self, u: int, missile: InterceptorType, lat: float, lon: float, alt: float,
                       target_speed: float) -> None:
        spec = self.scenario.units[u]
        line = Geodesic.WGS84.Inverse(spec.position.lat, spec.position.lon, lat, lon)
        assert missile.min_range * 0.99 - 1.0 <= line["s12"] <= missile.max_range + 1.0, "intercept out of range"
        assert missile.min_altitude - 1.0 <= alt <= missile.max_altitude + 1.0, "intercept out of altitude band"
        assert target_speed <= missile.max_target_speed + 1e-6, "target too fast for the missile"
        sector = self.unit_types[u].engagement_sector
        if sector is not None:
            off = abs((np.deg2rad(line["azi1"]) - spec.heading + np.pi) % (2 * np.pi) - np.pi)
            assert off <= sector / 2 + 1e-3, "intercept outside the unit's sector"

    def check_fire_control(self, world: World, t: float, produced: dict[str, np.ndarray]) -> None:
        units, missiles = world.units, world.interceptors
        launchers = units.launchers
        assert (units.rounds >= 0).all() and (launchers.ready >= 0).all(), "an inventory below zero"
        assert (launchers.ready + launchers.loading <= launchers.capacity).all(), "a launcher over capacity"
        assert (units.ready_rounds() <= units.rounds).all(), "more ready rounds than rounds"
        fired = np.zeros_like(units.rounds)
        np.add.at(fired, (missiles.unit_index[: missiles.count], missiles.missile_index[: missiles.count]), 1)
        assert (fired + units.rounds == self.initial_rounds).all(), "rounds fired and left do not add up"
        flying = np.flatnonzero(missiles.in_flight)
        guided = np.bincount(missiles.unit_index[flying], minlength=len(units.id))
        assert (guided <= [u.guided_missiles for u in self.unit_types]).all(), "too many rounds to guide"
        pairs = np.unique(np.stack([missiles.unit_index[flying], missiles.track_row[flying]]), axis=1)
        targets = np.bincount(pairs[0], minlength=len(units.id)) if pairs.size else np.zeros(len(units.id))
        assert (targets <= [u.fire_control_channels for u in self.unit_types]).all(), "too many targets engaged"
        if len(produced["t_s"]):
            launched = np.unique(produced["unit_id"][produced["kind"] == "launch"])
            interval = np.array([u.min_launch_interval for u in self.unit_types])[launched]
            assert (t - self.last_launch_t[launched] >= interval - 1e-9).all(), "launched faster than allowed"
            self.last_launch_t[launched] = t


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # ~2 s each
@given(scenarios())
def test_no_limit_is_ever_broken(data):
    Checker(data).run()
