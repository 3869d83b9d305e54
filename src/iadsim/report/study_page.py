"""The study report: one offline HTML file of a study's results folder (docs/studies.md).

- for each swept parameter, each headline metric against it: the mean at every
  point with its 95 % confidence band (Wilson or bootstrap, as in
  ``summary.parquet``), one line per combination of the other sweeps' values;
- the distribution of each headline metric at every sweep point (box: quartiles,
  whiskers at the extremes, mean), computed here so the file's size does not
  grow with the number of replications;
- the table of results per point, every metric's summary, the study file.

Like the run report, everything is inside the file (plotly's JavaScript from
the pinned package, style, script, data), and every name that comes from the
study or the scenario is escaped (:mod:`iadsim.report.escape`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pyarrow as pa

from iadsim import __version__
from iadsim.report import escape
from iadsim.report.charts import TYPE_COLOURS
from iadsim.report.page import _ENVIRONMENT, PLOTLY_CONFIG, _plotly_js, _static
from iadsim.study.stats import summarize
from iadsim.study.store import StudyStore
from iadsim.study.worker import KEY_COLUMNS

HEADLINE_METRICS = {
    "leak_fraction": "leak fraction (threats leaked / launched)",
    "leaked_any": "leak probability (any threat leaks)",
    "killed": "threats killed",
    "interceptors_fired": "interceptors fired",
    "cost_defender": "cost of interceptors fired (USD)",
}
"""Metrics drawn against the swept parameters and as distributions, with their axis titles."""
_LAYOUT = dict(template="simple_white", margin=dict(l=70, r=10, t=50, b=60), legend=dict(font=dict(size=11)),
               height=380)


@dataclass(frozen=True)
class StudyRecord:
    """What the study report reads from a results folder."""

    manifest: dict[str, Any]
    study_text: str
    points: pa.Table
    metrics: pa.Table
    summary: pa.Table

    @classmethod
    def read(cls, store: StudyStore) -> StudyRecord:
        """Read a study folder; the summary is recomputed when the folder has none (nothing is written)."""
        metrics = store.metrics()
        summary = store.summary()
        if summary is None:
            names = [name for name in metrics.column_names if name not in KEY_COLUMNS]
            summary = summarize(metrics, store.manifest.get("precision") or {}, names)
        study_copy = store.folder / "study.yaml"
        text = study_copy.read_text(encoding="utf-8") if study_copy.is_file() else ""
        return cls(store.manifest, text, store.points(), metrics, summary)

    @property
    def sweep_paths(self) -> list[str]:
        return [sweep["path"] for sweep in self.manifest.get("sweeps", [])]

    def short_labels(self) -> dict[int, str]:
        """Each point by its swept values only (``"6 · Drones"``), for crowded axes."""
        columns = self.points.to_pydict()
        return {point: " · ".join(str(columns[path][row]) for path in self.sweep_paths) or "base scenario"
                for row, point in enumerate(columns["point"])}

    def metric_names(self) -> list[str]:
        present = set(self.summary.column("metric").to_pylist())
        return [name for name in HEADLINE_METRICS if name in present]


def render_study_report(record: StudyRecord) -> str:
    """The study report as one self-contained HTML string."""
    stats = _stats_by_point(record.summary)
    labels = dict(zip(record.points.column("point").to_pylist(), record.points.column("label").to_pylist(),
                      strict=True))
    figures: dict[str, go.Figure] = {}
    for sweep_index, path in enumerate(record.sweep_paths):
        for metric in record.metric_names():
            figures[f"sweep-{sweep_index}-{metric}"] = sweep_figure(record, path, metric, stats)
    short = record.short_labels()
    for metric in record.metric_names():
        figures[f"distribution-{metric}"] = distribution_figure(record, metric, short)
    data = {"figures": {name: figure.to_plotly_json() for name, figure in figures.items()}, "config": PLOTLY_CONFIG}
    counts = _counts_by_point(record.metrics)
    rows = [{"label": labels[point], "n": counts.get(point, 0),
             "cells": [_cell(stats.get(point, {}).get(metric)) for metric in record.metric_names()]}
            for point in labels]
    return _ENVIRONMENT.get_template("study.html.j2").render(
        manifest=record.manifest, version=__version__, study_text=record.study_text,
        sweep_paths=record.sweep_paths, metrics=[(name, HEADLINE_METRICS[name]) for name in record.metric_names()],
        figure_ids=list(figures), rows=rows, summary=[dict(row, label=labels.get(row["point"], row["point"]))
                                                      for row in record.summary.to_pylist()],
        replications=int(record.metrics.num_rows), number=_number, manifest_json=json.dumps(
            {key: value for key, value in record.manifest.items() if key != "point_scenarios"}, indent=2),
        plotly_js=_plotly_js(), style=_static("report.css") + _static("study.css"), script=_static("figures.js"),
        data_json=escape.json_for_script(data),
    )


def sweep_figure(record: StudyRecord, path: str, metric: str, stats: dict[int, dict[str, dict]]) -> go.Figure:
    """``metric`` against the swept ``path``: mean and 95 % band, one line per value of the other sweeps."""
    others = [other for other in record.sweep_paths if other != path]
    columns = record.points.to_pydict()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in range(len(columns["point"])):
        groups[tuple(columns[other][row] for other in others)].append(row)
    traces = []
    for index, (key, rows) in enumerate(groups.items()):
        rows = [row for row in rows if metric in stats.get(columns["point"][row], {})]
        if not rows:
            continue
        rows.sort(key=lambda row: _sort_key(columns[path][row]))
        x = [_axis_value(columns[path][row]) for row in rows]
        summaries = [stats[columns["point"][row]][metric] for row in rows]
        name = escape.text(", ".join(f"{other}={value}" for other, value in zip(others, key, strict=True))
                           or "all points")
        colour = TYPE_COLOURS[index % len(TYPE_COLOURS)]
        traces.append(go.Scatter(
            x=x + x[::-1], y=[s["ci_high"] for s in summaries] + [s["ci_low"] for s in summaries][::-1],
            fill="toself", fillcolor=colour, opacity=0.2, line=dict(width=0), hoverinfo="skip", legendgroup=name,
            showlegend=False, name=f"{name} 95 % CI"))
        traces.append(go.Scatter(
            x=x, y=[s["mean"] for s in summaries], mode="lines+markers", name=name, legendgroup=name,
            line=dict(color=colour), customdata=[[s["ci_low"], s["ci_high"], s["n"], s["method"]] for s in summaries],
            hovertemplate="%{x}: mean %{y:.4g}<br>95 % CI %{customdata[0]:.4g} to %{customdata[1]:.4g}"
                          "<br>%{customdata[2]} replications, %{customdata[3]}<extra>" + name + "</extra>"))
    figure = go.Figure(traces)
    figure.update_layout(title=dict(text=f"{escape.text(HEADLINE_METRICS[metric])} against {escape.text(path)}",
                                    font=dict(size=14)), xaxis_title=escape.text(path),
                         yaxis_title=escape.text(metric), showlegend=bool(others), **_LAYOUT)
    return figure


def distribution_figure(record: StudyRecord, metric: str, labels: dict[int, str]) -> go.Figure:
    """The distribution of ``metric`` over the replications of every point (``labels``: point -> axis label),
    as boxes whose quartiles are computed here."""
    points = record.metrics.column("point").to_numpy()
    values = record.metrics.column(metric).to_numpy(zero_copy_only=False).astype(float)
    names, q1, median, q3, low, high, mean = [], [], [], [], [], [], []
    for point, label in labels.items():
        chosen = values[(points == point) & ~np.isnan(values)]
        if chosen.size == 0:
            continue
        quartiles = np.quantile(chosen, [0.25, 0.5, 0.75])
        names.append(escape.text(label))
        for column, value in zip((q1, median, q3, low, high, mean),
                                 (*quartiles, chosen.min(), chosen.max(), chosen.mean()), strict=True):
            column.append(float(value))
    figure = go.Figure(go.Box(x=names, q1=q1, median=median, q3=q3, lowerfence=low, upperfence=high, mean=mean,
                              name=escape.text(metric), marker_color=TYPE_COLOURS[0], boxpoints=False))
    figure.update_layout(title=dict(text=f"{escape.text(HEADLINE_METRICS[metric])}: distribution per point",
                                    font=dict(size=14)), yaxis_title=escape.text(metric), showlegend=False,
                         xaxis_title=escape.text(" · ".join(record.sweep_paths)), **_LAYOUT)
    figure.update_xaxes(tickangle=-20, automargin=True)
    return figure


def _stats_by_point(summary: pa.Table) -> dict[int, dict[str, dict]]:
    stats: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in summary.to_pylist():
        stats[row["point"]][row["metric"]] = row
    return stats


def _counts_by_point(metrics: pa.Table) -> dict[int, int]:
    points, counts = np.unique(metrics.column("point").to_numpy(), return_counts=True)
    return dict(zip(points.tolist(), counts.tolist(), strict=True))


def _cell(row: dict | None) -> str:
    if row is None:
        return ""
    return f"{_number(row['mean'])} [{_number(row['ci_low'])}, {_number(row['ci_high'])}]"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


def _sort_key(value: Any) -> tuple:
    return (0, value, "") if isinstance(value, int | float) and not isinstance(value, bool) else (1, 0, str(value))


def _axis_value(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else escape.text(value)
