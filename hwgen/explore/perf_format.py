"""A PerfEstimate as text for people and JSON for scripts (``hwgen estimate``)."""

from __future__ import annotations

import json

from hwgen.explore.perf import PerfEstimate
from hwgen.emit.texttable import WIDTH, table, wrap


def to_dict(e: PerfEstimate) -> dict:
    r = lambda x, n=3: round(x, n)  # noqa: E731
    return {
        "design": e.design,
        "board": e.board,
        "dpu": e.dpu,
        "arch": e.arch,
        "cores": e.cores,
        "model": {"name": e.model.name, "file": e.model.file, "gop": e.model.ops.gop,
                  "bytes": int(e.model.bytes.total), "weights_bytes": int(e.model.bytes.weights.value),
                  "activations_bytes": int(e.model.bytes.activations.value),
                  "input_shape": list(e.model.input_shape)},
        "clocks": {"dpu_mhz": r(e.dpu_mhz, 6), "dsp_mhz": r(e.dsp_mhz, 6), "compute_mhz": r(e.compute_mhz, 6)},
        "peak_gops": r(e.peak_gops),
        "compute_efficiency": e.model.compute_efficiency.value,
        "ports": [{"port": p.port, "masters": list(p.masters), "bits": p.bits, "port_bits": p.port_bits,
                   "master_bits": p.master_bits, "mhz": r(p.mhz, 6), "gbs": r(p.gbs, 4)} for p in e.ports],
        "ddr_peak_gbs": r(e.ddr_peak_gbs, 4),
        "ddr_efficiency": e.ddr_efficiency.value,
        "bounds": [{"name": b.name, "rate": r(b.rate, 4), "unit": b.unit, "fps": r(b.fps, 2),
                    "formula": b.formula} for b in e.bounds],
        "binding": e.binding.name,
        "fps": r(e.fps, 2),
        "latency_ms": r(e.latency_ms, 3),
        "serial_latency_ms": r(e.serial_latency_ms, 3),
        "attainable_gops": r(e.attainable_gops),
        "ceiling": {"fps": r(e.ceiling_fps, 2), "bound": e.ceiling_bound,
                    "note": "compute at 100% of peak, the memory bounds unchanged"},
        "applies": e.applies,
        "missing": list(e.missing),
        "assumptions": list(e.assumptions),
    }


def to_json(e: PerfEstimate) -> str:
    return json.dumps(to_dict(e), indent=2) + "\n"


def to_text(e: PerfEstimate, verbose: bool = False) -> str:
    """The answer first (frames/s, or why the model cannot run), the three bounds, one line of
    what else matters; the formulas and assumptions only with ``verbose``."""
    from hwgen.emit.render import render

    where = f"{e.design} ({e.board}, DPU {e.dpu}" + (f" x {e.cores} cores" if e.cores > 1 else "") + ")"
    what = f"{e.model.name} on {where}"
    rate = (f"{e.fps:.1f} frames/s, {e.latency_ms:.2f} ms per frame ({e.binding.name} bound), "
            "a roofline estimate, not a measurement")
    if e.applies:
        answer = wrap(f"{what}: {rate}", indent="  ", first="")
        missing = []
    else:
        answer = wrap(f"NOT APPLICABLE: {where} cannot run {e.model.name} as configured; if it "
                      f"could: {rate}", indent="  ", first="")
        fixes = " ".join(f"--set {m.split(' is false', 1)[0]}=true" for m in e.missing
                         if " is false" in m)
        missing = [line for m in e.missing for line in wrap(m, indent="    ", first="  ")]
        if fixes:
            missing += wrap(f"Fix: add {fixes}", indent="    ", first="  ")
    rows = [["Bound", "Rate", "Frames/s", ""]]
    for b in e.bounds:
        rows.append([b.name, f"{b.rate:.2f} {b.unit}", f"{b.fps:.1f}", "binds" if b is e.binding else ""])
    summary = wrap(f"{e.attainable_gops:.2f} of {e.peak_gops:.1f} peak GOPS; serial latency (no overlap "
                   f"of compute and data movement) {e.serial_latency_ms:.2f} ms; ceiling (compute at "
                   f"100% of peak) {e.ceiling_fps:.1f} frames/s ({e.ceiling_bound} bound)")
    how = [line for b in e.bounds for line in wrap(f"{b.name}: {b.formula}", WIDTH - 2, indent="    ", first="")] \
        if verbose else []
    assumptions = [line for a in e.assumptions for line in wrap(f"- {a}", WIDTH - 2, indent="    ", first="")] \
        if verbose else []
    return render("estimate.txt.j2", answer=answer, missing=missing, table=table(rows, right={1, 2}),
                  summary=summary, how=how, assumptions=assumptions)
