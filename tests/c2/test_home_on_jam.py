"""Jammer fixes into tracks, and home-on-jam (docs/models.md, "Jammer fixes").

Real runs: ``tests/data/home_on_jam.yaml`` (two fighters screening themselves with escort-class jammers, a
Patriot-class battery and two C-band radars 60 km apart on its network: the jammers are never burnt
through, their tracks come from fixes alone) with the battery's PAC-2 GEM-T-class rounds (``home_on_jam``
in the catalog) and with PAC-3 MSE-class rounds (without); ``tests/data/jam_strobes.yaml`` (the same
radars, pods the radars burn through). The fix track's error is held against the least-squares closed
form in :mod:`iadsim.verify.jamming` (row ``jam-fix-track-error``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from iadsim.catalog import load_catalog
from iadsim.engine import build_stages, simulate, stream
from iadsim.errors import UserError
from iadsim.scenario.compile import compile_scenario
from iadsim.scenario.load import load_scenario, scenario_catalog
from iadsim.verify.jamming import (FIX_JAMMER_ENU_M, FIX_SIGMA_DEG, FIX_TRACK_FIXES, STROBE_BASELINE_ENU_M,
                                   fix_error_closed_form, fix_track_closed_form, run_time_fix_track_errors)
from tests.catalog.test_catalog import write

DATA = Path(__file__).parents[1] / "data"
SCENARIO = DATA / "home_on_jam.yaml"


def kinds(result, name: str):
    events = result.events
    return events.filter(pa.compute.equal(events.column("kind").cast(pa.string()), name)).to_pandas()


def with_rounds(folder: Path, missile: str) -> Path:
    """The scenario with the battery's rounds swapped for ``missile``."""
    text = SCENARIO.read_text(encoding="utf-8")
    assert "{pac2-gemt-class: 8}" in text
    path = folder / f"home_on_jam_{missile}.yaml"
    path.write_text(text.replace("{pac2-gemt-class: 8}", f"{{{missile}: 8}}"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def homing():
    return simulate(SCENARIO, seed=0)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return simulate(with_rounds(tmp_path_factory.mktemp("plain"), "pac3-mse-class"), seed=0)


def test_each_fix_of_a_carried_jammer_starts_a_track_command_and_control_sees(homing):
    """Each fighter's first fix (`jammer_located`, its carrier named) starts an air-picture track of it at the
    same tick (`track_start`, "jammer fix"), although no radar ever detects either fighter."""
    located, started = kinds(homing, "jammer_located"), kinds(homing, "track_start")
    assert sorted(located.threat_id) == [0, 1]
    assert len(kinds(homing, "detect")) == 0
    for _, fix in located.iterrows():
        track = started[(started.threat_id == fix.threat_id) & (started.t_s == fix.t_s)]
        assert len(track) == 1 and track.detail.iloc[0].endswith("jammer fix")


def test_only_a_round_that_homes_on_jam_is_fired_at_an_angle_only_track(homing, plain):
    """With PAC-2 GEM-T-class rounds (home_on_jam) the battery fires at both fighters' fix tracks, each order
    marked "home on jam", and shoots both down; with PAC-3 MSE-class rounds (no home-on-jam) it fires nothing
    at them and both leak, their tracks in the picture all the same."""
    assigned = kinds(homing, "assign")
    assert sorted(assigned.threat_id) == [0, 1]
    assert (assigned.weapon == "pac2-gemt-class").all() and assigned.detail.str.endswith("home on jam").all()
    assert homing.metrics["killed"] == 2
    assert len(kinds(plain, "assign")) == 0 and len(kinds(plain, "launch")) == 0
    assert plain.metrics["leaked"] == 2
    assert sorted(kinds(plain, "jammer_located").threat_id) == [0, 1]


def test_the_fix_tracks_are_angle_only_and_follow_the_fighters():
    """Stepping the real stages: every live track of a fighter is a jammer track (its strobe source: the
    stand-off jammers come first, none here) and angle-only; at the battery's first launch its position is
    within 3 sigma of its own covariance of the fighter's true position."""
    scenario = load_scenario(SCENARIO)
    compiled = compile_scenario(scenario, scenario_catalog(scenario), stream(0, "compile"))
    stages = build_stages(compiled)
    streams = [stream(0, role) for role, _ in stages]
    world, checked = compiled.world, 0
    for tick in range(1, 120):
        for index, (_, stage) in enumerate(stages):
            stage.step(world, float(tick), 1.0, streams[index])
        tracks = world.tracks
        live = np.flatnonzero(tracks.active[:tracks.count] & (tracks.threat_index[:tracks.count] >= 0))
        assert (tracks.jammer_source[live] == tracks.threat_index[live]).all()
        assert tracks.angle_only[live].all()
        if len(world.assignments.track_row):
            for row in world.assignments.track_row:
                error = tracks.pos_ecef_m[row] - world.threats.pos_ecef_m[tracks.threat_index[row]]
                covariance = tracks.covariance[row, :3, :3]
                assert error @ np.linalg.solve(covariance, error) < 3.0 ** 2 * 3  # chi-square, 3 dof, loose
                checked += 1
    assert checked == 2


def test_a_burnt_through_jammer_keeps_its_fix_track_and_stops_being_angle_only():
    """In the strobes scenario the radars burn through the pods: each fighter's fix track (started with its
    first fix) is then updated by radar reports, and the engagement that kills it is not home-on-jam."""
    result = simulate(DATA / "jam_strobes.yaml", seed=0)
    started = kinds(result, "track_start")
    fixes = started[started.detail.str.endswith("jammer fix")]
    assert sorted(fixes.threat_id) == [0, 1]
    assigned = kinds(result, "assign")
    assert len(assigned) and not assigned.detail.str.contains("home on jam").any()
    assert result.metrics["killed"] == 2


def test_the_fix_track_error_follows_the_least_squares_line_through_its_fixes():
    """4,000 fix tracks of one jammer after 6 fixes 10 s apart (run-time fixes of 0.3 deg strobes, the fix
    track kernel without process noise): RMS ground error within 3.4 % (3 standard errors) of
    σ_p · √(2 (2n − 1) / (n (n + 1))), σ_p the two-lines-of-position error (Torrieri 1984) and the factor that of
    the least-squares line's end point (Bar-Shalom, Li & Kirubarajan 2001)."""
    radars = np.array([[0.0, 0.0, 0.0], [*STROBE_BASELINE_ENU_M, 0.0]])
    sigma = np.deg2rad(FIX_SIGMA_DEG)
    errors = run_time_fix_track_errors(4000, sigma, seed=41)
    closed = fix_track_closed_form(fix_error_closed_form(radars, np.array(FIX_JAMMER_ENU_M), sigma), FIX_TRACK_FIXES)
    assert len(errors) == 4000
    assert np.sqrt(np.mean(errors ** 2)) == pytest.approx(closed, rel=1.5 * np.sqrt(2.0 / 4000))
    assert fix_track_closed_form(1.0, 1) == 1.0 and fix_track_closed_form(1.0, 2) == 1.0


HOMING_ROUND = """\
sources:
  my-source: {title: My public page, publisher: Somebody}
entries:
  - name: my-round
    kind: interceptor
    layer: long
    description: A round of my own that homes on jam.
    source: my-source
    min_range: 3 km
    max_range: 100 km
    min_altitude: 50 m
    max_altitude: 20 km
    average_speed: 1000 m/s
    max_target_speed: 1500 m/s
    single_shot_pk: 0.7
    lethal_radius: 10 m
    cost_usd: 1000000
    home_on_jam: true
"""


def test_home_on_jam_without_a_homing_phase_is_refused(tmp_path):
    """A round that homes on jam must home: without a navigation_constant the catalog is refused (file, line and
    entry, what is missing, what to do); with one it loads, its flag cited by the entry's source."""
    with pytest.raises(UserError) as error:
        load_catalog([write(tmp_path, HOMING_ROUND)])
    message = error.value.render()
    assert ":4: entries[0]:" in message and "homes on jam needs a homing phase" in message
    assert "give its 'navigation_constant'" in message and "or leave 'home_on_jam' out" in message
    catalog = load_catalog([write(tmp_path, HOMING_ROUND + "    navigation_constant: 4\n")])
    assert catalog.find("my-round", "interceptor").home_on_jam
    assert catalog.find("my-round", "interceptor").citations["home_on_jam"].source == ["my-source"]


def test_the_rounds_with_home_on_jam_are_the_cited_ones():
    """The bundled catalog: the 48N6-class and PAC-2 GEM-T-class rounds home on jam, marked estimates with their
    seekers' sources; no other round does."""
    catalog = load_catalog()
    homing = sorted(t.name for t in catalog.of_kind("interceptor") if t.home_on_jam)
    assert homing == ["pac2-gemt-class", "s400-48n6-class"]
    for name in homing:
        citation = catalog.find(name, "interceptor").citations["home_on_jam"]
        assert "iadsim-estimate" in citation.source and "schleher-1999" in citation.source and citation.note
