"""Explore rows as a text table, JSON or CSV, and the --best line (``hwgen explore``)."""

from __future__ import annotations

import csv
import io
import json
import math
import shlex

from hwgen.explore.sweep import RANKING, ExploreRow, best
from hwgen.plan.clocks import TYPED_PRECISION_MHZ, _fmt
from hwgen.emit.texttable import WIDTH, command_lines, table, wrap

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
        # cores and URAM_N_USER only where the family sweeps them (Zynq-7000 output unchanged)
        **({"cores": c.cores} if c.cores is not None else {}),
        **({"uram_n_user": c.uram} if c.uram is not None else {}),
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


def swept_memory(rows: list[ExploreRow]) -> tuple[str, ...]:
    """The row_dict keys of the cores/URAM dimensions some row has."""
    return tuple(k for k, attr in (("cores", "cores"), ("uram_n_user", "uram"))
                 if any(getattr(r.config, attr) is not None for r in rows))


def to_csv(rows: list[ExploreRow]) -> str:
    names = resource_names(rows)
    extra = swept_memory(rows)
    head = list(CSV_HEAD) + list(extra)
    for n in names:
        k = n.lower()
        head += [f"{k}_used", f"{k}_available", f"{k}_percent", f"{k}_limit_percent"]
    head += list(CSV_TAIL)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        d = row_dict(r)
        cells = [d[k] for k in CSV_HEAD] + [d.get(k) for k in extra]
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
    extra = swept_memory(rows)
    extra_head = [{"cores": "CORES", "uram_n_user": "URAM_N"}[k] for k in extra]
    head = ["#", "DPU", "RAM", "DSP", *extra_head, "MHz", "STATUS", "BINDING"] + list(names) + \
           ["PEAK GOPS", "BW GB/s", "GOPS", "FPS", "BOUND"]
    out = [head]
    for r in rows:
        c = r.config
        b = r.binding
        usage = {u.name: u for u in r.resources}
        p = r.perf
        mhz = _mhz(c.clock_mhz)
        # The achieved clock only where it reads differently from the request (3 decimals).
        if r.dpu_mhz is not None and abs(r.dpu_mhz - c.clock_mhz) > TYPED_PRECISION_MHZ:
            mhz += f" ({_mhz(r.dpu_mhz)})"
        out.append([
            str(r.rank), c.dpu, c.ram_usage or "-", c.dsp_usage or "-",
            *["-" if v is None else str(v) for v in
              ({"cores": c.cores, "uram_n_user": c.uram}[k] for k in extra)],
            mhz, r.status,
            f"{b.name} {b.of_limit:.0f}%" if b else "-",
            *[_pct(usage[n]) if n in usage else "-" for n in names],
            f"{r.peak_gops:.1f}" if r.peak_gops is not None else "-",
            f"{r.bandwidth_gbs:.2f}" if r.bandwidth_gbs is not None else "-",
            (f"{p.attainable_gops:.1f}" if p.applies else f"({p.attainable_gops:.1f})") if p else "-",
            (f"{p.fps:.1f}" if p.applies else f"({p.fps:.1f})") if p else "-",
            p.binding.name if p else "-",
        ])
    right = set(range(8 + len(extra), len(head) - 1)) | {0}
    everything = rows if all_rows is None else all_rows
    notes = []
    seen = set()
    for r in everything:
        if r.note and r.note not in seen:
            seen.add(r.note)
            notes += wrap(f"{r.status} ({_mhz(r.config.clock_mhz)} MHz): {r.note}"
                          if r.status == "no clock" else f"{r.status}: {r.note}", indent="  ")
    return render("explore.txt.j2", rows=everything, shown=len(rows), table=table(out, right), model=model,
                  ranking=wrap(f"Ranked: {RANKING}."), clocks=", ".join(_mhz(c) for c in clocks),
                  fit=sum(r.fits for r in everything), nothing=wrap(nothing_fits(everything)),
                  best=_best_lines(best(everything)), notes=notes, board=rows[0].board if rows else "")


def _best_lines(top: ExploreRow | None) -> list[str]:
    """'Best that fits: hwgen build ...', continued with backslashes within the width."""
    if top is None:
        return []
    lead = "Best that fits: "
    lines = command_lines(["hwgen", "build", *map(shlex.quote, top.args)], WIDTH - len(lead) - 2)
    return [lead + lines[0]] + [" " * len(lead) + l for l in lines[1:]]


# Why nothing fits, when every configuration fails the same way: the reason, not a pointer.
_SAME_REASON = {
    "no clock": "no configuration gets its clock: the PS PLLs and the clocking wizard cannot make "
                "the fabric clock asked for (the nearest they make are in the notes below); try "
                "--clocks with one of those",
    "memory": "every configuration fails the memory checks, which no DPU choice changes: fix the "
              "linux.* settings (the notes below say which)",
    "invalid": "every configuration is refused as input (the notes below say why)",
    "does not fit": "every configuration needs more than the part has; a smaller DPU profile or a "
                    "bigger part is needed",
    "over limit": "every configuration is over a budget limit; the BINDING column shows which",
}


def nothing_fits(rows: list[ExploreRow]) -> str:
    statuses = sorted({r.status for r in rows if not r.fits})
    if len(statuses) == 1 and statuses[0] in _SAME_REASON:
        return f"Nothing fits: {_SAME_REASON[statuses[0]]}."
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {s}" for s in statuses)
    return (f"Nothing fits ({counts or 'no configurations'}): the STATUS column and the notes "
            "below say why each fails; hwgen check shows one in full.")
