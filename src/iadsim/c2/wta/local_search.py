"""Local search on an assignment: move, swap, add and drop rounds while the objective falls.

Starting from a feasible assignment (the greedy's), each pass evaluates, in a
few array expressions, every move of four kinds with its exact change of the
objective F (see :mod:`iadsim.c2.wta.problem`):

- *relocate* a round of weapon w from target j to target k:
  ΔF = V_j q_j p_wj / (1 − p_wj) − V_k q_k p_wk;
- *swap* the targets of two rounds (w₁ at j₁, w₂ at j₂):
  ΔF = V_j₁ q_j₁ [(1 − p_w₂j₁)/(1 − p_w₁j₁) − 1] + V_j₂ q_j₂ [(1 − p_w₁j₂)/(1 − p_w₂j₂) − 1];
- *add* a round a weapon still has: ΔF = c_w − V_k q_k p_wk;
- *drop* a round not worth its price: ΔF = V_j q_j p_wj / (1 − p_wj) − c_w.

It then applies, best first, every improving move whose targets and weapon
groups no earlier move of the pass touched (so the changes add up exactly and
no limit is broken), and repeats until no move improves or the pass limit is
reached. Relocations and swaps are the two-exchange neighbourhood of the
very-large-scale neighbourhood search of Ahuja et al. (Operations Research
55(6), 2007, section 5), without its longer cyclic exchanges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from iadsim.c2.wta.problem import F64, I64, UNLIMITED, WTAProblem, log_miss, objective, remaining

IMPROVEMENT_TOLERANCE = 1e-9
"""Smallest relative fall of the objective that counts as an improvement."""


def local_search(problem: WTAProblem, x: I64, max_passes: int = 200) -> I64:
    """Improve the feasible assignment ``x``; return the local optimum (or the state after ``max_passes``).

    Alternates the exchange passes with the reassignment neighbourhood until
    neither improves: ``max_passes`` bounds the passes of each kind.
    """
    x = x.copy()
    passes = 0
    # Each neighbourhood is searched again only once another one has changed x since.
    searched = dict.fromkeys(("exchange", *_ROUND_PICKS), False)
    while passes < max_passes and not all(searched.values()):
        if not searched["exchange"]:
            changed = False
            while passes < max_passes and (moves := _candidate_moves(problem, x)) is not None:
                _apply(problem, x, moves)
                passes += 1
                changed = True
            searched = _after_search(searched, "exchange", changed)
        for pick in _ROUND_PICKS:
            if not searched[pick]:
                better = reassign(problem, x, pick)
                x = x if better is None else better
                searched = _after_search(searched, pick, better is not None)
        passes += 1
    return x


def _after_search(searched: dict[str, bool], name: str, changed: bool) -> dict[str, bool]:
    """After searching ``name``: if it changed x, every other neighbourhood is worth a new look."""
    return {key: key == name for key in searched} if changed else {**searched, name: True}


_ROUND_PICKS = ("weakest", "strongest")
MATCHING_CANDIDATES = 32
"""Targets each returning round may choose from: its own and the ones where it gains most."""


def reassign(problem: WTAProblem, x: I64, pick: str = "weakest") -> I64 | None:
    """Take one round off every engaged target and put them back optimally; the better ``x``, or None.

    With at most one returning round per target the gains add up exactly, so the
    best way back is a linear assignment problem (rounds × targets, plus a
    column per round for holding it back), solved exactly by
    :func:`scipy.optimize.linear_sum_assignment`. The current assignment is one
    of its solutions, so the result is never worse: a very large neighbourhood
    searched exactly, in the spirit of Ahuja et al. (2007, section 5). ``pick``
    says which round leaves each target: the ``weakest`` or ``strongest`` one.
    A round of a group with limited channels may only return to a target its
    group still engages, or to its own, so no channel is ever overdrawn.
    """
    p = problem
    weapon, target = np.nonzero(x)
    if len(weapon) == 0:
        return None
    pk_of_round = p.pk[weapon, target]
    order = np.lexsort((pk_of_round if pick == "weakest" else -pk_of_round, target))
    first = np.ones(len(order), dtype=bool)
    first[1:] = target[order][1:] != target[order][:-1]
    leaving = order[first]  # one round per engaged target
    weapon, target = weapon[leaving], target[leaving]
    rest = x.copy()
    rest[weapon, target] -= 1
    survival = p.survival * np.exp(np.einsum("wt,wt->t", rest, log_miss(p.pk)))
    n_rounds, n_targets = len(weapon), p.shape[1]
    gain = (p.value * survival)[None, :] * p.pk[weapon] - p.cost[weapon, None]  # (R, T)
    ok = (p.pk[weapon] > 0.0) & (p.target_limit - rest.sum(axis=0) > 0)[None, :]
    by_group = np.zeros((p.n_groups, n_targets), dtype=np.int64)
    np.add.at(by_group, p.group, rest)
    still_engaged = p.group_engaged | (by_group > 0)
    limited = (p.group_channels < UNLIMITED)[p.group[weapon]]
    channel_ok = still_engaged[p.group[weapon]] | ~limited[:, None]
    channel_ok[np.arange(n_rounds), target] = True
    ok &= channel_ok
    rows, columns = _best_matching(np.where(ok, gain, -np.inf), target)
    placed = columns < n_targets
    candidate = rest
    np.add.at(candidate, (weapon[rows[placed]], columns[placed]), 1)
    if objective(p, candidate) < objective(p, x) * (1.0 - IMPROVEMENT_TOLERANCE):
        return candidate
    return None


@dataclass
class _Moves:
    """Improving moves, best first: a round of ``weapon`` moves from ``source`` to ``destination`` (-1: none),
    and a round of ``other`` moves from ``other_source`` (-1: added) to ``source`` (swaps and refills)."""

    delta: F64
    weapon: I64
    source: I64
    destination: I64
    other: I64
    other_source: I64


@dataclass(frozen=True)
class _State:
    """The quantities every move's change of objective and feasibility depends on."""

    at_risk: F64  # (T,) V_j q_j
    engaged: NDArray[np.bool_]  # (G, T)
    free_channels: I64  # (G,)
    spare_limit: I64  # (T,)
    spare: I64  # weapons with a round left to fire
    shot_weapon: I64  # (S,) one entry per (weapon, target) with rounds
    shot_target: I64
    loss_if_removed: F64  # (S,) rise of F if one round of the shot leaves
    frees: I64  # (S,) 1 if the round is its group's only one at a target it did not engage before

    @classmethod
    def of(cls, p: WTAProblem, x: I64) -> _State:
        left = remaining(p, x)
        at_risk = p.value * left.survival
        shot_weapon, shot_target = np.nonzero(x)
        by_group = np.zeros((p.n_groups, p.shape[1]), dtype=np.int64)
        np.add.at(by_group, p.group, x)
        group = p.group[shot_weapon]
        p_shot = np.minimum(p.pk[shot_weapon, shot_target], 1.0 - 1e-15)
        return cls(
            at_risk=at_risk, engaged=left.group_engaged, free_channels=left.group_channels,
            spare_limit=left.target_limit,
            spare=np.flatnonzero(np.minimum(left.capacity, left.group_capacity[p.group]) > 0),
            shot_weapon=shot_weapon, shot_target=shot_target,
            loss_if_removed=at_risk[shot_target] * p_shot / (1.0 - p_shot),
            frees=((by_group[group, shot_target] == 1) & ~p.group_engaged[group, shot_target]).astype(np.int64),
        )

    def channel_ok(self, p: WTAProblem, weapon: I64, frees: I64 | int, target: I64) -> NDArray[np.bool_]:
        """May ``weapon``'s group take on ``target``, counting the channel a leaving round ``frees``?"""
        group = p.group[weapon]
        return self.engaged[group, target] | (self.free_channels[group] + frees > 0)


def _candidate_moves(problem: WTAProblem, x: I64) -> _Moves | None:
    """Every improving move of each kind (the best per round or spare weapon), best first; None if none."""
    state = _State.of(problem, x)
    candidates = [_relocations(problem, state), _drops(problem, state), _adds(problem, state),
                  _swaps(problem, state), _refills(problem, state)]
    columns = [np.concatenate(parts) for parts in zip(*(c for c in candidates if c is not None), strict=True)]
    if not columns:
        return None
    keep = columns[0] < -IMPROVEMENT_TOLERANCE * max(float(state.at_risk.sum()), 1e-300)
    if not keep.any():
        return None
    order = np.argsort(columns[0][keep], kind="stable")
    return _Moves(*(column[keep][order] for column in columns))


_Candidates = tuple[F64, I64, I64, I64, I64, I64]


def _best_per_row(delta: F64, ok: NDArray[np.bool_]) -> tuple[F64, I64]:
    delta = np.where(ok, delta, np.inf)
    best = np.argmin(delta, axis=1)
    return delta[np.arange(len(best)), best], best


def _none(n: int) -> I64:
    return np.full(n, -1, dtype=np.int64)


def _relocation_deltas(p: WTAProblem, s: _State) -> tuple[F64, NDArray[np.bool_]]:
    """(S, T) change of F when a round of each shot moves to each target, and which moves keep every limit."""
    delta = s.loss_if_removed[:, None] - s.at_risk[None, :] * p.pk[s.shot_weapon]
    ok = (p.pk[s.shot_weapon] > 0.0) & (s.spare_limit > 0)[None, :]
    ok &= s.channel_ok(p, s.shot_weapon[:, None], s.frees[:, None], np.arange(p.shape[1])[None, :])
    ok[np.arange(len(s.shot_weapon)), s.shot_target] = False
    return delta, ok


def _relocations(p: WTAProblem, s: _State) -> _Candidates | None:
    """Move a round of w from j to k: ΔF = V_j q_j p_wj / (1 − p_wj) − V_k q_k p_wk."""
    if len(s.shot_weapon) == 0:
        return None
    delta, best = _best_per_row(*_relocation_deltas(p, s))
    n = len(best)
    return delta, s.shot_weapon, s.shot_target, best, _none(n), _none(n)


def _drops(p: WTAProblem, s: _State) -> _Candidates | None:
    """Hold back a round not worth its price: ΔF = V_j q_j p_wj / (1 − p_wj) − c_w."""
    if len(s.shot_weapon) == 0:
        return None
    n = len(s.shot_weapon)
    return s.loss_if_removed - p.cost[s.shot_weapon], s.shot_weapon, s.shot_target, _none(n), _none(n), _none(n)


def _add_gains(p: WTAProblem, s: _State) -> tuple[F64, NDArray[np.bool_]]:
    """(W', T) fall of F when a spare weapon fires one more round at each target, and which keep every limit."""
    gain = s.at_risk[None, :] * p.pk[s.spare] - p.cost[s.spare, None]
    ok = (p.pk[s.spare] > 0.0) & (s.spare_limit > 0)[None, :]
    ok &= s.channel_ok(p, s.spare[:, None], 0, np.arange(p.shape[1])[None, :])
    return gain, ok


def _adds(p: WTAProblem, s: _State) -> _Candidates | None:
    """Fire a round a weapon still has: ΔF = c_w − V_k q_k p_wk."""
    if len(s.spare) == 0:
        return None
    gain, ok = _add_gains(p, s)
    delta, best = _best_per_row(-gain, ok)
    n = len(best)
    return delta, s.spare, _none(n), best, _none(n), _none(n)


def _swaps(p: WTAProblem, s: _State) -> _Candidates | None:
    """Exchange the targets of two rounds (w₁ at j₁, w₂ at j₂)."""
    if len(s.shot_weapon) < 2:
        return None
    w1, j1 = s.shot_weapon[:, None], s.shot_target[:, None]
    w2, j2 = s.shot_weapon[None, :], s.shot_target[None, :]
    p11, p22, p21, p12 = p.pk[w1, j1], p.pk[w2, j2], p.pk[w2, j1], p.pk[w1, j2]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (s.at_risk[j1] * ((1.0 - p21) / (1.0 - p11) - 1.0)
                 + s.at_risk[j2] * ((1.0 - p12) / (1.0 - p22) - 1.0))
    ok = (j1 != j2) & (w1 != w2) & (p21 > 0.0) & (p12 > 0.0) & np.isfinite(delta)
    ok &= (p.group[w1] == p.group[w2]) | (s.channel_ok(p, w1, s.frees[:, None], j2)
                                          & s.channel_ok(p, w2, s.frees[None, :], j1))
    delta, best = _best_per_row(delta, np.triu(ok, k=1))
    return delta, s.shot_weapon, s.shot_target, s.shot_target[best], s.shot_weapon[best], s.shot_target[best]


def _refills(p: WTAProblem, s: _State) -> _Candidates | None:
    """Move a round of w from j to k and fill j with a round of another group's spare weapon.

    The pair of moves that frees a target held by a round that is needed elsewhere:
    ΔF = relocation(w, j → k) − (V_j q'_j p_w'j − c_w'), with q'_j the survival of
    j once the round has left.
    """
    if len(s.shot_weapon) == 0 or len(s.spare) == 0:
        return None
    relocation, best_k = _best_per_row(*_relocation_deltas(p, s))
    p_shot = np.minimum(p.pk[s.shot_weapon, s.shot_target], 1.0 - 1e-15)
    at_risk_after = s.at_risk[s.shot_target] / (1.0 - p_shot)  # (S,)
    spare_pk = p.pk[s.spare][:, s.shot_target]  # (W', S)
    gain = at_risk_after[None, :] * spare_pk - p.cost[s.spare, None]
    ok = (spare_pk > 0.0) & (p.group[s.spare][:, None] != p.group[s.shot_weapon][None, :])
    ok &= s.channel_ok(p, s.spare[:, None], 0, s.shot_target[None, :])
    delta, best_spare = _best_per_row(-gain.T, ok.T)  # (S,)
    return (relocation + delta, s.shot_weapon, s.shot_target, best_k, s.spare[best_spare],
            _none(len(best_k)))


def _apply(problem: WTAProblem, x: I64, moves: _Moves) -> None:
    """Apply improving moves best first, skipping any that touches a target or limited group already changed.

    A group counts as touched when the move may change its use of a limit:
    adds and drops (rounds), and any move of a group whose channels are limited.
    """
    limited_channels = problem.group_channels < UNLIMITED
    touched_targets: set[int] = set()
    touched_groups: set[int] = set()
    for weapon, source, destination, other, other_source in zip(
            moves.weapon, moves.source, moves.destination, moves.other, moves.other_source, strict=True):
        targets = {int(t) for t in (source, destination) if t >= 0}
        changes_rounds = source < 0 or destination < 0 or (other >= 0 and other_source < 0)
        groups = {int(problem.group[w]) for w in (weapon, other)
                  if w >= 0 and (changes_rounds or limited_channels[problem.group[w]])}
        if targets & touched_targets or groups & touched_groups:
            continue
        touched_targets |= targets
        touched_groups |= groups
        if source >= 0:
            x[weapon, source] -= 1
        if destination >= 0:
            x[weapon, destination] += 1
        if other >= 0:
            x[other, source] += 1
            if other_source >= 0:
                x[other, other_source] -= 1


def _best_matching(gain: F64, own_target: I64) -> tuple[I64, I64]:
    """Rounds (R) to targets (T) or held back (column T + r), each target at most once, most total gain.

    Each round keeps as edges its own target, its :data:`MATCHING_CANDIDATES` best
    targets and every target for which it is among that many best rounds, plus
    its hold-back column, so the matching is sparse and the
    Jonker-Volgenant algorithm for sparse graphs (LAPJVsp, through
    :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`) stays fast on
    a thousand rounds; below that many targets it is the whole neighbourhood.
    """
    n_rounds, n_targets = gain.shape
    if n_targets <= MATCHING_CANDIDATES and n_rounds <= MATCHING_CANDIDATES:
        rows, columns = (index.ravel() for index in np.indices((n_rounds, n_targets)))
    else:
        rows_keep, targets_keep = min(MATCHING_CANDIDATES, n_targets), min(MATCHING_CANDIDATES, n_rounds)
        by_round = np.argpartition(-gain, rows_keep - 1, axis=1)[:, :rows_keep]
        by_target = np.argpartition(-gain, targets_keep - 1, axis=0)[:targets_keep]
        rows = np.concatenate([np.repeat(np.arange(n_rounds), rows_keep), by_target.ravel()])
        columns = np.concatenate([by_round.ravel(), np.tile(np.arange(n_targets), targets_keep)])
    rows = np.concatenate([rows, np.arange(n_rounds), np.arange(n_rounds)])
    columns = np.concatenate([columns, own_target, n_targets + np.arange(n_rounds)])
    edge_gain = np.where(columns < n_targets, gain[rows, np.minimum(columns, n_targets - 1)], 0.0)
    usable = np.isfinite(edge_gain)
    rows, columns, edge_gain = rows[usable], columns[usable], edge_gain[usable]
    _, first = np.unique(rows * (n_targets + n_rounds) + columns, return_index=True)
    rows, columns, edge_gain = rows[first], columns[first], edge_gain[first]
    # Positive weights (the algorithm needs them non-zero): a constant minus the gain.
    weight = edge_gain.max(initial=0.0) + 1.0 - edge_gain
    graph = sparse.csr_array((weight, (rows, columns)), shape=(n_rounds, n_targets + n_rounds))
    return min_weight_full_bipartite_matching(graph)
