"""Every registered verification case passes: the same rows `iadsim verify` prints."""

import pytest

from iadsim.verify import all_cases


@pytest.mark.parametrize("name", list(all_cases()))
def test_verification_case_passes(name):
    result = all_cases()[name]()
    assert result.passed, f"{result.case}: expected {result.expected}, got {result.got} (tolerance {result.tolerance})"
