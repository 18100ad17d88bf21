"""Explore rows as a text table, JSON or CSV, and the --best line (``hwgen explore``)."""

from __future__ import annotations

import csv
import io
import json
import math

from hwgen.explore.sweep import RANKING, ExploreRow, best
from hwgen.plan.clocks import _fmt
from hwgen.emit.texttable import table

FORMATS = ("text", "json", "csv")


def _r(x: float | None, n: int = 3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return round(x, n)


def _mhz(x: float | None) -> str:
    return "-" if x is None else _fmt(x)


def resource_names(rows: list[ExploreRow]) -> tuple[str, ...]:
    for r in rows:
        if r.resources:
            return tuple(u.name for u in r.resources)
    return ()


def row_dict(r: ExploreRow) -> dict:
    p = r.perf
    b = r.binding
    c = r.config
    return {
        "rank": r.rank,
        "board": r.board,
        "dpu": c.dpu,
        "arch": r.arch,
        "ram_usage": c.ram_usage,
        "dsp_usage": c.dsp_usage,
        "clock_mhz": c.clock_mhz,
        "dpu_mhz": _r(r.dpu_mhz, 6),
        "dsp_mhz": _r(r.dsp_mhz, 6),
        "status": r.status,
        "fits": r.fits,
        "binding": b.name if b else None,
        "binding_percent_of_limit": _r(b.of_limit, 2) if b else None,
        "utilization": [{"name": u.name, "used": _r(u.used, 1), "available": _r(u.available, 1),
                         "percent": _r(u.percent, 2), "limit_percent": _r(u.limit_percent, 2)}
                        for u in r.resources],
        "peak_gops": _r(r.peak_gops),
        "port_gbs": _r(r.port_gbs, 4),
        "ddr_peak_gbs": _r(r.ddr_peak_gbs, 4),
        "bandwidth_gbs": _r(r.bandwidth_gbs, 4),
        "model": p.model.name if p else None,
        "model_applies": p.applies if p else None,
        "attainable_gops": _r(p.attainable_gops) if p else None,
        "fps": _r(p.fps, 2) if p else None,
        "latency_ms": _r(p.latency_ms, 3) if p else None,
        "bound": p.binding.name if p else None,
        "args": r.build_args,
        "note": r.note,
    }


def to_json(rows: list[ExploreRow], clocks: tuple[float, ...], model: str) -> str:
    doc = {"board": rows[0].board if rows else None, "model": model, "ranking": RANKING,
           "clocks_mhz": list(clocks), "configurations": len(rows),
           "fit": sum(r.fits for r in rows), "rows": [row_dict(r) for r in rows]}
    return json.dumps(doc, indent=2) + "\n"


CSV_HEAD = ("rank", "board", "dpu", "arch", "ram_usage", "dsp_usage", "clock_mhz",
            "dpu_mhz", "dsp_mhz", "status", "fits", "binding", "binding_percent_of_limit")
CSV_TAIL = ("peak_gops", "port_gbs", "ddr_peak_gbs", "bandwidth_gbs", "model", "model_applies",
            "attainable_gops", "fps", "latency_ms", "bound", "args", "note")


def to_csv(rows: list[ExploreRow]) -> str:
    names = resource_names(rows)
    head = list(CSV_HEAD)
    for n in names:
        k = n.lower()
        head += [f"{k}_used", f"{k}_available", f"{k}_percent", f"{k}_limit_percent"]
    head += list(CSV_TAIL)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        d = row_dict(r)
        cells = [d[k] for k in CSV_HEAD]
        usage = {u["name"]: u for u in d["utilization"]}
        for n in names:
            u = usage.get(n)
            cells += [u[k] for k in ("used", "available", "percent", "limit_percent")] if u else [None] * 4
        cells += [d[k] for k in CSV_TAIL]
        w.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v)
                    for v in cells])
    return out.getvalue()


def _pct(u) -> str:
    mark = "" if u.percent <= u.limit_percent else ("!" if u.percent > 100 else "*")
    return f"{u.percent:.0f}%{mark}"


def to_text(rows: list[ExploreRow], clocks: tuple[float, ...], model: str,
            all_rows: list[ExploreRow] | None = None) -> str:
    """The ranked table; notes (clocks that cannot be made, ...) come from ``all_rows``."""
    from hwgen.emit.render import render

    names = resource_names(rows)
    head = ["#", "DPU", "RAM", "DSP", "MHz", "STATUS", "BINDING"] + list(names) + \
           ["PEAK GOPS", "BW GB/s", "GOPS", "FPS", "BOUND"]
    out = [head]
    for r in rows:
        c = r.config
        b = r.binding
        usage = {u.name: u for u in r.resources}
        p = r.perf
        mhz = _mhz(c.clock_mhz)
        if r.dpu_mhz is not None and abs(r.dpu_mhz - c.clock_mhz) > 1e-9 * c.clock_mhz:
            mhz += f" ({_mhz(r.dpu_mhz)})"
        out.append([
            str(r.rank), c.dpu, c.ram_usage or "-", c.dsp_usage or "-",
            mhz, r.status,
            f"{b.name} {b.of_limit:.0f}%" if b else "-",
            *[_pct(usage[n]) if n in usage else "-" for n in names],
            f"{r.peak_gops:.1f}" if r.peak_gops is not None else "-",
            f"{r.bandwidth_gbs:.2f}" if r.bandwidth_gbs is not None else "-",
            (f"{p.attainable_gops:.1f}" if p.applies else f"({p.attainable_gops:.1f})") if p else "-",
            (f"{p.fps:.1f}" if p.applies else f"({p.fps:.1f})") if p else "-",
            p.binding.name if p else "-",
        ])
    right = set(range(8, len(head) - 1)) | {0}
    everything = rows if all_rows is None else all_rows
    notes = []
    seen = set()
    for r in everything:
        if r.note and r.note not in seen:
            seen.add(r.note)
            notes.append(f"{r.status} ({_mhz(r.config.clock_mhz)} MHz): {r.note}"
                         if r.status == "no clock" else f"{r.status}: {r.note}")
    return render("explore.txt.j2", rows=everything, shown=len(rows), table=table(out, right), model=model,
                  ranking=RANKING, clocks=", ".join(_mhz(c) for c in clocks),
                  fit=sum(r.fits for r in everything),
                  best=best(everything), notes=notes, board=rows[0].board if rows else "")
