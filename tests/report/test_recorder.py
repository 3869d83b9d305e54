"""The path recorder: path_point events every path_interval seconds, for everything in flight and nothing else."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import iadsim
from iadsim import geo
from iadsim.errors import UserError
from iadsim.metrics import threat_outcomes
from tests.conftest import DEMO


def demo_with(**changes: object):
    data = copy.deepcopy(iadsim.load_scenario(DEMO).model_dump(mode="json"))
    data.update(changes)
    return iadsim.load_scenario(data)


def plain(events) -> pd.DataFrame:
    """The events as a data frame with dictionary columns decoded, to compare values and not encodings."""
    return pa.table({name: events.column(name).cast(pa.string()) if pa.types.is_dictionary(events.column(name).type)
                     else events.column(name) for name in events.column_names}).to_pandas()


def rows_of(events, kind: str):
    return events.filter(pc.equal(events.column("kind").cast("string"), kind))


@pytest.fixture(scope="module")
def sampled_30s():
    return iadsim.simulate(demo_with(path_interval="30 s"))


def test_samples_fall_on_the_interval_and_cover_every_threat_in_flight(sampled_30s):
    points = rows_of(sampled_30s.events, "path_point")
    t = points.column("t_s").to_numpy()
    assert len(t) > 0 and np.all(np.isclose(t % 30.0, 0.0) | np.isclose(t % 30.0, 30.0))
    threat = points.column("threat_id").to_numpy()
    interceptor = points.column("interceptor_id").to_numpy()
    assert np.all((threat >= 0) != (interceptor >= 0)), "each sample is of a threat or of an interceptor"
    for outcome in threat_outcomes(sampled_30s.events):
        mine = t[threat == outcome["threat_id"]]
        end = outcome["fate_t_s"] if outcome["fate_t_s"] is not None else np.inf
        in_flight = np.arange(30.0, 2700.0 + 1, 30.0)
        in_flight = in_flight[(in_flight >= outcome["launch_t_s"]) & (in_flight < end)]
        assert np.array_equal(mine, in_flight), f"threat {outcome['threat_id']} sampled at every 30 s in flight"


def test_samples_move_no_faster_than_the_speed_they_record(sampled_30s):
    points = rows_of(sampled_30s.events, "path_point")
    threat = points.column("threat_id").to_numpy()
    for threat_id in np.unique(threat[threat >= 0]):
        mine = points.filter(pc.equal(points.column("threat_id"), threat_id))
        xyz = geo.geodetic_to_ecef(np.deg2rad(mine.column("lat_deg").to_numpy()),
                                   np.deg2rad(mine.column("lon_deg").to_numpy()), mine.column("alt_m").to_numpy())
        step_m = np.linalg.norm(np.diff(xyz, axis=0), axis=1)
        speed = mine.column("value").to_numpy()  # zero in the tick a threat is launched
        assert np.all(speed >= 0) and np.all(speed[1:] > 0)
        # Speed varies between samples (a ballistic arc): bound each step by the fastest sample, with a margin.
        assert np.all(step_m <= 30.0 * speed.max() * 1.1)


def test_no_sampling_records_nothing_and_changes_no_other_event():
    off = iadsim.simulate(demo_with(path_interval=0))
    on = iadsim.simulate(demo_with(path_interval="10 s"))
    assert rows_of(off.events, "path_point").num_rows == 0
    others = pc.not_equal(on.events.column("kind").cast("string"), "path_point")
    # The recorder draws nothing and moves nothing: every other event is as it was.
    pd.testing.assert_frame_equal(plain(on.events.filter(others)), plain(off.events))
    assert on.metrics == off.metrics


def test_a_negative_interval_is_refused():
    with pytest.raises(UserError, match="path_interval"):
        demo_with(path_interval="-5 s")
