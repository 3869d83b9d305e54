"""Figures the case write-ups quote (docs/cases/), computed from the results folders of case studies.

A case is one or more study files (``examples/case*-study.yaml``). :func:`run_case_study`
runs or resumes one with the ``iadsim study`` machinery; :class:`CaseStudy` reads its
folder back: the points, the replications' metrics, the summary (means and 95 %
intervals of every metric) and the stored event logs. The functions below turn one
point's event log (every replication of it, with its ``replication`` column) into
per-replication quantities, whose means and 95 % intervals :func:`intervals` takes with
the study's own statistics (:func:`iadsim.study.stats.interval_of`). ``examples/cases.py``
writes the tables and plots of the write-ups from them; the tests assert their stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from iadsim import geo
from iadsim.catalog import load_catalog
from iadsim.scenario.schema import Scenario
from iadsim.study.stats import Interval, interval_of, wilson_interval
from iadsim.study.store import StudyStore

DAY_S = 86400.0


def run_case_study(study_file: str | Path, folder: str | Path, replications: int | None = None,
                   workers: int = 2) -> CaseStudy:
    """Run (or resume) the study ``study_file`` into ``folder`` on ``workers`` local processes, as
    ``iadsim study STUDY -o FOLDER -n REPLICATIONS -w WORKERS`` does; return its results. One worker runs
    in this process (``--executor inprocess``): a pool of one would only add its start-up, seconds a study."""
    from iadsim.study.cli import run_study_command

    executor = "inprocess" if workers == 1 else "local"
    run_study_command(Path(study_file), Path(folder), workers, None, executor, None, replications, None, None,
                      quiet=True)
    return CaseStudy(Path(folder))


@dataclass(frozen=True)
class CaseStudy:
    """A finished (or partly run) study's results folder, read back for the case tables."""

    folder: Path

    @cached_property
    def _store(self) -> StudyStore:
        return StudyStore.open(self.folder)

    @cached_property
    def points(self) -> pd.DataFrame:
        """One row per sweep point (``points.parquet``)."""
        return self._store.points().to_pandas()

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """One row per replication: ``point``, ``replication``, ``seed`` and every metric."""
        return self._store.metrics().to_pandas()

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Mean and 95 % interval of every metric at every point, indexed by (point, metric)."""
        return self._store.summary().to_pandas().set_index(["point", "metric"])

    def scenario(self, point: int) -> Scenario:
        return Scenario.model_validate_json(self.points.scenario_json[point])

    def entities(self, point: int) -> pd.DataFrame:
        """Who the ids of a point's events are (:mod:`iadsim.entities`)."""
        frame = self._store.entities(point).to_pandas()
        frame["kind"] = frame["kind"].astype(str)
        return frame

    def replications(self, point: int) -> int:
        return int((self.metrics.point == point).sum())

    def metric(self, point: int, name: str) -> Interval:
        """A metric's mean and 95 % interval at a point, from the study summary (NaN when absent)."""
        if (point, name) not in self.summary.index:
            return Interval(float("nan"), float("nan"), float("nan"), "absent")
        row = self.summary.loc[(point, name)]
        return Interval(float(row["mean"]), float(row.ci_low), float(row.ci_high), str(row.method))

    def metric_values(self, point: int, name: str) -> pd.Series:
        """A metric's value in each replication of a point, indexed by replication."""
        rows = self.metrics[self.metrics.point == point].set_index("replication")
        return rows[name] if name in rows else pd.Series(np.nan, index=rows.index)

    def events(self, point: int) -> pd.DataFrame:
        """Every stored event of a point, with its ``replication`` column (the study must keep events)."""
        table = self._store.events(point)
        if table is None:
            raise ValueError(f"{self.folder}: no event logs stored for point {point} (the study needs events: true)")
        frame = table.to_pandas()
        for column in ("kind", "weapon", "layer", "reason", "detail"):
            frame[column] = frame[column].astype(str)
        return frame


def intervals(per_replication: pd.DataFrame | pd.Series, yes_no: bool = False) -> pd.DataFrame:
    """Mean and 95 % interval (the study statistics') of each column over replications (NaNs left out).

    With ``yes_no`` (every value 0 or 1: survived, leaked) a column gets its Wilson interval even
    when every replication agrees: 50 survivals out of 50 is a probability of at least 0.93,
    not exactly 1.
    """
    frame = per_replication.to_frame() if isinstance(per_replication, pd.Series) else per_replication
    rows = {}
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        if yes_no and values.size:
            found = Interval(float(values.mean()), *wilson_interval(int(values.sum()), values.size), "wilson")
        else:
            found = interval_of(values) if values.size else Interval(np.nan, np.nan, np.nan, "absent")
        rows[column] = {"mean": found.mean, "low": found.low, "high": found.high, "n": values.size}
    return pd.DataFrame(rows).T


def threat_fates(events: pd.DataFrame) -> pd.DataFrame:
    """One row per replication and threat: its ``type`` (catalog name), ``raid`` and ``fate``
    (``killed``, ``leaked``, ``lost`` (drifted off its aim under GNSS jamming) or ``flying``)."""
    launched = events[events.kind == "threat_launch"][["replication", "threat_id", "weapon", "detail"]]
    fates = launched.rename(columns={"weapon": "type", "detail": "raid"}).set_index(["replication", "threat_id"])
    fates["fate"] = "flying"
    for kind, fate in (("lost", "lost"), ("intercept", "killed"), ("leak", "leaked")):
        ended = events[events.kind == kind].set_index(["replication", "threat_id"]).index
        fates.loc[fates.index.isin(ended), "fate"] = fate
    return fates.reset_index()


def leak_fraction_by_type(events: pd.DataFrame) -> pd.DataFrame:
    """Per replication (rows) and threat type (columns): the fraction of that type's threats that leaked."""
    fates = threat_fates(events)
    fates["leaked"] = fates.fate == "leaked"
    return fates.groupby(["replication", "type"]).leaked.mean().unstack()


def fate_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per replication (rows): how many threats of each type met each fate, by (type, fate) columns
    (0 where none did)."""
    fates = threat_fates(events)
    table = fates.groupby(["replication", "type", "fate"]).size().unstack(["type", "fate"], fill_value=0)
    return table.reindex(sorted(events.replication.unique()), fill_value=0)


def rounds_fired(events: pd.DataFrame) -> pd.DataFrame:
    """Per replication (rows): interceptors fired, by (layer, type of the threat fired at) columns."""
    fates = threat_fates(events).set_index(["replication", "threat_id"]).type
    launches = events[events.kind == "launch"]
    at = fates.reindex(pd.MultiIndex.from_arrays([launches.replication, launches.threat_id])).to_numpy()
    fired = pd.DataFrame({"replication": launches.replication.to_numpy(), "layer": launches.layer.to_numpy(),
                          "at": at})
    table = fired.groupby(["replication", "layer", "at"]).size().unstack(["layer", "at"], fill_value=0)
    return table.reindex(sorted(events.replication.unique()), fill_value=0)


def nightly(events: pd.DataFrame, day_s: float = DAY_S) -> pd.DataFrame:
    """Per replication and night (day of the run, from 1): threats launched, leaked, interceptors fired,
    rounds delivered, US dollars of interceptors fired and of drones launched."""
    frame = events.assign(night=(events.t_s // day_s).astype(int) + 1)
    keys = ["replication", "night"]
    counts = {name: frame[frame.kind == kind].groupby(keys).size()
              for name, kind in (("threats", "threat_launch"), ("leaked", "leak"), ("fired", "launch"))}
    counts["delivered"] = frame[frame.kind == "resupply"].groupby(keys).value.sum()
    counts["spent_usd"] = frame[frame.kind == "launch"].groupby(keys).value.sum()
    counts["drones_usd"] = frame[frame.kind == "threat_launch"].groupby(keys).value.sum()
    return pd.DataFrame(counts).fillna(0.0)


def shortage_night(events: pd.DataFrame, fraction: float = 0.25, day_s: float = DAY_S) -> pd.Series:
    """Per replication: the first night in which at least ``fraction`` of that night's threats leaked,
    or NaN. A stray leak from a missed intercept is not a shortage; a quarter of a wave getting
    through is (the defence no longer has the rounds to engage them all)."""
    table = nightly(events, day_s).reset_index()
    short = table[table.leaked >= fraction * table.threats]
    return short.groupby("replication").night.min().reindex(sorted(events.replication.unique())).astype(float)


def time_not_deployed_s(events: pd.DataFrame, duration_s: float) -> pd.Series:
    """Per replication: seconds units spent marching or setting up (summed over units), from their
    ``unit_state`` events. A march ends at the unit's next ``deployed``; a unit destroyed before
    that counts to ``duration_s``; a run that ends first (nothing left to fight) counts the
    march's planned time (packing, driving and setting up: the event's value)."""
    states = events[events.kind == "unit_state"].sort_values("t_s")
    away = states[states.reason == "marching"]
    planned_s = away.value
    ends = {}
    for state, column in (("deployed", "deployed_s"), ("destroyed", "destroyed_s")):
        ended = states[states.reason == state][["t_s", "replication", "unit_id"]].rename(columns={"t_s": column})
        ends[column] = pd.merge_asof(away[["t_s", "replication", "unit_id"]], ended, left_on="t_s",
                                     right_on=column, by=["replication", "unit_id"], direction="forward")[column]
    destroyed_end = np.where(ends["destroyed_s"].notna(), duration_s, away.t_s.to_numpy() + planned_s.to_numpy())
    end_s = ends["deployed_s"].fillna(pd.Series(destroyed_end)).to_numpy()
    away_s = pd.Series(end_s - away.t_s.to_numpy(), index=away.replication.to_numpy())
    return away_s.groupby(level=0).sum().reindex(sorted(events.replication.unique()), fill_value=0.0)


def first_detections(events: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """One row per replication, radar and threat: the slant range (km) at the radar's first detection,
    with the radar's catalog type (``radar``, from the point's ``entities``) and the threat's (``type``)."""
    radar_type = entities[entities.kind == "sensor"].set_index("id").type
    detects = events[events.kind == "detect"].sort_values("t_s")
    first = detects.groupby(["replication", "sensor_id", "threat_id"], as_index=False).first()
    types = threat_fates(events).set_index(["replication", "threat_id"]).type
    return pd.DataFrame({
        "replication": first.replication, "threat_id": first.threat_id,
        "radar": radar_type.reindex(first.sensor_id).to_numpy(),
        "type": types.reindex(pd.MultiIndex.from_arrays([first.replication, first.threat_id])).to_numpy(),
        "km": first.value / 1e3,
    })


def first_launches(events: pd.DataFrame) -> pd.DataFrame:
    """One row per replication and threat engaged: ground distance (km) from the firing unit to the
    threat at the first launch against it. Needs the threats' path points at the launch times
    (``path_interval`` equal to the time step)."""
    launches = events[events.kind == "launch"].sort_values("t_s")
    first = launches.groupby(["replication", "threat_id"], as_index=False).first()
    points = events[(events.kind == "path_point") & (events.threat_id >= 0)]
    where = points.set_index(["replication", "threat_id", "t_s"])[["lat_deg", "lon_deg"]]
    at = where.reindex(pd.MultiIndex.from_arrays([first.replication, first.threat_id, first.t_s])).to_numpy()
    distance_m = [geo.geodesic_inverse(a, b, c, d)[0] for a, b, (c, d) in
                  zip(first.lat_deg, first.lon_deg, at, strict=True)]
    types = threat_fates(events).set_index(["replication", "threat_id"]).type
    return pd.DataFrame({
        "replication": first.replication, "threat_id": first.threat_id,
        "type": types.reindex(pd.MultiIndex.from_arrays([first.replication, first.threat_id])).to_numpy(),
        "km": np.asarray(distance_m) / 1e3,
    })


def warning_s(events: pd.DataFrame, scenario: Scenario, asset: str) -> pd.DataFrame:
    """One row per replication and threat tracked: the flight time left to ``asset`` when its first
    track started (s): ground distance from the threat at its first track to the asset, over the
    threat's speed (its raid's, or its type's catalog figure), the time the defence had from
    first track to impact for a threat flying straight in."""
    target = next(a for a in scenario.assets if a.name == asset).position
    catalog = load_catalog()
    speed_of_raid = {raid.name or raid.type: raid.speed or catalog.threat(raid.type).speed for raid in scenario.raids}
    raids = threat_fates(events).set_index(["replication", "threat_id"]).raid
    first = events[events.kind == "track_start"].sort_values("t_s")
    first = first.groupby(["replication", "threat_id"], as_index=False).first()
    distance_m = np.array([geo.geodesic_inverse(lat, lon, target.lat, target.lon)[0]
                           for lat, lon in zip(first.lat_deg, first.lon_deg, strict=True)])
    raid = raids.reindex(pd.MultiIndex.from_arrays([first.replication, first.threat_id]))
    speed = raid.map(speed_of_raid).to_numpy(dtype=float)
    return pd.DataFrame({"replication": first.replication, "threat_id": first.threat_id,
                         "warning_s": distance_m / speed})


def silent_s(events: pd.DataFrame, sensor_id: int) -> pd.Series:
    """Per replication: seconds radar ``sensor_id`` was silent by its emission policy (``emission_off`` to the
    next ``emission_on``, or to the replication's last event), 0 for a replication in which it never was."""
    rows = {}
    for replication, run in events.groupby("replication"):
        end = float(run.t_s.max())
        switches = run[run.kind.isin(("emission_off", "emission_on")) & (run.sensor_id == sensor_id)]
        off_since, total = None, 0.0
        for t_s, kind in zip(switches.t_s, switches.kind, strict=True):
            if kind == "emission_off" and off_since is None:
                off_since = t_s
            elif kind == "emission_on" and off_since is not None:
                total, off_since = total + t_s - off_since, None
        rows[replication] = total + (end - off_since if off_since is not None else 0.0)
    return pd.Series(rows, name="silent_s", dtype=float)


def off_the_air_s(events: pd.DataFrame, unit_id: int) -> pd.Series:
    """Per replication: when unit ``unit_id`` went off the air for good, the first of its engagement radar's loss
    (a ``part_lost`` event) and its destruction (a ``unit_state`` event, no launcher or no radar left), in
    seconds of the run; NaN where it stayed on the air. Nothing is repaired or replaced in a run: a unit off the
    air stays off."""
    unit = events[events.unit_id == unit_id]
    off = unit[((unit.kind == "part_lost") & (unit.detail == "engagement_radar"))
               | ((unit.kind == "unit_state") & (unit.reason == "destroyed"))]
    return off.groupby("replication").t_s.min().reindex(sorted(events.replication.unique()))
