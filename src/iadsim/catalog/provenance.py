"""What a results folder keeps of the user's catalog files: a copy of each, and its path and SHA-256.

A run folder (``iadsim run``) and a study folder (``iadsim study``) both copy the catalog files
beyond the bundled ones into ``catalogs/`` and list them (``summary.json``'s and ``study.json``'s
``catalogs``), so the results can be read, checked and made again on another machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from iadsim.catalog.loader import CatalogFile
from iadsim.files import atomic_write, cannot_write
from iadsim.run_layout import CATALOGS_FOLDER


def copy_names(files: Sequence[CatalogFile]) -> list[str]:
    """Where each file's copy goes, relative to the results folder: ``catalogs/<file name>``, with
    ``-2``, ``-3``... before the suffix when two files share a name."""
    names: list[str] = []
    for file in files:
        path = Path(file.name)
        name, count = path.name, 1
        while f"{CATALOGS_FOLDER}/{name}" in names:
            count += 1
            name = f"{path.stem}-{count}{path.suffix}"
        names.append(f"{CATALOGS_FOLDER}/{name}")
    return names


def catalog_records(files: Sequence[CatalogFile]) -> list[dict[str, str]]:
    """One record per file: the path it was read from, its copy in the folder, its SHA-256."""
    return [{"file": file.path, "copy": copy, "sha256": file.sha256}
            for file, copy in zip(files, copy_names(files), strict=True)]


def write_copies(folder: Path, files: Sequence[CatalogFile]) -> None:
    """Write the copies (byte for byte the text read) into ``folder``/catalogs/, each atomically."""
    if not files:
        return
    try:
        (folder / CATALOGS_FOLDER).mkdir(exist_ok=True)
    except OSError as error:
        raise cannot_write(folder / CATALOGS_FOLDER, error) from None
    for file, copy in zip(files, copy_names(files), strict=True):
        data = file.text.encode("utf-8")
        atomic_write(folder / copy, lambda temporary, data=data: temporary.write_bytes(data))
