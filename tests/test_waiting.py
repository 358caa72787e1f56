"""The test helpers' waits fail when their condition never comes: a check that can only pass is worse
than none."""

from __future__ import annotations

import pytest

from tests.waiting import eventually


def test_eventually_returns_the_first_truthy_value() -> None:
    values = iter([0, [], "found"])
    assert eventually(lambda: next(values), timeout=1, interval=0) == "found"


def test_eventually_fails_naming_what_never_came() -> None:
    with pytest.raises(AssertionError, match="waiting for the recap; last value 0"):
        eventually(lambda: 0, timeout=0.05, interval=0.01, what="the recap")
