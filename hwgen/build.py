"""From a validated Design to the list of files a build folder holds.

Each generator takes the design (and the plans derived from it) and returns
Outputs; ``render_outputs`` collects them and adds the manifest last, so the
manifest can name and hash everything else.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .design import Design
from .output import Output, manifest, write_all

# Generators in output order. Each is ``f(design) -> list[Output]``.
GENERATORS: list = []

from .vivado import vivado_outputs  # noqa: E402  (vivado/*.tcl)

GENERATORS.append(vivado_outputs)

from .fusesoc_core import core_outputs  # noqa: E402  (<design>.core, vivado/ip_repo.tcl, vivado/export_xsa.tcl)

GENERATORS.append(core_outputs)


def render_outputs(design: Design) -> list[Output]:
    outputs: list[Output] = []
    for generate in GENERATORS:
        outputs.extend(generate(design))
    outputs.append(manifest(design, outputs, __version__))
    return outputs


def build(design: Design, out_dir: Path) -> list[Output]:
    outputs = render_outputs(design)
    write_all(out_dir, outputs)
    return outputs
