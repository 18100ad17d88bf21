"""From a validated Design to the list of files a build folder holds.

Each generator takes the design (and the plans derived from it) and returns
Outputs; ``render_outputs`` collects them and adds the manifest last, so the
manifest can name and hash everything else.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__, petalinux
from .design import Design
from .errors import CheckFailed
from .output import Output, manifest, write_all
from .vitis_ai import arch_json_outputs
from .vivado import vivado_outputs

# Generators in output order. Each is ``f(design) -> list[Output]``.
GENERATORS: list = [
    vivado_outputs,             # vivado/block_design.tcl, strategies.tcl, build.tcl
    petalinux.petalinux_outputs,
    arch_json_outputs,          # vitis-ai/arch.json + README.md (compiler handshake)
]


def preflight(design: Design) -> None:
    """Refuse (exit 1) a design whose memory map cannot boot, before anything is written.

    The budget verdict will fold these checks in; until then this is the whole gate.
    """
    from .memory import failures, memory_checks

    failed = failures(memory_checks(design))
    if failed:
        raise CheckFailed("\n".join(failed))


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
