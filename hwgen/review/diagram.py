"""The block-design graph as a picture: DOT text for Graphviz, and the SVG ``dot`` makes of it.

``diagram_dot(bd)`` turns the graph hwgen builds (``hwgen/plan/bdgraph.py``) into DOT, drawn
left to right the way the data flows on a Zynq: the PS and its board pins on the left,
the clocking wizard, resets, interconnects and interrupt concat in the middle, the DPU on
the right. Every cell is a node whose rows are its connected pins; every AXI link is an
edge from master pin to slave pin labelled with its data width; every clock, reset and
interrupt net is drawn from its driver pin to the cells it reaches (one edge per cell, the
pins it reaches listed in that cell's row), clock nets labelled with their frequency.

Edges that go right-to-left in that picture (a DPU master reaching DDR through an HP
port of the PS) are laid out as if they went left-to-right and drawn with the arrow
reversed (``dir=back``), so Graphviz never has to route a cycle around the diagram.

``render_svg(dot_text)`` runs ``dot -Tsvg`` and returns the SVG with everything that
varies between runs or points outside the file (the generator comment, the DOCTYPE's DTD
address, the unused xlink namespace) removed; None when ``dot`` is not installed, with
the reason in ``MISSING_DOT``. ``start_svg`` starts ``dot`` and returns at once, so the
drawing overlaps the rest of a build; ``render_svg`` waits for it.

Decisions only; the DOT's text shape is ``templates/report/block_design.dot.j2``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from hwgen.frozen import Memo, dataclass

from hwgen.plan.bdgraph import BlockDesign, Cell

# Left-to-right order of the picture by cell role. A role not listed here sits in the middle.
COLUMN = {"port": 0, "ps": 1, "clock": 2, "reset": 3, "interconnect": 4, "irq_concat": 4,
          "irq_tieoff": 5, "dpu": 6}
MIDDLE = 3
# Roles drawn in one column: every interconnect (and the interrupt concat) between the PS
# and the DPU, so the AXI paths are all the same length.
SAME_RANK = (("interconnect", "irq_concat"),)

# Colours: one per clock net (in net order), fixed ones for the other kinds. Chosen to stay
# distinguishable for the common colour-vision deficiencies (Okabe-Ito palette).
CLOCK_COLOURS = ("#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
AXI_COLOUR = "#0B3C8C"
RESET_COLOUR = "#7F7F7F"
INTERRUPT_COLOUR = "#C0392B"
SIGNAL_COLOUR = "#555555"
BOARD_COLOUR = "#333333"
FILL = {"ps": "#DCE8F7", "dpu": "#FBE3C9", "clock": "#E4F2E1", "reset": "#EEEEEE",
        "interconnect": "#E8E4F4", "irq_concat": "#F8DDDD", "irq_tieoff": "#F8DDDD", "port": "#FFFFFF"}

# Run in the build folder: the drawing lands beside its source in report/, where the page
# and summary.md link it.
DOT_COMMAND = "dot -Tsvg report/block_design.dot -o report/block_design.svg"
# Plain words (no markup): the HTML puts DOT_COMMAND in <code>, Markdown in a code span.
MISSING_DOT_TEXT = ("Graphviz dot is not installed, so no block_design.svg was drawn; the DOT "
                    "source is report/block_design.dot. Install the graphviz package and run, in "
                    "the build folder:")
MISSING_DOT = f"{MISSING_DOT_TEXT} {DOT_COMMAND}"


# ----------------------------------------------------------------------------- view objects
@dataclass(frozen=True)
class Row:
    """One connected pin (or the pins of one net) of a node, on its left or right side."""

    port: str          # the DOT port name, unique within the node
    text: str
    note: str          # a second, smaller line: frequency, where the net comes from
    side: str          # "w" | "e"
    kind: str          # "axi" | "board" | "clock" | "reset" | "interrupt" | "signal"
    colour: str


@dataclass(frozen=True)
class Node:
    name: str
    title: str
    ip: str            # "processing_system7 5.5"
    role: str
    fill: str
    details: tuple[str, ...]
    left: tuple[Row, ...]
    right: tuple[Row, ...]

    @property
    def rows(self) -> tuple[tuple[Row | None, Row | None], ...]:
        """Left and right rows side by side (None where one side is shorter)."""
        n = max(len(self.left), len(self.right))
        return tuple((self.left[i] if i < len(self.left) else None,
                      self.right[i] if i < len(self.right) else None) for i in range(n))


@dataclass(frozen=True)
class Edge:
    """One drawn connection. ``tail`` → ``head`` is the layout direction; ``back`` reverses the arrow."""

    id: str
    tail: str
    tail_port: str
    head: str
    head_port: str
    kind: str
    label: str
    colour: str
    back: bool
    width: float
    style: str


@dataclass(frozen=True)
class Diagram:
    name: str
    caption: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    legend: tuple[tuple[str, str, str], ...]    # (colour, style, text)
    ranks: tuple[tuple[str, ...], ...]          # nodes drawn in one column


@dataclass(frozen=True)
class Frame:
    """What block_design.dot.j2 writes around the nodes and edges (their texts come apart)."""

    name: str
    caption: str
    legend: tuple[tuple[str, str, str], ...]
    ranks: tuple[tuple[str, ...], ...]


# ----------------------------------------------------------------------------- helpers
def mhz(value: float) -> str:
    """A frequency as Vivado reports it: 150.000 MHz."""
    return f"{value:.3f} MHz"


def ip_label(vlnv: str) -> str:
    """'xilinx.com:ip:clk_wiz:6.0' -> 'clk_wiz 6.0'."""
    parts = vlnv.split(":")
    return f"{parts[2]} {parts[3]}" if len(parts) == 4 else vlnv


def _split(pin: str) -> tuple[str, str]:
    """'dpu/S_AXI' -> ('dpu', 'S_AXI'); a block-design port 'DDR' -> ('DDR', 'DDR')."""
    node, slash, name = pin.partition("/")
    return (node, name) if slash else (pin, pin)


def _column(role: str) -> int:
    return COLUMN.get(role, MIDDLE)


# Clock and reset nets reaching these roles are written in the cell's rows (the net and its
# source named, in the net's colour) instead of drawn: an interconnect has a clock and a
# reset pin per interface, and drawing them all buries the AXI paths the picture is for.
# Interrupt nets are drawn to every cell.
ROWS_ONLY = ("interconnect", "ps")


def _pins_text(pins: list[str]) -> str:
    return ", ".join(pins) if len(pins) <= 3 else f"{pins[0]}, {pins[1]} +{len(pins) - 2} more"


def cell_details(cell: Cell) -> tuple[str, ...]:
    """A line or two of the cell's CONFIG that a reviewer looks for first."""
    if cell.role not in ("dpu", "interconnect", "clock", "irq_tieoff"):
        return ()
    p = dict(cell.props).get     # Cell.prop, without a dict per look-up
    if cell.role == "dpu":
        cores = p("VER_DPU_NUM") or "1"
        out = [f"ARCH B{p('ARCH')} \u00b7 {cores} core{'s' if cores != '1' else ''}"]
        opts = [name for name, key, on in (("RAM high", "ARCH_IMG_BKGRP", "3"),
                                           ("DSP high", "CONV_DSP_ACCU_ENA", "1"),
                                           ("chan. augm.", "LOAD_AUGM", "1"),
                                           ("LeakyReLU", "CONV_RELU_ADDON", "3"),
                                           ("softmax", "SFM_ENA", "1")) if p(key) == on]
        if opts:
            out.append(" \u00b7 ".join(opts))
        return tuple(out)
    if cell.role == "interconnect" and p("NUM_SI"):
        return (f"{p('NUM_SI')} SI \u2192 {p('NUM_MI')} MI",)
    if cell.role == "clock" and p("MMCM_CLKFBOUT_MULT_F"):
        return (f"{p('PRIMITIVE') or 'MMCM'} /{p('MMCM_DIVCLK_DIVIDE')} "
                f"\u00d7{p('MMCM_CLKFBOUT_MULT_F')}",)
    if cell.role == "irq_tieoff":
        return (f"{p('CONST_WIDTH')}'b{p('CONST_VAL')}",)
    return ()


# ----------------------------------------------------------------------------- the diagram
def build_diagram(bd: BlockDesign, caption: str = "",
                  interrupt_notes: tuple[tuple[str, str], ...] = ()) -> Diagram:
    """The drawing of ``bd``: nodes with their pin rows, edges, legend.

    ``interrupt_notes`` maps an interrupt pin ("ps7/IRQ_F2P") to what it means for
    software ("IRQ_F2P[0] = GIC SPI 29"), taken from the plans by the caller.
    """
    name, caption, nodes, edges, legend, ranks = _layout(bd, caption, interrupt_notes)
    return Diagram(name, caption, tuple(map(_node_record, nodes)), tuple(Edge(*e) for e in edges),
                   legend, ranks)


def _node_record(node: tuple) -> Node:
    *fields, left, right = node
    return Node(*fields, tuple(Row(*r) for r in left), tuple(Row(*r) for r in right))


def _layout(bd: BlockDesign, caption: str, interrupt_notes: tuple[tuple[str, str], ...]) -> tuple:
    """``build_diagram``'s decisions as plain tuples in the records' field order: (name,
    caption, nodes, edges, legend, ranks), a node (name, title, ip, role, fill, details, left
    rows, right rows), a row as Row, an edge as Edge. A sweep draws 160 diagrams; making
    their ~2,000 rows and edges as frozen records (an attribute set at a time) was a third of
    the drawing, and ``_diagram_dot`` makes a record only for a node or edge not laid out yet.
    """
    roles = {c.name: c.role for c in bd.cells}
    roles.update({p.name: "port" for p in bd.ports})
    col = {name: _column(role) for name, role in roles.items()}
    notes = dict(interrupt_notes)
    # The notes of each node's pins ("dpu/dpu0_interrupt" -> notes_of["dpu"]["dpu0_interrupt"]),
    # so a net's loads are looked up by pin instead of joined back into a name each.
    notes_of: dict[str, dict[str, str]] = {}
    for pin, note in notes.items():
        node, slash, name = pin.partition("/")
        if slash:
            notes_of.setdefault(node, {}).setdefault(name, note)

    # Per node: ordered rows; a row is keyed by its DOT port so a net's pins share one row.
    rows: dict[str, dict[str, tuple]] = {name: {} for name in roles}

    def add_row(node: str, port: str, text: str, note: str, other: str, kind: str, colour: str,
                as_tail: bool, replace: bool) -> None:
        node_rows = rows[node]
        if not replace and port in node_rows:
            return
        if col[other] == col[node]:
            side = "e" if as_tail else "w"
        else:
            side = "e" if col[other] > col[node] else "w"
        node_rows[port] = (port, text, note, side, kind, colour)

    edges: list[tuple] = []

    def add_edge(kind: str, master: tuple[str, str], slave: tuple[str, str], label: str,
                 colour: str, width: float, style: str) -> None:
        (m_node, m_port), (s_node, s_port) = master, slave
        back = col[m_node] > col[s_node]
        tail, head = (slave, master) if back else (master, slave)
        # The id names the connection master to slave (SVG edge titles lose the ports).
        edges.append((f"{kind}:{m_node}/{m_port}->{s_node}/{s_port}", tail[0], tail[1], head[0],
                      head[1], kind, label, colour, back, width, style))

    # ---- interface links: AXI (with width) and the board pins
    for link in bd.links:
        m_node, m_pin = _split(link.master)
        s_node, s_pin = _split(link.slave)
        board = roles[s_node] == "port" or roles[m_node] == "port"
        kind = "board" if board else "axi"
        colour = BOARD_COLOUR if board else AXI_COLOUR
        back = col[m_node] > col[s_node]
        for node, pin, other, is_master in ((m_node, m_pin, s_node, True), (s_node, s_pin, m_node, False)):
            add_row(node, pin, pin, "board pins" if roles[node] == "port" else "", other, kind,
                    colour, is_master != back, False)
        add_edge(kind, (m_node, m_pin), (s_node, s_pin),
                 f"{link.width} bit" if link.width else "", colour, 1.6 if board else 2.4, "solid")

    # ---- nets: driver pin -> every cell it reaches (the cell's pins on that net share a row)
    clock_index = 0
    merged: dict[tuple[str, str], list[str]] = {}
    legend: list[tuple[str, str, str]] = [(AXI_COLOUR, "bold", "AXI, master \u2192 slave, data width")]
    for net in bd.nets:
        kind, net_name = net.kind, net.name
        d_node, d_pin = _split(net.driver)
        freq = mhz(net.freq_mhz) if kind == "clock" and net.freq_mhz else ""
        if kind == "clock":
            colour = CLOCK_COLOURS[clock_index % len(CLOCK_COLOURS)]
            clock_index += 1
            label, width, style = f"{net_name} {freq}".strip(), 1.6, "solid"
            legend.append((colour, "solid", f"clock {label}"))
        elif kind == "reset":
            colour, label, width, style = RESET_COLOUR, "", 1.0, "dashed"
        elif kind == "interrupt":
            colour, label, width, style = INTERRUPT_COLOUR, "", 1.8, "bold"
        else:
            colour, label, width, style = SIGNAL_COLOUR, "", 1.0, "dotted"
        loads: dict[str, list[str]] = {}
        for pin in net.loads:
            node, name = _split(pin)
            loads.setdefault(node, []).append(name)
        drawn = [n for n in loads if n != d_node and (kind == "interrupt" or roles[n] not in ROWS_ONLY)]
        first_other = drawn[0] if drawn else next((n for n in loads if n != d_node), d_node)
        add_row(d_node, d_pin, d_pin, freq or notes.get(net.driver, ""), first_other, kind,
                colour, True, False)
        for node, pins in loads.items():
            pin_notes = notes_of.get(node)
            note = freq or (next((pin_notes[p] for p in pins if p in pin_notes), "") if pin_notes else "")
            if node in drawn:
                net_port = f"net_{net_name}"
                add_row(node, net_port, _pins_text(pins), note, d_node, kind, colour, False, False)
                # A clock net's name and frequency once, on its first line; every row it
                # reaches repeats the frequency.
                edge_label = label if kind == "clock" and node == drawn[0] else ""
                add_edge(kind, (d_node, d_pin), (node, net_port), edge_label, colour, width, style)
                continue
            # Not drawn: the row names where the net comes from. Rows of one driver cell and
            # kind merge (an interconnect's ARESETN and S00_ARESETN).
            port = f"{kind}_{d_node}"
            source = d_pin if node == d_node else (net_name if kind == "clock" else d_node)
            merged.setdefault((node, port), []).extend(pins)
            add_row(node, port, _pins_text(merged[(node, port)]),
                    f"\u2190 {source}" + (f" {freq}" if freq else ""),
                    d_node if node != d_node else node, kind, colour, False, True)
    legend += [(RESET_COLOUR, "dashed", "reset"), (INTERRUPT_COLOUR, "bold", "interrupt"),
               (SIGNAL_COLOUR, "dotted", "other signal (MMCM locked, tie-off)")]

    nodes: list[tuple] = []
    for port in bd.ports:
        r = rows[port.name]
        nodes.append(_node(port.name, port.name, f"board {port.mode.lower()} interface", "port", (), r))
    for cell in bd.cells:
        nodes.append(_node(cell.name, cell.name, ip_label(cell.vlnv), cell.role, cell_details(cell),
                           rows[cell.name]))
    ranks = []
    for group in SAME_RANK:
        names = tuple(c.name for c in bd.cells if c.role in group)
        if len(names) > 1:
            ranks.append(names)
    return bd.name, caption, tuple(nodes), tuple(edges), tuple(legend), tuple(ranks)


# Rows by kind, top to bottom (a kind not listed goes last).
_ROW_ORDER = {"board": 0, "axi": 1, "clock": 2, "signal": 3, "reset": 4, "interrupt": 5}


def _row_rank(row: tuple) -> int:
    return _ROW_ORDER.get(row[4], 9)


def _node(name: str, title: str, ip: str, role: str, details: tuple[str, ...],
          rows: dict[str, tuple]) -> tuple:
    made = sorted(rows.values(), key=_row_rank)    # stable: first use within a kind
    return (name, title, ip, role, FILL.get(role, "#FFFFFF"), details,
            tuple([r for r in made if r[3] == "w"]), tuple([r for r in made if r[3] == "e"]))


def diagram_dot(bd: BlockDesign, caption: str = "",
                interrupt_notes: tuple[tuple[str, str], ...] = ()) -> str:
    """DOT text for ``bd`` (deterministic: graph order in, same text out)."""
    from hwgen.emit.render import environment

    if type(caption) is str and set(map(type, chain.from_iterable(interrupt_notes))) <= {str}:
        return _diagram_dot(environment(), bd, caption, interrupt_notes)
    # A Markup equal to a str note is the same key to lru_cache, but |e writes it unescaped.
    return _diagram_dot.__wrapped__(environment(), bd, caption, interrupt_notes)


# Pure in its arguments (the template environment, the block design, the caption and the
# notes: immutable), so remembered: the designs of a sweep that differ only in what the
# drawing does not show (the strategies, the Linux settings) draw the same block design
# with the same caption.
@lru_cache(maxsize=16)
def _diagram_dot(env, bd: BlockDesign, caption: str,
                 interrupt_notes: tuple[tuple[str, str], ...]) -> str:
    from hwgen.emit.render import render

    name, caption, nodes, edges, legend, ranks = _layout(bd, caption, interrupt_notes)
    if _exact_text(nodes, edges):
        node_texts = [_remembered(env, "node", n, _node_record) for n in nodes]
        edge_texts = [_remembered(env, "edge", e, _edge_record) for e in edges]
    else:
        parts = _parts(env)
        node_texts = [parts.node(_node_record(n)) for n in nodes]
        edge_texts = [parts.edge(Edge(*e)) for e in edges]
    return render("report/block_design.dot.j2", d=Frame(name, caption, legend, ranks),
                  nodes=node_texts, edges=edge_texts)


def _parts(env):
    """The node and edge macros (report/_block_design.dot.j2), imported without context."""
    import jinja2

    try:
        return env.get_template(_PARTS).module
    except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
        from hwgen.emit.render import render

        render(_PARTS)      # a missing or broken installation: render's one-line OutputError
        raise


_PARTS = "report/_block_design.dot.j2"


# A node's and an edge's text are functions of their fields, and the 160 diagrams of a
# sweep (a new fabric clock changes the legend, hence the whole text) are made of ~230
# distinct nodes and ~65 distinct edges: each is laid out once. The key is the node's or
# edge's plain tuple (``_layout``: hashed in C, where a record's hash runs in Python for every
# row); served only for diagrams whose texts from the block design and the notes are all
# exactly str (``_exact_text``): a str subclass equal to a name (a Markup, which |e leaves
# unescaped) must not share an entry with it. The rest of what the macros write (colours,
# fills, styles, widths, directions) are this module's own literals; a row's side and kind
# and an edge's kind are in the key but not written. Bounded; cleared when full.
_TEXT_MEMO = Memo(2048)


def _edge_record(edge: tuple) -> Edge:
    return Edge(*edge)


def _remembered(env, macro: str, key: tuple, record) -> str:
    full = (env, macro, key)
    text = _TEXT_MEMO.get(full)
    if text is None:
        text = _TEXT_MEMO.keep(full, getattr(_parts(env), macro)(record(key)))
    return text


# The texts the macros write that come from the block design or the notes.
_ROW_TEXT = itemgetter(0, 1, 2)             # port, text, note
_NODE_TEXT = itemgetter(0, 1, 2)            # name, title, ip
_EDGE_TEXT = itemgetter(0, 1, 2, 3, 4, 6)   # id, tail, tail_port, head, head_port, label
_DETAILS, _LEFT, _RIGHT = itemgetter(5), itemgetter(6), itemgetter(7)


def _exact_text(nodes: tuple, edges: tuple) -> bool:
    """Whether the texts of ``_layout``'s nodes and edges that come from the block design and
    the notes are exactly str (``_TEXT_MEMO``), checked in C: the set of the types met."""
    rows = chain(chain.from_iterable(map(_LEFT, nodes)), chain.from_iterable(map(_RIGHT, nodes)))
    texts = chain(chain.from_iterable(map(_ROW_TEXT, rows)), chain.from_iterable(map(_NODE_TEXT, nodes)),
                  chain.from_iterable(map(_DETAILS, nodes)),
                  chain.from_iterable(map(_EDGE_TEXT, edges)))
    return set(map(type, texts)) <= {str}


# ----------------------------------------------------------------------------- SVG
_GENERATOR = re.compile(r"<!-- Generated by graphviz[^>]*-->\n?")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\n?", re.S)
_XLINK = ' xmlns:xlink="http://www.w3.org/1999/xlink"'


def dot_program() -> str | None:
    return shutil.which("dot")


def clean_svg(svg: str) -> str:
    """Drop what varies by Graphviz build or points outside the file.

    The generator comment names the Graphviz version; the DOCTYPE names a DTD by URL
    (nothing needs it, and a validating reader would fetch it); the xlink namespace is
    declared but unused because the DOT sets no URLs or tooltips.
    """
    svg = _GENERATOR.sub("", svg)
    svg = _DOCTYPE.sub("", svg)
    if "xlink:" not in svg.replace(_XLINK, ""):
        svg = svg.replace(_XLINK, "")
    return svg


# Drawings already made in this process, by (dot program, DOT text): a sweep or a test
# suite draws the same block design again and again. Bounded; cleared when full.
_SVG_MEMO = Memo(256)


class PendingSvg:
    """``dot -Tsvg`` of one DOT text, started by ``start_svg`` and collected by ``result``.

    Graphviz takes 25-35 ms for a block design, as long as rendering every other file
    of a build; started as soon as the DOT text exists, it draws on another core while
    hwgen renders, and the build waits only for what is left when it needs the SVG.
    """

    def __init__(self, dot_text: str, program: str | None, svg: bytes | None = None,
                 process: subprocess.Popen | None = None):
        self.dot_text = dot_text
        self.program = program
        self._svg = svg
        self._process = process

    @property
    def missing(self) -> bool:
        """Graphviz's ``dot`` is not on PATH: there is no SVG, only the DOT text."""
        return self.program is None

    def result(self, timeout: float = 30.0) -> bytes | None:
        """The cleaned SVG (``clean_svg``), waiting for ``dot`` if needed; None when missing."""
        process, self._process = self._process, None
        if process is None:
            return self._svg
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            from hwgen.errors import OutputError

            raise OutputError(f"dot -Tsvg failed: it took longer than {timeout:g} s") from None
        if process.returncode != 0:
            from hwgen.errors import OutputError

            raise OutputError("dot -Tsvg failed: " + err.decode("utf-8", "replace").strip())
        self._svg = _SVG_MEMO.keep((self.program, self.dot_text),
                                   clean_svg(out.decode("utf-8")).encode("utf-8"))
        return self._svg

    def close(self) -> None:
        """Stop a ``dot`` whose result nobody will collect (the build failed meanwhile)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.communicate()


def _spawn(program: str) -> subprocess.Popen:
    return subprocess.Popen([program, "-Tsvg"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, LC_ALL="C.UTF-8"))


# A ``dot -Tsvg`` started before its input exists (``prestart_dot``): the next ``start_svg``
# hands it the DOT text. At most one.
_READY: list[tuple[str, subprocess.Popen]] = []


def prestart_dot() -> None:
    """Start ``dot -Tsvg`` now, to be given its input by the next ``start_svg``.

    Starting Graphviz (exec, its libraries and plugins) is 5-7 ms of the ~25 ms it takes
    for a block design; started while hwgen still plans and renders the DOT text, that part
    is off the build's critical path. ``drop_prestarted`` stops one nobody used.
    """
    program = dot_program()
    if program is None or _READY:
        return
    try:
        _READY.append((program, _spawn(program)))
    except OSError:
        pass        # start_svg tries again and reports the failure


def drop_prestarted() -> None:
    """Stop the prestarted ``dot`` if ``start_svg`` did not take it (a failed build)."""
    while _READY:
        _, process = _READY.pop()
        process.kill()
        process.communicate()


def start_svg(dot_text: str) -> PendingSvg:
    """Start ``dot -Tsvg`` on ``dot_text`` and return at once (``PendingSvg.result`` collects)."""
    program = dot_program()
    if program is None:
        return PendingSvg(dot_text, None)
    svg = _SVG_MEMO.get((program, dot_text))
    if svg is not None:
        return PendingSvg(dot_text, program, svg=svg)
    ready = _READY.pop() if _READY else None
    if ready is not None and ready[0] == program and ready[1].poll() is None:
        process = ready[1]
    else:
        if ready is not None:           # another program (PATH changed), or it died
            _READY.append(ready)
            drop_prestarted()
        try:
            process = _spawn(program)
        except OSError as exc:
            from hwgen.errors import OutputError

            raise OutputError(f"dot -Tsvg failed: {exc}") from None
    # dot reads the whole graph before it lays it out or writes a byte, so writing it all
    # now cannot deadlock; its output waits in the pipe until ``result`` reads it.
    # communicate() must not touch the closed stdin again, hence None.
    stdin, process.stdin = process.stdin, None
    try:
        stdin.write(dot_text.encode("utf-8"))
    except BrokenPipeError:
        pass    # dot exited early; result() reports its error message
    finally:
        try:
            stdin.close()
        except BrokenPipeError:
            pass
    return PendingSvg(dot_text, program, process=process)


def render_svg(dot_text: str, timeout: float = 30.0) -> bytes | None:
    """``dot -Tsvg`` of ``dot_text``, cleaned (``clean_svg``); None when ``dot`` is missing."""
    return start_svg(dot_text).result(timeout)
