"""What every PS family's board-file reader returns and raises: one derived fact with the
parameter or rule it came from, and the error when a fact cannot be derived.

The family modules (boardfacts_zynq7, boardfacts_zynqmp) share these two types, so the
importer (boardfiles) reports every family's facts and failures the same way. The family
registry (``FAMILIES``, ``facts_module``) is here too, not in boardfiles: loading a board YAML
checks it against its preset with the family module, and must not import the XML importer.
"""

from __future__ import annotations

import importlib
from hwgen.frozen import dataclass

from hwgen.errors import InputError, Problem

# PS IP name in preset.xml -> the module holding that family's parameter knowledge.
FAMILIES = {"processing_system7": "hwgen.model.boardfacts_zynq7",
            "zynq_ultra_ps_e": "hwgen.model.boardfacts_zynqmp"}


class FactError(Exception):
    """A fact the plans need cannot be derived. ``param`` names the preset entry at fault
    (located by the caller), ``overlay`` the overlay key that may supply it instead."""

    def __init__(self, message: str, param: str | None = None, overlay: str | None = None):
        super().__init__(message)
        self.param = param
        self.overlay = overlay


@dataclass(frozen=True)
class Fact:
    value: object
    source: str          # "PARAM = 'value'" as the preset has it, or the rule applied


def facts_module(family: str):
    """The facts module of a board YAML's ``ps.family``."""
    for module in FAMILIES.values():
        mod = importlib.import_module(module)
        if mod.FAMILY == family:
            return mod
    raise InputError(Problem(None, "ps.family", f"no board-file knowledge for {family!r}"))
