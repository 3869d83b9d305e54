"""Gating and global nearest neighbour association of measurements to tracks.

Candidates come from a k-d tree (scipy) on positions, then the exact gate in
measurement space. The assignment minimises the sum of Mahalanobis distances of
assigned pairs plus a miss distance (the gate) for every unassigned track: the
global nearest neighbour rule as Stone Soup's ``GNNWith2DAssignment`` with a
``DistanceHypothesiser`` states it. Independent clusters of tracks and
measurements are found first; a cluster of one track and one measurement is
assigned at once, the others are solved together by
``scipy.optimize.linear_sum_assignment`` on block-diagonal matrices.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

I64 = NDArray[np.int64]
Array = NDArray[np.float64]

NEAREST_CANDIDATES = 8
"""Measurements considered per track: the nearest ones within its gate's radius."""
BLOCK_SIZE = 1500
"""Largest side of one dense assignment problem; bigger sets of clusters are solved in blocks."""


def candidate_pairs(track_pos: Array, track_radius: Array, track_group: I64, measurement_pos: Array,
                    measurement_group: I64) -> tuple[I64, I64]:
    """(track, measurement) index pairs closer than the track's radius (m), within the same group.

    Groups (air pictures) are kept apart by a fourth coordinate far larger than any distance.
    """
    if len(track_pos) == 0 or len(measurement_pos) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    separation = 1e12
    tree = cKDTree(np.column_stack((measurement_pos, measurement_group * separation)))
    queries = np.column_stack((track_pos, track_group * separation))
    k = min(NEAREST_CANDIDATES, len(measurement_pos))
    tracks, measurements = [], []
    for wide in np.unique(track_radius > np.median(track_radius)):  # small gates and large gates apart
        rows = np.flatnonzero((track_radius > np.median(track_radius)) == wide)
        distance, index = tree.query(queries[rows], k=k, distance_upper_bound=float(track_radius[rows].max()))
        distance, index = distance.reshape(len(rows), k), index.reshape(len(rows), k)
        keep = distance <= track_radius[rows][:, None]
        tracks.append(np.repeat(rows, k).reshape(len(rows), k)[keep])
        measurements.append(index[keep])
    return np.concatenate(tracks).astype(np.int64), np.concatenate(measurements).astype(np.int64)


def global_nearest_neighbour(track: I64, measurement: I64, distance: Array, miss_distance: float) -> tuple[I64, I64]:
    """Assign gated pairs (distance < miss_distance) one-to-one, minimising the total distance.

    Returns the assigned (track, measurement) pairs. Each unassigned track costs
    ``miss_distance``; so the problem is to minimise Σ (d - miss) over assigned pairs.
    """
    gated = distance < miss_distance
    track, measurement, gain = track[gated], measurement[gated], distance[gated] - miss_distance
    if len(track) == 0:
        return track, measurement
    tracks, track_node = np.unique(track, return_inverse=True)
    measurements, measurement_node = np.unique(measurement, return_inverse=True)
    n_t = len(tracks)
    graph = sparse.coo_matrix((np.ones(len(track)), (track_node, n_t + measurement_node)),
                              shape=(n_t + len(measurements),) * 2)
    _, label = connected_components(graph, directed=False)
    cluster = label[track_node]
    pairs_in = np.bincount(cluster, minlength=label.max() + 1)
    single = pairs_in[cluster] == 1
    chosen_t, chosen_m = [track[single]], [measurement[single]]
    rest = np.flatnonzero(~single)
    if len(rest):
        order = rest[np.argsort(cluster[rest], kind="stable")]
        for block in _blocks(cluster[order], track_node[order], measurement_node[order]):
            rows = order[block]
            t_index, t_local = np.unique(track_node[rows], return_inverse=True)
            m_index, m_local = np.unique(measurement_node[rows], return_inverse=True)
            matrix = np.zeros((len(t_index), len(m_index)))
            matrix[t_local, m_local] = gain[rows]
            r, c = linear_sum_assignment(matrix)
            real = matrix[r, c] < 0.0
            chosen_t.append(tracks[t_index[r[real]]])
            chosen_m.append(measurements[m_index[c[real]]])
    return np.concatenate(chosen_t), np.concatenate(chosen_m)


def _blocks(cluster: I64, track_node: I64, measurement_node: I64) -> list[NDArray[np.int64]]:
    """Split pairs (sorted by cluster) into runs of whole clusters, each with at most BLOCK_SIZE tracks."""
    if len(np.unique(track_node)) + len(np.unique(measurement_node)) <= BLOCK_SIZE:
        return [np.arange(len(cluster))]
    starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
    ends = np.r_[starts[1:], len(cluster)]
    blocks, begin, size = [], 0, 0
    for start, end in zip(starts, ends, strict=True):
        cluster_tracks = len(np.unique(track_node[start:end])) + len(np.unique(measurement_node[start:end]))
        if size and size + cluster_tracks > BLOCK_SIZE:
            blocks.append(np.arange(begin, start))
            begin, size = start, 0
        size += cluster_tracks
    blocks.append(np.arange(begin, len(cluster)))
    return blocks
