"""iadsim: simulate layered air and missile defence from public, cited figures.

For notebooks::

    import iadsim
    scenario = iadsim.load_scenario("examples/demo.yaml")
    result = iadsim.simulate(scenario, seed=7)
    result.metrics            # threats, detected, engaged, killed, leaked, ...
    result.to_pandas()        # the event log

The names are imported when first used, so that ``import iadsim`` itself is instant: the command line
(:mod:`iadsim.entry`) takes Ctrl-C from its first moment, before the heavy imports.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["RunResult", "__version__", "load_scenario", "simulate"]


def __getattr__(name: str) -> Any:
    if name in ("RunResult", "simulate"):
        from iadsim import engine

        return getattr(engine, name)
    if name == "load_scenario":
        from iadsim.scenario.load import load_scenario

        return load_scenario
    raise AttributeError(f"module 'iadsim' has no attribute {name!r}")
