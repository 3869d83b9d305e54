"""System types as cited YAML data: radars, interceptors, fire units and threats."""

from iadsim.catalog.loader import Catalog, bundled_files, load_catalog

__all__ = ["Catalog", "bundled_files", "load_catalog"]
