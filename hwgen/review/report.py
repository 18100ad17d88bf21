"""The review artefacts of a build: a block diagram, one HTML page, a Markdown summary.

``review_outputs(design, verdict, outputs)`` runs after every other generator (it links
to their files) and writes, under ``report/``:

- ``design.json``: the design summary (``hwgen/review/summary.py``) that ``hwgen diff`` reads;
- ``block_design.dot``: the block-design graph as Graphviz DOT (``hwgen/review/diagram.py``);
- ``block_design.svg``: that graph drawn by ``dot``, when ``dot`` is installed;
- ``index.html``: one self-contained page (inline CSS and SVG, no script, no network);
- ``summary.md``: the same facts, short enough for a merge-request comment.

Every number comes from the plans and the budget verdict; this module only turns them
into display strings and bar geometry (view objects), and the templates under
``templates/report/`` lay them out.

Determinism: the DOT, JSON, Markdown and HTML text are hwgen's own and identical on every
machine. The SVG is Graphviz's layout: identical for the same Graphviz version and fonts,
but another Graphviz release can move a curve by a point. Without ``dot`` there is no SVG,
and index.html and summary.md say so instead of embedding it: a build folder made on a
machine without Graphviz differs from one made with it in those files (and the manifest).
"""

from __future__ import annotations

import re
from functools import lru_cache
from hwgen.frozen import by_identity, dataclass

from hwgen.review import diagram
from hwgen.budget.estimate import fmt_amount, fmt_percent
from hwgen.emit.output import Output, text_output
from hwgen.emit.render import render
from hwgen.model.schema import format_mib
from hwgen.review.summary import Summary, design_summary, setting_text, to_json, with_fields
from hwgen.model.verdict import Verdict
from hwgen.budget.verdict_format import _num, status

OUT_DIR = "report"
DESIGN_JSON = f"{OUT_DIR}/design.json"
DOT = f"{OUT_DIR}/block_design.dot"
SVG = f"{OUT_DIR}/block_design.svg"
HTML = f"{OUT_DIR}/index.html"
MARKDOWN = f"{OUT_DIR}/summary.md"
MANIFEST = "manifest.json"


# ----------------------------------------------------------------------------- formatting
def mhz(value: float | None) -> str:
    """Achieved frequencies as Vivado reports them (150.000 MHz); None as a dash."""
    return "-" if value is None else diagram.mhz(value)


def requested(value: float | None) -> str:
    """Requested frequencies as people type them (150 MHz, 142.857 MHz)."""
    return "chosen by the plan" if value is None else f"{value:g} MHz"


def hex32(value: int) -> str:
    return f"0x{value:08X}"


def span(base: int, size: int) -> str:
    return f"0x{base:08X}-0x{base + size - 1:08X}"


# ----------------------------------------------------------------------------- views
@dataclass(frozen=True)
class BudgetBar:
    """One resource as the page shows it; the raw values ride along as data attributes."""

    name: str
    used: str              # "24,856"
    available: str         # "53,200"
    percent: str           # "46.72%"
    limit: str             # "80%"
    status: str            # "ok" | "OVER LIMIT" | "DOES NOT FIT"
    css: str               # "ok" | "over" | "nofit"
    bar_width: str         # CSS percent of the track, capped at 100
    limit_left: str        # CSS percent where the limit marker sits
    raw_used: str
    raw_available: str
    raw_percent: str
    raw_limit: str


def _raw(value: float) -> str:
    """A number as budget.json writes it: 24856, 69.5."""
    return str(_num(value))


def budget_bars(verdict: Verdict) -> tuple[BudgetBar, ...]:
    out = []
    for line in verdict.resources:
        pct = line.percent
        shown = min(pct, 100.0) if pct == pct else 100.0
        css = "ok" if line.ok else ("over" if line.fits else "nofit")
        out.append(BudgetBar(
            line.name, fmt_amount(line.used), fmt_amount(line.available), fmt_percent(pct),
            f"{line.limit_percent:g}%", status(line), css, f"{shown:.2f}",
            f"{min(line.limit_percent, 100.0):.2f}", _raw(line.used), _raw(line.available),
            "inf" if pct == float("inf") else f"{pct:.2f}", _raw(line.limit_percent)))
    return tuple(out)


@dataclass(frozen=True)
class MapBox:
    """One region drawn to scale, with its label placed below the bar (px, as text)."""

    x: str
    y: str
    width: str
    height: str
    label: str
    detail: str
    css: str
    label_x: str
    label_y: str
    anchor: str        # "start" | "end": labels in the right half end at their box


@dataclass(frozen=True)
class DdrMap:
    """The DDR drawn to scale: fixed regions on the address bar, a dynamic CMA pool below it."""

    width: int                       # the bar
    height: int
    view_width: int                  # the drawing, with room for the end labels
    boxes: tuple[MapBox, ...]
    start: str
    end: str
    title: str
    caption: str


BAR = 720          # px, the DDR bar's width in the page
BAR_TOP, BAR_H, LINE = 16, 30, 15


def ddr_map(s: Summary) -> DdrMap:
    """Kernel region and CMA pool on the DDR bar; a kernel-placed pool as a bar of its size below."""
    return _ddr_map(s.memory, s.board)


@by_identity()    # the memory plan and board a design's strategy variants share (summary)
def _ddr_map(m, board) -> DdrMap:
    scale = BAR / m.ddr_size
    regions = [(m.kernel_base, m.kernel_size, f"kernel {format_mib(m.kernel_size)}",
                f"{span(m.kernel_base, m.kernel_size)}: kernel image, page tables, early allocations",
                "kernel")]
    cma_text = f"CMA {format_mib(m.cma_size)} ({m.cma_argument})"
    if m.cma_base is not None:
        regions.append((m.cma_base, m.cma_size, f"{cma_text} at {span(m.cma_base, m.cma_size)}",
                        "fixed by linux.cma_base", "cma"))
    boxes = []
    y = BAR_TOP + BAR_H + LINE
    for base, size, label, detail, css in regions:
        x, w = (base - m.ddr_base) * scale, max(size * scale, 1.0)
        right = x + w / 2 > BAR / 2
        boxes.append(MapBox(f"{x:.1f}", str(BAR_TOP), f"{w:.1f}", str(BAR_H), label, detail, css,
                            f"{x + w if right else x:.1f}", str(y), "end" if right else "start"))
        y += LINE
    if m.cma_base is None:
        # No fixed base: the kernel picks the place at boot, so only the size is drawn to scale.
        y += 4
        w = m.cma_size * scale
        boxes.append(MapBox("0", str(y), f"{w:.1f}", "18", f"{cma_text}, size to scale; the kernel "
                            f"places it in free DDR (no linux.cma_base)", "dynamic pool", "cma",
                            "0", str(y + 18 + LINE - 2), "start"))
        y += 18 + LINE
        caption = f"{cma_text}, placed by the kernel (no fixed base)"
    else:
        caption = f"{cma_text} at {span(m.cma_base, m.cma_size)}"
    caption += (f"; Linux keeps {format_mib(m.linux_free)} (at least {format_mib(m.min_free)} "
                f"required); the largest CMA that fits is {format_mib(m.largest_cma)}")
    return DdrMap(BAR, y + 4, BAR + 20, tuple(boxes), hex32(m.ddr_base), hex32(m.ddr_base + m.ddr_size - 1),
                  f"DDR {format_mib(m.ddr_size)} ({board.ddr_type})", caption)


@dataclass(frozen=True)
class FileLink:
    path: str          # in the build folder: vivado/build.tcl
    href: str          # from report/index.html: ../vivado/build.tcl
    role: str


def file_links(outputs, own: tuple[tuple[str, str], ...]) -> tuple[FileLink, ...]:
    """Every file of the build folder, sorted by path, with its link from report/."""
    rows = tuple(sorted(set([(o.path, o.role) for o in outputs] + list(own) + [(MANIFEST, "manifest")])))
    if all(type(path) is str and type(role) is str for path, role in rows):
        return _file_links(rows)
    return _file_links.__wrapped__(rows)


# The same files give the same links, one object, so the page's file list (render.tables) is
# laid out once for the designs that write the same files (a design's strategy variants).
# Only exact str rows are remembered: a str subclass equal to a path is written its own way.
@lru_cache(maxsize=64)
def _file_links(rows: tuple[tuple[str, str], ...]) -> tuple[FileLink, ...]:
    return tuple(FileLink(path, relative(path), role) for path, role in rows)


def relative(path: str) -> str:
    """A build-folder path as a link from report/index.html."""
    return path[len(OUT_DIR) + 1:] if path.startswith(OUT_DIR + "/") else "../" + path


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """What both the HTML page and the Markdown summary show, as display strings."""

    title: str
    verdict: str                      # PASS | FAIL
    board: str
    part: str
    dpu: str
    fingerprint: str
    inputs: tuple[str, ...]
    overrides: tuple[str, ...]
    dpu_options: tuple[Row, ...]      # setting, value
    dpu_config: tuple[Row, ...]       # CONFIG, value
    clocks: tuple[Row, ...]           # clock, net, requested, achieved, source, setting
    mmcm: str
    clock_notes: tuple[str, ...]
    ports: tuple[Row, ...]            # port, direction, width, clock, peers
    addresses: tuple[Row, ...]        # space, segment, base, range, span
    registers: tuple[str, ...]        # the DPU register windows: "0x4F000000-0x4FFFFFFF (16 MiB)"
    interrupts: tuple[Row, ...]       # pin, IRQ_F2P, GIC SPI, trigger
    memory: tuple[Row, ...]           # what, value
    strategies: tuple[Row, ...]
    budget: tuple[BudgetBar, ...]
    checks: tuple[Row, ...]           # status, name, message
    messages: tuple[str, ...]


def facts(design, s: Summary, verdict: Verdict) -> Facts:
    from hwgen.model.family import load_family

    ps_irq = load_family(design.board.ps.family).ps.interrupt.pin
    planned = _planned_facts(s.board, s.dpu, s.clocks, s.clock_notes, s.mmcm, s.ps_ports,
                             s.address_map, s.interrupts, s.memory, verdict, ps_irq)
    return with_fields(
        planned,
        title=f"{s.design}: {s.board.name} + DPU {s.dpu.profile}",
        inputs=tuple(f"{i.role}: {i.name} (sha256 {i.sha256})" for i in design.inputs),
        overrides=tuple(design.overrides),
        dpu_options=_setting_rows(tuple([(k, v, type(v)) for k, v in s.settings if k[:4] == "dpu."])),
        strategies=_strategy_rows(s.strategies),
    )


# By the summary's strategies, one object per value (summary._shared): every design that
# asks for the same strategies shares the rows, and the page lays their table out once.
@by_identity()
def _strategy_rows(strategies) -> tuple[Row, ...]:
    return (
        Row(("synthesis", strategies.synth)),
        Row(("implementation", strategies.impl)),
        Row(("post-route phys_opt", "on" if strategies.post_route_phys_opt else "off")),
        Row(("jobs", str(strategies.jobs))),
        Row(("interconnect IP", strategies.interconnect)),
    )


# Keyed on each setting's key, value and type (1, 1.0 and True are equal but written apart):
# the strategy variants of a design, and every design with the same DPU settings, share the
# rows, one object (render.tables lays their table out once).
@lru_cache(maxsize=64)
def _setting_rows(settings: tuple) -> tuple[Row, ...]:
    return tuple(Row((k, setting_text(k, v))) for k, v, _ in settings)


# By the objects it reads: the planned members of a summary and the verdict, which a design's
# strategy variants share (summary._planned_summary, budget.estimate), so they share these
# rows too, the same objects, and the page lays out their tables once (render.tables).
@by_identity()
def _planned_facts(board, dpu, clocks, clock_notes, mmcm, ps_ports, address_map, interrupts,
                   mem, verdict: Verdict, ps_irq: str) -> Facts:
    checks = tuple(Row(("ok" if c.ok else ("FAIL" if c.severity == "error" else "warning"), c.name,
                        c.message)) for c in verdict.memory + verdict.checks)
    return Facts(
        title="",
        verdict="PASS" if verdict.ok else "FAIL",
        board=f"{board.name} ({board.vendor}): {board.description}".rstrip(": "),
        part=board.part,
        dpu=(f"{dpu.profile}: DPUCZDX8G {dpu.arch}, {dpu.cores} core"
             f"{'s' if dpu.cores > 1 else ''} ({dpu.vlnv})"),
        fingerprint=(f"{dpu.fingerprint}, target {dpu.target}"
                     + ("" if dpu.registered else " (not a registered Vitis AI target)")),
        inputs=(),
        overrides=(),
        dpu_options=(),
        dpu_config=_config_rows(dpu),
        clocks=tuple(Row((c.name, c.net, requested(c.requested_mhz), mhz(c.achieved_mhz), c.source,
                          c.setting or "-")) for c in clocks),
        mmcm=(f"{mmcm.fin_mhz:g} MHz / {mmcm.divclk} \u00d7 {mmcm.mult_f:.3f} = VCO "
              f"{mmcm.vco_mhz:g} MHz; "
              + ", ".join(f"{port} /{d:g}" for port, d in zip(mmcm.outputs, mmcm.out_divides))),
        clock_notes=clock_notes,
        ports=tuple(Row((p.port, p.direction, f"{p.width} bit", f"{p.clock} {mhz(p.clock_mhz)}",
                         ", ".join(p.peers) or "-")) for p in ps_ports),
        addresses=_address_rows(address_map),
        registers=_register_windows(address_map, dpu.cell),
        interrupts=_interrupt_rows(interrupts, dpu.cell, ps_irq),
        memory=_memory_rows(mem, board),
        strategies=(),
        budget=budget_bars(verdict),
        checks=checks,
        messages=tuple(verdict.messages),
    )


# The rows of the members a design's clock variants share too (summary._shared: one object
# per value for a board and DPU), by those objects: made once, and the same row objects, so
# the page lays their tables out once (render.tables remembers by identity).
@by_identity()
def _config_rows(dpu) -> tuple[Row, ...]:
    return tuple(Row((k, v)) for k, v in dpu.config)


@by_identity()
def _address_rows(address_map) -> tuple[Row, ...]:
    return tuple(Row((a.space, a.segment, hex32(a.base), format_mib(a.range), span(a.base, a.range)))
                 for a in address_map)


@by_identity()
def _register_windows(address_map, cell: str) -> tuple[str, ...]:
    return tuple(f"{span(a.base, a.range)} ({format_mib(a.range)})" for a in address_map
                 if a.segment.startswith(f"{cell}/"))


@by_identity()
def _interrupt_rows(interrupts, cell: str, ps_irq: str) -> tuple[Row, ...]:
    trigger = {4: "level high", 1: "rising edge"}
    return tuple(Row((f"{cell}/{i.pin}", f"{ps_irq}[{i.irq_f2p}]", str(i.gic_spi),
                      trigger.get(i.flags, str(i.flags)))) for i in interrupts)


@by_identity()
def _memory_rows(mem, board) -> tuple[Row, ...]:
    return (
        Row(("DDR", f"{span(mem.ddr_base, mem.ddr_size)} ({format_mib(mem.ddr_size)}, {board.ddr_type})")),
        Row(("kernel region", f"{span(mem.kernel_base, mem.kernel_size)} ({format_mib(mem.kernel_size)})")),
        Row(("CMA", f"{format_mib(mem.cma_size)}, "
                    + (f"fixed at {span(mem.cma_base, mem.cma_size)}" if mem.cma_base is not None
                       else "placed by the kernel")
                    + f", aligned to {format_mib(mem.cma_alignment)}")),
        Row(("kernel command line", mem.cma_argument)),
        Row(("left to Linux", f"{format_mib(mem.linux_free)} (linux.min_free {format_mib(mem.min_free)})")),
        Row(("largest CMA that fits", format_mib(mem.largest_cma))),
    )


# ----------------------------------------------------------------------------- SVG in HTML
_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


def inline_svg(svg: str) -> str:
    """The SVG file's text as an element inside HTML: no XML declaration, no comments."""
    return _COMMENT.sub("", _XML_DECL.sub("", svg)).strip()


def interrupt_notes(design, s: Summary) -> tuple[tuple[str, str], ...]:
    """What each interrupt pin means to software, for the diagram's interrupt path."""
    from hwgen.model.family import load_family

    return _interrupt_notes(s.cells, s.dpu, s.interrupts,
                            load_family(design.board.ps.family).ps.interrupt.pin)


# By the summary's cells, DPU and interrupts, one object per value for a board and DPU
# (summary._shared), and the family's pin name: made once for their clock variants.
@by_identity()
def _interrupt_notes(cells, dpu, interrupts, pin: str) -> tuple[tuple[str, str], ...]:
    ps = next(c.name for c in cells if c.role == "ps")
    notes = [(f"{dpu.cell}/{i.pin}", f"{pin}[{i.irq_f2p}], GIC SPI {i.gic_spi}") for i in interrupts]
    lines = ", ".join(f"bit {i.irq_f2p}: GIC SPI {i.gic_spi}" for i in interrupts)
    notes.append((f"{ps}/{pin}", lines))
    return tuple(notes)


def diagram_caption(s: Summary) -> str:
    return (f"{s.design}: {s.board.name} ({s.board.part}) + DPU {s.dpu.profile} "
            f"({s.dpu.target}, {s.dpu.cores} core{'s' if s.dpu.cores > 1 else ''}), "
            f"block design {s.setting('build.bd_name')}")


# ----------------------------------------------------------------------------- the generator
@dataclass(frozen=True)
class StartedReview:
    """What the review needs before the other files exist: the plans, the summary, and
    Graphviz already drawing the block design (``start_review``)."""

    summary: Summary
    dot_text: str
    drawing: diagram.PendingSvg


def start_review(design) -> StartedReview:
    """Plan the review and start ``dot`` on its diagram, so the drawing overlaps the
    rendering of every other file; ``review_outputs`` collects it last."""
    from hwgen.plan.blockdesign import plan_block_design
    from hwgen.plan.clockflow import design_clocks

    clocks = design_clocks(design)
    bd = plan_block_design(design, clocks)
    s = design_summary(design, clocks, bd)
    dot_text = diagram.diagram_dot(bd, diagram_caption(s), interrupt_notes(design, s))
    return StartedReview(s, dot_text, diagram.start_svg(dot_text))


def review_outputs(design, verdict: Verdict, outputs=(), started: StartedReview | None = None
                   ) -> list[Output]:
    """report/*: design.json, block_design.dot/.svg, index.html, summary.md (see module doc).

    ``outputs`` are the files the other generators made (linked from the page);
    ``started`` is ``start_review(design)`` when the caller began it earlier.
    """
    started = started or start_review(design)
    try:
        return _review_outputs(design, verdict, outputs, started)
    finally:
        started.drawing.close()     # a no-op once collected; stops dot if this failed


def _review_outputs(design, verdict: Verdict, outputs, started: StartedReview) -> list[Output]:
    s, dot_text, drawing = started.summary, started.dot_text, started.drawing
    own = [(DESIGN_JSON, "report.design"), (DOT, "report.diagram_source"),
           (HTML, "report.html"), (MARKDOWN, "report.summary")]
    if not drawing.missing:
        own.append((SVG, "report.diagram"))
    links = file_links(outputs, tuple(own))
    f = facts(design, s, verdict)
    svg = drawing.result()      # collected last: everything above ran while dot drew
    context = dict(f=f, s=s, ddr=ddr_map(s),
                   svg=inline_svg(svg.decode("utf-8")) if svg is not None else None,
                   no_svg=None if svg is not None else diagram.MISSING_DOT_TEXT,
                   dot_command=diagram.DOT_COMMAND, links=links)
    result = [text_output(DESIGN_JSON, "report.design", to_json(s)),
              text_output(DOT, "report.diagram_source", dot_text)]
    if svg is not None:
        result.append(Output(SVG, "report.diagram", svg))
    result += [text_output(HTML, "report.html", render("report/index.html.j2", **context)),
               text_output(MARKDOWN, "report.summary", render("report/summary.md.j2", **context))]
    return result
