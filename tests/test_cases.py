"""tests/_cases.py runs every case of a matrix and reports each failure by name."""

from __future__ import annotations

import pytest
from _cases import Cases, NotApplicable


def test_every_case_runs_and_every_failure_is_named():
    cases = Cases()
    for n in range(5):
        with cases.case(f"n={n}"):
            assert n % 2 == 0, f"{n} is odd"
    assert cases.ran == [f"n={n}" for n in range(5)]
    with pytest.raises(pytest.fail.Exception) as info:
        cases.check()
    text = str(info.value)
    assert "2 of 5 cases failed" in text
    assert "[n=1] AssertionError: 1 is odd" in text and "[n=3] AssertionError: 3 is odd" in text
    assert "n=0" not in text and "test_cases.py" in text


def test_an_exception_other_than_an_assertion_fails_too():
    cases = Cases()
    with cases.case("boom"):
        raise KeyError("x")
    with pytest.raises(pytest.fail.Exception, match=r"\[boom\] KeyError"):
        cases.check()


def test_not_applicable_cases_are_kept_apart_and_none_applying_fails():
    cases = Cases()
    with cases.case("a"):
        raise NotApplicable("cannot be set up")
    assert cases.ran == [] and cases.not_applicable == [("a", "cannot be set up")]
    with pytest.raises(AssertionError, match="no case applied"):
        cases.check()
    with cases.case("b"):
        pass
    cases.check()


def test_a_skip_or_fail_inside_a_case_is_that_case_failing():
    cases = Cases()
    with cases.case("skips"):
        pytest.skip("not here")
    with cases.case("fails"):
        pytest.fail("no")
    with cases.case("passes"):
        pass
    assert [name for name, _ in cases.failed] == ["skips", "fails"]
    with pytest.raises(pytest.fail.Exception, match="2 of 3 cases failed"):
        cases.check()
