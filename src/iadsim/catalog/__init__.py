"""System types as cited YAML data: radars, interceptors, fire units and threats."""

from iadsim.catalog.loader import Catalog, CatalogFile, bundled_files, load_catalog, read_catalog_file

__all__ = ["Catalog", "CatalogFile", "bundled_files", "load_catalog", "read_catalog_file"]
