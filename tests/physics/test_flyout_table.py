"""The flyout-table cache: a damaged file is rebuilt, a failed write leaves nothing behind; look-ups as numpy's."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from iadsim.catalog import load_catalog
from iadsim.physics import flyout_table
from iadsim.physics.flyout_table import FlyoutTable

KIND = "generic-sr-interceptor"


@pytest.fixture(scope="module")
def built():
    """The table, built once for the module."""
    return flyout_table.build_table(load_catalog().interceptor(KIND))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder, and the path the table of KIND is cached at."""
    monkeypatch.setenv("IADSIM_CACHE", str(tmp_path))
    kind = load_catalog().interceptor(KIND)
    return kind, flyout_table.cache_dir() / f"{KIND}-{flyout_table.table_key(kind)}.npz"


def same(a: FlyoutTable, b: FlyoutTable) -> bool:
    return all(np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True) for name in flyout_table.ARRAYS)


def test_a_table_is_cached_whole_and_read_back(cache, built):
    kind, path = cache
    assert same(flyout_table.flyout_table(kind), built)
    assert path.exists() and flyout_table._read_table(path, flyout_table.table_key(kind)) is not None
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary file left"


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _zero_length(data: bytes) -> bytes:
    return b""


def _garbage(data: bytes) -> bytes:
    return np.random.default_rng(0).integers(0, 256, len(data), dtype=np.uint8).tobytes()


def _rotted_byte(data: bytes) -> bytes:
    """One byte of the time-of-flight array changed on disk (the zip's CRC no longer matches)."""
    marker = data.find(b"time_of_flight_s.npy")
    damaged = bytearray(data)
    damaged[marker + 400] ^= 0xFF
    return bytes(damaged)


@pytest.mark.parametrize("damage", [_zero_length, _garbage, _truncated, _rotted_byte])
def test_a_damaged_cached_table_is_rebuilt_and_replaced(cache, built, damage):
    kind, path = cache
    flyout_table.flyout_table(kind)
    path.write_bytes(damage(path.read_bytes()))
    assert flyout_table._read_table(path, flyout_table.table_key(kind)) is None
    assert same(flyout_table.flyout_table(kind), built)
    assert flyout_table._read_table(path, flyout_table.table_key(kind)) is not None, "the file was replaced"


def test_a_table_missing_an_array_or_of_another_key_is_rebuilt(cache, built):
    kind, path = cache
    key = flyout_table.table_key(kind)
    path.parent.mkdir(parents=True)
    np.savez(path, key=np.array(key), ground_range_m=built.ground_range_m)  # an older or partial writer's file
    assert flyout_table._read_table(path, key) is None
    assert same(flyout_table.flyout_table(kind), built)
    other = path.with_name("other.npz")
    path.rename(other)
    assert flyout_table._read_table(other, key) is not None
    assert flyout_table._read_table(other, "0" * 16) is None, "a whole table of other figures is not this one"


def test_a_whole_file_whose_numbers_do_not_match_its_checksum_is_rebuilt(cache, built):
    kind, path = cache
    flyout_table.flyout_table(kind)
    with np.load(path) as data:
        stored = {name: np.array(data[name]) for name in data.files}
    stored["time_of_flight_s"][3, 4] += 1.0
    np.savez(path, **stored)
    assert flyout_table._read_table(path, flyout_table.table_key(kind)) is None
    assert same(flyout_table.flyout_table(kind), built)


def test_a_write_that_fails_on_a_full_disk_leaves_no_partial_file(tmp_path):
    """A file-size limit below the table's size makes the write fail part-way, as a full disk does (EFBIG
    instead of ENOSPC): the table is still returned, and no file, whole or partial, is left in the cache."""
    script = f"""
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
from iadsim.catalog import load_catalog
from iadsim.physics import flyout_table
table = flyout_table.flyout_table(load_catalog().interceptor({KIND!r}))
print(int(np.isfinite(table.time_of_flight_s).sum()))
""".replace("import resource", "import numpy as np\nimport resource")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "IADSIM_CACHE": str(tmp_path)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 0, "the table was built and returned"
    assert list((tmp_path / "flyout").iterdir()) == []


def test_temporaries_that_crashed_writers_left_are_swept(cache):
    kind, path = cache
    folder = path.parent
    folder.mkdir(parents=True)
    old = [folder / "tmpab12cd.npz", folder / f".{path.name}.x1y2.tmp"]
    fresh = folder / f".{path.name}.z3w4.tmp"  # another process may be writing it now
    for leftover in [*old, fresh]:
        leftover.write_bytes(b"partial")
    hours_ago = time.time() - 2 * flyout_table.STALE_TEMPORARY_S
    for leftover in old:
        os.utime(leftover, (hours_ago, hours_ago))
    flyout_table.flyout_table(kind)
    assert sorted(p.name for p in folder.iterdir()) == sorted([path.name, fresh.name])


def test_look_ups_are_numpys_bilinear_interpolation(built):
    """Inside the grid, the kernel's look-up equals np.interp onto the indices and the four-corner blend."""
    rng = np.random.default_rng(3)
    g, a = built.ground_range_m, built.altitude_m
    ground = np.concatenate([rng.uniform(g[0], g[-1], 500), g, [g[-1]]])
    altitude = np.concatenate([rng.uniform(a[0], a[-1], 500), np.resize(a, len(g)), [a[-1]]])
    tof, speed = built.lookup(ground, altitude)
    x = np.interp(ground, g, np.arange(len(g)))
    y = np.interp(altitude, a, np.arange(len(a)))
    i, j = np.minimum(x.astype(int), len(g) - 2), np.minimum(y.astype(int), len(a) - 2)
    fx, fy = x - i, y - j
    t = built.time_of_flight_s
    with np.errstate(invalid="ignore"):
        blend = ((1 - fx) * (1 - fy) * t[i, j] + fx * (1 - fy) * t[i + 1, j] + (1 - fx) * fy * t[i, j + 1]
                 + fx * fy * t[i + 1, j + 1])
    expected = np.where(np.isnan(blend), np.inf, blend)
    assert np.array_equal(tof, expected)
    assert np.isfinite(tof).sum() > 100 and np.all(np.isfinite(speed) == np.isfinite(tof))
    outside, _ = built.lookup(np.array([g[0] - 1.0, g[-1] + 1.0, g[5]]), np.array([a[3], a[3], a[-1] + 1.0]))
    assert np.isinf(outside).all()


def test_c2_uses_tables_exactly_when_the_fly_model_declares_them(cache):
    types = [cache[0]]
    assert flyout_table.tables_for(types, "average_speed") is None
    for model in ("flyout", "flyout_apn"):
        assert flyout_table.tables_for(types, model)[0] is not None
