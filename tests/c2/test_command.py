"""Command posts and autonomy in whole runs: a unit cut off from its post fights blind, then on its own radars."""

import pytest

import iadsim
from iadsim.errors import UserError
from tests.conftest import EXAMPLES

CASE2B = EXAMPLES / "case2b_hub_struck.yaml"


def hub_lost_at(lost_at_s, **doctrine):
    data = iadsim.load_scenario(CASE2B).model_dump(mode="json")
    data["command_posts"][0]["lost_at"] = lost_at_s
    data["doctrine"] |= doctrine
    return data


def test_a_unit_cut_off_fires_nothing_for_the_autonomy_delay_then_fights_on_its_own_radars():
    result = iadsim.simulate(hub_lost_at(600.0, autonomy_delay=45.0), seed=0)
    events = result.events.to_pandas()
    lost, autonomous = events[events.kind == "command_lost"], events[events.kind == "autonomous"]
    assert lost.t_s.tolist() == [600.0] and lost.detail.tolist() == ["National hub"]
    assert autonomous.t_s.tolist() == [645.0] and autonomous.value.tolist() == [45.0]
    launches = events[events.kind == "launch"].t_s
    assert not ((launches >= 600.0) & (launches < 645.0)).any()
    assert (launches >= 645.0).any()  # its own radars' picture holds the missiles by then
    assert result.metrics["units_cut_off"] == result.metrics["units_autonomous"] == 1


def test_a_post_never_lost_changes_nothing_but_the_tracks_of_the_picture_kept_in_reserve():
    never = iadsim.simulate(hub_lost_at(None), seed=0)
    assert never.metrics["units_cut_off"] == 0
    plain = iadsim.load_scenario(CASE2B).model_dump(mode="json")
    del plain["command_posts"]
    plain["units"][0]["command_post"] = None
    alone = iadsim.simulate(plain, seed=0).events.to_pandas()
    kept = never.events.to_pandas()
    assert kept[kept.kind == "launch"].t_s.tolist() == alone[alone.kind == "launch"].t_s.tolist()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["units"][0].update(command_post="Hub"), "unknown command post 'Hub'"),
    (lambda d: d["command_posts"][0].update(networks=["nationl"]), "unknown network 'nationl'"),
    (lambda d: d["command_posts"][0].update(networks=["national"]), "shares no network"),
])
def test_bad_command_input_is_refused_at_load(change, message):
    data = hub_lost_at(600.0)
    change(data)
    with pytest.raises(UserError, match=message):  # the command line's exit 2
        iadsim.load_scenario(data)
