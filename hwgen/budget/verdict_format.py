"""A Verdict as text for people, JSON for scripts and JUnit XML for CI systems.

One Verdict type comes from both the estimate and Vivado's reports, so each format
is written once. Numbers are the verdict's own; nothing here decides pass or fail.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from hwgen.budget.estimate import fmt_amount, fmt_percent
from hwgen.jsontext import dumps_indented
from hwgen.model.verdict import ResourceLine, Verdict
from hwgen.emit.texttable import WIDTH, table, wrap

if TYPE_CHECKING:   # JUnit only: imported where it is written, not by every check
    import xml.etree.ElementTree as ET

FORMATS = ("text", "json", "junit")


def status(line: ResourceLine) -> str:
    if not line.fits:
        return "DOES NOT FIT"
    return "ok" if line.ok else "OVER LIMIT"


def _num(value: float | None):
    """JSON numbers: integers stay integers (LUT 24276), halves stay halves (BRAM 69.5)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if float(value) == int(value):
        return int(value)
    return round(float(value), 3)


# --------------------------------------------------------------------------- JSON
def to_dict(v: Verdict) -> dict:
    """The shape of issue 5 (verdict, design, part, source, resources, memory, timing, messages),
    each resource with its contributions: everything the text shows, --verbose included."""
    timing = None
    if v.timing is not None:
        t = v.timing
        timing = {"wns": _num(t.wns), "tns": _num(t.tns), "whs": _num(t.whs), "ths": _num(t.ths),
                  "ok": t.ok}
    return {
        "verdict": "pass" if v.ok else "fail",
        "design": v.design,
        "part": v.part,
        "source": v.source,
        "resources": [{"name": l.name, "used": _num(l.used), "available": _num(l.available),
                       "percent": None if math.isinf(l.percent) else round(l.percent, 2),
                       "limit_percent": _num(l.limit_percent), "ok": l.ok,
                       # where each figure comes from: what the text prints only with --verbose
                       "contributions": [{"amount": _num(c.amount), "what": c.what, "source": c.source}
                                         for c in l.contributions]} for l in v.resources],
        "memory": [{"name": c.name, "ok": c.ok, "severity": c.severity, "message": c.message}
                   for c in v.memory],
        "timing": timing,
        "messages": list(v.messages),
    }


def to_json(v: Verdict) -> str:
    return dumps_indented(to_dict(v), 2) + "\n"     # json.dumps(..., indent=2), faster


# --------------------------------------------------------------------------- text
def _vs_estimate(line: ResourceLine) -> str:
    if line.estimate is None:
        return "-"
    if not line.estimate:
        return "-" if not line.used else "n/a"
    return f"{100.0 * (line.used - line.estimate) / line.estimate:+.1f}%"


def table_lines(v: Verdict) -> list[str]:
    with_estimate = any(l.estimate is not None for l in v.resources)
    if v.source == "estimate":
        head = ["Resource", "Estimate", "Available", "Percent", "Limit", "Status"]
    elif with_estimate:
        head = ["Resource", "Estimate", "Used", "vs estimate", "Available", "Percent", "Limit", "Status"]
    else:
        head = ["Resource", "Used", "Available", "Percent", "Limit", "Status"]
    rows = [head]
    for l in v.resources:
        row = [l.name]
        if with_estimate:
            row.append(fmt_amount(l.estimate) if l.estimate is not None else "-")
        row.append(fmt_amount(l.used))
        if with_estimate:
            row.append(_vs_estimate(l))
        row += [fmt_amount(l.available), fmt_percent(l.percent), f"{l.limit_percent:g}%", status(l)]
        rows.append(row)
    right = set(range(1, len(head) - 1))
    return table(rows, right)


def contribution_lines(v: Verdict) -> list[str]:
    """Resource and amount aligned; what and source follow, wrapped under themselves."""
    rows = []
    for l in v.resources:
        for i, c in enumerate(l.contributions):
            rows.append([l.name if i == 0 else "", fmt_amount(c.amount), f"{c.what}  [{c.source}]"])
    if not rows:
        return []
    out = []
    for line, row in zip(table([r[:2] + ["|"] for r in rows], {1}), rows):
        lead = line[:-1]                      # the aligned resource and amount columns
        out += wrap(row[2], WIDTH - 2, indent=" " * len(lead), first=lead)
    return out


def _memory_line(c) -> str:
    return f"{'ok' if c.ok else ('FAIL' if c.severity == 'error' else 'warn'):<4}  {c.name}: {c.message}"


def to_text(v: Verdict, verbose: bool = False) -> str:
    """The answer first (PASS/FAIL and the table), each problem once, wrapped to the terminal;
    the provenance of every figure and every memory check only with ``verbose``."""
    from hwgen.emit.textrender import render_text

    # A failed memory check is in v.messages as well: said once, in the memory lines.
    said = {f"{c.name}: {c.message}" for c in v.memory} | {f"warning: {c.name}: {c.message}" for c in v.memory}
    if v.timing is not None:                   # the timing line says it
        said.add(v.timing.message)
    problems = [line for m in v.messages if m not in said for line in wrap(m, indent="    ", first="  ")]
    shown = v.memory if verbose else [c for c in v.memory if not c.ok]
    memory = [line for c in shown for line in wrap(_memory_line(c), WIDTH - 2, indent="      ", first="")]
    failing = sum(not c.ok and c.severity == "error" for c in v.memory)
    if not v.memory:                           # a report checked without a design
        memory_summary = ""
    elif failing:
        memory_summary = f"{failing} of {len(v.memory)} checks fail"
    else:
        warned = sum(not c.ok for c in v.memory)
        memory_summary = f"{len(v.memory)} checks ok" + (f", {warned} with a warning" if warned else "")
    timing = wrap(f"{'ok' if v.timing.ok else 'FAIL':<4}  {v.timing.message}", WIDTH - 2, indent="      ", first="") \
        if v.timing is not None else []
    return render_text("verdict.txt.j2", verdict=v, passed=v.ok, table=table_lines(v), memory=memory,
                       memory_summary=memory_summary, problems=problems, timing=timing,
                       contributions=contribution_lines(v) if verbose else [])


# --------------------------------------------------------------------------- JUnit XML
def _case(suite: ET.Element, classname: str, name: str, failure: str | None, details: str,
          out: str = "", kind: str = "failure") -> None:
    import xml.etree.ElementTree as ET

    case = ET.SubElement(suite, "testcase", {"classname": classname, "name": name, "time": "0"})
    if failure is not None:
        f = ET.SubElement(case, "failure", {"type": kind, "message": failure})
        f.text = details
    if out:
        ET.SubElement(case, "system-out").text = out


def to_junit(v: Verdict) -> str:
    """One testcase per resource and per check; failures carry the numbers."""
    import xml.etree.ElementTree as ET

    label = v.design or v.part
    root = ET.Element("testsuites", {"name": "hwgen check"})
    suite = ET.SubElement(root, "testsuite", {"name": f"hwgen.budget.{label}"})
    props = ET.SubElement(suite, "properties")
    for key, value in (("design", v.design or ""), ("part", v.part), ("source", v.source),
                       ("verdict", "pass" if v.ok else "fail")):
        ET.SubElement(props, "property", {"name": key, "value": value})

    for l in v.resources:
        numbers = (f"{l.name} {fmt_amount(l.used)} of {fmt_amount(l.available)} "
                   f"({fmt_percent(l.percent)}), limit {l.limit_percent:g}%"
                   + (f", estimate {fmt_amount(l.estimate)}" if l.estimate is not None else ""))
        sources = "\n".join(f"{fmt_amount(c.amount)}  {c.what}  [{c.source}]" for c in l.contributions)
        if l.ok:
            _case(suite, "hwgen.budget.resources", l.name, None, "", numbers + "\n" + sources)
        else:
            _case(suite, "hwgen.budget.resources", l.name, numbers,
                  next((m for m in v.messages if m.startswith(l.name + " ")), numbers), sources,
                  kind="does_not_fit" if not l.fits else "over_limit")
    for c in v.memory + v.checks:
        fails = not c.ok and c.severity == "error"
        group = "memory" if c in v.memory else "checks"
        _case(suite, f"hwgen.budget.{group}", c.name, c.message if fails else None, c.message,
              "" if fails else c.message, kind=f"{group}_check")
    if v.timing is not None:
        t = v.timing
        numbers = ", ".join(f"{k} {'NA' if x is None else f'{x:.3f} ns'}"
                            for k, x in (("WNS", t.wns), ("TNS", t.tns), ("WHS", t.whs), ("THS", t.ths)))
        _case(suite, "hwgen.budget.timing", "timing", None if t.ok else numbers,
              t.message, "" if not t.ok else t.message, kind="timing")

    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    for el in (root, suite):
        el.set("tests", str(len(cases)))
        el.set("failures", str(failures))
        el.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_verdict(v: Verdict, fmt: str, verbose: bool = False) -> str:
    if fmt == "text":
        return to_text(v, verbose)
    return {"json": to_json, "junit": to_junit}[fmt](v)
