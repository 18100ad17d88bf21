"""From a validated Design to the list of files a build folder holds.

Each generator takes the design (and the plans derived from it) and returns
Outputs; ``render_outputs`` collects them, adds ``budget.json`` (the verdict that
allowed the build) and the manifest last, so the manifest can name and hash
everything else. ``build`` runs the budget check first: a design over budget gets
only its ``budget.json`` unless the caller insists.
"""

from __future__ import annotations

from pathlib import Path

from hwgen import __version__
from hwgen.frozen import by_identity
from hwgen.emit import petalinux
from hwgen.model.design import Design
from hwgen.errors import CheckFailed
from hwgen.emit.fusesoc_core import core_outputs
from hwgen.emit.output import Output, manifest, text_output, write_all
from hwgen.review.report import review_outputs, start_review
from hwgen.emit.vitis_ai import arch_json_outputs
from hwgen.emit.vivado import vivado_outputs

# Generators in output order. Each is ``f(design) -> list[Output]``.
GENERATORS: list = [
    vivado_outputs,             # vivado/block_design.tcl, strategies.tcl, build.tcl
    petalinux.petalinux_outputs,
    arch_json_outputs,          # vitis-ai/arch.json + README.md (compiler handshake)
    core_outputs,               # <design>.core, vivado/ip_repo.tcl, vivado/export_xsa.tcl
]

BUDGET_FILE = "budget.json"


# By the verdict object: the strategy variants of a design share one (budget.estimate), and
# budget.json reads nothing else.
@by_identity()
def budget_output(verdict) -> Output:
    """budget.json: the verdict's JSON exactly as `hwgen check --format json` prints it. Which
    design it belongs to is the manifest's business: manifest.json names the design
    (design_id) and lists budget.json's sha256 with every other file."""
    from hwgen.budget.verdict_format import to_json

    return text_output(BUDGET_FILE, "budget", to_json(verdict))


class OverBudget(CheckFailed):
    """The budget verdict refused the build; only budget.json was written."""

    def __init__(self, verdict, out_dir: Path):
        self.verdict = verdict
        self.out_dir = out_dir
        self.verbose = False           # the CLI's --verbose: the provenance of every figure too
        super().__init__(f"{verdict.design}: over budget")

    def lines(self) -> list[str]:
        from hwgen.budget.verdict_format import to_text

        from hwgen.emit.texttable import wrap

        return to_text(self.verdict, self.verbose).rstrip("\n").splitlines() + wrap(
            f"nothing built: {self.out_dir / BUDGET_FILE} records the failing verdict, and no "
            "earlier build's manifest or scripts remain beside it (files someone edited are "
            "kept); fix the design, or pass --allow-over-budget to write everything anyway")


def render_outputs(design: Design, verdict=None, review=None) -> list[Output]:
    """Every file of ``design``'s build folder; ``review`` is ``start_review(design)`` when
    the caller started Graphviz earlier (``hwgen build`` does, before it imports this)."""
    if verdict is None:
        from hwgen.budget.estimate import estimate

        verdict = estimate(design)
    # Graphviz starts drawing the diagram now, on another core, while the other files
    # render; the review reads what the others made and runs after budget.json, before
    # the manifest (report/index.html links every file), and collects the drawing last.
    review = review if review is not None else start_review(design)
    try:
        outputs: list[Output] = []
        for generate in GENERATORS:
            outputs.extend(generate(design))
        outputs.append(budget_output(verdict))
    except BaseException:
        review.drawing.close()
        raise
    outputs.extend(review_outputs(design, verdict, tuple(outputs), review))
    outputs.append(manifest(design, outputs, __version__))
    return outputs


def build(design: Design, out_dir: Path, verdict=None, allow_over_budget: bool = False,
          wait: bool = True, review=None) -> list[Output]:
    """Check the budget (memory checks included), then render and write everything.

    Over budget: writes only budget.json and raises OverBudget (exit 1), unless
    ``allow_over_budget``, which writes everything, the failing budget.json included.
    ``wait``: for another build writing the folder (hwgen.emit.output.folder_lock), or fail.
    ``review``: the caller's ``start_review(design)``, if it started Graphviz already.
    """
    if verdict is None:
        from hwgen.budget.estimate import estimate

        verdict = estimate(design)
    if not verdict.ok and not allow_over_budget:
        # The folder now belongs to this failing design: the previous build's manifest and
        # its unedited files go (withdraw), so no script is left that builds a design the
        # folder's own verdict does not describe.
        if review is not None:
            review.drawing.close()
        write_all(out_dir, [budget_output(verdict)], folder=True, withdraw=True,
                  wait=wait)
        raise OverBudget(verdict, out_dir)
    outputs = render_outputs(design, verdict, review)
    write_all(out_dir, outputs, wait=wait)
    return outputs
