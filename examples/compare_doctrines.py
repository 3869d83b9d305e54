"""The demo under three doctrines: what a layered defence gains by holding its long-range rounds.

    .venv/bin/python examples/compare_doctrines.py

Runs examples/demo.yaml as written (cost-aware, long-range rounds saved for the
threats only they can reach), then cost-blind, then cost-blind engaging at
maximum range (what a first-come, first-served defence does), and prints, for
each, the threats that leaked by type and where the long-range rounds went.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import iadsim

DEMO = Path(__file__).resolve().parent / "demo.yaml"
DOCTRINES = {
    "as in demo.yaml (cost_weight 2)": {},
    "cost-blind (cost_weight 0)": {"cost_weight": 0},
    "cost-blind, engage at max range": {"cost_weight": 0, "layer_policy": "max_range"},
}
SHORT = {"generic-drone": "drones", "generic-cruise-missile": "cruise", "generic-fighter": "fighters",
         "generic-ballistic-missile": "ballistic"}


def main() -> None:
    base = iadsim.load_scenario(DEMO).model_dump(mode="json")
    print(f"{'doctrine':<34} {'leaked':<44} {'long-range rounds at':<40} {'cost (M$)':>9}")
    for label, changes in DOCTRINES.items():
        data = {**base, "doctrine": {**base["doctrine"], **changes}}
        result = iadsim.simulate(iadsim.load_scenario(data))
        events = result.to_pandas()
        kind = events[events.kind == "threat_launch"].set_index("threat_id").weapon.map(SHORT)
        leaked = Counter(kind[events[events.kind == "leak"].threat_id])
        long_range = Counter(kind[events[(events.kind == "launch") & (events.layer == "long")].threat_id])
        print(f"{label:<34} {_counts(leaked):<44} {_counts(long_range):<40} "
              f"{result.metrics['cost_defender'] / 1e6:>9.1f}")


def _counts(counter: Counter) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(counter.items())) or "none"


if __name__ == "__main__":
    main()
