"""Scenarios: the schema, loading with clear errors, and compilation into arrays."""
