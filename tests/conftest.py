"""Shared fixtures: the repository's folders, the bundled demo scenario and the case-study script."""

import importlib.util
import sys
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


@pytest.fixture(scope="session")
def cases_script():
    """examples/cases.py loaded as the module ``cases`` (its dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location("cases", EXAMPLES / "cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cases"] = module
    spec.loader.exec_module(module)
    return module
