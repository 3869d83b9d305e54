"""A fire unit as its parts: strikes with scatter damage the parts they reach; the unit fights with what is left."""

import numpy as np
import pytest

import iadsim
from iadsim.c2.components import Components
from iadsim.catalog import load_catalog
from iadsim.engine import stream
from iadsim.errors import UserError
from iadsim.scenario.compile import compile_scenario
from iadsim.world import LAUNCHER
from tests.helpers import raid, scenario

FAR_M = 1500.0  # within the S-400-class 2 km cable length, far beyond a 60 m warhead


def battalion(layout, **fields):
    return {"name": "Battalion", "type": "s400-battalion", "position": {"lat": 38.40, "lon": 27.10},
            "inventory": {"s400-48n6-class": 8, "s400-9m96e-class": 8}, "layout": layout, **fields}


def iskander(**fields):
    return raid("iskander-m-class", count=1, launch_point={"lat": 39.75, "lon": 27.1}, target="Battalion",
                cep="1 m", **fields)


def test_a_strike_on_half_the_launchers_takes_half_the_ready_rounds_and_leaves_the_unit_fighting():
    near = [{"east": 0.0, "north": 0.0}] * 4
    far = [{"east": FAR_M, "north": 10.0 * k} for k in range(4)]
    layout = {"command_post": {"east": FAR_M}, "launchers": near + far,
              "radars": [{"east": FAR_M, "north": -100.0}, {"east": FAR_M, "north": 100.0},
                         {"east": FAR_M, "north": 200.0}]}
    compiled = compile_scenario(scenario(units=[battalion(layout)], raids=[iskander()]), load_catalog(),
                                stream(0, "compile"))
    world = compiled.world
    before = world.units.rounds.copy()
    batches, damaged = Components(compiled).strike(world, np.array([0]), 100.0, np.random.default_rng(1))
    parts = world.units.parts
    lost = [batch for batch in batches if batch.n and batch.columns.get("detail") is not None]
    assert damaged.tolist() == [0]
    assert parts.launchers_up.tolist() == [4]
    assert not parts.alive[parts.kind == LAUNCHER][:4].any() and parts.alive[parts.kind == LAUNCHER][4:].all()
    assert sum(batch.n for batch in lost) == 4
    # The S-400-class type gives no rounds per launcher: every round is ready, shared among its launchers.
    assert world.units.rounds.tolist() == (before // 2).tolist()
    assert parts.command_post_up.all() and parts.engagement_radar_up.all() and parts.sensor_up.all()


def test_without_its_engagement_radar_the_unit_still_sees_but_fires_no_more():
    """Only the engagement radar (the type's second radar) stands at the aim point; the strike lands while the
    unit packs for a 4 m move, so it cannot shoot the missile down; drones come once it is deployed again."""
    layout = {"command_post": {"east": FAR_M},
              "radars": [{"east": FAR_M, "north": 100.0}, {"east": 0.0}, {"east": FAR_M, "north": -100.0}],
              "launchers": [{"east": FAR_M, "north": 20.0 * k} for k in range(8)]}
    move = {"time": "0 s", "to": {"lat": 38.40, "lon": 27.10005}, "speed": "36 km/h"}
    drones = raid("shahed-136-class", count=3, launch_time="12 min", launch_interval="30 s")
    struck = iadsim.simulate(scenario(units=[battalion(layout, moves=[move])], raids=[iskander(launch_time="100 s"),
                                                                                       drones], duration="1 h"), seed=2)
    spared = iadsim.simulate(scenario(units=[battalion(layout, moves=[move])], raids=[drones], duration="1 h"), seed=2)
    events = struck.events.to_pandas()
    lost = events[events.kind == "part_lost"]
    assert lost.detail.tolist() == ["engagement_radar"]
    assert (events[events.kind == "detect"].t_s > lost.t_s.max()).any()  # the search radars still look
    assert not (events.kind == "launch").any() and struck.metrics["units_destroyed"] == 0
    assert (spared.events.to_pandas().kind == "launch").any()


def test_a_warhead_needs_a_row_for_every_hardness_and_its_scatter(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("""\
sources:
  mine: {title: My notes, publisher: me}
entries:
  - name: my-rocket
    kind: threat
    threat_class: ballistic_missile
    description: a rocket
    source: mine
    speed: 600 m/s
    cruise_altitude: 0 m
    rcs: 0.05 m^2
    max_range: 70 km
    cost_usd: 100000
    warhead: unitary
    damage:
      - {hardness: soft, lethal_radius: 25 m, pk: 1.0}
""")
    with pytest.raises(UserError) as error:
        load_catalog([path])
    message = str(error.value)
    assert "no row for hardness armoured" in message
