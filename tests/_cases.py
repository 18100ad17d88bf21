"""Many small cases in one test, every failure reported.

A test item costs pytest (with xdist) about 3.5 ms of CPU time on its own: collecting,
reporting and shipping the report between processes. The injection matrix (every string
field x every payload) was 2,300 items, and the DPU fingerprint matrix 1,000, so a quarter
of the suite's overhead went to bookkeeping, not to hwgen. Such a matrix runs its cases in
a loop inside a few items instead, and :class:`Cases` keeps what separate items gave: every
case runs even after one fails, each failure is reported with its case's name and message,
and a case that cannot apply says why.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager

import pytest


class Cases:
    """Run cases with :meth:`case`; :meth:`check` fails the test listing every failure."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self.not_applicable: list[tuple[str, str]] = []

    @contextmanager
    def case(self, name: str):
        self.ran.append(name)
        try:
            yield
        except NotApplicable as exc:
            self.ran.pop()
            self.not_applicable.append((name, str(exc)))
        except (Exception, pytest.fail.Exception, pytest.skip.Exception) as exc:   # noqa: BLE001
            # every failure is reported below with where it was raised; a skip inside a case
            # would skip the whole matrix, so it counts as a failure (NotApplicable says why
            # a case cannot apply)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.failed.append((name, f"{type(exc).__name__}: {exc}\n"
                                      f"    at {where.filename}:{where.lineno}"))

    def check(self) -> None:
        assert self.ran, f"no case applied: {self.not_applicable}"
        if self.failed:
            pytest.fail(f"{len(self.failed)} of {len(self.ran)} cases failed:\n\n"
                        + "\n\n".join(f"[{name}] {text}" for name, text in self.failed),
                        pytrace=False)


class NotApplicable(Exception):
    """Raised inside a case that cannot be set up (e.g. a payload that cannot be a file name)."""
