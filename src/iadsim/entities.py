"""The entities of a run: who the ids of the event log are, written beside it (``entities.parquet``).

One row per asset, fire unit, radar and threat, built once at compile
(:func:`iadsim.scenario.compile.compile_scenario`): ``kind`` (dictionary:
``asset``, ``unit``, ``sensor``, ``threat``), ``id`` (int32: the id the events
carry in ``unit_id``, ``sensor_id``, ``threat_id``; assets are numbered in
scenario order), ``name`` (a unit's or asset's scenario name, a radar's
``unit/type`` or its own name, a threat's raid), ``type`` (its catalog type;
empty for an asset), ``unit_id`` (the fire unit a radar belongs to, else −1)
and where it stands at the start, ``lat_deg``, ``lon_deg``, ``alt_m`` (a radar's
antenna; NaN for a threat, whose launch point is in its ``threat_launch``
event). Reports, exports and the casebook read names from here and never
compile the scenario again. Entities depend only on the scenario, so a study
keeps one table per sweep point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import ArrayLike

ENTITY_KINDS: tuple[str, ...] = ("asset", "unit", "sensor", "threat")

ENTITY_SCHEMA = pa.schema([
    pa.field("kind", pa.dictionary(pa.int8(), pa.string())),
    pa.field("id", pa.int32()),
    pa.field("name", pa.string()),
    pa.field("type", pa.string()),
    pa.field("unit_id", pa.int32()),
    pa.field("lat_deg", pa.float64()),
    pa.field("lon_deg", pa.float64()),
    pa.field("alt_m", pa.float64()),
])


def entities_of_kind(kind: str, names: Sequence[str], types: Sequence[str], unit_id: ArrayLike | None = None,
                     lat_deg: ArrayLike | None = None, lon_deg: ArrayLike | None = None,
                     alt_m: ArrayLike | None = None) -> pa.Table:
    """The rows of ``len(names)`` entities of one ``kind``, numbered from 0; positions NaN where not given."""
    count = len(names)
    nowhere = np.full(count, np.nan)

    def floats(values: ArrayLike | None) -> np.ndarray:
        return nowhere if values is None else np.asarray(values, dtype=float).reshape(count)

    return pa.Table.from_arrays([
        pa.DictionaryArray.from_arrays(pa.array(np.full(count, ENTITY_KINDS.index(kind), np.int8)),
                                       pa.array(ENTITY_KINDS)),
        pa.array(np.arange(count, dtype=np.int32)),
        pa.array(list(names), pa.string()),
        pa.array(list(types), pa.string()),
        pa.array(np.full(count, -1, np.int32) if unit_id is None else np.asarray(unit_id, np.int32).reshape(count)),
        pa.array(floats(lat_deg)), pa.array(floats(lon_deg)), pa.array(floats(alt_m)),
    ], schema=ENTITY_SCHEMA)


def of_kind(entities: pa.Table, kind: str) -> pa.Table:
    """The rows of one kind, in id order."""
    rows = entities.filter(pc.equal(entities.column("kind").cast(pa.string()), kind))
    return rows.sort_by("id")


def names(entities: pa.Table, kind: str) -> list[str]:
    """The names of one kind's entities, indexed by id (ids are 0, 1, ... within a kind)."""
    return of_kind(entities, kind).column("name").to_pylist()
