"""From a validated Design to the list of files a build folder holds.

Each generator takes the design (and the plans derived from it) and returns
Outputs; ``render_outputs`` collects them, adds ``budget.json`` (the verdict that
allowed the build) and the manifest last, so the manifest can name and hash
everything else. ``build`` runs the budget check first: a design over budget gets
only its ``budget.json`` unless the caller insists.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__, petalinux
from .design import Design
from .errors import CheckFailed
from .output import Output, manifest, text_output, write_all
from .vitis_ai import arch_json_outputs

# Generators in output order. Each is ``f(design) -> list[Output]``.
GENERATORS: list = []
GENERATORS.append(arch_json_outputs)   # vitis-ai/arch.json + README.md (compiler handshake)
GENERATORS.append(petalinux.petalinux_outputs)   # petalinux/system-user.dtsi, bootargs, config.fragment

BUDGET_FILE = "budget.json"

from .vivado import vivado_outputs  # noqa: E402  (vivado/*.tcl)

GENERATORS.append(vivado_outputs)


def budget_output(verdict) -> Output:
    from .verdict_format import to_json

    return text_output(BUDGET_FILE, "budget", to_json(verdict))


class OverBudget(CheckFailed):
    """The budget verdict refused the build; only budget.json was written."""

    def __init__(self, verdict, out_dir: Path):
        self.verdict = verdict
        self.out_dir = out_dir
        super().__init__(f"{verdict.design}: over budget")

    def lines(self) -> list[str]:
        from .verdict_format import to_text

        return to_text(self.verdict).rstrip("\n").splitlines() + [
            f"nothing built: only {self.out_dir / BUDGET_FILE} was written (the failing verdict); "
            "fix the design, or pass --allow-over-budget to write everything anyway"]


def preflight(design: Design) -> None:
    """The memory part of the budget verdict alone (kept for the PetaLinux tests).

    ``build`` no longer calls it: the verdict it runs holds the same memory checks.
    """
    from .budget import _memory_checks
    from .memory import failures

    failed = failures(_memory_checks(design))
    if failed:
        raise CheckFailed("\n".join(failed))


def render_outputs(design: Design, verdict=None) -> list[Output]:
    if verdict is None:
        from .budget import estimate

        verdict = estimate(design)
    outputs: list[Output] = []
    for generate in GENERATORS:
        outputs.extend(generate(design))
    outputs.append(budget_output(verdict))
    outputs.append(manifest(design, outputs, __version__))
    return outputs


def build(design: Design, out_dir: Path, verdict=None, allow_over_budget: bool = False) -> list[Output]:
    """Check the budget (memory checks included), then render and write everything.

    Over budget: writes only budget.json and raises OverBudget (exit 1), unless
    ``allow_over_budget``, which writes everything, the failing budget.json included.
    """
    if verdict is None:
        from .budget import estimate

        verdict = estimate(design)
    if not verdict.ok and not allow_over_budget:
        write_all(out_dir, [budget_output(verdict)])
        raise OverBudget(verdict, out_dir)
    outputs = render_outputs(design, verdict)
    write_all(out_dir, outputs)
    return outputs
