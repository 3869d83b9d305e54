"""Aircraft that turn away from a SAM round fired at them (iadsim.physics.evasion): the kill chance of the
rounds against P = p (1 − q (1 − f)) for flights longer than the reaction time, p otherwise."""

import copy

import numpy as np
import pytest
from scipy import stats

import iadsim
from iadsim.catalog import load_catalog
from iadsim.errors import UserError
from tests.helpers import BASE, MY_DRONE_CATALOG, raid, unit

PK = 0.7
"""single_shot_pk of the generic-lr-interceptor (cookie-cutter within its 15 m lethal radius)."""
Q, F = 0.5, 0.2


def evading_catalog(tmp_path, reaction_s: float):
    """The bundled catalog with ``my-fighter``, an aircraft that turns away with probability Q, ``reaction_s``
    after a round's launch, leaving the round F of its kill probability."""
    text = MY_DRONE_CATALOG.replace("my-drone", "my-fighter").replace("threat_class: drone", "threat_class: aircraft") \
        .replace("speed: 50 m/s", "speed: 250 m/s").replace("cruise_altitude: 300 m", "cruise_altitude: 5000 m") \
        .replace("rcs: -10 dBsm", "rcs: 1 m^2") \
        + f"    evasion_probability: {Q}\n    evasion_reaction_time: {reaction_s} s\n    evasion_pk_factor: {F}\n"
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return load_catalog([path])


def kill_fraction(catalog, seeds=range(4)) -> tuple[int, int, float]:
    """Kills and endgames within the lethal radius (kills plus warhead_failed misses) of a long-range SAM against
    50 fighters a run, and the rounds' shortest flight (s)."""
    kills = endgames = 0
    shortest = np.inf
    for seed in seeds:
        data = copy.deepcopy(BASE)
        data["units"] = [unit("generic-lr-sam", rounds=150)]
        data["raids"] = [raid("my-fighter", count=50, launch_interval=10.0)]
        events = iadsim.simulate(data, seed=seed, catalog=catalog).events.to_pandas()
        kill = events[events.kind == "intercept"]
        failed = events[(events.kind == "miss") & (events.reason.astype(str) == "warhead_failed")]
        kills += len(kill)
        endgames += len(kill) + len(failed)
        launched = events[events.kind == "launch"].set_index("interceptor_id").t_s
        ended = np.concatenate((kill.interceptor_id, failed.interceptor_id))
        shortest = min(shortest, float((events.set_index("interceptor_id").loc[ended].query(
            "kind in ['intercept', 'miss']").t_s - launched.loc[ended]).min()))
    return kills, endgames, shortest


def test_fighters_that_turn_away_in_time_halve_the_kill_chance_by_the_closed_form(tmp_path):
    """Reaction 2 s after the launch (every flight is longer): kills / endgames within the 99 % binomial interval
    of P = p (1 − q (1 − f)) = 0.7 (1 − 0.5 · 0.8) = 0.42; reacting after 1,000 s (never in time): of p = 0.7."""
    for reaction_s, expected in ((2.0, PK * (1.0 - Q * (1.0 - F))), (1000.0, PK)):
        kills, endgames, shortest = kill_fraction(evading_catalog(tmp_path, reaction_s))
        assert endgames >= 90 and shortest > 2.0
        low, high = stats.binom.interval(0.99, endgames, expected)
        assert low <= kills <= high, f"{kills} kills of {endgames} endgames, expected {expected:.2f}"


@pytest.mark.parametrize(("extra", "fragment"), [
    ("    evasion_probability: 0.5\n", "evasion_probability, evasion_reaction_time and evasion_pk_factor together"),
    ("    evasion_probability: 0.5\n    evasion_reaction_time: 2 s\n    evasion_pk_factor: 0.2\n",
     "only an aircraft evades (not a drone)"),
])
def test_evasion_figures_come_together_and_only_on_aircraft(tmp_path, extra, fragment):
    path = tmp_path / "mine.yaml"
    path.write_text(MY_DRONE_CATALOG + extra)
    with pytest.raises(UserError) as error:
        load_catalog([path])
    assert fragment in str(error.value)
