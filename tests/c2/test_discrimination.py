"""Decoys: per-look discrimination against its closed form, the range and time rules, and what C2 spends.

A decoy detected ``k`` times by radars of per-look discrimination probability ``p``
stays unknown with probability ``(1 - p)^k`` (independent Bernoulli looks: the
model's definition, docs/models.md "Decoys"); the Monte Carlo fraction must fall
within its 99 % binomial interval.
"""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from scipy import stats

from iadsim.c2.discrimination import BY_LOOK, BY_RANGE, BY_TIME, _learn
from iadsim.engine import simulate
from iadsim.jit import KernelRandom

DATA = Path(__file__).parents[1] / "data"


def learn(p: float, looks: int, decoys: int, slant_m: float = 100e3, range_m: float = 0.0,
          after_s: float = np.inf, t_s: float = 10.0, seed: int = 1):
    """Every decoy detected ``looks`` times by one radar feeding one picture; what the picture learns."""
    sensor = np.zeros(decoys * looks, np.int32)
    threat = np.repeat(np.arange(decoys, dtype=np.int32), looks)
    pos = np.zeros((decoys, 3))
    pos[:, 0] = slant_m
    known = np.zeros((1, decoys), bool)
    out = _learn(sensor, threat, np.full(len(threat), t_s), np.ones(decoys, bool), np.full((decoys, 1), p),
                 np.full(decoys, range_m), np.full(decoys, after_s), np.zeros(decoys), pos, np.zeros((1, 3)),
                 np.ones((1, 1), bool), known, KernelRandom().state(np.random.default_rng(seed)))
    return known[0], out


@pytest.mark.parametrize(("p", "looks"), [(0.1, 5), (0.02, 30), (0.5, 1)])
def test_unknown_fraction_matches_the_closed_form(p: float, looks: int) -> None:
    decoys = 20_000
    known, (_, threat, _, _, how) = learn(p, looks, decoys)
    expected = (1.0 - p) ** looks
    low, high = stats.binom.interval(0.99, decoys, expected)
    assert low <= np.count_nonzero(~known) <= high
    assert len(threat) == np.count_nonzero(known) and np.all(how == BY_LOOK)  # one event per decoy learnt


def test_range_and_time_give_a_decoy_away_for_certain() -> None:
    known, (_, _, _, slant, how) = learn(0.0, 1, 10, slant_m=10e3, range_m=15e3)
    assert known.all() and np.all(how == BY_RANGE) and slant == pytest.approx(10e3)
    known, (_, _, _, _, how) = learn(0.0, 1, 10, after_s=5.0, t_s=10.0)
    assert known.all() and np.all(how == BY_TIME)
    known, _ = learn(0.0, 3, 10, slant_m=20e3, range_m=15e3, after_s=50.0, t_s=10.0)
    assert not known.any()  # neither near enough nor late enough, and looks never tell


@pytest.fixture(scope="module")
def decoy_run():
    return simulate(DATA / "decoys.yaml")


def test_rounds_at_decoys_are_counted_and_decoys_never_leak(decoy_run) -> None:
    events, metrics = decoy_run.events, decoy_run.metrics
    kind = events.column("kind").cast("string")
    launched = events.filter(pc.equal(kind, "threat_launch"))
    decoy_ids = set(launched.filter(pc.equal(launched.column("reason").cast("string"), "decoy"))
                    .column("threat_id").to_pylist())
    assert len(decoy_ids) == metrics["decoys"] == 6  # 4 MALD-class and 2 towed
    assert metrics["threats"] == 2
    at_decoys = [t for t in events.filter(pc.equal(kind, "launch")).column("threat_id").to_pylist() if t in decoy_ids]
    assert metrics["rounds_at_decoys"] == len(at_decoys) > 0  # the battalion wastes rounds on them
    struck = set(events.filter(pc.is_in(kind, pa.array(["leak", "impact"]))).column("threat_id").to_pylist())
    assert not struck & decoy_ids
    expended = set(events.filter(pc.equal(kind, "expended")).column("threat_id").to_pylist())
    assert expended <= decoy_ids
    entities = decoy_run.entities.to_pandas()
    assert set(entities[entities.kind == "threat"].type.iloc[sorted(decoy_ids)]) == {
        "mald-class-decoy", "ale50-class-towed-decoy"}


def _with_discrimination(tmp_path: Path, p: float) -> dict:
    """The decoys' scenario with MALD-class decoys of its own whose every look shows them with probability ``p``
    (and no range or time that gives them away)."""
    catalog = yaml.safe_load((Path(__file__).parents[2] / "src/iadsim/catalog/data/decoys.yaml").read_text())
    bundled = next(e for e in catalog["entries"] if e["name"] == "mald-class-decoy")
    entry = {key: value["value"] if isinstance(value, dict) else value for key, value in bundled.items()
             if key not in ("distinguishable_range", "distinguishable_after")}
    entry |= {"name": "my-decoy", "source": "my-page", "discrimination_search": p,
              "discrimination_fire_control": p, "discrimination_low_altitude": p}
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump(
        {"sources": {"my-page": {"title": "My page", "publisher": "Somebody"}}, "entries": [entry]}))
    scenario = yaml.safe_load((DATA / "decoys.yaml").read_text())
    scenario["raids"] = [scenario["raids"][1] | {"type": "my-decoy"}]
    scenario["catalogs"] = ["mine.yaml"]
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario))
    return simulate(path).metrics


def test_a_decoy_known_at_once_draws_no_fire_and_one_never_known_does(tmp_path: Path) -> None:
    known = _with_discrimination(tmp_path, 1.0)
    assert known["decoys_discriminated"] == 4 and known["rounds_at_decoys"] == 0
    unknown = _with_discrimination(tmp_path, 0.0)
    assert unknown["decoys_discriminated"] == 0 and unknown["rounds_at_decoys"] >= 4
