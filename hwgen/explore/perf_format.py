"""A PerfEstimate as text for people and JSON for scripts (``hwgen estimate``)."""

from __future__ import annotations

import json

from hwgen.explore.perf import PerfEstimate
from hwgen.emit.texttable import table


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


def to_text(e: PerfEstimate) -> str:
    from hwgen.emit.render import render

    rows = [["Bound", "Rate", "Frames/s", "", "How"]]
    for b in e.bounds:
        rows.append([b.name, f"{b.rate:.2f} {b.unit}", f"{b.fps:.1f}",
                     "binds" if b is e.binding else "", b.formula])
    return render("estimate.txt.j2", e=e, table=table(rows, right={1, 2}))
