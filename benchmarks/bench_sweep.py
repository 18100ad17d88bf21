"""In-process design sweep: every shipped board x DPU x fabric clock x strategy.

One sweep point does in memory what ``hwgen build`` does before writing files:
``load_design`` (validation, settings layers), the budget verdict
(``budget.estimate``, alternatives included when the design is over budget) and then
what ``hwgen build`` would write: every file (``render_outputs``) when the verdict
passes, only ``budget.json`` (``build.budget_output``) when it refuses. That is the
judged figure ("as hwgen build"). A second pass renders every file of every point,
refused ones included, as ``hwgen build --allow-over-budget`` would: the most work a
sweep can ask for, reported beside it. Both report how many points pass.

Templates are compiled and shipped YAML is parsed during one untimed warm-up sweep;
the timed sweeps count YAML parses and template compilations, which must both be 0.
"""

from __future__ import annotations

import inspect
import statistics
import time
from dataclasses import dataclass

CLOCKS_MHZ = (100, 125, 150, 200)
# Three Vivado 2023.2 implementation strategies (UG904, "Implementation strategies").
STRATEGIES = ("Performance_Explore", "Vivado Implementation Defaults", "Performance_ExtraTimingOpt")


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
    yaml_parses: int         # during the timed sweeps; 0 = shipped data parsed once
    template_compiles: int   # during the timed sweeps; 0 = compiled templates are reused

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


class _Counters:
    """Counts YAML parses (any PyYAML Reader) and Jinja2 compilations while active."""

    def __init__(self):
        import jinja2
        import yaml.reader

        self.yaml = self.compiles = 0
        self._targets = [(yaml.reader.Reader, "__init__"), (jinja2.Environment, "compile")]
        self._saved = []

    def __enter__(self):
        for owner, name in self._targets:
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(original, "yaml" if name == "__init__" else "compiles"))
        return self

    def _wrap(self, original, counter):
        def counted(*args, **kwargs):
            setattr(self, counter, getattr(self, counter) + 1)
            return original(*args, **kwargs)
        return counted

    def __exit__(self, *exc):
        for owner, name, original in self._saved:
            setattr(owner, name, original)


def _pipeline():
    """(load_design, estimate or None, render(design, verdict), refused(verdict))."""
    from hwgen import build
    from hwgen.design import load_design

    try:
        from hwgen.budget import estimate
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


def _sweep_once(pts, everything: bool):
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
    return rendered, over, refused, files, size


def run(repeats: int, everything: bool = False) -> SweepResult:
    """Time ``repeats`` sweeps; ``everything`` renders refused points too (--allow-over-budget)."""
    pts = points()
    _sweep_once(pts, everything)   # warm-up: parse shipped YAML, compile templates
    walls, cpus = [], []
    with _Counters() as counters:
        for _ in range(repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            rendered, over, refused, files, size = _sweep_once(pts, everything)
            cpus.append(time.process_time() - c0)
            walls.append(time.perf_counter() - w0)
    return SweepResult(points=len(pts), rendered=rendered, over_budget=over, refused=refused,
                       files=files, bytes=size, wall=walls, cpu=cpus,
                       yaml_parses=counters.yaml, template_compiles=counters.compiles)
