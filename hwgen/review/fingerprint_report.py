"""What ``hwgen fingerprint`` prints: one plain dict per answer, as JSON or through a template.

The decisions are in vitis_ai.py; this module only gathers them into the report a
person (text) or a script (JSON) reads, so both formats always say the same thing.
"""

from __future__ import annotations

import json

from hwgen.dpu.arch import geometry, ops_per_clock
from hwgen.emit.texttable import WIDTH, command_lines, wrap
from hwgen.dpu.fingerprint import decode
from hwgen.emit.vitis_ai import DpuFingerprint, arch_json, explain, fingerprint_checks, fingerprint_plan, reproduce

__all__ = ["design_report", "decode_report", "render_report"]


def _fields(rows) -> list[dict]:
    return [{"name": r.name, "bits": r.bits, "raw": r.raw, "value": r.value, "shown": r.shown,
             "certainty": r.certainty, "set_by": r.setting, "meaning": r.meaning, "note": r.note}
            for r in rows]


def _common(decoded, rows) -> dict:
    g = geometry(decoded.config.arch)
    return {
        "fingerprint": f"0x{decoded.fingerprint:016X}",
        "target": decoded.name,
        "registered": decoded.registered,
        "type": decoded.type_name,
        "isa": decoded.isa_version,
        "arch": {"name": g.name, "pp": g.pp, "icp": g.icp, "ocp": g.ocp, "ops_per_clock": ops_per_clock(g)},
        "arch_json": arch_json(decoded),
        "fields": _fields(rows),
        "established": [r.name for r in rows if r.certainty == "established"],
        "inferred": [r.name for r in rows if r.certainty == "inferred"],
    }


def design_report(design) -> dict:
    plan: DpuFingerprint = fingerprint_plan(design)
    out = {"design": design.name,
           "inputs": [{"role": i.role, "name": i.name, "sha256": i.sha256} for i in design.inputs],
           "overrides": list(design.overrides)}
    out.update(_common(plan.decoded, plan.rows))
    out["unmapped_settings"] = list(plan.unmapped)
    out["warnings"] = [c.message for c in fingerprint_checks(design) if not c.ok]
    return out


def decode_report(fingerprint: str) -> dict:
    """Raises ValueError for anything that is not a DPUCZDX8G ISA0/ISA1 fingerprint."""
    decoded = decode(fingerprint)
    rep = reproduce(decoded.fingerprint)
    out = _common(decoded, explain(decoded))
    out["hwgen"] = {
        "buildable": rep.buildable,
        "profiles": list(rep.profiles),
        "profile_hint": None if rep.profiles else rep.profile_hint,
        "sets": list(rep.sets),
        "args": list(rep.args()) if rep.buildable else [],
        "not_settable": list(rep.blockers),
    }
    return out


def render_report(report: dict, fmt: str, verbose: bool = False) -> str:
    """JSON: everything. Text: the answer first (fingerprint, target, the hwgen arguments), each
    field's value in two lines; with ``verbose`` the bit table and what each field means."""
    if fmt == "json":
        return json.dumps(report, indent=2) + "\n"
    from hwgen.emit.render import render

    rows = report["fields"]
    widths = {k: max(len(str(r[k] or "")) for r in rows) for k in ("bits", "name", "shown", "certainty")}
    values = []
    for certainty in ("established", "inferred"):
        named = [f"{r['name']} {r['shown']}" for r in rows if r["certainty"] == certainty]
        if named:
            values += wrap(", ".join(named), indent=" " * 13, first=f"{certainty:<13}")
    details = {r["name"]: wrap(f"meaning: {r['meaning']}", WIDTH - 4, indent=" " * 9, first="")
               + wrap(f"hwgen:   {r['note']}", WIDTH - 4, indent=" " * 9, first="") for r in rows}
    warnings = [wrap(f"warning: {m}", indent="  ", first="") for m in report.get("warnings", [])]
    blockers, args = [], []
    if "hwgen" in report:
        h = report["hwgen"]
        blockers = [line for b in h["not_settable"] for line in wrap(f"- {b}", WIDTH - 2, indent="    ", first="")]
        closest = ["--dpu", h["profiles"][0] if h["profiles"] else f"({h['profile_hint']})",
                   *(a for s in h["sets"] for a in ("--set", s))]
        args = command_lines(h["args"] if h["buildable"] else closest)
    return render("vitis_ai/fingerprint.txt.j2", r={**report, "warnings": warnings}, w=widths,
                  arch_json_line=json.dumps(report["arch_json"]), verbose=verbose, values=values,
                  details=details, args=args, blockers=blockers)
