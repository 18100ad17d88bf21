"""What each command imports and what that costs: ``python -X importtime``, summarised.

For each command, ``runs`` fresh interpreters run the console script's body under
``-X importtime``; for every module the smallest self time seen is kept (the least
disturbed by other load on the machine), then summed by group: Python's standard
library, the floor's three libraries (jinja2, yaml, click, with markupsafe), hwgen's
own modules, and others. ``write_markdown`` keeps the result in benchmarks/importtime.md,
with the most expensive modules and the hwgen modules each command loads.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
# Jinja2's ModuleLoader imports the compiled templates under a package named after an id
# that differs in every process: one name for all runs.
_TEMPLATES = re.compile(r"^_jinja2_module_templates_[0-9a-f]+")
FLOOR = ("jinja2", "markupsafe", "yaml", "_yaml", "click")


def _group(module: str) -> str:
    top = module.split(".")[0]
    if top == "hwgen" or module.startswith("compiled templates:"):
        return "hwgen"
    if top in FLOOR:
        return "floor libraries"
    if top in sys.stdlib_module_names or top in sys.builtin_module_names or top.startswith("_"):
        return "standard library"
    return "other"


def measure(label: str, argv: list[str], env: dict, cwd: Path, runs: int) -> dict:
    best: dict[str, int] = {}
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-X", "importtime", *argv], env=env, cwd=cwd,
                           capture_output=True, text=True)
        for line in r.stderr.splitlines():
            m = _LINE.match(line)
            if m:
                name, self_us = _TEMPLATES.sub("compiled templates:", m.group(4)), int(m.group(1))
                best[name] = min(best.get(name, self_us), self_us)
    groups: dict[str, float] = {}
    for name, us in best.items():
        groups[_group(name)] = groups.get(_group(name), 0.0) + us / 1000
    top = sorted(best.items(), key=lambda kv: -kv[1])[:12]
    hwgen = sorted((n for n in best if n.split(".")[0] == "hwgen"))
    return {"label": label, "runs": runs, "modules": len(best), "total_ms": sum(best.values()) / 1000,
            "groups_ms": {k: round(v, 2) for k, v in sorted(groups.items())},
            "top": [{"module": n, "self_ms": us / 1000} for n, us in top],
            "hwgen_modules": hwgen, "jinja2": "jinja2" in best}


def write_markdown(results: list[dict], path: Path, header: str) -> None:
    lines = ["# Import time per command (`python -X importtime`)", "", header, "",
             "Smallest self time of each module over the runs, summed by group (ms).", "",
             "| command | modules | total | standard library | floor libraries | hwgen | other |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        g = r["groups_ms"]
        lines.append(f"| `{r['label']}` | {r['modules']} | {r['total_ms']:.1f} | "
                     f"{g.get('standard library', 0):.1f} | {g.get('floor libraries', 0):.1f} | "
                     f"{g.get('hwgen', 0):.1f} | {g.get('other', 0):.1f} |")
    for r in results:
        lines += ["", f"## `{r['label']}`", "",
                  "Most expensive modules (self time): " + ", ".join(
                      f"{t['module']} {t['self_ms']:.1f} ms" for t in r["top"]) + ".", "",
                  f"hwgen modules loaded ({len(r['hwgen_modules'])}): "
                  + ", ".join(m.removeprefix("hwgen.") for m in r["hwgen_modules"]) + ".",
                  f"Jinja2 loaded: {'yes' if r['jinja2'] else 'no'}."]
    path.write_text("\n".join(lines) + "\n")
