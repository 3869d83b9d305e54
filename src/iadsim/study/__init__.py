"""Studies: Monte Carlo replications of a scenario over parameter sweeps, stored in Parquet and DuckDB.

``iadsim study STUDY.yaml`` loads and checks the study (:mod:`.spec`, :mod:`.sweep`),
opens or resumes its results folder (:mod:`.store`, :mod:`.database`), runs the
missing replications on an executor (:mod:`.executors`, :mod:`.worker`,
:mod:`.runner`) with seeds from one study seed (:mod:`.seeds`), and summarizes
every point (:mod:`.stats`). The folder's layout is documented in docs/studies.md.
"""
