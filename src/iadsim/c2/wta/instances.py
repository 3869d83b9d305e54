"""Random weapon-target assignment instances: the literature's standard form, and the command post's.

- :func:`ahuja_instance`: the random instances of Ahuja, Kumar, Jha & Orlin
  (Operations Research 55(6), 2007, section 6): target values uniform in
  [25, 100], kill probabilities uniform in [0.60, 0.90], one round per weapon,
  no other limit.
- :func:`andersen_instance`: the many-rounds instances of Andersen, Pavlikov &
  Toffolo (Annals of Operations Research 312, 2022; their data files
  ``wta_<m>x<n>x<rounds>``): integer target values uniform in 1 ... 100, kill
  probabilities uniform in [0, 1), the same number of rounds for every weapon,
  no other limit (their sizes: m weapons, n = 2m targets, 1 to 3 rounds).
- :func:`constrained_instance`: small instances with every limit the command
  post has (rounds per weapon, weapons grouped in fire units with launch and
  channel limits and targets already engaged, salvo limits per target, rounds
  in flight, prices, pairs out of reach), for checking the solvers where the
  limits bind.
"""

from __future__ import annotations

import numpy as np

from iadsim.c2.wta.problem import UNLIMITED, WTAProblem


def ahuja_instance(n_weapons: int, n_targets: int, rng: np.random.Generator) -> WTAProblem:
    """V_j ~ U[25, 100], p_wj ~ U[0.60, 0.90], one round per weapon (Ahuja et al. 2007)."""
    return WTAProblem.build(rng.uniform(25.0, 100.0, n_targets), rng.uniform(0.60, 0.90, (n_weapons, n_targets)))


def andersen_instance(n_weapons: int, n_targets: int, rounds: int, rng: np.random.Generator) -> WTAProblem:
    """V_j uniform on the integers 1 ... 100, p_wj ~ U[0, 1), ``rounds`` rounds per weapon (Andersen et al. 2022)."""
    value = rng.integers(1, 101, n_targets).astype(float)
    return WTAProblem.build(value, rng.uniform(0.0, 1.0, (n_weapons, n_targets)),
                            np.full(n_weapons, rounds, np.int64))


def constrained_instance(
    rng: np.random.Generator, max_weapons: int = 4, max_targets: int = 4, max_rounds: int = 2,
) -> WTAProblem:
    """A small random instance where rounds, launches, channels, salvos, prices and reach all matter."""
    n_weapons = int(rng.integers(1, max_weapons + 1))
    n_targets = int(rng.integers(1, max_targets + 1))
    n_groups = int(rng.integers(1, n_weapons + 1))
    group = np.sort(rng.integers(0, n_groups, n_weapons))
    group = np.unique(group, return_inverse=True)[1]
    n_groups = int(group.max()) + 1
    pk = rng.uniform(0.3, 0.95, (n_weapons, n_targets)) * (rng.random((n_weapons, n_targets)) < 0.8)

    def sometimes(values: np.ndarray, chance: float) -> np.ndarray:
        return np.where(rng.random(len(values)) < chance, values, UNLIMITED)

    return WTAProblem.build(
        value=rng.uniform(1.0, 100.0, n_targets), pk=pk,
        capacity=rng.integers(1, max_rounds + 1, n_weapons),
        cost=rng.uniform(0.0, 20.0, n_weapons) * (rng.random() < 0.5),
        survival=np.where(rng.random(n_targets) < 0.3, rng.uniform(0.2, 1.0, n_targets), 1.0),
        target_limit=sometimes(rng.integers(1, 3, n_targets), 0.5),
        group=group,
        group_capacity=sometimes(rng.integers(1, 4, n_groups), 0.5),
        group_channels=sometimes(rng.integers(0, 3, n_groups), 0.5),
        group_engaged=rng.random((n_groups, n_targets)) < 0.2,
    )
