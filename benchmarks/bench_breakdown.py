"""Where the time of `hwgen check` and `hwgen build` goes, beyond the floor.

Each sample is a fresh interpreter (the suite's environment: the installed wheel)
that imports the floor's three libraries, then times, in order: importing every hwgen
module the command uses (and, inside that, the time Python spends creating frozen
dataclasses, counted by wrapping ``dataclasses._process_class`` and hwgen.frozen's
``_make_frozen`` in that process only),
``load_design``, ``budget.estimate``, and the command's own output (the verdict text;
or rendering every file and writing them). The module list is what the real command
imports, taken from a run of it. Informational: these are the parts of the ratios.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

_LIST_MODULES = r"""
import sys
from hwgen.cli import main
try:
    main(sys.argv[1:], prog_name="hwgen")   # given its arguments, main returns to this script
except SystemExit:
    pass
print("\n".join(m for m in sys.modules if m.startswith("hwgen")), file=sys.stderr)
"""

_SAMPLE = r"""
import sys, time, json, tempfile, pathlib
import jinja2, yaml, click
import dataclasses
made = [0, 0.0]
inside = [0]
def _counting(original):
    def counted(*args, **kwargs):
        if inside[0]:                  # hwgen.frozen's fast path calls _process_class itself
            return original(*args, **kwargs)
        inside[0] += 1
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inside[0] -= 1
            made[0] += 1
            made[1] += time.perf_counter() - t
    return counted
dataclasses._process_class = _counting(dataclasses._process_class)
try:
    import hwgen.frozen as _frozen     # frozen records made by hwgen's own decorator
    _frozen._make_frozen = _counting(_frozen._make_frozen)
except ImportError:
    pass
command, modules = sys.argv[1], sys.argv[2].split(",")
t0 = time.perf_counter()
import importlib
for m in modules:
    importlib.import_module(m)
t1 = time.perf_counter()
classes, class_s = made
from hwgen.model.design import load_design
from hwgen.budget import estimate as budget
design = load_design()
t2 = time.perf_counter()
verdict = budget.estimate(design)
t3 = time.perf_counter()
if command == "check":
    from hwgen.budget.verdict_format import render_verdict
    render_verdict(verdict, "text")
    t4 = t5 = time.perf_counter()
else:
    from hwgen.folder.build import render_outputs
    from hwgen.emit.output import write_all
    outputs = render_outputs(design, verdict)
    t4 = time.perf_counter()
    write_all(pathlib.Path(tempfile.mkdtemp()) / "out", outputs)
    t5 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "dataclasses": classes, "dataclasses_s": class_s,
                  "load_design_s": t2 - t1, "estimate_s": t3 - t2, "output_s": t4 - t3,
                  "write_s": t5 - t4, "work_s": t5 - t1}))
"""


def modules_of(command: str, env: dict, cwd: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _LIST_MODULES, command], env=env, cwd=cwd,
                         capture_output=True, text=True, check=True)
    return [m for m in out.stderr.split() if m.startswith("hwgen")]


def measure(command: str, env: dict, cwd: Path, samples: int) -> dict:
    """Median of each phase over ``samples`` fresh processes, in seconds."""
    modules = modules_of(command, env, cwd)
    runs = []
    for _ in range(samples + 1):                      # the first is a warm-up
        out = subprocess.run([sys.executable, "-c", _SAMPLE, command, ",".join(modules)],
                             env=env, cwd=cwd, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    runs = runs[1:]
    result = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    result["modules"] = len(modules)
    result["samples"] = samples
    return result
