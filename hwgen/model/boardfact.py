"""What every PS family's board-file reader returns and raises: one derived fact with the
parameter or rule it came from, and the error when a fact cannot be derived.

The family modules (boardfacts_zynq7, boardfacts_zynqmp) share these two types, so the
importer (boardfiles) reports every family's facts and failures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


class FactError(Exception):
    """A fact the plans need cannot be derived. ``param`` names the preset entry at fault
    (located by the caller), ``overlay`` the overlay key that may supply it instead."""

    def __init__(self, message: str, param: str | None = None, overlay: str | None = None):
        super().__init__(message)
        self.param = param
        self.overlay = overlay


@dataclass
class Fact:
    value: object
    source: str          # "PARAM = 'value'" as the preset has it, or the rule applied
