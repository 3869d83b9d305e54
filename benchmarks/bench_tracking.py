"""iadsim's array tracker against the same pipeline on Stone Soup components, on the same simulated detections.

Scenario: ``iadsim.tracking.synthetic.standard_scenario`` (one radar, N targets
flying nearly constant velocity, Pd 0.9, 10 false alarms a scan, a 5 s scan
for 300 s). Both trackers get identical scans and the same numbers (EKF
constant velocity, chi-square gate, global nearest neighbour, 3-of-5
confirmation, 3 misses to delete). Scores: mean GOSPA (p = 1, c = 1 km,
α = 2) over the scans after the first minute, track-id swaps, wall time
spent in the tracker, and the speed ratio. Stone Soup runs at 50 and 200
targets (``--stonesoup-scans`` limits its scans, and ours are scored over the
same scans for the comparison); ours alone also at 1,000 and 10,000.

Targets (issue 4): GOSPA no worse than Stone Soup's by more than 2 %, at least
20× faster at 200 targets. Then clutter (issue 19): 50 targets at Pd 0.7 among 300
false alarms a scan, ``ekf`` and ``imm``, false tracks confirmed (the IMM must
confirm no more than the EKF). The last line is one JSON object keyed by target count,
and ``clutter``:
{"200": {"gospa_ours": ..., "gospa_stonesoup": ..., "seconds_ours": ..., "seconds_stonesoup": ...}, ...,
 "clutter": {"ekf": {"false_tracks": ..., "gospa": ..., "seconds": ...}, "imm": {...}}}

    python benchmarks/bench_tracking.py [--targets 50 200 1000 10000] [--stonesoup-scans 60]
"""

from __future__ import annotations

import argparse
import json

from iadsim.tracking.backend import TrackerParameters
from iadsim.tracking.core import ArrayTracker
from iadsim.tracking.scoring import RunScore, score_run
from iadsim.tracking.synthetic import standard_scenario

STONESOUP_MAX_TARGETS = 200
CLUTTER_TARGETS, CLUTTER_PD, CLUTTER_FALSE_ALARMS = 50, 0.7, 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, nargs="+", default=[50, 200, 1000, 10000])
    parser.add_argument("--stonesoup-scans", type=int, default=None,
                        help="scans fed to Stone Soup (and to ours for the side-by-side score); default all 60")
    args = parser.parse_args()
    from iadsim.tracking.stonesoup_backend import StoneSoupTracker

    result: dict[str, dict] = {}
    print(f"{'targets':>8} {'tracker':>10} {'scans':>6} {'GOSPA (m)':>11} {'per target':>11} {'id swaps':>9} "
          f"{'seconds':>9} {'speed ratio':>12}")
    for targets in args.targets:
        run = standard_scenario(targets, seed=1)
        parameters = TrackerParameters()
        ours = score_run(ArrayTracker(parameters, run.sensors), run)
        row: dict[str, float | int | None] = {"gospa_ours": ours.mean_gospa_m, "swaps_ours": ours.id_swaps,
                                              "seconds_ours": ours.seconds, "gospa_stonesoup": None,
                                              "swaps_stonesoup": None, "seconds_stonesoup": None}
        _print(targets, "iadsim", len(run.scans), ours, None)
        if targets <= STONESOUP_MAX_TARGETS:
            scans = args.stonesoup_scans or len(run.scans)
            theirs = score_run(StoneSoupTracker(parameters, run.sensors), run, scans=scans)
            same = ours if scans >= len(run.scans) else score_run(ArrayTracker(parameters, run.sensors), run,
                                                                   scans=scans)
            if same is not ours:
                _print(targets, "iadsim", scans, same, None)
            _print(targets, "stonesoup", scans, theirs, theirs.seconds / same.seconds)
            row.update(gospa_ours=same.mean_gospa_m, swaps_ours=same.id_swaps, seconds_ours=same.seconds,
                       gospa_stonesoup=theirs.mean_gospa_m, swaps_stonesoup=theirs.id_swaps,
                       seconds_stonesoup=theirs.seconds, scans=scans,
                       gospa_ratio=same.mean_gospa_m / theirs.mean_gospa_m,
                       speed_ratio=theirs.seconds / same.seconds)
        result[str(targets)] = row
    print(f"\nclutter: {CLUTTER_TARGETS} targets, Pd {CLUTTER_PD}, {CLUTTER_FALSE_ALARMS:.0f} false alarms a scan")
    print(f"{'tracker':>8} {'false tracks':>13} {'GOSPA (m)':>11} {'seconds':>9}")
    cluttered = standard_scenario(CLUTTER_TARGETS, seed=2, pd=CLUTTER_PD, false_alarms_per_scan=CLUTTER_FALSE_ALARMS)
    clutter: dict[str, dict[str, float | int]] = {}
    for name, interacting in (("ekf", False), ("imm", True)):
        score = score_run(ArrayTracker(TrackerParameters(interacting_models=interacting), cluttered.sensors), cluttered)
        clutter[name] = {"false_tracks": score.false_tracks, "gospa": score.mean_gospa_m, "seconds": score.seconds}
        print(f"{name:>8} {score.false_tracks:>13} {score.mean_gospa_m:11.0f} {score.seconds:9.3f}")
    result["clutter"] = clutter
    print(json.dumps(result))


def _print(targets: int, name: str, scans: int, score: RunScore, ratio: float | None) -> None:
    ratio_text = f"{ratio:11.1f}×" if ratio is not None else f"{'':>12}"
    print(f"{targets:>8} {name:>10} {scans:>6} {score.mean_gospa_m:11.0f} {score.mean_gospa_per_target_m:11.1f} "
          f"{score.id_swaps:>9} {score.seconds:9.3f} {ratio_text}")


if __name__ == "__main__":
    main()
