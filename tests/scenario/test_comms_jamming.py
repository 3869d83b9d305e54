"""Communications jamming: a jammer's footprint adds its catalog latency to the network links of members
inside it, at each end (the compiled feed latencies, what the trackers delay reports by), and loses a
look's message at each jammed end with its catalog probability (the compiled feed losses, drawn once per
look and picture by the track stage)."""

import numpy as np
import pyarrow as pa
import pytest

import iadsim
from iadsim.catalog import load_catalog
from iadsim.scenario.compile import compile_scenario
from tests.helpers import BASE, raid, unit

LATENCY_S = 2.0


def compiled_links(*jammers_at: dict) -> tuple[np.ndarray, np.ndarray]:
    """(radars, pictures) latencies and message losses of a unit and a stand-alone radar 150 km off on one
    network, with a communications jammer at each of ``jammers_at``."""
    data = {**BASE, "models": {"track": "ekf"}, "raids": [raid()], "units": [unit(networks=["Net"])],
            "sensors": [{"name": "EW radar", "type": "generic-search-radar", "position": {"lat": 39.7, "lon": 27.1},
                         "networks": ["Net"]}],
            "networks": [{"name": "Net", "latency": f"{LATENCY_S} s"}]}
    if jammers_at:
        data["jammers"] = [{"name": f"Zhitel {k}", "type": "ground-comms-jammer-class", "position": where}
                           for k, where in enumerate(jammers_at)]
    catalog = load_catalog()
    compiled = compile_scenario(iadsim.load_scenario(data, catalog), catalog, np.random.default_rng(0))
    return compiled.world.sensors.feed_latency_s, compiled.world.sensors.feed_loss


def feed_latency(jammer_at: dict | None) -> np.ndarray:
    return compiled_links(*([jammer_at] if jammer_at else []))[0]


def test_a_member_inside_the_footprint_hears_later_and_one_outside_does_not() -> None:
    added = load_catalog().jammer("ground-comms-jammer-class").comms_latency
    free = feed_latency(None)
    near_unit = feed_latency({"lat": 38.45, "lon": 27.10})  # 5.6 km from the unit, 140 km from the radar
    far = feed_latency({"lat": 37.0, "lon": 27.1})
    stand_alone = free.shape[0] - 1  # the last radar row
    assert free[stand_alone, 0] == pytest.approx(LATENCY_S)
    assert near_unit[stand_alone, 0] == pytest.approx(LATENCY_S + added)  # the post's end of the link is jammed
    assert np.array_equal(near_unit[:stand_alone, 0], free[:stand_alone, 0])  # its own radars: no link to jam
    assert np.array_equal(far, free)


def test_a_jammed_end_loses_messages_with_the_catalog_probability_and_two_ends_compose() -> None:
    loss = load_catalog().jammer("ground-comms-jammer-class").comms_loss
    free = compiled_links()[1]
    stand_alone = free.shape[0] - 1
    assert not free.any()
    near_unit = compiled_links({"lat": 38.45, "lon": 27.10})[1]  # the post's end only
    assert near_unit[stand_alone, 0] == pytest.approx(loss, rel=1e-12)
    assert not near_unit[:stand_alone].any()  # its own radars: no link to jam
    both = compiled_links({"lat": 38.45, "lon": 27.10}, {"lat": 39.65, "lon": 27.1})[1]  # a jammer at each end
    assert both[stand_alone, 0] == pytest.approx(1.0 - (1.0 - loss) ** 2, rel=1e-12)


def test_the_track_stage_loses_looks_at_the_link_probability() -> None:
    """Over 20,000 looks of a radar to two pictures, one over a link losing 0.2 of its messages and one
    unjammed, the lost fraction lies in the exact 99 % binomial interval of 0.2 and the unjammed picture
    hears every look (the real kernel, iadsim.tracking.picture._enqueue_reports)."""
    from scipy.stats import binom

    from iadsim.jit import KernelRandom
    from iadsim.tracking.core import LOOKS, empty_queue
    from iadsim.tracking.picture import MESSAGES_LOST, _enqueue_reports

    looks, p = 20_000, 0.2
    latency, loss = np.array([[0.0, 1.0]]), np.array([[0.0, p]])
    random = KernelRandom().state(np.random.default_rng(7))
    lost = np.zeros((2, 3), np.int64)
    state_counts = np.zeros(4, np.int64)
    heard = lost_total = 0
    for k in range(looks):
        queue = empty_queue(4, 4)
        state_counts[MESSAGES_LOST] = 0
        _enqueue_reports(*queue, np.zeros(1, np.int32), np.zeros(1, np.int32), np.array([[5e4, 0.1, 0.01]]),
                         np.array([float(k)]), np.zeros(1, np.int32), latency, loss, random, lost, state_counts,
                         float(k))
        heard += int(queue.counts[LOOKS])
        lost_total += int(state_counts[MESSAGES_LOST])
    low, high = binom.ppf(0.005, looks, p), binom.ppf(0.995, looks, p)
    assert low <= lost_total <= high
    assert heard == 2 * looks - lost_total  # every look reaches the unjammed picture


def test_a_run_counts_its_lost_messages_and_truth_noise_is_refused() -> None:
    from iadsim.engine import simulate
    from iadsim.errors import UserError

    data = {**BASE, "duration": "10 min", "models": {"sense": "radar", "track": "ekf", "move": "flight"},
            "raids": [raid(count=4)], "units": [unit(networks=["Net"])],
            "sensors": [{"name": "EW radar", "type": "generic-search-radar", "position": {"lat": 38.9, "lon": 27.1},
                         "networks": ["Net"]}],
            "networks": [{"name": "Net", "latency": "2 s"}],
            "jammers": [{"name": "Zhitel", "type": "ground-comms-jammer-class", "position": {"lat": 38.45, "lon": 27.10}}]}
    result = simulate(data, seed=4)
    kinds = result.events.column("kind").cast(pa.string()).to_pylist()
    assert result.metrics["messages_lost"] == kinds.count("message_lost") > 0
    with pytest.raises(UserError, match="truth_noise"):
        iadsim.load_scenario({**data, "models": {"track": "truth_noise"}}, load_catalog())
