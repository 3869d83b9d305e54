"""The same pipeline on Stone Soup components, and our GOSPA against Stone Soup's ``GOSPAMetric``.

Stone Soup (Barr et al., "Stone Soup: announcement of beta release of an
open-source framework for tracking and state estimation", SPIE 2019) is the
tracking field's reference library; iadsim's tracker must score as well on the
same detections (issue 4).
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from stonesoup.metricgenerator.ospametric import GOSPAMetric
from stonesoup.types.array import StateVector
from stonesoup.types.state import State

from iadsim.tracking.backend import TrackerParameters
from iadsim.tracking.core import ArrayTracker
from iadsim.tracking.scoring import gospa, score_run
from iadsim.tracking.stonesoup_backend import StoneSoupTracker
from iadsim.tracking.synthetic import standard_scenario


def test_gospa_agrees_with_stone_soup() -> None:
    rng = np.random.default_rng(5)
    metric = GOSPAMetric(c=1000.0, p=1.0)
    now = datetime.datetime(2026, 1, 1)
    for _ in range(20):
        tracks = rng.uniform(0, 4000, (rng.integers(0, 8), 3))
        truths = rng.uniform(0, 4000, (rng.integers(0, 8), 3))
        theirs = metric.compute_gospa_metric([State(StateVector(x), timestamp=now) for x in tracks],
                                             [State(StateVector(x), timestamp=now) for x in truths])[0]
        assert gospa(tracks, truths, 1000.0)[0] == pytest.approx(theirs.value["distance"], rel=1e-9, abs=1e-9)


def test_our_tracker_scores_as_well_as_the_stone_soup_pipeline() -> None:
    run = standard_scenario(50, seed=1)
    ours = score_run(ArrayTracker(TrackerParameters(), run.sensors), run, scans=30)
    theirs = score_run(StoneSoupTracker(TrackerParameters(), run.sensors), run, scans=30)
    assert ours.mean_gospa_m <= 1.02 * theirs.mean_gospa_m
    assert ours.id_swaps <= theirs.id_swaps + 2
