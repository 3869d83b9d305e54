"""The run report: one HTML file that opens with no network, holding map, replay, timeline, charts and tables.

Everything the page needs is inside it: plotly's JavaScript (from the pinned
``plotly`` package), the page's own script and style, the map outline, and the
figures and replay data as JSON. Scenario-supplied text is escaped everywhere
(see :mod:`iadsim.report.escape`).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import numpy as np
import plotly.offline
import yaml

from iadsim import __version__
from iadsim.report import escape
from iadsim.report.charts import cost_figure, interceptors_figure, kills_figure, reaction_figure, timeline_figure
from iadsim.report.map_figure import DEFAULT_COVERAGE_ALTITUDES_M, MapFigure, build_map, project_paths
from iadsim.report.outcome import INTERCEPTOR_COLOUR, outcome_colour, outcome_key
from iadsim.report.paths import Paths
from iadsim.report.record import RunRecord

MAX_LOG_ROWS = 20_000
"""The replay's event log lists at most this many events (path samples are never listed)."""
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": True}

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("iadsim.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render_run_report(record: RunRecord, coverage_altitudes_m: tuple[float, ...] = DEFAULT_COVERAGE_ALTITUDES_M) -> str:
    """The run report of ``record`` as one self-contained HTML string."""
    map_figure = build_map(record, coverage_altitudes_m)
    log = _log_rows(record)
    figures = {
        "map": map_figure.figure, "map-geo": build_map(record, coverage_altitudes_m, geographic=True).figure,
        "timeline": timeline_figure(record), "chart-interceptors": interceptors_figure(record),
        "chart-kills": kills_figure(record), "chart-reaction": reaction_figure(record), "chart-cost": cost_figure(record),
    }
    data = {
        "figures": {name: figure.to_plotly_json() for name, figure in figures.items()},
        "config": PLOTLY_CONFIG,
        "replay": _replay_data(record, map_figure),
        "log_t": [row["t_s"] for row in log],
    }
    kinds = Counter(record.events.column("kind").cast("string").to_pylist())
    return _ENVIRONMENT.get_template("run.html.j2").render(
        scenario=record.scenario,
        summary=record.summary,
        seed=record.seed,
        metrics=[(key, _number(value)) for key, value in record.metrics.items()],
        outcomes=[dict(outcome, label=record.threat_label(outcome), key=outcome_key(outcome),
                       colour=outcome_colour(outcome_key(outcome))) for outcome in record.outcomes],
        event_counts=sorted(kinds.items(), key=lambda item: -item[1]),
        log=log,
        log_total=sum(count for kind, count in kinds.items() if kind != "path_point"),
        scenario_yaml=yaml.safe_dump(record.scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
        version=__version__,
        clock=clock_text,
        end_s=data["replay"]["end_s"],
        step_s=data["replay"]["step_s"],
        plotly_js=_plotly_js(),
        style=_static("report.css"),
        script=_static("figures.js") + _static("report.js"),
        data_json=escape.json_for_script(data),
    )


def clock_text(t_s: float) -> str:
    """Seconds as a clock: ``"7:05"``, ``"1:02:03"``."""
    whole = int(round(t_s))
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@cache
def _plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def _static(name: str) -> str:
    return (resources.files("iadsim.report") / "static" / name).read_text(encoding="utf-8")


def _replay_data(record: RunRecord, map_figure: MapFigure) -> dict[str, Any]:
    """Paths in map kilometres for the replay, and which map traces it moves."""
    by_id = {outcome["threat_id"]: outcome for outcome in record.outcomes}
    threat_ids = record.drawn_threat_paths.ids.tolist()
    launch = record.launches
    weapon = dict(zip(launch["interceptor_id"].tolist(), launch["weapon"].tolist(), strict=True))
    interceptor_ids = record.drawn_interceptor_paths.ids.tolist()
    end_s = float(np.nanmax(record.events.column("t_s").to_numpy(), initial=0.0))
    return {
        "end_s": end_s,
        "step_s": float(record.scenario.time_step),
        "traces": {"threats": map_figure.threats_now_trace, "interceptors": map_figure.interceptors_now_trace},
        "threats": _replay_paths(map_figure, record.drawn_threat_paths,
                                 [escape.text(record.threat_label(by_id[i])) for i in threat_ids],
                                 [outcome_colour(outcome_key(by_id[i])) for i in threat_ids]),
        "interceptors": _replay_paths(map_figure, record.drawn_interceptor_paths,
                                      [f"interceptor #{i} ({escape.text(weapon.get(i, '?'))})"
                                       for i in interceptor_ids],
                                      [INTERCEPTOR_COLOUR] * len(interceptor_ids)),
    }


def _replay_paths(map_figure: MapFigure, paths: Paths, labels: list[str], colours: list[str]) -> dict[str, Any]:
    x, y = project_paths(map_figure.frame, paths)
    return {"offsets": paths.offsets, "t": np.round(paths.t_s, 2), "x": np.round(x, 3), "y": np.round(y, 3),
            "label": labels, "colour": colours}


def _log_rows(record: RunRecord) -> list[dict[str, Any]]:
    """The events the replay lists beside the map, each as a time and a sentence (unescaped text)."""
    events = record.events
    kind = events.column("kind").cast("string").to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(kind != "path_point")[:MAX_LOG_ROWS]
    columns = {name: events.column(name).take(rows).to_pylist()
               for name in ("t_s", "kind", "threat_id", "track_id", "unit_id", "sensor_id", "interceptor_id",
                            "weapon", "detail", "value", "reason")}
    threats = {outcome["threat_id"]: record.threat_label(outcome) for outcome in record.outcomes}
    out = []
    for index in range(len(rows)):
        event = {name: values[index] for name, values in columns.items()}
        event["threat"] = threats.get(event["threat_id"], f"#{event['threat_id']}")
        out.append({"t_s": event["t_s"], "clock": clock_text(event["t_s"]), "kind": event["kind"],
                    "text": _sentence(record, event)})
    return out


def _sentence(record: RunRecord, event: dict[str, Any]) -> str:
    """One event told in words."""
    kind, threat, weapon, detail, value = (event[k] for k in ("kind", "threat", "weapon", "detail", "value"))
    unit = record.unit_name(event["unit_id"])
    missile = f"{weapon} #{event['interceptor_id']}"
    sentences = {
        "threat_launch": lambda: f"{threat} launched",
        "detect": lambda: f"{record.sensor_name(event['sensor_id'])} detects {threat} at {value / 1000:,.1f} km",
        "track_start": lambda: f"track {event['track_id']} starts on {threat}",
        "track_drop": lambda: f"track {event['track_id']} on {threat} dropped: {detail}",
        "assign": lambda: f"{unit} assigned {value:g} × {weapon} against {threat}",
        "launch": lambda: f"{unit} fires {missile} at {threat}",
        "out_of_rounds": lambda: f"{unit} has fired its last {weapon}",
        "intercept": lambda: f"{missile} kills {threat} (miss distance {value:.1f} m)",
        "miss": lambda: f"{missile} misses {threat}: {detail}",
        "leak": lambda: f"{threat} leaks through to {detail}",
        "impact": lambda: f"{threat} strikes {detail}",
        "unit_state": lambda: f"{unit} {detail.replace('_', ' ')}" + (f" by {threat}" if event['threat_id'] >= 0 else ""),
        "resupply": lambda: f"{unit} receives {value:g} × {weapon}",
        "discriminate": lambda: f"{record.sensor_name(event['sensor_id'])} shows {threat} is a decoy "
                                f"({detail}, at {value / 1000:,.1f} km)",
        "lost": lambda: f"{threat} misses {detail} by {value:,.0f} m: its satellite navigation was jammed",
        "expended": lambda: f"{threat} ends its flight near {detail}: a decoy, it harms nothing",
        "strobe": lambda: f"{record.sensor_name(event['sensor_id'])} sees a jam strobe of {detail} "
                          f"at azimuth {value:.1f}°",
        "jammer_located": lambda: f"jammer located by crossing strobes ({detail}), the fix {value:,.0f} m off",
        "not_released": lambda: f"{weapon} {threat} ({detail}) is never released: "
                                + ("its aircraft was shot down first" if event.get("reason") == "carrier_lost"
                                   else "its aircraft ended its flight first"),
    }
    return sentences[kind]() if kind in sentences else f"{kind} {threat} {detail}".strip()


def _number(value: float) -> str:
    return f"{value:,.3f}" if isinstance(value, float) and value != int(value) else f"{int(value):,}"
