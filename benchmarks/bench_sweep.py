"""In-process design sweep: every shipped board x DPU x fabric clock x strategy.

One sweep point does in memory what ``hwgen build`` does before writing files:
``load_design`` (validation, settings layers), the budget verdict
(``budget.estimate``, alternatives included when the design is over budget) and then
what ``hwgen build`` would write: every file (``render_outputs``) when the verdict
passes, only ``budget.json`` (``build.budget_output``) when it refuses. That is the
judged figure ("as hwgen build"). Two variants are reported beside it: the same sweep with
Graphviz hidden (``dot`` not found, so no SVG: what hwgen's own code costs), and every
file of every point rendered, refused ones included, as ``hwgen build
--allow-over-budget`` would: the most work a sweep can ask for.

The rates use CPU time on one core: the sweep process's own plus that of the ``dot``
processes it waits for (``RUSAGE_CHILDREN``), so Graphviz's work counts.

Each timed sweep runs once, in a fresh interpreter, so nothing a previous sweep of the
same designs left in a cache makes it faster. Before the clock starts, that process
builds two designs that are not in the sweep (one within budget, one over), which
imports hwgen and loads every template: "templates compiled once". Graphviz draws
every diagram the sweep has not drawn yet. While timed, the process records every YAML file hwgen parses (none may
be parsed twice) and every template compilation (there must be none). The variants
take turns, so a change in the machine's load hits all of them.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CLOCKS_MHZ = (100, 125, 150, 200)
# Three Vivado 2023.2 implementation strategies (UG904, "Implementation strategies").
STRATEGIES = ("Performance_Explore", "Vivado Implementation Defaults", "Performance_ExtraTimingOpt")
# Warm-up designs: not in the sweep (another clock), one within budget and one over it.
WARMUP = (("pynq_z2", "B512", ("dpu.clock_mhz=120",)), ("pynq_z2", "B4096", ("dpu.clock_mhz=120",)))


@dataclass(frozen=True)
class Point:
    board: str
    dpu: str
    clock_mhz: int
    strategy: str

    @property
    def sets(self) -> tuple[str, ...]:
        return (f"dpu.clock_mhz={self.clock_mhz}", f"build.impl_strategy={self.strategy}")


@dataclass(frozen=True)
class SweepResult:
    points: int              # designs in the sweep; each counts in the rate
    rendered: int            # points whose every file was rendered
    over_budget: int         # of the points, how many the budget verdict refuses
    refused: dict            # exception class name -> count (load_design or a generator refused)
    files: int               # files produced by one sweep
    bytes: int
    wall: list               # seconds per timed sweep
    cpu: list                # process CPU seconds per timed sweep
    yaml_files: int          # distinct YAML files parsed while timed (shipped data met late)
    yaml_parsed_twice: list  # files parsed more than once while timed: must be empty
    template_compiles: int   # while timed: must be 0

    @property
    def rate_cpu(self) -> float:
        return self.points / statistics.median(self.cpu)

    @property
    def rate_wall(self) -> float:
        return self.points / statistics.median(self.wall)


def points() -> list[Point]:
    from hwgen import resources

    boards = sorted(resources.shipped("boards"))
    dpus = sorted(resources.shipped("dpus"), key=lambda n: int(n.lstrip("b")))
    return [Point(b, d.upper(), c, s) for b in boards for d in dpus for c in CLOCKS_MHZ
            for s in STRATEGIES]


# --------------------------------------------------------------------------- the child process
class _Watch:
    """While active: YAML files hwgen parses (by path) and Jinja2 compilations."""

    def __init__(self):
        import jinja2

        from hwgen.model import loader

        self.parsed: list[str] = []
        self.compiles = 0
        self._targets = [(loader, "load_file", self._parse), (jinja2.Environment, "compile", self._compile)]
        self._saved = []

    def _parse(self, original):
        def load_file(path, *args, **kwargs):
            self.parsed.append(str(Path(path).resolve()))
            return original(path, *args, **kwargs)
        return load_file

    def _compile(self, original):
        def compile(*args, **kwargs):
            self.compiles += 1
            return original(*args, **kwargs)
        return compile

    def __enter__(self):
        for owner, name, wrap in self._targets:
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, wrap(original))
        return self

    def __exit__(self, *exc):
        for owner, name, original in self._saved:
            setattr(owner, name, original)


def _pipeline():
    """(load_design, estimate or None, render(design, verdict), refused(verdict))."""
    from hwgen.folder import build
    from hwgen.model.design import load_design

    try:
        from hwgen.budget.estimate import estimate
    except ImportError:
        estimate = None
    takes_verdict = "verdict" in inspect.signature(build.render_outputs).parameters

    def render(design, verdict):
        return build.render_outputs(design, verdict) if takes_verdict else build.render_outputs(design)

    def refused(verdict):
        # What `hwgen build` writes for a design over budget: the failing verdict alone.
        budget_output = getattr(build, "budget_output", None)
        return [budget_output(verdict)] if budget_output else []

    return load_design, estimate, render, refused


def _sweep(pts, everything: bool) -> dict:
    from hwgen.errors import HwgenError

    load_design, estimate, render, refused_output = _pipeline()
    rendered = over = files = size = 0
    refused: dict[str, int] = {}
    for p in pts:
        try:
            design = load_design(p.board, p.dpu, p.sets)
            verdict = estimate(design) if estimate else None
            ok = verdict is None or verdict.ok
            over += not ok
            if ok or everything:
                outputs = render(design, verdict)
                rendered += 1
            else:
                outputs = refused_output(verdict)
        except HwgenError as exc:   # load_design or a generator refused the point
            refused[type(exc).__name__] = refused.get(type(exc).__name__, 0) + 1
            continue
        files += len(outputs)
        size += sum(len(o.data) for o in outputs)
    return {"rendered": rendered, "over_budget": over, "refused": refused, "files": files, "bytes": size}


VARIANTS = ("build", "build-no-dot", "everything", "everything-no-dot")


def child(variant: str) -> dict:
    """One timed sweep of ``variant`` in this (fresh) process, after the warm-up designs."""
    if variant.endswith("-no-dot"):
        from hwgen.review import diagram

        diagram.dot_program = lambda: None      # as on a machine without Graphviz
    load_design, estimate, render, _ = _pipeline()
    for board, dpu, sets in WARMUP:
        design = load_design(board, dpu, sets)
        render(design, estimate(design) if estimate else None)
    pts = points()

    def children_cpu() -> float:
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        return u.ru_utime + u.ru_stime

    with _Watch() as watch:
        w0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
        result = _sweep(pts, variant.startswith("everything"))
        cpu = time.process_time() - c0 + children_cpu() - k0
        wall = time.perf_counter() - w0
    twice = sorted({p for p in watch.parsed if watch.parsed.count(p) > 1})
    return {**result, "points": len(pts), "cpu": cpu, "wall": wall, "yaml_files": len(set(watch.parsed)),
            "yaml_parsed_twice": twice, "template_compiles": watch.compiles}


# --------------------------------------------------------------------------- the parent
def run(repeats: int, env: dict, progress=lambda s: None) -> dict[str, SweepResult]:
    """``repeats`` sweeps of each variant, taking turns, each in a fresh interpreter."""
    samples: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for r in range(repeats):
        for i in range(len(VARIANTS)):
            variant = VARIANTS[(r + i) % len(VARIANTS)]
            out = subprocess.run([sys.executable, __file__, "--child", variant],
                                 env=env, capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(f"sweep process failed: {out.stderr.strip()[-2000:]}")
            samples[variant].append(json.loads(out.stdout))
        progress(f"sweep round {r + 1}/{repeats}")
    results = {}
    for variant, runs in samples.items():
        last = runs[-1]
        results[variant] = SweepResult(
            points=last["points"], rendered=last["rendered"], over_budget=last["over_budget"],
            refused=last["refused"], files=last["files"], bytes=last["bytes"],
            wall=[s["wall"] for s in runs], cpu=[s["cpu"] for s in runs],
            yaml_files=max(s["yaml_files"] for s in runs),
            yaml_parsed_twice=sorted({p for s in runs for p in s["yaml_parsed_twice"]}),
            template_compiles=max(s["template_compiles"] for s in runs))
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child" and sys.argv[2] in VARIANTS:
        # The hwgen under test: the installed copy run.py made (HWGEN_BENCH_PATH), else this checkout.
        sys.path.insert(0, os.environ.get("HWGEN_BENCH_PATH") or str(Path(__file__).resolve().parent.parent))
        print(json.dumps(child(sys.argv[2])))
    else:
        sys.exit(f"usage: {sys.argv[0]} --child {{{','.join(VARIANTS)}}} (run by benchmarks/run.py)")
