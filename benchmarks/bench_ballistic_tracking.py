"""How well each track model holds each threat class: tracks lost, time to track and to fire, leaks (issue 4).

Runs the demo (``src/iadsim/data/demo.yaml``) and case 1
(``examples/case1_s400_city.yaml``) with ``move: flight, fly: flyout, sense:
radar`` and each track model, over seeds 0-4, one run at a time. Per threat
type: threats launched, confirmed tracks lost to misses per threat (track_drop
events whose reason starts with "lost"), mean seconds from first detection to
first confirmed track and to the first interceptor assigned (C2 fires only at
firm tracks), and leaks. Also the wall time of each model's runs and its ratio
to ``ekf``'s. The last line is one JSON object keyed "scenario/model/type".

    python benchmarks/bench_ballistic_tracking.py [--seeds 0 1 2 3 4] [--models ekf imm truth_noise]
        [--scenarios demo case1] [--tracking ballistic_acceleration_sigma=10]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from iadsim import simulate

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {"demo": ROOT / "src/iadsim/data/demo.yaml", "case1": ROOT / "examples/case1_s400_city.yaml"}


def per_type(events) -> dict[str, dict[str, float]]:  # noqa: ANN001 - a pyarrow table
    """Per threat type: launched, lost tracks, confirmation and assignment delays (s), leaks."""
    cols = {name: events.column(name).to_pylist() for name in ("t_s", "kind", "threat_id", "weapon", "reason")}
    kind_of: dict[int, str] = {}
    first: dict[tuple[str, int], float] = {}
    lost: dict[int, int] = defaultdict(int)
    leaked: set[int] = set()
    for t, kind, threat, weapon, reason in zip(*cols.values(), strict=True):
        if kind == "threat_launch":
            kind_of[threat] = weapon
        first.setdefault((kind, threat), t)
        if kind == "track_drop" and reason.startswith("lost_"):
            lost[threat] += 1
        if kind == "leak":
            leaked.add(threat)
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for threat, name in kind_of.items():
        row = out[name]
        row["launched"].append(1)
        row["lost"].append(lost[threat])
        row["leaked"].append(threat in leaked)
        detected = first.get(("detect", threat))
        for label, kind in (("to_track_s", "track_start"), ("to_assign_s", "assign")):
            if detected is not None and ("%s" % kind, threat) in first:
                row[label].append(first[(kind, threat)] - detected)
    return {name: {"launched": float(sum(r["launched"])), "lost": float(sum(r["lost"])),
                   "leaked": float(sum(r["leaked"])),
                   "to_track_s": float(np.mean(r["to_track_s"])) if r["to_track_s"] else float("nan"),
                   "to_assign_s": float(np.mean(r["to_assign_s"])) if r["to_assign_s"] else float("nan")}
            for name, r in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--models", nargs="+", default=["ekf", "imm", "truth_noise"])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--tracking", nargs="*", default=[], metavar="FIELD=VALUE",
                        help="override fields of the scenarios' tracking: section, e.g. ballistic_acceleration_sigma=10")
    args = parser.parse_args()
    result: dict[str, dict[str, float]] = {}
    print(f"{'scenario':>8} {'model':>11} {'type':>28} {'threats':>7} {'lost/threat':>11} {'det->trk s':>10} "
          f"{'det->fire s':>11} {'leaks':>6}")
    for scenario_name in args.scenarios:
        document = yaml.safe_load(SCENARIOS[scenario_name].read_text())
        seconds: dict[str, float] = {}
        for model in args.models:
            document["models"] = {"move": "flight", "fly": "flyout", "sense": "radar", "track": model}
            document["tracking"] = {**document.get("tracking", {}),
                                    **{k: yaml.safe_load(v) for k, v in (item.split("=", 1) for item in args.tracking)}}
            totals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
            start = time.perf_counter()
            for seed in args.seeds:
                for name, row in per_type(simulate(document, seed=seed).events).items():
                    for key, value in row.items():
                        totals[name][key].append(value)
            seconds[model] = time.perf_counter() - start
            for name, row in sorted(totals.items()):
                launched = sum(row["launched"])
                summary = {"threats": launched, "lost_per_threat": sum(row["lost"]) / launched,
                           "to_track_s": float(np.nanmean(row["to_track_s"])),
                           "to_assign_s": float(np.nanmean(row["to_assign_s"])), "leaks": sum(row["leaked"])}
                result[f"{scenario_name}/{model}/{name}"] = summary
                print(f"{scenario_name:>8} {model:>11} {name:>28} {launched:7.0f} {summary['lost_per_threat']:11.2f} "
                      f"{summary['to_track_s']:10.1f} {summary['to_assign_s']:11.1f} {summary['leaks']:6.0f}")
        for model, value in seconds.items():
            ratio = value / seconds["ekf"] if "ekf" in seconds else float("nan")
            result[f"{scenario_name}/{model}/seconds"] = {"seconds": value, "ratio_to_ekf": ratio}
            print(f"{scenario_name:>8} {model:>11} wall time {value:7.1f} s  ({ratio:.2f}x ekf)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
