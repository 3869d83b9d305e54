"""Flight physics throughput: threats, interceptors, flyout tables, and physics' share of a tick.

1. **Threats**: 10,000 mixed threats (the demo's raids scaled up: drones, cruise
   missiles, fighters, ballistic missiles), all airborne at once, moved by the
   `flight` model for 600 simulated seconds at 1 s ticks (building the stage,
   which plans the ballistic trajectories, is timed apart); the skeleton's
   `waypoint` model on the same threats is the baseline measured in the same run.
2. **Interceptors**: 1,000 generic long-range interceptors kept in flight for 600
   s with the `flyout` model's tick (PN, drag, endgame sub-steps) against the
   threats; a round that ends its flight is launched again at once.
3. **Flyout table**: the time to build one type's table from the flyout model, and
   what C2's intercept check costs per (launcher, track) pair with it.
4. **Share of a tick**: the demo scaled to 10,000 threats run by `iadsim.simulate`,
   each stage's time from ``RunResult.stage_s``: physics is move + fly + assess.

Targets (issue 3): at least 5e6 threat-steps/s on one core; physics at most 30 %
of a tick at 10,000 threats. The last line is one JSON object:
{"threat_steps_per_s": ..., "interceptor_steps_per_s": ..., "flyout_table_s": ..., "physics_share_of_tick": ...}

    python benchmarks/bench_physics.py [--seconds 600]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

import numpy as np

import iadsim
from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, stream
from iadsim.registry import ROLES
from iadsim.physics.flyout import Airframes, FlightState, fly_tick, launch_direction
from iadsim.physics.flyout_table import build_table
from iadsim.scenario.compile import compile_scenario
from iadsim.world import FLYING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import scaled_demo  # noqa: E402

PHYSICS_ROLES = ("move", "fly", "assess")


def all_airborne(threats: int, move: str = "flight") -> iadsim.scenario.schema.Scenario:
    """The demo scaled to ``threats``, every raid launched at t = 0 (so all fly at once), no defenders."""
    data = copy.deepcopy(scaled_demo(threats).model_dump(mode="json"))
    for raid in data["raids"]:
        raid["launch_time"], raid["launch_interval"] = 0.0, 0.0
        raid["spread"] = max(raid["spread"], 20_000.0)
    data["units"], data["sensors"], data["networks"] = [], [], []
    data["models"] = {"move": move}
    return iadsim.load_scenario(data)


def threat_rate(threats: int, seconds: int, move: str = "flight") -> tuple[float, float]:
    """Threat-steps per second of a move stage, and its build time (s)."""
    compiled = compile_scenario(all_airborne(threats, move), load_catalog(), stream(0, "compile"))
    start = time.perf_counter()
    mover = dict(build_stages(compiled))["move"]
    build_s = time.perf_counter() - start
    world, rng = compiled.world, stream(0, "move")
    steps = 0
    start = time.perf_counter()
    for t in range(1, seconds + 1):
        mover.step(world, float(t), 1.0, rng)
        steps += int(np.count_nonzero(world.threats.status == FLYING))
        world.threats.status[world.threats.arrived] = 3  # leaked: out of the air
    return steps / (time.perf_counter() - start), build_s


def interceptor_rate(count: int, seconds: int) -> float:
    """Interceptor-steps per second of the flyout tick, ``count`` rounds always in flight."""
    from iadsim import geo

    kind = load_catalog().interceptor("generic-lr-interceptor")
    airframes = Airframes.of([kind])
    rng = np.random.default_rng(1)
    lat0, lon0 = np.deg2rad(38.4), np.deg2rad(27.1)
    origin, rotation = geo.geodetic_to_ecef(lat0, lon0, 0.0), geo.enu_rotation(lat0, lon0)

    def targets(n: int) -> tuple[np.ndarray, np.ndarray]:
        enu = np.column_stack([rng.uniform(-40e3, 40e3, n), rng.uniform(20e3, 60e3, n), rng.uniform(1e3, 15e3, n)])
        vel = np.column_stack([rng.uniform(-100, 100, n), rng.uniform(-600, -150, n), np.zeros(n)])
        return geo.enu_to_ecef(enu, origin, rotation), np.einsum("ji,kj->ki", rotation, vel)

    target, target_vel = targets(count)
    launcher = np.tile(origin, (count, 1))
    state = FlightState(launcher.copy(), launch_direction(launcher, target), np.zeros(count, np.int64), np.zeros(count))
    start = time.perf_counter()
    for _ in range(seconds):
        target = target + target_vel
        outcome = fly_tick(state, airframes, target, target_vel, 1.0)
        done = np.flatnonzero(outcome.reached | outcome.gave_up)
        if len(done):
            target[done], target_vel[done] = targets(len(done))
            state.pos_m[done] = origin
            state.vel_mps[done] = launch_direction(state.pos_m[done], target[done])
            state.flown_s[done] = 0.0
    return count * seconds / (time.perf_counter() - start)


def envelope_cost_us(pairs: int = 20_000) -> tuple[float, float]:
    """Microseconds per (launcher, track) pair of `Envelope.intercepts`, with the flyout table and without."""
    from iadsim import geo
    from iadsim.c2.engagement import Envelope
    from iadsim.physics.flyout_table import flyout_table

    kind = load_catalog().interceptor("generic-lr-interceptor")
    rng = np.random.default_rng(2)
    lat0, lon0 = np.deg2rad(38.4), np.deg2rad(27.1)
    origin, rotation = geo.geodetic_to_ecef(lat0, lon0, 0.0), geo.enu_rotation(lat0, lon0)
    enu = np.column_stack([rng.uniform(-150e3, 150e3, pairs), rng.uniform(-150e3, 150e3, pairs),
                           rng.uniform(30.0, 20e3, pairs)])
    pos = geo.enu_to_ecef(enu, origin, rotation)
    vel = np.einsum("ji,kj->ki", rotation, np.column_stack([rng.uniform(-300, 300, (pairs, 2)), np.zeros(pairs)]))
    t_go = np.full(pairs, 1e4)
    costs = []
    for envelope in (Envelope.of([kind], [flyout_table(kind)]), Envelope.of([kind])):
        start = time.perf_counter()
        envelope.intercepts(0, origin, rotation, pos, vel, t_go)
        costs.append((time.perf_counter() - start) / pairs * 1e6)
    return costs[0], costs[1]


def tick_shares(threats: int) -> dict[str, float]:
    """Seconds spent in each stage over a whole run of the demo scaled to ``threats`` (``RunResult.stage_s``)."""
    data = scaled_demo(threats).model_dump(mode="json")
    data["models"].update(move="flight", fly="flyout")
    result = iadsim.simulate(iadsim.load_scenario(data))
    return {role: seconds for role, seconds in result.stage_s.items() if role in ROLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", type=int, default=10_000)
    parser.add_argument("--interceptors", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=600)
    args = parser.parse_args()

    threat_steps, build_s = threat_rate(args.threats, args.seconds)
    baseline, _ = threat_rate(args.threats, args.seconds, move="waypoint")
    print(f"threats:      {args.threats:,} for {args.seconds} s  {threat_steps:>14,.0f} threat-steps/s"
          f"  (stage build with ballistic trajectories {build_s:.2f} s)")
    print(f"              the skeleton's `waypoint` model in the same run: {baseline:,.0f} threat-steps/s "
          f"(flight / waypoint = {threat_steps / baseline:.2f})")
    interceptor_steps = interceptor_rate(args.interceptors, args.seconds)
    print(f"interceptors: {args.interceptors:,} for {args.seconds} s  {interceptor_steps:>11,.0f} interceptor-steps/s")
    start = time.perf_counter()
    build_table(load_catalog().interceptor("generic-lr-interceptor"))
    table_s = time.perf_counter() - start
    print(f"flyout table: generic-lr-interceptor, 40 x 20 points  {table_s:.2f} s")
    with_table_us, average_speed_us = envelope_cost_us()
    print(f"C2 intercept check (Envelope.intercepts): {with_table_us:.2f} us per pair with the flyout table, "
          f"{average_speed_us:.2f} us at average speed")
    spent = tick_shares(args.threats)
    total = sum(spent.values())
    share = sum(spent.get(role, 0.0) for role in PHYSICS_ROLES) / total
    print(f"\nstage shares of a run of the demo scaled to {args.threats:,} threats ({total:.1f} s in stages):")
    for role, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {role:<8} {seconds:>7.2f} s  {seconds / total:>6.1%}")
    print(f"  physics (move + fly + assess) {share:.1%}")
    print(json.dumps({"threat_steps_per_s": round(threat_steps), "interceptor_steps_per_s": round(interceptor_steps),
                      "flyout_table_s": round(table_s, 3), "physics_share_of_tick": round(share, 4)}))


if __name__ == "__main__":
    main()
