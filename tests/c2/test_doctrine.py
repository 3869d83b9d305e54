"""Doctrine rules: rounds per threat, weapons control, which layer holds back, and the scenario section."""

import numpy as np
import pytest

from iadsim.c2.doctrine import engageable, layer_holds, rounds_allowed
from iadsim.c2.threat_evaluation import ThreatAssessment
from iadsim.errors import UserError
from iadsim.scenario.schema import Doctrine
from tests.helpers import raid, scenario, unit


def test_shoot_look_shoot_waits_for_the_look_and_caps_the_total():
    doctrine = Doctrine(max_interceptors_per_threat=3)
    in_flight, fired = np.array([0, 1, 0, 0]), np.array([0, 1, 2, 3])
    assert rounds_allowed(doctrine, in_flight, fired).tolist() == [1, 0, 1, 0]


def test_shoot_shoot_keeps_a_salvo_in_the_air():
    doctrine = Doctrine(mode="shoot_shoot", max_interceptors_per_threat=4)
    in_flight, fired = np.array([0, 1, 2, 1]), np.array([0, 1, 2, 3])
    assert rounds_allowed(doctrine, in_flight, fired).tolist() == [2, 1, 0, 1]


def assessment(confidence, aimed):
    n = len(confidence)
    return ThreatAssessment(np.zeros(n, int), np.array(confidence), np.zeros(n, int), np.array(aimed),
                            np.ones(n), np.ones(n), np.full(n, -1))


def test_weapons_control():
    a = assessment([0.95, 0.5, 0.95], [True, True, False])
    assert engageable(Doctrine(), a).tolist() == [True, True, True]
    assert engageable(Doctrine(weapons_control="tight"), a).tolist() == [True, False, False]
    assert engageable(Doctrine(weapons_control="hold"), a).tolist() == [False, False, False]


def test_a_long_layer_holds_back_for_the_threats_a_short_layer_will_take_as_far_as_its_rounds_go():
    """Weapon 0 (long, rank 1) can fire at all four tracks now; weapon 1 (short, rank 3, 3 rounds, pk 0.7)
    will reach tracks 0-2 later: it is counted on for floor(3 × 0.7) = 2 threats, the two most urgent."""
    now = np.array([[True, True, True, True], [False, False, False, False]])
    cover = np.array([[True, True, True, True], [True, True, True, False]])
    held = layer_holds(now, cover, layer_rank=np.array([1, 3]), rounds_left=np.array([20, 3]),
                       pk=np.array([0.7, 0.7]), t_go_s=np.array([300.0, 100.0, 200.0, 50.0]))
    assert held.tolist() == [[False, True, True, False], [False, False, False, False]]


def test_salvo_cannot_exceed_the_cap_per_threat():
    with pytest.raises(UserError, match="salvo of 3 exceeds"):
        scenario(units=[unit()], raids=[raid()], doctrine={"salvo": 3, "max_interceptors_per_threat": 2})


def test_doctrine_defaults_and_a_misspelt_field():
    sc = scenario(units=[unit()], raids=[raid()])
    assert sc.doctrine.mode == "shoot_look_shoot" and sc.doctrine.rounds_in_the_air == 1
    assert sc.doctrine.layer_policy == "save_long_range" and sc.doctrine.cost_weight == 0.0
    with pytest.raises(UserError, match="unknown field 'mod'"):
        scenario(units=[unit()], raids=[raid()], doctrine={"mod": "shoot_shoot"})
