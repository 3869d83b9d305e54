"""Writing files and folders whole or not at all, and checking before a run that they can be written.

The ground floor of every writer (run folders, studies, reports, exports, caches): it imports nothing
of iadsim above :mod:`iadsim.errors` and the folder names of :mod:`iadsim.run_layout`.

:func:`check_output_folder` runs *before* the simulation: the path must be a
folder (or not exist yet) under folders that exist or can be made, on a
writable file system with room to spare, and an existing folder must hold
only what ``iadsim run`` writes (so a rerun never deletes anything else).

:func:`write_folder` writes every file into a temporary folder beside the
target and renames it into place in one step (an atomic exchange with the old
folder where the system offers it), so a reader, a full disk or a kill at any
moment leaves either the old results or the new ones, never a mix of the two.
A failure to write is a :class:`~iadsim.errors.UserError` saying why (disk
full, read-only, no permission), and leaves nothing behind.

:func:`atomic_write` serves single files: a temporary name in the same folder, renamed into place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from iadsim.errors import Problem, UserError
from iadsim.run_layout import CATALOGS_FOLDER, EXPORT_FILES, RUN_FILES

MIN_FREE_BYTES = 16 * 2**20
"""Room a run's folder needs before the simulation starts (a small run's files take a few MB)."""
_UMASK = os.umask(0)
os.umask(_UMASK)
_STAGING = re.compile(r"\..+\.[A-Za-z0-9_]+\.tmp")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)``, then rename the temporary file to ``path``; on failure remove what
    was written (with any ``.wal`` DuckDB left beside it) and raise :class:`UserError` for a write the
    system refused (disk full, read-only, permission)."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise cannot_write(path.parent, error) from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException as error:
        for leftover in (temporary, f"{temporary}.wal"):
            Path(leftover).unlink(missing_ok=True)
        failure = write_failure(error)
        if failure is not None:
            raise cannot_write(path, failure) from None
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_failure(error: BaseException) -> OSError | None:
    """The system's refusal behind ``error`` (an ``OSError``, or a library's error for one), if it is one."""
    if isinstance(error, OSError):
        return error
    text = str(error)
    for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
        if os.strerror(code) in text:
            return OSError(code, os.strerror(code))
    return None


def cannot_write(path: Path, error: OSError) -> UserError:
    """The message for a write the system refused, with what to do about it."""
    advice = {
        errno.ENOSPC: "free some space, or write elsewhere with -o",
        errno.EDQUOT: "free some space, or write elsewhere with -o",
        errno.EROFS: "the file system is read-only: write elsewhere with -o",
        errno.EACCES: "you may not write there: write elsewhere with -o",
        errno.EPERM: "you may not write there: write elsewhere with -o",
    }.get(error.errno or 0, "write elsewhere with -o")
    return UserError([Problem(f"cannot write {path}: {error.strerror or error}", suggestion=advice)])


RUN_FOLDER_NAMES = (*RUN_FILES, CATALOGS_FOLDER)
"""What ``iadsim run`` writes into a results folder."""


def check_output_folder(folder: Path, allowed: tuple[str, ...] | None = (*RUN_FOLDER_NAMES, *EXPORT_FILES),
                        needed_bytes: int = MIN_FREE_BYTES) -> None:
    """Refuse, before any work, an output path that cannot become a results folder (see the module
    docstring); ``allowed`` are the names an existing folder may hold (``None``: anything, the caller
    checks); a folder that exists must itself be writable."""
    if folder.exists() and not folder.is_dir():
        raise UserError([Problem(f"{folder} is a file, not a folder", "--output",
                                 suggestion="choose a folder name with -o")])
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError([Problem(f"{existing} is a file, so {folder} cannot be a folder", "--output",
                                 suggestion="choose a folder name with -o")])
    if folder.is_dir() and allowed is None:
        _check_writable(folder, needed_bytes)
        return
    if folder.is_dir():
        others = sorted(entry.name for entry in folder.iterdir() if entry.name not in allowed)
        if others:
            raise UserError([Problem(
                f"{folder} holds files that are not results of `iadsim run` ({', '.join(others[:5])}"
                f"{', ...' if len(others) > 5 else ''}); a rerun replaces the whole folder", "--output",
                suggestion="choose another folder with -o, or empty this one")])
        existing = folder.parent
    _check_writable(existing, needed_bytes)


def _check_writable(folder: Path, needed_bytes: int) -> None:
    status = os.statvfs(folder)
    if status.f_flag & os.ST_RDONLY:
        raise cannot_write(folder, OSError(errno.EROFS, os.strerror(errno.EROFS)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise cannot_write(folder, OSError(errno.EACCES, os.strerror(errno.EACCES)))
    free = status.f_bavail * status.f_frsize
    if free < needed_bytes:
        raise UserError([Problem(f"only {free / 2**20:.1f} MiB are free on the disk of {folder}; "
                                 f"at least {needed_bytes / 2**20:.0f} MiB are needed",
                                 suggestion="free some space, or write elsewhere with -o")])


def write_folder(folder: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(staging_folder)`` to fill a new folder, then put it in place of ``folder`` whole.

    The staging folder is a hidden sibling of ``folder`` (the same file system, so the rename is one
    step); an old ``folder`` is swapped out and removed. Staging folders left by a killed run are
    removed first. On failure nothing is left: no staging folder, and no parent folder made here.
    """
    made = _make_parents(folder.parent)
    try:
        _remove_stale_staging(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    except OSError as error:
        _remove_empty(made)
        raise cannot_write(folder.parent, error) from None
    try:
        os.chmod(staging, 0o777 & ~_UMASK)
        write(staging)
        if folder.is_dir():
            _exchange(staging, folder)
        else:
            os.rename(staging, folder)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        failure = write_failure(error)
        if failure is not None:
            raise cannot_write(folder, failure) from None
        raise
    shutil.rmtree(staging, ignore_errors=True)  # the old folder, after an exchange


def _exchange(staging: Path, folder: Path) -> None:
    """Swap ``staging`` and ``folder`` in one step (Linux renameat2), or in two renames elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(folder), _RENAME_EXCHANGE) == 0:
            return
    except (AttributeError, OSError):
        pass
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    os.rmdir(aside)
    os.rename(folder, aside)
    os.rename(staging, folder)
    os.rename(aside, staging)


def _remove_stale_staging(folder: Path) -> None:
    for entry in folder.parent.glob(f".{glob_escape(folder.name)}.*.tmp"):
        names = {p.name for p in entry.iterdir()} if _STAGING.fullmatch(entry.name) and entry.is_dir() else None
        if names is not None and names <= set(RUN_FOLDER_NAMES):
            shutil.rmtree(entry, ignore_errors=True)


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _make_parents(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return those made, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    try:
        for path in reversed(missing):
            path.mkdir()
    except OSError as error:
        _remove_empty(missing)
        raise cannot_write(path, error) from None
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for path in folders:
        with contextlib.suppress(OSError):
            path.rmdir()
