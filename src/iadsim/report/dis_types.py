"""DIS entity types of the catalog's system types, from the table kept beside the catalog.

The table (``src/iadsim/catalog/dis/entity_types.yaml``) gives an entity type
for each catalog kind (for threats, each threat class) and overrides for named
types; a user's own type takes the default of its kind or class.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from iadsim.catalog import Catalog
from iadsim.report.dis_pdu import EntityType

TABLE = ("dis", "entity_types.yaml")


@cache
def entity_type_table() -> dict[str, Any]:
    """The table as read: ``by_kind`` defaults and ``types`` overrides."""
    text = resources.files("iadsim.catalog").joinpath(*TABLE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def entity_type(catalog: Catalog, name: str) -> EntityType:
    """The DIS entity type of catalog type ``name`` (a fire unit, an interceptor or a threat)."""
    table = entity_type_table()
    entry = catalog.entries[name]
    default = table["by_kind"][entry.kind]
    if entry.kind == "threat":
        default = default[getattr(entry, "threat_class")]
    return EntityType(**{**default, **table["types"].get(name, {})})
