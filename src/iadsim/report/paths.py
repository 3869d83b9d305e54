"""Flight paths of threats and interceptors, read from the event log alone.

A path is the entity's first event (``threat_launch``; ``launch`` for an
interceptor), its ``path_point`` samples (see :mod:`iadsim.recorder`) and the
event that ended it (``intercept`` or ``leak``; ``intercept`` or ``miss``), in
time order, one row per time. Paths of many entities are kept as concatenated columns with
offsets, the way the world keeps entities: no Python object per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

F64 = NDArray[np.float64]
THREAT_PATH_KINDS = ("threat_launch", "path_point", "intercept", "leak", "expended", "lost")
INTERCEPTOR_PATH_KINDS = ("launch", "path_point", "intercept", "miss")


@dataclass(frozen=True)
class Paths:
    """Positions over time of several entities; entity ``ids[i]`` owns rows ``offsets[i]:offsets[i + 1]``."""

    ids: NDArray[np.int32]
    offsets: NDArray[np.int64]
    t_s: F64
    lat_deg: F64
    lon_deg: F64
    alt_m: F64

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, index: int) -> slice:
        """The rows of the ``index``-th entity (not its id)."""
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def thinned(self, max_points: int) -> Paths:
        """At most about ``max_points`` rows: every k-th sample of each path, always with its first and last."""
        lengths = np.diff(self.offsets)
        stride = int(np.ceil(len(self.t_s) / max_points)) if max_points > 0 else 1
        if stride <= 1:
            return self
        position = np.arange(len(self.t_s)) - np.repeat(self.offsets[:-1], lengths)
        keep = (position % stride == 0) | (position == np.repeat(lengths - 1, lengths))
        kept_per_path = np.add.reduceat(keep, self.offsets[:-1]) if len(lengths) else lengths
        return Paths(self.ids, np.append(0, np.cumsum(kept_per_path)).astype(np.int64), self.t_s[keep],
                     self.lat_deg[keep], self.lon_deg[keep], self.alt_m[keep])


def threat_paths(events: pa.Table) -> Paths:
    """Every threat's path: launch point, samples in flight, and where it was killed, leaked, lost or (a decoy) ended."""
    return _paths(events, "threat_id", THREAT_PATH_KINDS)


def interceptor_paths(events: pa.Table) -> Paths:
    """Every interceptor's path: launcher, samples in flight, and where it hit or missed."""
    return _paths(events, "interceptor_id", INTERCEPTOR_PATH_KINDS)


def _paths(events: pa.Table, id_column: str, kinds: tuple[str, ...]) -> Paths:
    """Rows of ``kinds`` with an entity id in ``id_column`` and a position, grouped by entity in time order.

    Path points of the other kind of entity carry -1 in ``id_column`` and drop out.
    """
    kind = events.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False)
    ids = events.column(id_column).to_numpy()
    lat = events.column("lat_deg").to_numpy()
    selected = np.flatnonzero(np.isin(kind, kinds) & (ids >= 0) & np.isfinite(lat))
    # The log is sorted by time: a stable sort by entity keeps each path in time order.
    rows = selected[np.argsort(ids[selected], kind="stable")]
    # Times strictly increase along a path: of two rows of one entity at one time
    # (launched, then flown, within one tick) the first, where it started, stays.
    t_s = events.column("t_s").to_numpy()
    repeated = np.zeros(len(rows), dtype=bool)
    repeated[1:] = (ids[rows][1:] == ids[rows][:-1]) & (t_s[rows][1:] == t_s[rows][:-1])
    rows = rows[~repeated]
    entity_ids, first = np.unique(ids[rows], return_index=True)
    return Paths(
        ids=entity_ids.astype(np.int32),
        offsets=np.append(first, len(rows)).astype(np.int64),
        t_s=t_s[rows],
        lat_deg=lat[rows],
        lon_deg=events.column("lon_deg").to_numpy()[rows],
        alt_m=events.column("alt_m").to_numpy()[rows],
    )
