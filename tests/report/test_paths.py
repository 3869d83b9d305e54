"""Paths from the event log: each starts at its launch event, ends at its fate, and runs forward in time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iadsim.metrics import threat_outcomes
from iadsim.report.paths import interceptor_paths, threat_paths


def first_row(events, kind: str, column: str, entity: int):
    rows = events.filter(pc.and_(pc.equal(events.column("kind").cast("string"), kind),
                                 pc.equal(events.column(column), entity)))
    return {name: rows.column(name)[0].as_py() for name in ("t_s", "lat_deg", "lon_deg", "alt_m")}


def test_every_threat_path_runs_from_launch_to_fate(demo_result):
    events = demo_result.events
    paths = threat_paths(events)
    outcomes = {o["threat_id"]: o for o in threat_outcomes(events)}
    assert sorted(paths.ids.tolist()) == sorted(outcomes)
    for index, threat_id in enumerate(paths.ids.tolist()):
        rows = paths.rows(index)
        t = paths.t_s[rows]
        assert len(t) >= 2 and np.all(np.diff(t) > 0), "strictly forward in time"
        start = first_row(events, "threat_launch", "threat_id", threat_id)
        assert (t[0], paths.lat_deg[rows][0], paths.lon_deg[rows][0]) == (start["t_s"], start["lat_deg"],
                                                                           start["lon_deg"])
        fate = outcomes[threat_id]
        end = first_row(events, "intercept" if fate["fate"] == "killed" else "leak", "threat_id", threat_id)
        assert (t[-1], paths.lat_deg[rows][-1]) == (end["t_s"], end["lat_deg"])


def test_every_interceptor_path_runs_from_its_launcher_to_its_end(demo_result):
    events = demo_result.events
    paths = interceptor_paths(events)
    kind = events.column("kind").cast("string")
    launched = events.filter(pc.equal(kind, "launch")).column("interceptor_id").to_pylist()
    assert sorted(paths.ids.tolist()) == sorted(launched)
    ended = events.filter(pc.is_in(kind, value_set=pa.array(["intercept", "miss"])))
    end_t = dict(zip(ended.column("interceptor_id").to_pylist(), ended.column("t_s").to_pylist(), strict=True))
    for index, interceptor_id in enumerate(paths.ids.tolist()):
        rows = paths.rows(index)
        start = first_row(events, "launch", "interceptor_id", interceptor_id)
        assert paths.t_s[rows][0] == start["t_s"] and paths.lat_deg[rows][0] == start["lat_deg"]
        assert paths.t_s[rows][-1] == end_t[interceptor_id]
        assert np.all(np.diff(paths.t_s[rows]) > 0)


def test_a_log_without_samples_still_gives_launch_to_fate_segments(demo_result):
    events = demo_result.events
    no_samples = events.filter(pc.not_equal(events.column("kind").cast("string"), "path_point"))
    paths = threat_paths(no_samples)
    assert len(paths) == demo_result.metrics["threats"]
    assert np.all(np.diff(paths.offsets) == 2)


def test_thinning_keeps_every_path_with_its_first_and_last_point(demo_result):
    paths = threat_paths(demo_result.events)
    thin = paths.thinned(len(paths.t_s) // 5)
    assert len(thin.t_s) <= len(paths.t_s) // 5 + 2 * len(paths)
    assert np.array_equal(thin.ids, paths.ids)
    for index in range(len(paths)):
        full, kept = paths.t_s[paths.rows(index)], thin.t_s[thin.rows(index)]
        assert kept[0] == full[0] and kept[-1] == full[-1] and set(kept) <= set(full)
    assert paths.thinned(10 * len(paths.t_s)) is paths
