"""Whether two runs' event logs are the same bit for bit: the check behind "events bit-identical per seed".

    python scripts/same_events.py RUN_A RUN_B      # two run folders (``iadsim run -o``)
    python scripts/same_events.py TREE_A TREE_B    # or two folders of run folders, paired by name

A change that keeps an algorithm must keep every run's event log (docs/design.md, "Speed"): run the same
scenarios and seeds on the old code and the new, then compare. pyarrow's ``Table.equals`` is False wherever
a float column holds a NaN (NaN never equals NaN), even for a file against itself, so float columns are
compared here by their bit patterns, their null masks first. Prints one line per pair; exits 0 when every
pair is identical, 1 when any differs or is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

EVENTS = "events.parquet"


def same_table(a: pa.Table, b: pa.Table) -> bool:
    """Whether ``a`` and ``b`` hold the same schema, rows and values, floats compared by their bits."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a[name].combine_chunks(), b[name].combine_chunks()
        if x.equals(y):
            continue
        if not pa.types.is_floating(x.type) or not x.is_valid().equals(y.is_valid()):
            return False
        bits = np.dtype(f"u{x.type.bit_width // 8}")
        if not np.array_equal(x.fill_null(0).to_numpy().view(bits), y.fill_null(0).to_numpy().view(bits)):
            return False
    return True


def run_pairs(a: Path, b: Path) -> list[tuple[str, Path, Path]]:
    """The (name, run folder of ``a``, run folder of ``b``) pairs: the two folders themselves when they are
    runs, else their run folders paired by name (those of ``a``; one missing from ``b`` is still listed)."""
    if (a / EVENTS).is_file():
        return [(a.name, a, b)]
    return [(run.name, run, b / run.name) for run in sorted(a.iterdir()) if (run / EVENTS).is_file()]


def main(argv: list[str] | None = None) -> int:
    """Compare the runs of the two folders given (module doc); the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python scripts/same_events.py A B  (two run folders, or two folders of run folders)",
              file=sys.stderr)
        return 2
    pairs = run_pairs(Path(args[0]), Path(args[1]))
    if not pairs:
        print(f"no {EVENTS} in {args[0]} or its folders", file=sys.stderr)
        return 1
    differ = 0
    for name, run_a, run_b in pairs:
        if not (run_b / EVENTS).is_file():
            verdict = "missing"
        else:
            table_a, table_b = pq.read_table(run_a / EVENTS), pq.read_table(run_b / EVENTS)
            verdict = f"{table_a.num_rows:7d} rows " + ("identical" if same_table(table_a, table_b) else "DIFFERENT")
        differ += not verdict.endswith("identical")
        print(f"{name:32s} {verdict}")
    print("all identical, bit for bit" if not differ else f"{differ} of {len(pairs)} differ or are missing")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
