"""Shared fixtures: the repository's folders and the bundled demo scenario."""

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY / "examples"
DEMO = EXAMPLES / "demo.yaml"


@pytest.fixture(scope="session")
def demo_result():
    """One run of the demo scenario, shared by tests that only read it."""
    import iadsim

    return iadsim.simulate(iadsim.load_scenario(DEMO))
