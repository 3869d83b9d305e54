"""The event log: one row per thing that happened, the single record of a run.

Stages return events as :class:`EventColumns` (numpy columns of equal length,
built with :func:`events`); the engine collects them in an :class:`EventLog`,
which becomes one Arrow table with the schema :data:`EVENT_SCHEMA`. Metrics,
reports, exports and studies read this table and nothing else from a run.

Kinds and the meaning of ``value``:

===============  ===================================================  =========================
kind             what happened                                        value
===============  ===================================================  =========================
threat_launch    a threat entered the scenario (``weapon``: its type)  its unit price (USD)
detect           a radar detected a threat (first time, or every time  slant range (m)
                 with ``log_all_detections``)
track_start      an air picture started a track on a threat            -
track_drop       a track ended (``detail`` says why)                   -
assign           the command post assigned a unit and missile type     number of rounds
launch           an interceptor left its launcher                      its unit price (USD)
out_of_rounds    a unit fired its last round of a missile type         -
intercept        an interceptor destroyed its target                   miss distance (m)
miss             an interceptor failed (``detail`` says why)           miss distance (m) or NaN
leak             a threat reached its aim point                        asset value at stake
impact           where a leaking threat struck                         its unit price (USD)
path_point       where a threat (``threat_id``) or an interceptor      its speed (m/s)
                 (``interceptor_id``) in flight was: a sample every
                 ``path_interval`` seconds, for maps and replays
reload           a launcher was reloaded from its unit's magazine      rounds loaded
classify         the command post classified a track (first time, or   class confidence
                 when the class changes; ``detail``: the class)
unit_state       a fire unit changed state (``detail``: ``marching``   seconds until deployed
                 with its destination, ``setting_up``, ``deployed``,   again; for destroyed:
                 ``destroyed``, with the ``threat_id`` that struck)   the strike's distance (m)
resupply         rounds of a type were delivered to a unit's magazine  rounds delivered
===============  ===================================================  =========================
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from iadsim.geo import ecef_to_geodetic

KINDS: tuple[str, ...] = (
    "threat_launch", "detect", "track_start", "track_drop", "assign", "launch",
    "out_of_rounds", "intercept", "miss", "leak", "impact", "path_point", "reload", "classify",
    "unit_state", "resupply",
)
ID_COLUMNS: tuple[str, ...] = ("threat_id", "track_id", "unit_id", "sensor_id", "interceptor_id")
STRING_COLUMNS: tuple[str, ...] = ("weapon", "layer", "detail")

EVENT_SCHEMA = pa.schema(
    [
        pa.field("t_s", pa.float64()),
        pa.field("kind", pa.dictionary(pa.int8(), pa.string())),
        *(pa.field(name, pa.int32()) for name in ID_COLUMNS),
        pa.field("weapon", pa.dictionary(pa.int32(), pa.string())),
        pa.field("layer", pa.dictionary(pa.int8(), pa.string())),
        pa.field("lat_deg", pa.float64()),
        pa.field("lon_deg", pa.float64()),
        pa.field("alt_m", pa.float64()),
        pa.field("value", pa.float64()),
        pa.field("detail", pa.string()),
    ]
)

EventColumns = dict[str, np.ndarray]
NO_EVENTS: EventColumns = {}


def events(
    kind: str,
    t_s: float | np.ndarray,
    n: int,
    pos_ecef_m: np.ndarray | None = None,
    **columns: np.ndarray | Sequence | int | float | str,
) -> EventColumns:
    """Build ``n`` events of one ``kind``; unspecified ids are -1, numbers NaN, strings empty.

    ``pos_ecef_m`` (n, 3) is converted to latitude, longitude and altitude.
    Scalars broadcast to all ``n`` rows.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if n == 0 and _EMPTY:  # most stages have nothing to say most ticks: skip the broadcasts
        unknown = set(columns) - _COLUMN_NAMES
        if unknown:
            raise TypeError(f"unknown event columns: {', '.join(sorted(unknown))}")
        return dict(_EMPTY)
    out: EventColumns = {"t_s": np.broadcast_to(np.asarray(t_s, dtype=np.float64), (n,)).copy(),
                         "kind": np.full(n, kind, dtype=object)}
    for name in ID_COLUMNS:
        out[name] = np.broadcast_to(np.asarray(columns.pop(name, -1), dtype=np.int32), (n,)).copy()
    for name in STRING_COLUMNS:
        out[name] = np.broadcast_to(np.asarray(columns.pop(name, ""), dtype=object), (n,)).copy()
    out["value"] = np.broadcast_to(np.asarray(columns.pop("value", np.nan), dtype=np.float64), (n,)).copy()
    if columns:
        raise TypeError(f"unknown event columns: {', '.join(columns)}")
    if pos_ecef_m is not None and n:
        lat, lon, alt = ecef_to_geodetic(pos_ecef_m)
        out["lat_deg"], out["lon_deg"], out["alt_m"] = np.rad2deg(lat), np.rad2deg(lon), alt
    else:
        out["lat_deg"] = out["lon_deg"] = out["alt_m"] = np.full(n, np.nan)
    return out


_COLUMN_NAMES = frozenset((*ID_COLUMNS, *STRING_COLUMNS, "value"))
_EMPTY: EventColumns = {}
_EMPTY.update(events("threat_launch", 0.0, 0))
"""No events: every column, empty (size-0 arrays, so sharing them is safe)."""


def merge(*batches: EventColumns) -> EventColumns:
    """Concatenate event batches (empty ones are skipped) into one."""
    present = [batch for batch in batches if batch and len(batch["t_s"])]
    if not present:
        return NO_EVENTS
    if len(present) == 1:
        return present[0]
    return {name: np.concatenate([batch[name] for batch in present]) for name in present[0]}


class EventLog:
    """Collects event batches during a run and turns them into one Arrow table."""

    def __init__(self) -> None:
        self._batches: list[EventColumns] = []

    def add(self, batch: EventColumns) -> None:
        if batch and len(batch["t_s"]):
            self._batches.append(batch)

    def to_table(self) -> pa.Table:
        """All events, sorted by time and, at equal times, in the order stages produced them."""
        merged = merge(*self._batches) or events("threat_launch", 0.0, 0)
        order = np.argsort(merged["t_s"], kind="stable")
        arrays = []
        for column in EVENT_SCHEMA:
            values = merged[column.name][order]
            if pa.types.is_dictionary(column.type):
                arrays.append(pa.array(values, type=pa.string()).dictionary_encode().cast(column.type))
            else:
                arrays.append(pa.array(values, type=column.type))
        return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)
