"""Verification of unit posture and magazines (:mod:`iadsim.c2.posture`, :mod:`iadsim.c2.launch`)."""

from __future__ import annotations

import numpy as np

import iadsim
from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.verify import CaseResult, case

_CITY = {"name": "City", "position": {"lat": 38.42, "lon": 27.14}, "value": 100}
_BATTALION = {"name": "Battalion", "type": "s400-battalion", "position": {"lat": 38.50, "lon": 27.05},
              "inventory": {"s400-9m96e-class": 4}}


def _scenario(**fields: object) -> dict:
    return {"name": "verify", "duration": 7200.0, "time_step": 1.0, "assets": [_CITY], **fields}


@case("unit-move-timeline")
def unit_move_timeline() -> CaseResult:
    """An ordered move: deployed again at order + march_time + road distance / speed + setup_time.

    The closed form uses the catalog's S-400-class march-out and set-up times and
    the WGS-84 geodesic (Karney 2013) for the road distance; the engine must hit it
    to within one tick.
    """
    kind = load_catalog().fire_unit("s400-battalion")
    move = {"time": 600.0, "to": {"lat": 38.45, "lon": 27.20}, "speed": 10.0}
    drones = {"type": "shahed-136-class", "count": 1, "launch_time": 5400.0, "launch_point": {"lat": 39.9, "lon": 27.1},
              "target": "City"}
    result = iadsim.simulate(_scenario(units=[{**_BATTALION, "moves": [move]}], raids=[drones]), seed=0)
    events = result.events.to_pandas()
    deployed = events[(events.kind == "unit_state") & (events.detail == "deployed")].t_s.min()
    road_m, _ = geo.geodesic_inverse(38.50, 27.05, 38.45, 27.20)
    expected = 600.0 + kind.march_time + road_m / 10.0 + kind.setup_time
    return CaseResult(
        case="unit-move-timeline", model="c2.posture (march, drive, set up)",
        reference="order + march_time + distance/speed + setup_time (catalog, Karney 2013 geodesic)",
        expected=f"{expected:.1f} s", got=f"{deployed:.1f} s", tolerance="1 tick (1 s)",
        passed=bool(abs(deployed - expected) <= 1.0),
    )


@case("magazine-conservation")
def magazine_conservation() -> CaseResult:
    """Rounds fired never exceed rounds loaded plus rounds delivered so far, and every delivered round is fired.

    Conservation of rounds over four nights of nightly drone waves that empty the
    magazine, with a daily delivery: at every launch, fired so far <= initial +
    delivered so far, and in the end every round loaded or delivered has been fired.
    """
    supply = [{"rounds": {"s400-9m96e-class": 4}, "every": 86400.0, "start": 43200.0}]
    drones = {"type": "shahed-136-class", "count": 8, "launch_interval": 30.0, "launch_time": 72000.0,
              "waves": 4, "wave_interval": 86400.0, "launch_point": {"lat": 39.4, "lon": 27.6}, "target": "City"}
    scenario = _scenario(duration=4 * 86400.0, units=[{**_BATTALION, "resupply": supply}], raids=[drones])
    events = iadsim.simulate(scenario, seed=1).events.to_pandas()
    launches = np.sort(events[events.kind == "launch"].t_s.to_numpy())
    deliveries = events[events.kind == "resupply"]
    delivered = 4 + np.array([deliveries.value[deliveries.t_s <= t].sum() for t in launches])
    fired = np.arange(1, len(launches) + 1)
    worst = int((fired - delivered).max()) if len(fired) else 0
    total = 4 + deliveries.value.sum()
    return CaseResult(
        case="magazine-conservation", model="c2.launch + c2.posture (resupply)",
        reference="fired(t) <= loaded + delivered(t); all rounds fired when threats outnumber them",
        expected=f"<= 0 excess; {total:.0f} fired", got=f"{worst} excess; {len(launches)} fired",
        tolerance="exact", passed=worst <= 0 and len(launches) == total,
    )
