"""Run the case scenarios over seeded replications and print the tables of docs/cases/ (Markdown).

    python examples/cases.py                 # every case, 20 seeds each (a few minutes on 2 cores)
    python examples/cases.py 5 3 --seeds 5   # only cases 5 and 3, with 5 seeds each

Each case is the scenario file in examples/ and, where the write-up compares, its
variants (a field changed in a copy of the scenario). Figures are means over seeds
0 .. N-1; every run is `iadsim.simulate` on the real scenario.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from iadsim import casebook

HERE = Path(__file__).resolve().parent


def scenario(name: str, change: Any = None) -> dict[str, Any]:
    return casebook.variant(str(HERE / name), change or (lambda data: None))


def markdown(table: pd.DataFrame | pd.Series, digits: int = 2) -> str:
    """A Markdown table of ``table``, numbers rounded to ``digits``."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    index = " / ".join(str(name) for name in frame.index.names if name) or ""
    lines = ["| " + " | ".join([index, *map(str, frame.columns)]) + " |",
             "|" + "---|" * (len(frame.columns) + 1)]
    for key, row in frame.iterrows():
        label = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
        cells = [f"{v:,.{digits}f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines)


def case1(seeds: range) -> None:
    runs = casebook.replications(scenario("case1_s400_city.yaml"), seeds)
    print("## Case 1: leaks by threat type\n")
    print(markdown(casebook.leaks_by_type(runs)))
    print("\n## Case 1: interceptors fired per run, by layer and target\n")
    print(markdown(casebook.rounds_by_layer(runs), 1))
    keys = ["leak_fraction", "interceptors_fired", "cost_defender", "cost_threats_killed", "cost_threats_leaked",
            "first_out_of_rounds_s"]
    print("\n", casebook.mean_metrics(runs, keys), "\n")


def case2(seeds: range) -> None:
    def alone(data: dict) -> None:
        data["units"][0]["networks"] = []

    def salvo(data: dict) -> None:  # three times the missiles, and the rounds for them
        data["raids"][0].update(count=24, launch_interval=2.0)
        data["units"][0]["inventory"] = {name: 3 * n for name, n in data["units"][0]["inventory"].items()}

    rows = {}
    for label, change in (("networked, 8 missiles", None), ("stand-alone, 8 missiles", alone),
                          ("networked, 24 missiles", salvo),
                          ("stand-alone, 24 missiles", lambda d: (alone(d), salvo(d)))):
        runs = casebook.replications(scenario("case2_networked.yaml", change), seeds)
        warning = np.concatenate([casebook.warning_s(run, "City") for run in runs])
        rows[label] = {"warning_s (mean)": warning.mean(), "warning_s (min)": warning.min(),
                       **casebook.mean_metrics(runs, ["leak_fraction", "interceptors_fired"])}
    print("## Case 2: warning time and leaks\n")
    print(markdown(pd.DataFrame(rows).T, 2))


def case3(seeds: range) -> None:
    def stay(data: dict) -> None:
        data["units"][0]["relocate_after_firing"] = None

    def strike_at(minutes: float) -> Any:
        def change(data: dict) -> None:
            for raid in data["raids"][1:]:
                raid["launch_time"] = minutes * 60.0
        return change

    rows = {}
    for minutes in (5, 10, 25):
        for label, posture in (("stays", stay), ("relocates after firing", None)):
            def change(data: dict, posture: Any = posture, minutes: float = minutes) -> None:
                strike_at(minutes)(data)
                if posture:
                    posture(data)
            runs = casebook.replications(scenario("case3_strike_on_battery.yaml", change), seeds)
            leaks = casebook.leaks_by_type(runs)
            rows[(minutes, label)] = {
                "survival": casebook.unit_survival(runs),
                "drones leaked": leaks.leak_fraction.get("shahed-136-class", 0.0),
                "rounds fired": casebook.mean_metrics(runs, ["interceptors_fired"])["interceptors_fired"],
                "minutes not deployed": np.mean([casebook.time_not_deployed_s(run) for run in runs]) / 60.0,
            }
    table = pd.DataFrame(rows).T
    table.index.names = ["strike launched (min)", "battalion"]
    print("## Case 3: survival of the battalion\n")
    print(markdown(table, 2))


def case4(seeds: range) -> None:
    def cost_aware(data: dict) -> None:
        data["doctrine"]["cost_weight"] = 2.0

    rows, leaks = {}, {}
    for label, name in (("two S-400-class battalions", "case4_two_s400.yaml"),
                        ("Steel Dome-style network", "case4_steel_dome.yaml"),
                        ("two Patriot-class batteries", "case4_two_patriot.yaml")):
        for doctrine, change in (("default", None), ("cost-aware (cost_weight 2)", cost_aware)):
            runs = casebook.replications(scenario(name, change), seeds)
            rows[(label, doctrine)] = casebook.mean_metrics(
                runs, ["leak_fraction", "interceptors_fired", "cost_defender", "cost_threats_killed",
                       "cost_threats_leaked"])
            leaks[(label, doctrine)] = casebook.leaks_by_type(runs).leak_fraction
    table = pd.DataFrame(rows).T
    for column in ("cost_defender", "cost_threats_killed", "cost_threats_leaked"):
        table[column] /= 1e6
    print("## Case 4: the three defences on the same raid (costs in million USD)\n")
    print(markdown(table, 2))
    print("\n## Case 4: leak fraction by threat type\n")
    print(markdown(pd.DataFrame(leaks).T, 2))


def case5(seeds: range) -> None:
    def no_resupply(data: dict) -> None:
        data["units"][0]["resupply"] = []

    rows = {}
    for label, change in (("with a daily convoy", None), ("without resupply", no_resupply)):
        runs = casebook.replications(scenario("case5_magazine_depth.yaml", change), seeds)
        first = [casebook.shortage_night(run) for run in runs]
        nights = pd.concat([casebook.nightly(run) for run in runs]).groupby(level=0).mean()
        print(f"## Case 5 ({label}): per night, mean over seeds\n")
        print(markdown(nights.assign(spent_musd=nights.spent_usd / 1e6, drones_musd=nights.drones_usd / 1e6)
                       .drop(columns=["spent_usd", "drones_usd"]), 2))
        print()
        rows[label] = {"shortage night (mean)": np.nanmean(first),
                       "earliest": np.nanmin(first), "latest": np.nanmax(first),
                       **casebook.mean_metrics(runs, ["leak_fraction", "interceptors_fired", "cost_defender",
                                                      "cost_attacker", "cost_threats_killed"])}
    print("## Case 5: when shortages begin\n")
    print(markdown(pd.DataFrame(rows).T, 2))


def case6(seeds: range) -> None:
    def only(unit: int) -> Any:
        def change(data: dict) -> None:
            data["units"] = [data["units"][unit]]
        return change

    for label, change in (("S-400-class battalion alone", only(0)), ("Patriot-class battery alone", only(1))):
        run = casebook.replications(scenario("case6_low_observable.yaml", change), seeds[:1])[0]
        print(f"## Case 6 ({label}): first detection range (km)\n")
        print(markdown(casebook.first_detection_km(run), 1))
        print(f"\n## Case 6 ({label}): range at first launch (km)\n")
        print(markdown(casebook.first_launch_km(run), 1))
        print()


CASES = {1: case1, 2: case2, 3: case3, 4: case4, 5: case5, 6: case6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int, nargs="*", default=sorted(CASES), help="case numbers (default: all)")
    parser.add_argument("--seeds", type=int, default=20, help="replications per variant")
    args = parser.parse_args()
    for number in args.cases:
        CASES[number](range(args.seeds))


if __name__ == "__main__":
    main()
