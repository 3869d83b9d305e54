"""Run the case studies and write the tables and plots of the case write-ups (docs/cases/).

    python examples/cases.py                 # every case: run (or resume) its study, rewrite docs/cases/
    python examples/cases.py 5 3             # only cases 5 and 3
    python examples/cases.py --quick         # 1-2 replications a point, into results/cases-quick/ (a smoke run)
    python examples/cases.py validation      # the validation cases (examples/validation/): docs/validation.md

Each case is one or more study files (examples/case<N>*-study.yaml). Its study runs with the
`iadsim study` machinery on local worker processes into results/cases/<study name>/ (rerun
to resume; a finished study is only read). The tables (means with 95 % intervals from the
study statistics) and plots (SVG, docs/cases/figures/) are written between the
`<!-- generated:NAME -->` and `<!-- /generated:NAME -->` markers of each write-up; the prose
around them is kept as written.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from iadsim import casebook  # noqa: E402
from iadsim.casebook import CaseStudy  # noqa: E402
from iadsim.catalog import load_catalog  # noqa: E402
from iadsim.study.stats import Interval  # noqa: E402

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs" / "cases"
plt.rcParams.update({"svg.hashsalt": "iadsim-cases", "svg.fonttype": "none", "font.size": 9,
                     "figure.dpi": 100})
Blocks = dict[str, str]


# formatting -------------------------------------------------------------------------------------


def ci(mean: float, low: float, high: float, digits: int = 2, scale: float = 1.0) -> str:
    """``mean [low, high]``, each divided by ``scale``; a zero-width interval shows the mean alone."""
    if not np.isfinite(mean):
        return "-"
    mean, low, high = mean / scale, low / scale, high / scale
    if np.isclose(low, high):
        return f"{mean:,.{digits}f}"
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def ci_of(interval, digits: int = 2, scale: float = 1.0) -> str:  # an Interval or a row of casebook.intervals
    if isinstance(interval, pd.Series):
        return ci(interval["mean"], interval["low"], interval["high"], digits, scale)
    return ci(interval.mean, interval.low, interval.high, digits, scale)


def present(interval: Interval) -> Interval:
    """``interval``, or 0 where the metric is absent from every run (a study drops a metric no run reported)."""
    return interval if np.isfinite(interval.mean) else Interval(0.0, 0.0, 0.0, "absent")


def markdown(frame: pd.DataFrame, index_name: str = "") -> str:
    """A Markdown table of ``frame`` (cells as they are: format them first)."""
    lines = ["| " + " | ".join([index_name, *map(str, frame.columns)]) + " |",
             "|" + "---|" * (len(frame.columns) + 1)]
    for key, row in frame.iterrows():
        label = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
        lines.append("| " + " | ".join([label, *map(str, row)]) + " |")
    return "\n".join(lines)


TYPE_NAMES = {"shahed-136-class": "Shahed-136-class", "kalibr-class": "Kalibr-class",
              "iskander-m-class": "Iskander-M-class", "tomahawk-class": "Tomahawk-class",
              "gmlrs-class": "GMLRS-class", "atacms-cluster-class": "ATACMS-class (cluster)",
              "f16-class": "F-16-class", "f35-class": "F-35-class"}


def short_type(name: str) -> str:
    """A catalog threat name as the write-ups print it (``iskander-m-class`` -> ``Iskander-M-class``)."""
    return TYPE_NAMES.get(name, name)


def error_bars(table: pd.DataFrame) -> np.ndarray:
    """Matplotlib's ``yerr`` (below, above the mean) from a table of ``mean``, ``low``, ``high`` columns."""
    mean, low, high = (table[column].to_numpy(dtype=float) for column in ("mean", "low", "high"))
    return np.maximum(np.vstack([mean - low, high - mean]), 0.0)  # rounding can put a bound a hair inside


def save(figure: plt.Figure, out: Path, name: str) -> str:
    """Write ``figure`` to ``out/figures/name.svg`` (reproducible bytes) and return its Markdown image link."""
    path = out / "figures" / f"{name}.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    figure.savefig(temporary, format="svg", metadata={"Date": None}, bbox_inches="tight")
    temporary.replace(path)
    plt.close(figure)
    return f"![{name}](figures/{name}.svg)"


def provenance(studies: list[CaseStudy]) -> str:
    """Which study folders, how many replications, at which point: the first line of every block."""
    parts = []
    for study in studies:
        leak = study.summary.xs("leak_fraction", level="metric").half_width.max()
        parts.append(f"`{study.folder.name}` ({study.replications(0)} replications a point, "
                     f"{len(study.points)} point{'s' if len(study.points) > 1 else ''}; leak fraction "
                     f"within ±{leak:.3f})")
    return ("Generated by `python examples/cases.py` from " + ", ".join(parts)
            + "; 95 % intervals in brackets (± is the largest half-width over the points).")


def navigation_jamming(study: CaseStudy) -> str:
    """The table of a GNSS study (examples/case<N>-gnss-study.yaml): point 0 without the jammer, point 1 with
    it. Without one no threat can be lost: the runs report no ``lost_fraction`` ("-")."""
    rows = {}
    for point, variant in {0: "without a GNSS jammer", 1: "with a GNSS jammer near the city"}.items():
        rows[variant] = {
            "leak fraction": ci_of(study.metric(point, "leak_fraction")),
            "lost to jamming (fraction)": ci_of(study.metric(point, "lost_fraction")),
            "shot down": ci_of(study.metric(point, "killed"), 1),
            "interceptors fired": ci_of(study.metric(point, "interceptors_fired"), 1),
            "interceptors spent (M$)": ci_of(study.metric(point, "cost_defender"), 1, 1e6),
        }
    return provenance([study]) + "\n\n" + markdown(pd.DataFrame(rows).T, "")


def class_reserve(main: CaseStudy, reserve: CaseStudy) -> str:
    """The table of a class-reserve study (examples/case<N>-reserve-study.yaml): the case's own doctrine
    (``main``'s point 0, save_long_range) beside the reserve study's points (max_range, max_range with
    ``reserve_for``, save_long_range with it); leak fractions by threat type and the long-layer rounds
    fired at each type, per run."""
    variants = [(main, 0)] + [(reserve, point) for point in range(len(reserve.points))]
    rows = {}
    for study, point in variants:
        doctrine = study.scenario(point).doctrine
        kept = doctrine.reserve_for
        label = doctrine.layer_policy + (f" + {kept.rounds} {'/'.join(kept.layers)} kept for "
                                         f"{'/'.join(kept.classes)}" if kept else "")
        events = study.events(point)
        by_type = casebook.intervals(casebook.leak_fraction_by_type(events))
        row = {f"{short_type(kind)} leaked": ci_of(interval) for kind, interval in by_type.iterrows()}
        fired = casebook.rounds_fired(events)
        long_layer = fired.loc[:, fired.columns.get_level_values("layer") == "long"]
        for kind in sorted(set(long_layer.columns.get_level_values("at"))):
            per_run = long_layer.xs(kind, axis=1, level="at").sum(axis=1)
            row[f"long rounds at {short_type(kind)}"] = f"{per_run.mean():.1f}"
        row["leak fraction (all)"] = ci_of(study.metric(point, "leak_fraction"))
        row["interceptors fired"] = ci_of(study.metric(point, "interceptors_fired"), 1)
        rows[label] = row
    table = pd.DataFrame(rows).T.fillna("0.0")
    leaked = sorted(name for name in table.columns if name.endswith(" leaked"))
    long_rounds = sorted(name for name in table.columns if name.startswith("long rounds"))
    order = [*leaked, *long_rounds, "leak fraction (all)", "interceptors fired"]
    return provenance([main, reserve]) + "\n\n" + markdown(table[order], "doctrine")


# the cases --------------------------------------------------------------------------------------


def case1(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    doctrines = {0: "default doctrine", 1: "cost-aware (cost_weight 2)"}
    leaks, rounds, headline = {}, {}, {}
    for point, doctrine in doctrines.items():
        events = study.events(point)
        by_type = casebook.intervals(casebook.leak_fraction_by_type(events))
        leaks[doctrine] = {short_type(t): ci_of(row) for t, row in by_type.iterrows()}
        rounds[doctrine] = casebook.rounds_fired(events).mean()
        headline[doctrine] = {
            "leak fraction": ci_of(study.metric(point, "leak_fraction")),
            "interceptors fired": ci_of(study.metric(point, "interceptors_fired"), 1),
            "interceptors spent (M$)": ci_of(study.metric(point, "cost_defender"), 1, 1e6),
            "threats shot down (M$)": ci_of(study.metric(point, "cost_threats_killed"), 1, 1e6),
            "first type out of rounds (s)": ci_of(study.metric(point, "first_out_of_rounds_s"), 0),
        }
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    layers = ["very_long", "long", "medium", "short"]
    for axis, (doctrine, mean) in zip(axes, rounds.items(), strict=True):
        table = mean.unstack("at").reindex(layers).fillna(0.0)
        bottom = np.zeros(len(layers))
        for target in table.columns:
            axis.bar(layers, table[target], bottom=bottom, label=short_type(target))
            bottom += table[target].to_numpy()
        axis.set_title(doctrine)
        axis.set_xlabel("layer")
    axes[0].set_ylabel("interceptors fired per run (mean)")
    axes[1].legend(title="fired at", fontsize=8)
    rounds_table = pd.DataFrame({doctrine: mean.map(lambda v: f"{v:.1f}") for doctrine, mean in rounds.items()})
    rounds_table = rounds_table.fillna("0.0").reindex(sorted(rounds_table.index, key=lambda k: (layers.index(k[0])
                                                                                              if k[0] in layers
                                                                                              else 9, k[1])))
    rounds_table.index = [f"{layer} at {short_type(target)}" for layer, target in rounds_table.index]
    return {
        "case1-leaks": provenance(studies[:1]) + "\n\n" + markdown(pd.DataFrame(leaks), "threat type"),
        "case1-gnss": navigation_jamming(studies[1]),
        "case1-reserve": class_reserve(study, studies[2]),
        "case1-headline": markdown(pd.DataFrame(headline), "per run"),
        "case1-rounds": markdown(rounds_table, "layer, fired at") + "\n\n" + save(figure, out, "case1-rounds"),
    }


def case2(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    rows, warnings = {}, {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        networked = bool(scenario.units[0].networks)
        label = (f"{scenario.raids[0].count} missiles, "
                 + (f"gateway at {scenario.networks[1].latency:.0f} s" if networked else "alone"))
        warning = casebook.warning_s(study.events(point), scenario, "City")
        warnings[label] = warning.warning_s.to_numpy()
        rows[label] = {
            "warning, mean (s)": ci_of(casebook.intervals(warning.groupby("replication").warning_s.mean()).iloc[0], 0),
            "warning, least (s)": f"{warning.warning_s.min():.0f}",
            "leak fraction": ci_of(study.metric(point, "leak_fraction")),
            "P(any leak)": ci_of(casebook.intervals(study.metric_values(point, "leaked_any"), yes_no=True).iloc[0]),
            "rounds fired": ci_of(study.metric(point, "interceptors_fired"), 1),
        }
    figure, axis = plt.subplots(figsize=(8, 3.2))
    axis.boxplot(list(warnings.values()), orientation="horizontal", whis=(0, 100))
    axis.set_yticks(range(1, len(warnings) + 1), list(warnings))
    axis.set_xlabel("warning: flight time left to the city at the first track (s)")
    axis.invert_yaxis()
    return {"case2-warning": provenance(studies[:1]) + "\n\n" + markdown(pd.DataFrame(rows).T, "variant") + "\n\n"
            + save(figure, out, "case2-warning"), "case2b-hub": hub_lost(studies[1])}


def hub_lost(study: CaseStudy) -> str:
    """Case 2b: leak fraction and launches of the battalion whose command post is lost at each time, against
    each salvo: launches inside the cut-off window (from the loss to the end of the doctrine's
    ``autonomy_delay``, over all runs), the first launch and the last one (means over the runs, the latest)."""
    rows = {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        lost_s, missiles = scenario.command_posts[0].lost_at, scenario.raids[0].count
        cut_off = lost_s is not None and lost_s < scenario.duration
        launches = study.events(point).query("kind == 'launch'")
        by_run = launches.groupby("replication").t_s
        window = launches.t_s.between(lost_s, lost_s + scenario.doctrine.autonomy_delay) if cut_off else None
        label = f"{lost_s / 60:.0f} min" if cut_off else "never"
        rows[(label, missiles)] = {
            "leak fraction": ci_of(study.metric(point, "leak_fraction")),
            "launches while cut off (all runs)": f"{int(window.sum())}" if cut_off else "–",
            "first launch (s)": f"{by_run.min().mean():.0f}",
            "last launch (s), mean (latest)": f"{by_run.max().mean():.0f} ({by_run.max().max():.0f})",
        }
    return provenance([study]) + "\n\n" + markdown(pd.DataFrame(rows).T, "hub lost at / missiles")


def case3(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    rows = {}
    survival: dict[str, list[tuple[float, pd.Series]]] = {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        minutes = scenario.raids[1].launch_time / 60.0
        posture = "relocates after firing" if scenario.units[0].relocate_after_firing else "stays"
        events = study.events(point)
        survived = casebook.intervals(study.metric_values(point, "units_destroyed").fillna(0.0).eq(0).astype(float),
                                      yes_no=True)
        survival.setdefault(posture, []).append((minutes, survived.iloc[0]))
        drones = casebook.leak_fraction_by_type(events).get("shahed-136-class")
        rows[(f"{minutes:.0f}", posture)] = {
            "P(survives)": ci_of(survived.iloc[0]),
            "drones leaked (fraction)": ci_of(casebook.intervals(drones).iloc[0]) if drones is not None else "-",
            "rounds fired": ci_of(study.metric(point, "interceptors_fired"), 1),
            **{f"{part} lost": ci_of(study.metric(point, metric), 2) for part, metric in (
                ("command posts", "command_posts_lost"), ("radars", "radars_lost"), ("launchers", "launchers_lost"))},
            "minutes not deployed": ci_of(casebook.intervals(
                casebook.time_not_deployed_s(events, scenario.duration) / 60.0).iloc[0], 1),
        }
    figure, axis = plt.subplots(figsize=(6, 3.2))
    for offset, (posture, values) in zip((-0.3, 0.3), survival.items(), strict=True):
        x = np.array([m for m, _ in values]) + offset
        points = pd.DataFrame([row for _, row in values])
        axis.errorbar(x, points["mean"], yerr=error_bars(points), marker="o", capsize=3, label=posture)
    axis.set_xlabel("strike launched (minutes after the first drone)")
    axis.set_ylabel("P(battalion survives), 95 % CI")
    axis.set_ylim(-0.05, 1.05)
    axis.legend()
    table = pd.DataFrame(rows).T
    return {"case3-survival": provenance(studies) + "\n\n" + markdown(table, "strike (min) / battalion") + "\n\n"
            + save(figure, out, "case3-survival")}


def case4(studies: list[CaseStudy], out: Path) -> Blocks:
    names = ["two S-400-class battalions", "Steel Dome-style network", "two Patriot-class batteries"]
    doctrines = {0: "default", 1: "cost-aware"}
    rows, leaks, means = {}, {}, {}
    for name, study in zip(names, studies[:3], strict=True):
        for point, doctrine in doctrines.items():
            rows[(name, doctrine)] = {
                "leak fraction": ci_of(study.metric(point, "leak_fraction")),
                "interceptors fired": ci_of(study.metric(point, "interceptors_fired"), 1),
                "spent (M$)": ci_of(study.metric(point, "cost_defender"), 1, 1e6),
                "threats shot down (M$)": ci_of(study.metric(point, "cost_threats_killed"), 1, 1e6),
                "threats leaked (M$)": ci_of(study.metric(point, "cost_threats_leaked"), 1, 1e6),
            }
            by_type = casebook.intervals(casebook.leak_fraction_by_type(study.events(point)))
            leaks[(name, doctrine)] = {short_type(t): ci_of(row) for t, row in by_type.iterrows()}
            means[(name, doctrine)] = by_type
    figure, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
    types = sorted({kind for table in means.values() for kind in table.index})
    width = 0.8 / len(names)
    for axis, doctrine in zip(axes, doctrines.values(), strict=True):
        for i, name in enumerate(names):
            table = means[(name, doctrine)].reindex(types)
            x = np.arange(len(types)) + (i - (len(names) - 1) / 2) * width
            axis.bar(x, table["mean"], width, yerr=error_bars(table), capsize=3, label=name)
        axis.set_xticks(np.arange(len(types)), [short_type(t).removesuffix("-class") for t in types])
        axis.set_title(f"{doctrine} doctrine")
    axes[0].set_ylabel("leak fraction, 95 % CI")
    axes[0].legend(fontsize=8, loc="upper right")
    return {
        "case4-defences": provenance(studies[:3]) + "\n\n" + markdown(pd.DataFrame(rows).T, "defence / doctrine"),
        "case4-leaks": markdown(pd.DataFrame(leaks).T, "defence / doctrine") + "\n\n"
        + save(figure, out, "case4-leaks-by-type"),
        "case4-reserve": class_reserve(studies[0], studies[3]),
    }


def case5(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    variants = {0: "with a daily convoy", 1: "without resupply"}
    blocks: Blocks = {}
    rows = {}
    figure, axis = plt.subplots(figsize=(7, 3.2))
    for point, variant in variants.items():
        events = study.events(point)
        nights = casebook.nightly(events)
        mean = nights.groupby(level="night").mean()
        leaked = casebook.intervals(nights.leaked.unstack("night"))
        table = pd.DataFrame({
            "threats": mean.threats.map("{:.1f}".format), "leaked": leaked.apply(ci_of, axis=1, digits=1),
            "fired": mean.fired.map("{:.1f}".format), "delivered": mean.delivered.map("{:.1f}".format),
            "spent (M$)": (mean.spent_usd / 1e6).map("{:.1f}".format),
            "drones (M$)": (mean.drones_usd / 1e6).map("{:.2f}".format)})
        blocks[f"case5-nights-{point}"] = markdown(table, "night")
        axis.errorbar(leaked.index.astype(int), leaked["mean"], yerr=error_bars(leaked), capsize=3, marker="o",
                      label=variant)
        first = casebook.shortage_night(events)
        rows[variant] = {
            "first shortage night": ci_of(casebook.intervals(first).iloc[0], 1)
            + (f" ({int(first.isna().sum())} runs without one)" if first.isna().any() else ""),
            "earliest / latest": f"{first.min():.0f} / {first.max():.0f}" if first.notna().any() else "-",
            "leak fraction (week)": ci_of(study.metric(point, "leak_fraction")),
            "interceptors fired": ci_of(study.metric(point, "interceptors_fired"), 1),
            "interceptors spent (M$)": ci_of(study.metric(point, "cost_defender"), 1, 1e6),
            "drones launched (M$)": ci_of(study.metric(point, "cost_attacker"), 2, 1e6),
            "drones shot down (M$)": ci_of(study.metric(point, "cost_threats_killed"), 2, 1e6),
        }
    axis.set_xlabel("night")
    axis.set_ylabel("drones leaked (of 12), 95 % CI")
    axis.legend()
    blocks["case5-shortage"] = (provenance(studies[:1]) + "\n\n" + markdown(pd.DataFrame(rows).T, "")
                                + "\n\n" + save(figure, out, "case5-leaks-per-night"))
    blocks["case5-gnss"] = navigation_jamming(studies[1])
    return blocks


def case6(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    catalog = load_catalog()
    detected, launched, ranges = {}, {}, {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        defender = scenario.units[0].name
        events = study.events(point)
        first = casebook.first_detections(events, study.entities(point))
        for (radar, kind), group in first.groupby(["radar", "type"]):
            entry = catalog.radar(radar)
            closed_km = entry.detection_range * (catalog.threat(kind).rcs / entry.reference_rcs) ** 0.25 / 1e3
            per_run = group.groupby("replication").km.mean()
            detected[(defender, radar, short_type(kind))] = {
                "first detection (km)": ci_of(casebook.intervals(per_run).iloc[0], 0),
                "least / most (km)": f"{group.km.min():.0f} / {group.km.max():.0f}",
                "radar equation R0 (σ/σ0)^¼ (km)": f"{closed_km:.0f}"}
            ranges[(defender, radar, kind)] = (group.km.to_numpy(), closed_km)
        for kind, group in casebook.first_launches(events).groupby("type"):
            launched[(defender, short_type(kind))] = {
                "range at first launch (km)": ci_of(casebook.intervals(group.groupby("replication").km.mean()).iloc[0],
                                                    0),
                "engaged (threats per run)": f"{group.groupby('replication').size().mean():.1f}"}
    panels = sorted({(defender, radar) for defender, radar, _ in ranges})
    figure, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.0), squeeze=False)
    for axis, (defender, radar) in zip(axes[0], panels, strict=True):
        shown = {kind: ranges[(defender, radar, kind)] for kind in ("f16-class", "f35-class")
                 if (defender, radar, kind) in ranges}
        top_km = max(max(values.max(), closed_km) for values, closed_km in shown.values())
        bins = np.linspace(0.0, 1.05 * top_km, 43)
        for kind, (values, closed_km) in shown.items():
            colour = {"f16-class": "tab:blue", "f35-class": "tab:red"}[kind]
            axis.hist(values, bins=bins, alpha=0.6, color=colour, label=short_type(kind))
            axis.axvline(closed_km, color=colour, linestyle="--")
        axis.set_title(radar, fontsize=8)
        axis.set_xlabel("first detection (km)")
    axes[0][0].set_ylabel("threats (all runs)")
    axes[0][-1].legend(fontsize=8)
    return {
        "case6-detection": provenance(studies) + "\n\n" + markdown(pd.DataFrame(detected).T, "defender / radar / type")
        + "\n\n" + save(figure, out, "case6-first-detection"),
        "case6-launch": markdown(pd.DataFrame(launched).T, "defender / type"),
    }


def case7(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    rows = {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        jammer = scenario.jammers[0].type.removeprefix("ea18g-").removesuffix("-class-jammer") if scenario.jammers \
            else "none"
        decoys = scenario.raids[0].decoys.count if scenario.raids[0].decoys else 0
        events = study.events(point)
        first = casebook.first_detections(events, study.entities(point))
        launched = casebook.first_launches(events)
        row: dict[str, str] = {}
        for kind in ("f16-class", "f35-class"):
            seen = first[first.type == kind].groupby(["replication", "threat_id"]).km.max()
            fired = launched[launched.type == kind]
            row[f"{short_type(kind)} first detection (km)"] = (
                ci_of(casebook.intervals(seen.groupby(level="replication").mean()).iloc[0], 0) if len(seen) else "-")
            row[f"{short_type(kind)} first launch (km)"] = (
                ci_of(casebook.intervals(fired.groupby("replication").km.mean()).iloc[0], 0) if len(fired) else "-")
        row["rounds at decoys"] = ci_of(study.metric(point, "rounds_at_decoys"), 1) if decoys else "0"
        row["interceptors fired"] = ci_of(study.metric(point, "interceptors_fired"), 1)
        row["leak fraction (aircraft)"] = ci_of(study.metric(point, "leak_fraction"))
        row["interceptors spent (M$)"] = ci_of(study.metric(point, "cost_defender"), 0, 1e6)
        row["aircraft shot down (M$)"] = ci_of(study.metric(point, "cost_threats_killed"), 0, 1e6)
        rows[(jammer, decoys)] = row
    return {"case7-ew": provenance(studies[:1]) + "\n\n" + markdown(pd.DataFrame(rows).T, "jammer / decoys per F-16"),
            "case7b-fixes": case7b(studies[1])}


def case7b(study: CaseStudy) -> str:
    """Case 7b's table: per point (without, with the stand-alone radar) the jammer fixes, the fix tracks, the
    home-on-jam orders, the fighters engaged and their first launch ranges, leaks and cost."""
    rows = {}
    for point in range(len(study.points)):
        separated = bool(study.scenario(point).sensors)
        events = study.events(point)
        fates = casebook.threat_fates(events)
        aircraft = fates[fates.type.isin(["f16-class", "f35-class"])]
        started, assigned = events[events.kind == "track_start"], events[events.kind == "assign"]
        replications = pd.Index(sorted(events.replication.unique()), name="replication")

        def per_replication(frame: pd.DataFrame) -> pd.Series:
            return frame.groupby("replication").size().reindex(replications, fill_value=0)

        fighters = assigned[assigned.threat_id.isin(aircraft.reset_index().threat_id.unique())]
        launched = casebook.first_launches(events)
        frame = pd.DataFrame({
            "jammers located (stand-off included)": study.metric_values(point, "jammer_fixes").reindex(replications),
            "fix tracks started": per_replication(started[started.detail.str.endswith("jammer fix", na=False)]),
            "home-on-jam orders": per_replication(assigned[assigned.detail.str.contains("home on jam", na=False)]),
            "orders at fighters": per_replication(fighters),
        })
        row = {name: ci_of(interval, 1) for name, interval in casebook.intervals(frame).iterrows()}
        for kind in ("f16-class", "f35-class"):
            fired = launched[launched.type == kind]
            row[f"{short_type(kind)} first launch (km)"] = (
                ci_of(casebook.intervals(fired.groupby("replication").km.mean()).iloc[0], 0) if len(fired) else "-")
        row["leak fraction (aircraft)"] = ci_of(study.metric(point, "leak_fraction"))
        row["interceptors fired"] = ci_of(study.metric(point, "interceptors_fired"), 1)
        rows["96L6E-class 50 km west" if separated else "battalion alone"] = row
    return provenance([study]) + "\n\n" + markdown(pd.DataFrame(rows).T, "radars")


def case8(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    rows = {}
    for point in range(len(study.points)):
        emission = study.scenario(point).doctrine.emission
        events = study.events(point)
        fates = casebook.threat_fates(events)
        arms = fates[fates.type == "agm-88-class"]
        per_replication = pd.DataFrame({
            "ARMs intercepted": arms.assign(k=arms.fate == "killed").groupby("replication").k.sum(),
            "aircraft lost": fates[fates.type == "f16-class"].assign(k=lambda f: f.fate == "killed")
                             .groupby("replication").k.sum(),
            "SAM shots": events[events.kind == "launch"].groupby("replication").size(),
            "engagement radar silent (s)": casebook.silent_s(events, sensor_id=1),
        }).fillna(0.0)
        row = {"radars lost": ci_of(study.metric(point, "radars_lost"), 2)}
        row |= {name: ci_of(interval, 1) for name, interval in casebook.intervals(per_replication).iterrows()}
        rows[emission.policy.replace("_", " ")] = row
    return {"case8-sead": provenance(studies) + "\n\n" + markdown(pd.DataFrame(rows).T, "emission policy")}


def case9(studies: list[CaseStudy], out: Path) -> Blocks:
    study = studies[0]
    rows, shares, found = {}, {}, {}
    for point in range(len(study.points)):
        scenario = study.scenario(point)
        pantsir = scenario.units[1]
        defence = ("no point defence" if not sum(pantsir.inventory.values())
                   else "Pantsir, networked" if pantsir.networks else "Pantsir, alone")
        weapon = short_type(scenario.raids[0].type)
        events = study.events(point)
        replications = sorted(events.replication.unique())
        by_unit = {}  # per replication: threats each unit (0 the battalion, 1 the Pantsir) shot down, rounds fired
        for unit in (0, 1):
            for kind, name in (("intercept", "intercepted"), ("launch", "fired")):
                by_unit[f"{name} {unit}"] = (events[(events.kind == kind) & (events.unit_id == unit)]
                                             .groupby("replication").size().reindex(replications, fill_value=0)
                                             .astype(float))
        first_launch = events[events.kind == "threat_launch"].groupby("replication").t_s.min()
        off_s = casebook.off_the_air_s(events, unit_id=0)
        off = casebook.intervals(off_s.notna().astype(float), yes_no=True).iloc[0]
        destroyed = casebook.intervals(study.metric_values(point, "units_destroyed").fillna(0.0).gt(0)
                                       .astype(float), yes_no=True).iloc[0]
        counted = casebook.intervals(pd.DataFrame({**by_unit, "off after": off_s - first_launch}))
        rows[(weapon, defence)] = {
            "intercepted by the battalion": ci_of(counted.loc["intercepted 0"], 1),
            "by the Pantsir": ci_of(counted.loc["intercepted 1"], 1),
            "through": ci_of(study.metric(point, "leaked"), 1),
            "launchers lost": ci_of(present(study.metric(point, "launchers_lost")), 2),
            "radars lost": ci_of(present(study.metric(point, "radars_lost")), 2),
            "command posts lost": ci_of(present(study.metric(point, "command_posts_lost")), 2),
            "P(destroyed)": ci_of(destroyed),
            "P(off the air)": ci_of(off),
            "off the air after (s)": ci_of(counted.loc["off after"], 0) if off["mean"] > 0 else "-",
            "rounds: battalion / Pantsir": f"{ci_of(counted.loc['fired 0'], 1)} / {ci_of(counted.loc['fired 1'], 1)}",
            "rounds spent (M$)": ci_of(study.metric(point, "cost_defender"), 1, 1e6),
            "strike (M$)": ci_of(study.metric(point, "cost_attacker"), 1, 1e6),
        }
        shares.setdefault(weapon, []).append((defence, off))
        if scenario.raids[0].type == "atacms-cluster-class":
            found[defence] = {"missiles intercepted (of 12)": study.metric(point, "killed"),
                              "missiles through (of 12)": study.metric(point, "leaked"),
                              **{f"{part} lost": present(study.metric(point, f"{part}_lost"))
                                 for part in ("launchers", "radars")}}
    figure, axis = plt.subplots(figsize=(6, 3.2))
    for offset, (weapon, values) in zip((-0.1, 0.1), shares.items(), strict=True):
        points = pd.DataFrame([row for _, row in values])
        axis.errorbar(np.arange(len(values)) + offset, points["mean"], yerr=error_bars(points), fmt="o", capsize=3,
                      label=weapon)
    axis.set_xticks(np.arange(len(values)), [defence for defence, _ in values])
    axis.set_ylabel("P(battalion off the air), 95 % CI")
    axis.set_ylim(-0.05, 1.05)
    axis.legend()
    return {"case9-strike": provenance(studies) + "\n\n" + markdown(pd.DataFrame(rows).T, "weapon / point defence")
            + "\n\n" + save(figure, out, "case9-off-the-air"),
            "case9-crimea": compared(found, REPORTED["crimea"], 1)}



# the validation cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """A reported outcome to hold a simulated one against: one side's claim, with who made it and where."""

    outcome: str
    value: float
    claimed_by: str
    source: str  # a Markdown link to the public report


REPORTED = {
    "israel": [
        Reported("drones shot down (fraction)", 1.0, "IDF spokesman (all drones and cruise missiles intercepted, "
                 "most outside Israel's airspace)", "[The Independent, 14 April 2024](https://www.independent.co.uk"
                 "/news/world/middle-east/iran-strikes-israel-attack-live-updates-b2528439.html)"),
        Reported("cruise missiles shot down (fraction)", 1.0, "IDF spokesman", "[The Independent, 14 April 2024](https://"
                 "www.independent.co.uk/news/world/middle-east/iran-strikes-israel-attack-live-updates-b2528439.html)"),
        Reported("ballistic missiles shot down (of 120)", 60, "three US officials: about half of 115-130 intercepted, "
                 "the other half failed at launch or in flight", "[Il Giornale, reporting the Wall Street Journal]"
                 "(https://www.ilgiornale.it/news/politica-estera/problemi-tecnici-ai-missili-lanciati-dalliran-"
                 "rivelazione-2309604.html)"),
        Reported("ballistic missiles that reached their aim", 9, "a US official: 5 at Nevatim, 4 at a second Negev "
                 "base (the IDF: 'single digits' at Nevatim)", "[Il Dubbio, reporting ABC News](https://www."
                 "ildubbio.news/cronache/israele-almeno-nove-missili-iraniani-hanno-colpito-basi-militari-lhjmeaic)"),
    ],
    "ukraine": [
        Reported("drones shot down (fraction)", 296 / 728, "Ukrainian Air Force: 296 of 728 shot down",
                 "[AP, 9 July 2025](https://www.wdbo.com/news/world/russia-fires-record/5VSRF5GK6ZB4BGHBJPWTUVVKOY/)"),
        Reported("drones lost to electronic warfare (fraction)", 415 / 728, "Ukrainian Air Force: 415 'lost from "
                 "radar or jammed'", "[AP, 9 July 2025](https://www.wdbo.com/news/world/russia-fires-record/"
                 "5VSRF5GK6ZB4BGHBJPWTUVVKOY/)"),
        Reported("drones neutralised (fraction)", 711 / 728, "Ukrainian Air Force: 296 + 415 of 728",
                 "[AP, 9 July 2025](https://www.wdbo.com/news/world/russia-fires-record/5VSRF5GK6ZB4BGHBJPWTUVVKOY/)"),
        Reported("cruise missiles shot down (fraction)", 1.0, "Ukrainian Air Force: 7 missiles shot down; the 6 "
                 "Kinzhal-class got through", "[Times NG, 9 July 2025](https://timesng.com/russia-launches-massive-"
                 "drone/)"),
    ],
    "crimea": [
        Reported("missiles intercepted (of 12)", 7, "Astra (independent Russian outlet): 7 of 12 intercepted",
                 "[Verkkouutiset, June 2024](https://www.verkkouutiset.fi/a/viisi-ohjusta-paasi-lapi-"
                 "ohjuspatteri-taas-liekeissa-krimilla/)"),
        Reported("missiles through (of 12)", 5, "Astra: 5 got through", "[Verkkouutiset, June 2024](https://www."
                 "verkkouutiset.fi/a/viisi-ohjusta-paasi-lapi-ohjuspatteri-taas-liekeissa-krimilla/)"),
        Reported("launchers lost", 2, "Astra: two S-400-class launchers destroyed", "[Verkkouutiset, June 2024]"
                 "(https://www.verkkouutiset.fi/a/viisi-ohjusta-paasi-lapi-ohjuspatteri-taas-liekeissa-krimilla/)"),
        Reported("radars lost", 1, "Astra: a radar station; Ukraine's General Staff: 'two radars of the S-300 and "
                 "S-400 complexes' (the Russian-installed governor: no damage)", "[Business Recorder, reporting "
                 "Reuters, 12 June 2024](https://www.brecorder.com/news/40308119/ukraine-says-it-hit-three-russian-"
                 "air-defence-systems-in-occupied-crimea)"),
    ],
}
"""The reported outcomes of the validation cases, looked up after the scenarios and studies were
committed (docs/validation.md). Each is one side's claim."""


def compared(simulated: dict[str, dict[str, Interval]], reported: list[Reported], digits: int) -> str:
    """The comparison table: per outcome, each point's simulated mean [95 % interval], the reported figure,
    who claimed it and where, and the difference (simulated mean minus reported) at each point."""
    rows = {}
    for claim in reported:
        row = {}
        for point, outcomes in simulated.items():
            found = outcomes[claim.outcome]
            row[f"simulated, {point}"] = ci_of(found, digits)
            row[f"difference, {point}"] = f"{found.mean - claim.value:+,.{digits}f}"
        rows[claim.outcome] = {"reported": f"{claim.value:,.{digits}f}", **row, "claimed by": claim.claimed_by,
                               "source": claim.source}
    return markdown(pd.DataFrame(rows).T, "outcome")


def fates_table(counts: pd.DataFrame, names: dict[str, str]) -> tuple[pd.DataFrame, dict[str, Interval]]:
    """Per threat type (``names``: catalog name -> label): launched, and the mean [95 % interval] of each fate
    per run; with the intervals themselves keyed ``'<label> <fate>'``."""
    rows, found = {}, {}
    for kind, label in names.items():
        launched = sum(counts[(kind, fate)] for fate in ("killed", "leaked", "lost", "flying")
                       if (kind, fate) in counts)
        row = {"launched": f"{launched.mean():.0f}"}
        for fate in ("killed", "lost", "leaked"):
            values = counts[(kind, fate)] if (kind, fate) in counts else pd.Series(0.0, index=counts.index)
            interval = casebook.intervals(values.astype(float)).iloc[0]
            share = casebook.intervals((values / launched).astype(float)).iloc[0]
            found[f"{label} {fate}"] = Interval(interval["mean"], interval["low"], interval["high"], "")
            found[f"{label} {fate} (fraction)"] = Interval(share["mean"], share["low"], share["high"], "")
            row[{"killed": "shot down", "lost": "lost (GNSS)", "leaked": "leaked"}[fate]] = ci_of(interval, 1)
        rows[label] = row
    return pd.DataFrame(rows).T, found


def validation(studies: list[CaseStudy], out: Path) -> Blocks:
    air, missiles, ukraine, crimea = studies
    summary: dict[str, list[tuple[str, Interval, float]]] = {}

    israel_tables, israel_found = [], {}
    for point in range(len(air.points)):
        shots = air.scenario(point).units[2].inventory["aim9x-class"]
        rounds = sum(missiles.scenario(point).units[0].inventory.values())
        label = f"{shots} AIM-9X-class a patrol, {rounds} Arrow-class rounds a battery"
        table, found = fates_table(casebook.fate_counts(air.events(point)),
                                   {"shahed-136-class": "drones", "paveh-class": "cruise missiles"})
        wave, found_wave = fates_table(casebook.fate_counts(missiles.events(point)), {"emad-class": "ballistic missiles"})
        found.update(found_wave)
        fired = ", ".join(f"{kind.removesuffix('-class')} {ci_of(study.metric(point, f'interceptors_{kind}'), 1)}"
                          for study, kinds in ((air, ("aim9x-class", "tamir-class", "stunner-class")),
                                               (missiles, ("arrow3-class", "arrow2-class", "stunner-class")))
                          for kind in kinds)
        israel_tables.append(f"**{label}** (interceptors fired per run: {fired}; the second stunner figure is the "
                             "ballistic wave's)\n\n" + markdown(pd.concat([table, wave]), "threat class"))
        israel_found[label] = {
            "drones shot down (fraction)": found["drones killed (fraction)"],
            "cruise missiles shot down (fraction)": found["cruise missiles killed (fraction)"],
            "ballistic missiles shot down (of 120)": found["ballistic missiles killed"],
            "ballistic missiles that reached their aim": found["ballistic missiles leaked"]}
        summary.setdefault("Israel: ballistic missiles shot down", []).append(
            (label.replace(", ", "\n"), found["ballistic missiles killed (fraction)"], 60 / 120))

    ukraine_tables, ukraine_found = [], {}
    names = {"shahed-136-class": "drones", "kh101-class": "cruise missiles"}
    for point in range(len(ukraine.points)):
        label = f"drones at {ukraine.scenario(point).raids[0].altitude:,.0f} m"
        counts = casebook.fate_counts(ukraine.events(point))
        table, found = fates_table(counts, names)
        ukraine_tables.append(f"**{label}**\n\n" + markdown(table, "threat class"))
        drones = sum(counts[column] for column in counts.columns if column[0] == "shahed-136-class")
        neutralised = sum(counts[("shahed-136-class", fate)] for fate in ("killed", "lost")
                          if ("shahed-136-class", fate) in counts)
        share = casebook.intervals((neutralised / drones).astype(float)).iloc[0]
        ukraine_found[label] = {
            "drones shot down (fraction)": found["drones killed (fraction)"],
            "drones lost to electronic warfare (fraction)": found["drones lost (fraction)"],
            "drones neutralised (fraction)": Interval(share["mean"], share["low"], share["high"], ""),
            "cruise missiles shot down (fraction)": found["cruise missiles killed (fraction)"]}
        summary.setdefault("Ukraine: drones neutralised", []).append(
            (label, ukraine_found[label]["drones neutralised (fraction)"], 711 / 728))

    crimea_rows, crimea_found = {}, {}
    for point in range(len(crimea.points)):
        scenario = crimea.scenario(point)
        rounds = sum(scenario.units[0].inventory.values())
        label = f"{rounds} rounds, {'cluster' if 'cluster' in scenario.raids[0].type else 'unitary'}"

        def metric(name: str, point: int = point) -> Interval:
            return present(crimea.metric(point, name))
        destroyed = casebook.intervals(crimea.metric_values(point, "units_destroyed").fillna(0.0).gt(0)
                                       .astype(float), yes_no=True).iloc[0]
        crimea_rows[label] = {
            "intercepted": ci_of(metric("killed"), 1), "through": ci_of(metric("leaked"), 1),
            "rounds fired": ci_of(metric("interceptors_fired"), 1),
            "launchers lost": ci_of(metric("launchers_lost"), 2), "radars lost": ci_of(metric("radars_lost"), 2),
            "command posts lost": ci_of(metric("command_posts_lost"), 2), "P(destroyed)": ci_of(destroyed)}
        crimea_found[label] = {"missiles intercepted (of 12)": metric("killed"),
                               "missiles through (of 12)": metric("leaked"),
                               "launchers lost": metric("launchers_lost"), "radars lost": metric("radars_lost")}
        share = casebook.intervals((crimea.metric_values(point, "killed").fillna(0.0) / 12.0).astype(float)).iloc[0]
        summary.setdefault("Crimea: missiles intercepted", []).append(
            (label, Interval(share["mean"], share["low"], share["high"], ""), 7 / 12))

    figure, axes = plt.subplots(1, len(summary), figsize=(10, 3.2), sharey=True)
    for axis, (title, values) in zip(axes, summary.items(), strict=True):
        points = pd.DataFrame([{"mean": v.mean, "low": v.low, "high": v.high} for _, v, _ in values])
        x = np.arange(len(values))
        axis.errorbar(x, points["mean"], yerr=error_bars(points), fmt="o", capsize=3, label="simulated, 95 % CI")
        axis.axhline(values[0][2], color="tab:red", linestyle="--", label="reported (one side's claim)")
        axis.set_xticks(x, [label for label, _, _ in values], rotation=15, fontsize=7)
        axis.set_xlim(-0.5, len(values) - 0.5)
        axis.set_title(title, fontsize=9)
    axes[0].set_ylabel("fraction")
    axes[0].set_ylim(-0.05, 1.05)
    axes[-1].legend(fontsize=7, loc="lower right")
    return {
        "validation-israel": provenance([air, missiles]) + "\n\n" + "\n\n".join(israel_tables) + "\n\n"
        + compared(israel_found, REPORTED["israel"], 2),
        "validation-ukraine": provenance([ukraine]) + "\n\n" + "\n\n".join(ukraine_tables) + "\n\n"
        + compared(ukraine_found, REPORTED["ukraine"], 2),
        "validation-crimea": provenance([crimea]) + "\n\n" + markdown(pd.DataFrame(crimea_rows).T, "load, warhead")
        + "\n\n" + compared(crimea_found, REPORTED["crimea"], 1),
        "validation-summary": save(figure, out, "validation-summary"),
    }


@dataclass(frozen=True)
class Case:
    studies: tuple[str, ...]
    write_up: str
    figures: Callable[[list[CaseStudy], Path], Blocks]
    quick_replications: int = 2
    templates: Path = DOCS
    """Where the committed write-up (the template of its generated blocks) lives."""


CASES = {
    1: Case(("case1-study.yaml", "case1-gnss-study.yaml", "case1-reserve-study.yaml"), "s400-city.md", case1),
    2: Case(("case2-study.yaml", "case2b-study.yaml"), "networked.md", case2),
    3: Case(("case3-study.yaml",), "strike-on-battery.md", case3),
    4: Case(("case4a-study.yaml", "case4b-study.yaml", "case4c-study.yaml", "case4a-reserve-study.yaml"),
            "three-defences.md", case4, 1),
    5: Case(("case5-study.yaml", "case5-gnss-study.yaml"), "magazine-depth.md", case5, 1),
    6: Case(("case6-study.yaml",), "low-observable.md", case6),
    7: Case(("case7-study.yaml", "case7b-study.yaml"), "electronic-warfare.md", case7, 1),
    8: Case(("case8-study.yaml",), "sead.md", case8),
    9: Case(("case9-study.yaml",), "himars-s400.md", case9),
}
VALIDATION = Case(("validation/israel-air-study.yaml", "validation/israel-missiles-study.yaml",
                   "validation/ukraine-drone-night-study.yaml", "validation/crimea-atacms-study.yaml"),
                  "validation.md", validation, 2, DOCS.parent)
"""The validation cases (docs/validation.md): ``python examples/cases.py validation``."""


def fill(text: str, blocks: Blocks) -> str:
    """``text`` with the body of every ``<!-- generated:NAME -->`` ... ``<!-- /generated:NAME -->`` block
    replaced by ``blocks[NAME]``; a block missing from either side is an error (nothing rots silently)."""
    found = re.findall(r"<!-- generated:([\w-]+) -->", text)
    if sorted(found) != sorted(blocks):
        raise ValueError(f"write-up markers {sorted(found)} do not match the generated blocks {sorted(blocks)}")
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        text, count = pattern.subn(lambda match, body=body: match.group(1) + body + "\n" + match.group(2), text)
        if count != 1:
            raise ValueError(f"block {name}: no closing marker")
    return text


def run(numbers: list[int | str], quick: bool, results: Path, docs: Path, workers: int) -> list[Path]:
    """Run (or resume) each case's studies into ``results``, write its write-up (from the template in
    docs/cases/) and figures into ``docs``; return the write-ups written."""
    written = []
    for number in numbers:
        case = VALIDATION if number == "validation" else CASES[number]
        studies = [casebook.run_case_study(HERE / name, results / Path(name).stem,
                                           case.quick_replications if quick else None, workers)
                   for name in case.studies]
        blocks = case.figures(studies, docs)
        target = docs / case.write_up
        target.parent.mkdir(parents=True, exist_ok=True)
        text = fill((case.templates / case.write_up).read_text(encoding="utf-8"), blocks)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        written.append(target)
        print(f"case {number}: {target}", flush=True)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=f"case numbers, of {sorted(CASES)} (default: all), or "
                                                "'validation' alone (docs/validation.md)")
    parser.add_argument("--quick", action="store_true",
                        help="1-2 replications a point, into results/cases-quick/ (write-ups there too)")
    parser.add_argument("--results", type=Path, help="study folders [default: results/cases or results/cases-quick]")
    parser.add_argument("--docs", type=Path, help="where write-ups and figures go [default: docs/cases; with "
                                                  "--quick, <results>/docs]")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes (default 2; 1 runs in this process)")
    args = parser.parse_args(argv)
    if args.cases == ["validation"]:
        chosen: list[int | str] = ["validation"]
        results = args.results or Path("results") / ("validation-quick" if args.quick else "validation")
        docs = args.docs or (results / "docs" if args.quick else VALIDATION.templates)
    else:
        unknown = sorted(set(args.cases) - {str(number) for number in CASES})
        if unknown:
            parser.error(f"no case {unknown[0]}: the cases are {sorted(CASES)}, or 'validation' alone")
        chosen = [int(number) for number in args.cases] or sorted(CASES)
        results = args.results or Path("results") / ("cases-quick" if args.quick else "cases")
        docs = args.docs or (results / "docs" if args.quick else DOCS)
    run(chosen, args.quick, results, docs, args.workers)


if __name__ == "__main__":
    main(sys.argv[1:])
