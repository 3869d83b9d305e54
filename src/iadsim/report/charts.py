"""The report's timeline and charts, from the event log of one run.

- the timeline: one row per threat, from launch to its fate, with the moments
  it was first detected, tracked and engaged;
- interceptors used by type, against the rounds the units carried;
- kills by layer, split by threat type;
- time from first detection to first engagement, per threat engaged;
- cost: interceptors spent against threats killed and threats that leaked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
import plotly.graph_objects as go

from iadsim.catalog.schema import LAYERS
from iadsim.report import escape
from iadsim.report.outcome import (
    INTERCEPTOR_COLOUR, LAYER_COLOURS, LAYER_NAMES, LEAKED_COLOUR, OUTCOME_KEYS, outcome_colour, outcome_key,
    outcome_name,
)
from iadsim.report.record import RunRecord

LABELLED_ROWS = 60
"""Timelines with more threats than this show no threat names on their axis (hover still names them)."""
REACTION_BINS = 40
TYPE_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2", "#bab0ac")
_LAYOUT = dict(template="simple_white", margin=dict(l=60, r=10, t=40, b=50), legend=dict(font=dict(size=11)))


def timeline_figure(record: RunRecord) -> go.Figure:
    """One row per threat in launch order: a bar from launch to fate, and markers for each milestone."""
    outcomes = sorted(record.outcomes, key=lambda outcome: (outcome["launch_t_s"], outcome["threat_id"]))
    end_s = float(np.nanmax(record.events.column("t_s").to_numpy(), initial=0.0))
    labels = [escape.text(record.threat_label(outcome)) for outcome in outcomes]
    row = {outcome["threat_id"]: index for index, outcome in enumerate(outcomes)}
    traces = []
    for key in OUTCOME_KEYS:
        chosen = [outcome for outcome in outcomes if outcome_key(outcome) == key]
        if not chosen:
            continue
        x: list[float | None] = []
        y: list[float | None] = []
        hover: list[str] = []
        for outcome in chosen:
            stop = outcome["fate_t_s"] if outcome["fate_t_s"] is not None else end_s
            x += [outcome["launch_t_s"] / 60.0, stop / 60.0, None]
            y += [row[outcome["threat_id"]]] * 2 + [None]
            hover += [labels[row[outcome["threat_id"]]]] * 3
        traces.append(go.Scatter(x=x, y=y, mode="lines", name=outcome_name(key), text=hover, hoverinfo="text",
                                 line=dict(color=outcome_colour(key), width=6)))
    for field, name, marker in (
        ("detected_t_s", "first detected", dict(symbol="circle-open", size=9, color="#222", line=dict(width=2))),
        ("tracked_t_s", "first tracked", dict(symbol="diamond-open", size=9, color="#555", line=dict(width=2))),
        ("engaged_t_s", "first engaged", dict(symbol="triangle-right", size=10, color=INTERCEPTOR_COLOUR)),
        ("discriminated_t_s", "known a decoy", dict(symbol="square-open", size=9, color="#7f7f7f",
                                                    line=dict(width=2))),
    ):
        timed = [outcome for outcome in outcomes if outcome[field] is not None]
        if timed or field != "discriminated_t_s":  # a run without decoys shows no decoy legend entry
            traces.append(_milestones(timed, field, name, marker, row, labels))
    killed = [outcome for outcome in outcomes if outcome["fate"] == "killed"]
    leaked = [outcome for outcome in outcomes if outcome["fate"] == "leaked"]
    traces.append(_milestones(killed, "fate_t_s", "killed", dict(symbol="x", size=10, color="#111"), row, labels))
    traces.append(_milestones(leaked, "fate_t_s", "leaked", dict(symbol="star", size=12, color=LEAKED_COLOUR),
                              row, labels))
    figure = go.Figure(traces)
    show_names = len(outcomes) <= LABELLED_ROWS
    figure.update_layout(
        **_LAYOUT, height=int(min(max(260, 40 + 18 * len(outcomes)), 1400)), hovermode="closest",
        xaxis=dict(title="time (min)", showgrid=True, gridcolor="#eef0f3"),
        yaxis=dict(title=None if show_names else "threats, in launch order", autorange="reversed",
                   tickmode="array", tickvals=list(range(len(outcomes))) if show_names else [],
                   ticktext=labels if show_names else [], tickfont=dict(size=10)),
    )
    return figure


def _milestones(outcomes: list[dict[str, Any]], field: str, name: str, marker: dict[str, Any],
                row: dict[int, int], labels: list[str]) -> go.Scatter:
    return go.Scatter(
        x=[outcome[field] / 60.0 for outcome in outcomes], y=[row[outcome["threat_id"]] for outcome in outcomes],
        mode="markers", name=name, marker=marker, hoverinfo="text",
        text=[f"{labels[row[outcome['threat_id']]]}<br>{name} at {outcome[field] / 60.0:.1f} min"
              for outcome in outcomes],
    )


def interceptors_figure(record: RunRecord) -> go.Figure:
    """Interceptors fired per type, beside the rounds the scenario's units carried."""
    carried: Counter[str] = Counter()
    for unit in record.scenario.units:
        carried.update(unit.inventory)
    fired = Counter(record.launches["weapon"].tolist())
    names = sorted(set(carried) | set(fired))
    layers = [record.catalog.interceptor(name).layer for name in names]
    labels = [escape.text(name) for name in names]
    figure = go.Figure([
        go.Bar(x=labels, y=[carried[name] for name in names], name="carried", marker_color="#d5dbe3"),
        go.Bar(x=labels, y=[fired[name] for name in names], name="fired",
               marker_color=[LAYER_COLOURS[layer] for layer in layers]),
    ])
    figure.update_layout(**_LAYOUT, title="Interceptors used, by type", barmode="group", height=340,
                         yaxis_title="rounds")
    return figure


def kills_figure(record: RunRecord) -> go.Figure:
    """Threats killed by each layer, stacked by threat type."""
    killed = [outcome for outcome in record.outcomes if outcome["fate"] == "killed"]
    layers = [layer for layer in LAYERS if any(outcome["layer"] == layer for outcome in killed)]
    types = sorted({str(outcome["type"]) for outcome in record.outcomes})
    counts = Counter((outcome["layer"], outcome["type"]) for outcome in killed)
    figure = go.Figure([
        go.Bar(x=[LAYER_NAMES[layer] for layer in layers], y=[counts[layer, kind] for layer in layers],
               name=escape.text(kind), marker_color=TYPE_COLOURS[index % len(TYPE_COLOURS)])
        for index, kind in enumerate(types)
    ])
    figure.update_layout(**_LAYOUT, title="Kills by layer", barmode="stack", height=340, yaxis_title="threats killed")
    return figure


def reaction_figure(record: RunRecord) -> go.Figure:
    """Seconds from a threat's first detection to the first interceptor fired at it, by threat type."""
    delays: dict[str, list[float]] = defaultdict(list)
    for outcome in record.outcomes:
        if outcome["engaged_t_s"] is not None and outcome["detected_t_s"] is not None:
            delays[str(outcome["type"])].append(outcome["engaged_t_s"] - outcome["detected_t_s"])
    types = sorted({str(outcome["type"]) for outcome in record.outcomes})
    figure = go.Figure([
        go.Histogram(x=delays[kind], name=escape.text(kind), marker_color=TYPE_COLOURS[index % len(TYPE_COLOURS)],
                     nbinsx=REACTION_BINS)
        for index, kind in enumerate(types) if delays[kind]
    ])
    figure.update_layout(**_LAYOUT, title="Time from detection to engagement", barmode="stack", height=340,
                         xaxis_title="seconds from first detection to first launch", yaxis_title="threats")
    return figure


def cost_figure(record: RunRecord) -> go.Figure:
    """Money spent on interceptors fired, against the price of the threats killed and of those that leaked (USD)."""
    launch = record.launches
    spent: Counter[str] = Counter()
    for weapon, price in zip(launch["weapon"].tolist(), launch["value"].tolist(), strict=True):
        spent[weapon] += price
    price_of = _threat_prices(record)
    lost = {"threats killed": Counter(), "threats leaked": Counter()}
    for outcome in record.outcomes:
        if outcome["fate"] in ("killed", "leaked"):
            lost[f"threats {outcome['fate']}"][str(outcome["type"])] += price_of.get(outcome["threat_id"], 0.0)
    columns = ["interceptors fired", *lost]
    traces = [go.Bar(x=columns, y=[spent[name] / 1e6, 0, 0], name=escape.text(name),
                     marker_color=LAYER_COLOURS[record.catalog.interceptor(name).layer],
                     marker_pattern_shape="/", marker_pattern_fgcolor="#fff")
              for name in sorted(spent)]
    types = sorted({str(outcome["type"]) for outcome in record.outcomes})
    traces += [go.Bar(x=columns, y=[0, lost["threats killed"][kind] / 1e6, lost["threats leaked"][kind] / 1e6],
                      name=escape.text(kind), marker_color=TYPE_COLOURS[index % len(TYPE_COLOURS)])
               for index, kind in enumerate(types)]
    figure = go.Figure(traces)
    figure.update_layout(**_LAYOUT, title="Cost: interceptors spent against threats killed", barmode="stack",
                         height=340, yaxis_title="million USD")
    return figure


def _threat_prices(record: RunRecord) -> dict[int, float]:
    """Unit price (USD) of each threat, as its launch event gives it."""
    events = record.events
    kind = events.column("kind").cast("string").to_numpy(zero_copy_only=False)
    rows = kind == "threat_launch"
    return dict(zip(events.column("threat_id").to_numpy()[rows].tolist(),
                    events.column("value").to_numpy()[rows].tolist(), strict=True))
