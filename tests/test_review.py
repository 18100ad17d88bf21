"""The review artefacts: report/block_design.dot/.svg, report/index.html, report/summary.md, design.json.

Semantic checks against the objects the plans and the budget produce (never against
numbers typed here), plus the picture itself rendered to PNG and looked at by pixel
statistics. Tests that need Graphviz `dot` or `rsvg-convert` fail when the tool is
absent (scripts/test.sh installs both).
"""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from _png import read_png
from conftest import ROOT, hwgen_main
from hwgen.review import diagram
from hwgen.review import report as review
from hwgen.plan.blockdesign import plan_block_design
from hwgen.budget.estimate import estimate, fmt_amount, fmt_percent
from hwgen.folder.build import render_outputs
from hwgen.plan.addressmap import dpu_control_window
from hwgen.plan.clockflow import design_clocks
from hwgen.model.design import load_design
from hwgen.plan.memory import plan_memory
from hwgen.review.summary import design_summary, from_json, to_json

needs_dot = pytest.mark.requires("dot")
needs_rsvg = pytest.mark.requires("dot", "rsvg-convert")
SVG_NS = "http://www.w3.org/2000/svg"
BOARDS = ["pynq_z2", "zybo_z7_20"]
VARIANTS = [
    ("pynq_z2", None, ()),
    ("zybo_z7_20", None, ()),
    ("pynq_z2", "B1152", ("dpu.cores=2", "dpu.irq=3", "build.interconnect=smartconnect")),
    ("zybo_z7_20", "B800", ("dpu.alu_parallel=2", "linux.cma_base=0x20000000")),
]


def _build(board, dpu=None, sets=()):
    design = load_design(board, dpu, sets)
    verdict = estimate(design)
    outputs = {o.path: o.data for o in render_outputs(design, verdict)}
    return design, verdict, outputs


@pytest.fixture(scope="module", params=BOARDS)
def built(request):
    return _build(request.param)


def _bd(design):
    return plan_block_design(design, design_clocks(design))


# ----------------------------------------------------------------------------- DOT
_EDGE = re.compile(r'^\s*"([^"]+)":"([^"]+)":[a-z]+ -> "([^"]+)":"([^"]+)":[a-z]+ \[(.*)\];$', re.M)
_NODE = re.compile(r'^\s*"([^"]+)" \[label=<', re.M)


def dot_edges(dot_text):
    """Edges as (from pin, to pin, attributes), with the arrow's real direction (dir=back undone)."""
    out = []
    for tail, tport, head, hport, attrs in _EDGE.findall(dot_text):
        a, b = f"{tail}/{tport}", f"{head}/{hport}"
        out.append(((b, a) if "dir=back" in attrs else (a, b), attrs))
    return out


def _pin(ref):
    """A block-design pin as the diagram names it: a bd port 'DDR' is node DDR, port DDR."""
    return ref if "/" in ref else f"{ref}/{ref}"


@pytest.mark.parametrize("board,dpu,sets", VARIANTS)
def test_dot_has_every_cell_and_every_axi_link_master_to_slave(board, dpu, sets):
    design = load_design(board, dpu, sets)
    bd = _bd(design)
    dot_text = diagram.diagram_dot(bd)
    nodes = set(_NODE.findall(dot_text))
    assert {c.name for c in bd.cells} | {p.name for p in bd.ports} == nodes
    edges = dot_edges(dot_text)
    for link in bd.links:
        found = [attrs for (a, b), attrs in edges if (a, b) == (_pin(link.master), _pin(link.slave))]
        assert len(found) == 1, f"link {link.master} -> {link.slave} drawn {len(found)} times"
        if link.width:
            assert f">{link.width} bit<" in found[0], found[0]
    axi = [e for e in edges if 'id="axi' in e[1] or 'id="board' in e[1]]
    assert len(axi) == len(bd.links)


@pytest.mark.parametrize("board,dpu,sets", VARIANTS)
def test_dot_draws_clocks_with_mhz_and_the_interrupt_path(board, dpu, sets):
    design = load_design(board, dpu, sets)
    bd = _bd(design)
    dot_text = diagram.diagram_dot(bd)
    edges = dot_edges(dot_text)
    clocks = [n for n in bd.nets if n.kind == "clock"]
    assert len(clocks) == 3
    for net in clocks:
        label = f"{net.name} {net.freq_mhz:.3f} MHz"
        assert label in dot_text                                  # on its first edge and in the legend
        drawn = [(a, b) for (a, b), attrs in edges if a == _pin(net.driver) and 'id="clock' in attrs]
        assert drawn, f"clock net {net.name} not drawn from {net.driver}"
    # the DPU's interrupt reaches the PS through the concat, arrows pointing that way
    irq_edges = [(a, b) for (a, b), attrs in edges if 'id="interrupt' in attrs]
    dpu_irqs = [n for n in bd.nets if n.kind == "interrupt" and n.driver.startswith("dpu/")]
    assert len(dpu_irqs) == design.settings.dpu.cores
    for net in dpu_irqs:
        assert (net.driver, "irq_concat/net_" + net.name) in irq_edges
    assert ("irq_concat/dout", "ps7/net_irq_f2p") in irq_edges


def test_dot_is_deterministic_and_names_the_gic_line():
    design = load_design("pynq_z2", None, ("dpu.irq=5",))
    _, _, outputs = _build("pynq_z2", None, ("dpu.irq=5",))
    again = _build("pynq_z2", None, ("dpu.irq=5",))[2]
    assert outputs[review.DOT] == again[review.DOT]
    # IRQ_F2P[5] is GIC ID 61 + 5 = 66, SPI 66 - 32 = 34 (UG585 §7.2.3, ARM GIC binding)
    assert "IRQ_F2P[5], GIC SPI 34" in outputs[review.DOT].decode()
    assert design.settings.dpu.irq == 5


def test_dot_ids_refuse_backslashes_and_escape_quotes():
    from hwgen.emit.render import QuotingError, dot_id

    assert dot_id('a"b') == '"a\\"b"'
    with pytest.raises(QuotingError):
        dot_id("a\\")


# ----------------------------------------------------------------------------- SVG
@needs_dot
def test_svg_parses_and_holds_every_cell_and_link(built):
    design, _, outputs = built
    bd = _bd(design)
    root = ET.fromstring(outputs[review.SVG])
    assert root.tag == f"{{{SVG_NS}}}svg"
    groups = list(root.iter(f"{{{SVG_NS}}}g"))
    nodes = {g.find(f"{{{SVG_NS}}}title").text for g in groups if g.get("class") == "node"}
    assert {c.name for c in bd.cells} | {p.name for p in bd.ports} == nodes
    edge_ids = {g.get("id") for g in groups if g.get("class") == "edge"}
    for link in bd.links:
        kind = "axi" if link.width else "board"
        assert f"{kind}:{_pin(link.master)}->{_pin(link.slave)}" in edge_ids, link
    text = "".join(root.itertext())
    for cell in bd.cells:
        assert cell.name in text


@needs_dot
def test_svg_is_clean_and_deterministic(built):
    design, _, outputs = built
    svg = outputs[review.SVG].decode()
    assert "Generated by graphviz" not in svg and "<!DOCTYPE" not in svg
    assert "xlink" not in svg
    assert "http://" not in svg.replace(SVG_NS, "")
    again = diagram.render_svg(outputs[review.DOT].decode())
    assert again == outputs[review.SVG]


@needs_rsvg
@pytest.mark.parametrize("board", BOARDS)
def test_svg_renders_to_a_picture_that_is_not_blank(tmp_path, board):
    _, _, outputs = _build(board)
    (tmp_path / "bd.svg").write_bytes(outputs[review.SVG])
    png = tmp_path / "bd.png"
    subprocess.run(["rsvg-convert", "-z", "0.6", "-b", "white", str(tmp_path / "bd.svg"), "-o", str(png)],
                   check=True, capture_output=True, timeout=60)
    image = read_png(png.read_bytes())
    assert image.width > 600 and image.height > 300
    pixels = Counter(image.pixels(2))
    total = sum(pixels.values())
    white = pixels[(255, 255, 255, 255)]
    assert 0.05 < 1 - white / total < 0.8, f"{1 - white / total:.2%} of the picture is drawn"

    def near(rgb, tol=40):
        return sum(n for (r, g, b, _), n in pixels.items()
                   if abs(r - rgb[0]) < tol and abs(g - rgb[1]) < tol and abs(b - rgb[2]) < tol)

    hexrgb = lambda h: tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    # the AXI links, the interrupt path and each clock net are actually painted
    for colour in (diagram.AXI_COLOUR, diagram.INTERRUPT_COLOUR) + diagram.CLOCK_COLOURS[:3]:
        assert near(hexrgb(colour)) > 50, f"nothing drawn in {colour}"
    # and every cell box is filled: PS, DPU, interconnect and clock fills are present
    for role in ("ps", "dpu", "interconnect", "clock"):
        assert pixels[hexrgb(diagram.FILL[role]) + (255,)] > 500, role


# ----------------------------------------------------------------------------- HTML
class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.refs, self.rows, self.text = Counter(), [], [], []
        self.stack, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        for key in ("href", "src", "xlink:href", "action", "data", "poster"):
            if a.get(key) is not None:
                self.refs.append((tag, key, a[key]))
        if tag == "tr" and "data-resource" in a:
            self._row = {"attrs": a, "cells": []}
        if tag == "td" and self._row is not None:
            self._cell = []
        if tag == "script" and "src" in a:
            self.refs.append(("script", "src", a["src"]))

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _page(outputs):
    page = _Page()
    page.feed(outputs[review.HTML].decode("utf-8"))
    page.close()
    return page


@needs_dot
def test_html_is_self_contained(built):
    _, _, outputs = built
    text = outputs[review.HTML].decode()
    page = _page(outputs)
    assert page.tags["html"] == 1 and page.tags["body"] == 1 and page.tags["style"] == 1
    assert page.tags["link"] == 0 and page.tags["script"] == 0 and page.tags["iframe"] == 0
    assert page.tags["img"] == 0                      # the diagram is inline, not a file reference
    for tag, key, ref in page.refs:
        assert not re.match(r"^([a-z]+:|//)", ref), f"<{tag} {key}={ref!r}> leaves the page"
    assert "url(" not in text and "@import" not in text
    assert re.findall(r"(?:https?:)?//[^\s\"'<]*", text.replace(SVG_NS, "")) == []
    assert page.tags["svg"] == 2                      # the block design and the DDR map


def html_unescape(text):
    import html

    return html.unescape(text)


def test_html_budget_numbers_equal_the_verdict(built):
    _, verdict, outputs = built
    page = _page(outputs)
    budget = json.loads(outputs["budget.json"])
    assert [r["attrs"]["data-resource"] for r in page.rows] == [l.name for l in verdict.resources]
    for row, line, saved in zip(page.rows, verdict.resources, budget["resources"]):
        a = row["attrs"]
        assert float(a["data-used"]) == line.used == saved["used"]
        assert float(a["data-available"]) == line.available == saved["available"]
        assert float(a["data-percent"]) == pytest.approx(line.percent, abs=0.005) and \
            float(a["data-percent"]) == saved["percent"]
        assert float(a["data-limit"]) == line.limit_percent == saved["limit_percent"]
        name, used, available, percent, limit = row["cells"][:5]
        assert (name, used, available, percent) == (line.name, fmt_amount(line.used),
                                                      fmt_amount(line.available), fmt_percent(line.percent))
        assert limit == f"{line.limit_percent:g}%"
        assert row["cells"][-1] == ("ok" if line.ok else "OVER LIMIT")


def test_html_over_budget_page_shows_the_failure_and_its_fix():
    # B1024 DSP low, RAM high: 136 BRAM of 140 is over the 90 % limit but fits
    _, verdict, outputs = _build("pynq_z2", "B1024", ("dpu.ram_usage=high", "dpu.dsp_usage=low"))
    assert not verdict.ok
    text = html_unescape(outputs[review.HTML].decode())
    assert '<span class="badge FAIL">FAIL</span>' in outputs[review.HTML].decode()
    for message in verdict.messages:
        assert message in text
    bram = next(r for r in _page(outputs).rows if r["attrs"]["data-resource"] == "BRAM")
    assert bram["cells"][-1] == "OVER LIMIT"
    assert 'class="fill over"' in outputs[review.HTML].decode()


def test_html_shows_the_plans(built):
    design, _, outputs = built
    text = html_unescape(outputs[review.HTML].decode())
    clocks = design_clocks(design)
    mem = plan_memory(design)
    assert f"{clocks.dpu_mhz:.3f} MHz" in text and f"{clocks.dsp_mhz:.3f} MHz" in text
    assert f"{clocks.fclk0.achieved_mhz:.3f} MHz" in text
    f = clocks.fclk0
    assert f"{f.source} {f.pll_mhz:g} MHz / ({f.divisor0} x {f.divisor1})" in text
    assert f"0x{dpu_control_window(design).base:08X}" in text
    for name, value in _bd(design).cell(design.dpu.cell).props:
        assert f"CONFIG.{name}" in text
    assert f"cma={mem.cma.size >> 20}M" in text
    assert design.board.part in text


def test_html_links_every_file_of_the_build(tmp_path):
    r = hwgen_main("build", "--board", "zybo_z7_20", "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    page = _Page()
    page.feed((out / "report" / "index.html").read_text())
    hrefs = {ref for tag, key, ref in page.refs if tag == "a"}
    files = {str(p.relative_to(out)) for p in out.rglob("*")
             if p.is_file() and p.name != ".hwgen.lock"}   # the writers' lock, not an output
    linked = {str((out / "report" / h).resolve().relative_to(out.resolve())) for h in hrefs}
    assert linked == files
    manifest = json.loads((out / "manifest.json").read_text())
    assert {o["path"] for o in manifest["outputs"]} | {"manifest.json"} == files


def test_html_escapes_text_from_the_yaml(tmp_path):
    board = (ROOT / "boards" / "pynq_z2.yaml").read_text()
    board = re.sub(r"^description: .*$", "description: Pynq <b>bold</b> & <script>x</script>",
                   board, count=1, flags=re.M)
    (tmp_path / "evil.yaml").write_text(board)
    _, _, outputs = _build(str(tmp_path / "evil.yaml"))
    text = outputs[review.HTML].decode()
    assert "<script>" not in text and "<b>bold" not in text
    assert "Pynq &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in text
    md = outputs[review.MARKDOWN].decode()
    assert "\\<script\\>" in md


# ----------------------------------------------------------------------------- without dot
def test_without_dot_the_build_says_so_and_keeps_the_source(monkeypatch):
    monkeypatch.setattr(diagram, "dot_program", lambda: None)
    _, _, outputs = _build("pynq_z2")
    assert review.SVG not in outputs
    assert review.DOT in outputs
    raw = outputs[review.HTML].decode()
    html = html_unescape(raw)
    assert diagram.MISSING_DOT_TEXT in html and "<svg class=\"ddr\"" in raw
    # The command is code in the page, not Markdown backticks shown as text.
    assert f"<code>{diagram.DOT_COMMAND}</code>" in raw and "`" not in html
    md = outputs[review.MARKDOWN].decode()
    assert "not installed" in md and f"`{diagram.DOT_COMMAND}`" in md and "\\`" not in md
    manifest = json.loads(outputs["manifest.json"])
    assert review.SVG not in {o["path"] for o in manifest["outputs"]}


@needs_dot
def test_the_suggested_dot_command_draws_into_report(monkeypatch, tmp_path):
    """Run in the build folder as the page says: the drawing lands in report/, where the
    page links it, and nothing is written outside report/."""
    import shlex

    from hwgen.folder.build import build

    monkeypatch.setattr(diagram, "dot_program", lambda: None)
    out = tmp_path / "build"
    build(load_design("pynq_z2"), out)
    before = {p for p in out.rglob("*")}
    subprocess.run(shlex.split(diagram.DOT_COMMAND), cwd=out, check=True, timeout=60)
    assert {p for p in out.rglob("*")} - before == {out / review.SVG}
    ET.parse(out / review.SVG)                              # a real SVG


def test_a_failing_dot_is_an_output_error(monkeypatch, tmp_path):
    from hwgen.errors import OutputError

    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(diagram, "dot_program", lambda: str(fake))
    with pytest.raises(OutputError, match="syntax error"):
        diagram.render_svg("digraph {")


# ----------------------------------------------------------------------------- summary
@pytest.mark.parametrize("board,dpu,sets", VARIANTS)
def test_design_json_is_the_plans_and_reads_back(board, dpu, sets):
    design = load_design(board, dpu, sets)
    s = design_summary(design)
    assert from_json(to_json(s)) == s
    clocks = design_clocks(design)
    by_name = {c.name: c for c in s.clocks}
    assert by_name["m_axi_dpu_aclk"].achieved_mhz == clocks.dpu_mhz
    assert by_name["m_axi_dpu_aclk"].requested_mhz == design.settings.dpu.clock_mhz
    assert by_name["dpu_2x_clk"].achieved_mhz == clocks.dsp_mhz
    assert by_name["FCLK_CLK0"].achieved_mhz == clocks.fclk0.achieved_mhz
    mem = plan_memory(design)
    assert (s.memory.cma_size, s.memory.cma_base, s.memory.linux_free) == \
        (mem.cma.size, mem.cma.base, mem.linux_free)
    # every HP port the DPU uses, 64 bit wide as the board says, with the DPU masters behind it
    hp = [p for p in s.ps_ports if p.direction == "slave"]
    assert {p.port for p in hp} == {f"S_AXI_{k.upper()}" for _, k in design.dpu.connect}
    masters = sorted(m for p in hp for m in p.peers)
    assert len(masters) == len(set(masters)) == design.settings.dpu.cores * len(design.dpu.connect)
    for p in hp:
        assert p.width == getattr(design.board.ps.ports, p.port[-3:].lower()).width
    assert [i.gic_spi for i in s.interrupts] == [
        (61 + line if line < 8 else 84 + line - 8) - 32
        for line in range(design.settings.dpu.irq, design.settings.dpu.irq + design.settings.dpu.cores)]


def test_design_json_rejects_a_foreign_file():
    with pytest.raises(ValueError, match="hwgen.design-summary"):
        from_json('{"format": "something else"}')
    good = json.loads(to_json(design_summary(load_design())))
    del good["clocks"][0]["achieved_mhz"]
    with pytest.raises(ValueError, match=r"clocks\[0\]\.achieved_mhz: missing"):
        from_json(json.dumps(good))


# ----------------------------------------------------------------------------- Markdown
def test_summary_md_is_short_and_carries_the_verdict(built):
    _, verdict, outputs = built
    md = outputs[review.MARKDOWN].decode()
    assert len(md) < 3000 and md.count("\n") < 40
    for line in verdict.resources:
        assert (f"| {line.name} | {fmt_amount(line.used)} | {fmt_amount(line.available)} | "
                f"{fmt_percent(line.percent)} | {line.limit_percent:g}% |") in md
    assert ("PASS" if verdict.ok else "FAIL") in md.splitlines()[0]


def test_report_files_are_in_the_manifest_and_build_stays_fast(tmp_path):
    import time

    design = load_design()
    verdict = estimate(design)
    start = time.perf_counter()
    outputs = render_outputs(design, verdict)
    took = time.perf_counter() - start
    paths = [o.path for o in outputs]
    for path in (review.DESIGN_JSON, review.DOT, review.HTML, review.MARKDOWN):
        assert path in paths
    assert paths[-1] == "manifest.json"
    # dot is a subprocess; everything else is in-process string work
    assert took < 5, f"render_outputs took {took:.2f} s"


def test_readme_diagram_is_the_default_designs():
    """docs/block_design_pynq_z2.svg has the default design's nodes and connections (not stale)."""
    svg = ET.fromstring((ROOT / "docs" / "block_design_pynq_z2.svg").read_bytes())
    groups = list(svg.iter(f"{{{SVG_NS}}}g"))
    nodes = {g.find(f"{{{SVG_NS}}}title").text for g in groups if g.get("class") == "node"}
    edges = {g.get("id") for g in groups if g.get("class") == "edge"}
    design = load_design()
    d = diagram.build_diagram(_bd(design))
    assert nodes == {n.name for n in d.nodes}
    assert edges == {e.id for e in d.edges}
    assert "docs/block_design_pynq_z2.svg" in (ROOT / "README.md").read_text()
    assert "cp build/pynq_z2/report/block_design.svg docs/block_design_pynq_z2.svg" in \
        (ROOT / "docs" / "review.md").read_text()


# ----------------------------------------------------------------------------- ZynqMP
def test_kv260_diagram_and_page_name_the_zynqmp_ports():
    # The TRD's ZynqMP wiring (DPUTRD trd_bd.tcl; UG1085 for pl_ps_irq0 = GIC SPI 89 + n):
    # data on S_AXI_HP0_FPD/HP1_FPD, instructions on S_AXI_LPD, control from M_AXI_HPM0_LPD,
    # pl_clk0/pl_resetn0 out of the PS, the interrupt concat into pl_ps_irq0.
    design, _, outputs = _build("kv260")
    bd = _bd(design)
    dot_text = outputs[review.DOT].decode()
    html = outputs[review.HTML].decode()
    edges = {e for e, _ in dot_edges(dot_text)}
    ps = "zynq_ultra_ps_e"
    assert ps in set(_NODE.findall(dot_text))
    assert {("axi_hp0/M00_AXI", f"{ps}/S_AXI_HP0_FPD"), ("axi_hp1/M00_AXI", f"{ps}/S_AXI_HP1_FPD"),
            ("axi_lpd/M00_AXI", f"{ps}/S_AXI_LPD"), (f"{ps}/M_AXI_HPM0_LPD", "axi_hpm0_lpd/S00_AXI"),
            ("irq_concat/dout", f"{ps}/net_pl_ps_irq0")} <= edges
    assert any(a == f"{ps}/pl_clk0" for a, _ in edges) and any(a == f"{ps}/pl_resetn0" for a, _ in edges)
    for link in bd.links:
        assert (_pin(link.master), _pin(link.slave)) in edges
    for text in (dot_text, html):
        assert "pl_ps_irq0[0], GIC SPI 89" in text
        for pin in ("S_AXI_HP0_FPD", "S_AXI_LPD", "M_AXI_HPM0_LPD", "pl_clk0"):
            assert pin in text, pin
        # no Zynq-7000 name leaks into a ZynqMP review (not even as a net or edge id)
        for z7 in ("IRQ_F2P", "irq_f2p", "FCLK_CLK", "M_AXI_GP0", "ps7"):
            assert z7 not in text, z7
