"""The event log: one row per thing that happened, the single record of a run.

Stages return their events as :data:`EventColumns`: a tuple of
:class:`EventBatch` (one per call of :func:`events`, each holding only the
columns it was given), empty when nothing happened; the engine collects them
in an :class:`EventLog`, which becomes one Arrow table with the schema
:data:`EVENT_SCHEMA` at the end of the run. Building a batch costs about a
microsecond; defaults, geodetic coordinates and dictionary codes are filled
once, for the whole log, in :meth:`EventLog.to_table`. Metrics, reports,
exports and studies read this table and nothing else from a run.

Kinds and the meaning of ``value``:

==================  ===================================================  =========================
kind                what happened                                        value
==================  ===================================================  =========================
threat_launch       a threat entered the scenario (``weapon``: its type;  its unit price (USD)
                    ``reason``: ``decoy`` for a decoy, ``friendly``
                    for a friendly aircraft)
detect              a radar detected a threat (first time, or every time  slant range (m)
                    with ``log_all_detections``)
track_start         an air picture started a track on a threat            -
track_drop          a track ended (``reason`` says why)                   -
assign              the command post assigned a unit and missile type     number of rounds
launch              an interceptor left its launcher                      its unit price (USD)
out_of_rounds       a unit fired its last round of a missile type         -
intercept           an interceptor destroyed its target                   miss distance (m)
miss                an interceptor failed (``reason`` says why)           miss distance (m) or NaN
leak                a threat reached its aim point                        asset value at stake
impact              where a leaking threat struck                         its unit price (USD)
path_point          where a threat (``threat_id``) or an interceptor      its speed (m/s)
                    (``interceptor_id``) in flight was: a sample every
                    ``path_interval`` seconds, for maps and replays
reload              a launcher was reloaded from its unit's magazine      rounds loaded
classify            the command post classified a track (first time, or   class confidence
                    when the class changes; ``detail``: the class)
unit_state          a fire unit changed state (``reason``: ``marching``,  seconds until deployed
                    ``setting_up``, ``deployed``, ``destroyed`` with the  again (a march: packing,
                    ``threat_id`` that took its last launcher or radar;   driving and setting up);
                    ``detail`` tells a march's destination and times)     for destroyed: that
                                                                          part's distance (m)
resupply            rounds of a type were delivered to a unit's magazine  rounds delivered
discriminate        an air picture learnt that a track's threat is a     slant range from the radar
                    decoy (``sensor_id``: the radar whose look showed it, (m)
                    ``detail``: by look, range or time); its command
                    post fires at it no more
expended            a decoy or a friendly aircraft reached the end of    -
                    its flight: it harms
                    nothing (where a weapon would ``leak``)
lost                a threat whose satellite navigation was jammed       its position error (m)
                    reached its aim point off by more than its type's
                    aim tolerance: neither shot down nor leaked; placed
                    where it came down (``detail``: what it aimed at)
strike              a threat's warhead landed (at its impact point,       distance from the aim
                    scattered about the aim point)                        point (m)
part_lost           a strike killed a unit's part (``detail``:            distance from the
                    ``command_post``, ``search_radar``,                   impact (m)
                    ``engagement_radar`` or ``launcher N``; a radar's
                    ``sensor_id``)
identify            an air picture identified a track (``reason``:       -
                    ``friend``, ``assumed_friend`` or ``hostile``)
fratricide          a friendly aircraft was intercepted (beside its      miss distance (m)
                    ``intercept``)
command_lost        a unit was cut off from its command post             -
                    (``detail``: the post, or ``own command post``)
autonomous          a cut-off unit began to fight on its own radars      seconds it was cut off
message_lost        a radar's look (``sensor_id``) never reached an air   reports in the look
                    picture (``detail``): its jammed link lost it
fire_control_track  a unit's engagement radar (``sensor_id``) holds      seconds from its cue
                    a firm track on the air picture's ``track_id``       to the firm track
                    after cue, acquisition and confirmation              (the hand-over)
emission_on         a unit's radar (``sensor_id``) starts radiating      -
                    again under its emission policy (``detail``: the
                    policy)
emission_off        a unit's radar falls silent under its emission       -
                    policy (``detail``: the policy; ``threat_id``: for
                    ``arm_warning``, the missile that warned it)
not_released        a weapon an aircraft carried (``raids[].releases``)   its unit price (USD)
                    was never released (``reason``: ``carrier_lost``,
                    its aircraft was shot down first;
                    ``release_not_reached``, its aircraft ended its
                    flight first); placed where the aircraft was
strobe              a radar (``sensor_id``, placed there) first saw a     measured azimuth (deg,
                    jammer's noise strong enough for a jam strobe         clockwise from north)
                    (every strobe with ``log_all_detections``;
                    ``detail``: the stand-off jammer's name or the
                    carried jammer's type, ``threat_id``: its carrier)
jammer_located      an air picture (``detail``) first located a jammer    its position error (m)
                    by triangulating strobes of two or more radars,
                    placed at the fix (``threat_id``: its carrier;
                    ``sensor_id``: the radar nearest the fix)
==================  ===================================================  =========================

``reason`` is a dictionary-encoded enumeration with the same dictionary in every
run (:data:`REASONS`, empty for kinds without one): logic tests it and never
parses ``detail``, a text for people (a raid's name, a class, a march's plan in
words). Who the ids are is in the run's entities table (:mod:`iadsim.entities`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pyarrow as pa

from iadsim.geo import ecef_to_geodetic

KINDS: tuple[str, ...] = (
    "threat_launch", "detect", "track_start", "track_drop", "assign", "launch",
    "out_of_rounds", "intercept", "miss", "leak", "impact", "path_point", "reload", "classify",
    "unit_state", "resupply", "discriminate", "expended", "lost", "strike", "part_lost", "message_lost",
    "identify", "fratricide", "command_lost", "autonomous",
    "fire_control_track", "emission_on", "emission_off", "not_released", "strobe", "jammer_located",
)
ID_COLUMNS: tuple[str, ...] = ("threat_id", "track_id", "unit_id", "sensor_id", "interceptor_id")
STRING_COLUMNS: tuple[str, ...] = ("weapon", "layer", "detail")
REASONS: tuple[str, ...] = (
    "",
    # track_drop
    "lost_missed_looks", "lost_uncertain", "lost_unseen", "target_destroyed", "target_leaked",
    # miss
    "target_gone", "gave_up", "outside_lethal_radius", "overkill", "warhead_failed",
    # unit_state
    "marching", "setting_up", "deployed", "destroyed",
    # threat_launch
    "decoy",
    # threat_launch, identify, fratricide (the identity the shooter held)
    "friendly", "friend", "assumed_friend", "hostile", "unknown",
    # not_released
    "carrier_lost", "release_not_reached",
)
"""Why a ``track_drop`` or a ``miss`` happened, and the state a ``unit_state`` entered: the ``reason`` column.

track_drop: ``lost_missed_looks`` (its missed looks passed the deletion threshold), ``lost_uncertain`` (its
position uncertainty grew too large), ``lost_unseen`` (no detection for a while: truth_noise),
``target_destroyed``, ``target_leaked``; a ``lost_*`` track may be resumed. miss: ``target_gone`` (already
killed or leaked when the round arrived), ``gave_up`` (out of range or energy), ``outside_lethal_radius``,
``overkill`` (another round killed it in the same tick), ``warhead_failed`` (within the lethal radius, the
kill draw failed). unit_state: ``marching``, ``setting_up``, ``deployed``, ``destroyed``. threat_launch:
``decoy`` for a decoy (a threat type with ``decoy``), ``friendly`` for a friendly aircraft, empty for a
weapon. identify: ``friend``, ``assumed_friend``, ``hostile`` (``unknown`` names a track not yet identified).
not_released: ``carrier_lost`` (the aircraft was shot down before the release), ``release_not_reached`` (it
ended its flight before it).
"""

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
        pa.field("reason", pa.dictionary(pa.int8(), pa.string())),
        pa.field("detail", pa.string()),
    ]
)

_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_REASON_CODE = {reason: code for code, reason in enumerate(REASONS)}
_COLUMN_NAMES = frozenset((*ID_COLUMNS, *STRING_COLUMNS, "value", "reason"))


def reason_codes(names: Sequence[str]) -> np.ndarray:
    """The codes of ``names`` in :data:`REASONS` (int8): what a stage that keeps its reasons as codes passes
    as ``reason``; an unknown name is a ``ValueError``."""
    unknown = sorted(set(names) - _REASON_CODE.keys())
    if unknown:
        raise ValueError(f"unknown event reason(s): {', '.join(unknown)}")
    return np.array([_REASON_CODE[name] for name in names], dtype=np.int8)


@dataclass(frozen=True, slots=True)
class EventBatch:
    """``n`` events of one kind, as given to :func:`events`: scalars broadcast, missing columns take defaults."""

    kind: int  # index into KINDS
    n: int
    t_s: float | np.ndarray
    pos_ecef_m: np.ndarray | None
    columns: dict[str, object]


EventColumns = tuple[EventBatch, ...]
"""What a stage's ``step`` returns: its batches of events, in order (empty: nothing happened)."""
NO_EVENTS: EventColumns = ()


def events(
    kind: str,
    t_s: float | np.ndarray,
    n: int,
    pos_ecef_m: np.ndarray | None = None,
    **columns: np.ndarray | Sequence | int | float | str,
) -> EventColumns:
    """``n`` events of one ``kind``; unspecified ids are -1, numbers NaN, strings empty.

    ``pos_ecef_m`` (n, 3) gives their latitude, longitude and altitude. Scalars
    broadcast to all ``n`` rows. Arrays are copied: a stage may go on changing its own.
    ``reason`` is a name of :data:`REASONS`, or an array of their codes (:func:`reason_codes`).
    """
    code = _KIND_CODE.get(kind)
    if code is None:
        raise ValueError(f"unknown event kind {kind!r}")
    if not columns.keys() <= _COLUMN_NAMES:
        raise TypeError(f"unknown event columns: {', '.join(sorted(set(columns) - _COLUMN_NAMES))}")
    if n == 0:
        return NO_EVENTS
    reason = columns.get("reason")
    if isinstance(reason, str):
        columns["reason"] = reason_codes((reason,))[0]
    elif reason is not None and not np.issubdtype(np.asarray(reason).dtype, np.integer):
        raise TypeError("an array of reasons must hold codes of REASONS (iadsim.events.reason_codes)")
    kept = {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in columns.items()}
    return (EventBatch(code, n, t_s.copy() if isinstance(t_s, np.ndarray) else t_s,
                       None if pos_ecef_m is None else np.array(pos_ecef_m, dtype=float), kept),)


def merge(*parts: EventColumns) -> EventColumns:
    """The batches of several event sets, in order."""
    return tuple(chain.from_iterable(parts))


def as_columns(batches: EventColumns) -> dict[str, np.ndarray]:
    """Batches as full numpy columns (``kind`` and strings as text): for tests and inspection."""
    table = EventLog.table_of(list(batches), sort=False)
    return {name: np.asarray(table.column(name).cast(pa.string()) if pa.types.is_dictionary(field.type)
                             else table.column(name).to_numpy(zero_copy_only=False))
            for name, field in zip(table.column_names, table.schema, strict=True)}


class EventLog:
    """Collects event batches during a run and turns them into one Arrow table."""

    def __init__(self) -> None:
        self._batches: list[EventBatch] = []

    def add(self, batches: EventColumns) -> None:
        self._batches.extend(batches)

    def to_table(self) -> pa.Table:
        """All events, sorted by time and, at equal times, in the order stages produced them."""
        return self.table_of(self._batches)

    @staticmethod
    def table_of(batches: list[EventBatch], sort: bool = True) -> pa.Table:
        """The table of ``batches``: every column filled, positions converted, strings dictionary-coded."""
        sizes = np.array([batch.n for batch in batches], dtype=np.int64)
        ends = np.cumsum(sizes)
        starts = ends - sizes
        total = int(ends[-1]) if len(batches) else 0
        t_s = np.empty(total)
        kind = np.repeat(np.array([batch.kind for batch in batches], dtype=np.int8), sizes)
        numbers = {name: np.full(total, -1, np.int32) for name in ID_COLUMNS}
        numbers["value"] = np.full(total, np.nan)
        numbers["reason"] = np.zeros(total, np.int8)
        strings = {name: _Strings(total) for name in STRING_COLUMNS}
        pos = np.full((total, 3), np.nan)
        for batch, start, end in zip(batches, starts.tolist(), ends.tolist(), strict=True):
            t_s[start:end] = batch.t_s
            if batch.pos_ecef_m is not None:
                pos[start:end] = batch.pos_ecef_m
            for name, value in batch.columns.items():
                if name in strings:
                    strings[name].put(start, end, value)
                else:
                    numbers[name][start:end] = value
        order = np.argsort(t_s, kind="stable") if sort else np.arange(total)
        lat, lon, alt = np.full(total, np.nan), np.full(total, np.nan), np.full(total, np.nan)
        placed = np.flatnonzero(~np.isnan(pos[:, 0]))
        if len(placed):
            lat[placed], lon[placed], alt[placed] = ecef_to_geodetic(pos[placed])
        columns = {
            "t_s": pa.array(t_s[order]),
            "kind": pa.DictionaryArray.from_arrays(pa.array(kind[order]), pa.array(KINDS)),
            **{name: pa.array(numbers[name][order]) for name in ID_COLUMNS},
            "lat_deg": pa.array(np.rad2deg(lat)[order]), "lon_deg": pa.array(np.rad2deg(lon)[order]),
            "alt_m": pa.array(alt[order]), "value": pa.array(numbers["value"][order]),
            "reason": pa.DictionaryArray.from_arrays(pa.array(numbers["reason"][order]), pa.array(REASONS)),
        }
        for field in EVENT_SCHEMA:
            if field.name in strings:
                columns[field.name] = strings[field.name].array(order, field.type)
        return pa.Table.from_arrays([columns[field.name] for field in EVENT_SCHEMA], schema=EVENT_SCHEMA)


class _Strings:
    """A string column under construction: one code per row into a growing list of distinct texts ("" is 0)."""

    def __init__(self, size: int) -> None:
        self.codes = np.zeros(size, np.int32)
        self.texts: list[str] = [""]
        self.code_of: dict[str, int] = {"": 0}

    def _code(self, text: str) -> int:
        code = self.code_of.get(text)
        if code is None:
            code = self.code_of[text] = len(self.texts)
            self.texts.append(text)
        return code

    def put(self, start: int, end: int, value: object) -> None:
        if isinstance(value, str):
            self.codes[start:end] = self._code(value)
        else:
            distinct, inverse = np.unique(np.asarray(value, dtype=object).astype(str), return_inverse=True)
            self.codes[start:end] = np.array([self._code(text) for text in distinct.tolist()], np.int32)[inverse]

    def array(self, order: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
        coded = pa.DictionaryArray.from_arrays(pa.array(self.codes[order].astype(
            arrow_type.index_type.to_pandas_dtype() if pa.types.is_dictionary(arrow_type) else np.int32)),
            pa.array(self.texts, pa.string()))
        return coded if pa.types.is_dictionary(arrow_type) else coded.cast(pa.string())
