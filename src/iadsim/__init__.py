"""iadsim: simulate layered air and missile defence from public, cited figures.

For notebooks::

    import iadsim
    scenario = iadsim.load_scenario("examples/demo.yaml")
    result = iadsim.simulate(scenario, seed=7)
    result.metrics            # threats, detected, engaged, killed, leaked, ...
    result.to_pandas()        # the event log
"""

__version__ = "0.1.0"

from iadsim.engine import RunResult, simulate  # noqa: E402
from iadsim.scenario.load import load_scenario  # noqa: E402

__all__ = ["RunResult", "__version__", "load_scenario", "simulate"]
