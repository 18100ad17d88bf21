"""report/index.html in a real headless browser (Debian's chromium driven by Playwright).

The page of a real build is loaded at 1280 and 800 px: no console errors, nothing wider than
the window or than its card, every cell of the block design (as the plan has them, not as the
page says) drawn inside the visible diagram; a click zooms the diagram to its own size inside
its card and a second click fits it again. Screenshots go to test-artifacts/ (a CI artefact,
ignored by git). chromium and playwright are required: missing, the tests fail.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, require_module, require_tool

ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (1280, 800)
# What a headless chromium in a container needs: no sandbox (no user namespaces), no GPU, and
# nothing that reaches the network on its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.requires("chromium", "playwright")

# Every element whose content would stick out of it sideways; the diagram's own box scrolls
# only when zoomed.
_OVERFLOWS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('header, main, section, table, dl, ul, p, .diagram')) {
    if (e.scrollWidth > e.clientWidth + 1) out.push([e.tagName, e.id || e.className, e.scrollWidth, e.clientWidth]);
  }
  for (const t of document.querySelectorAll('table, svg.ddr')) {
    const card = t.closest('section').getBoundingClientRect(), r = t.getBoundingClientRect();
    if (r.right > card.right + 1 || r.left < card.left - 1) out.push(['outside its card', t.tagName, r.right, card.right]);
  }
  return out;
}"""

_NODES = """() => {
  const box = document.querySelector('.diagram').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.diagram g.node')).map(g => {
    const r = g.getBoundingClientRect();
    return {name: g.querySelector('title').textContent, left: r.left, right: r.right,
            width: r.width, height: r.height, box_left: box.left, box_right: box.right};
  });
}"""


@pytest.fixture(scope="module")
def browser():
    executable = require_tool("chromium")
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=["pynq_z2", "zybo_z7_20"])
def page_of_a_build(request, tmp_path_factory):
    """A real build folder (dot draws the diagram) and the block design's cell names."""
    require_tool("dot")
    from hwgen.folder.build import build
    from hwgen.model.design import load_design
    from hwgen.plan.blockdesign import plan_block_design
    from hwgen.plan.clockflow import design_clocks

    design = load_design(request.param)
    out = tmp_path_factory.mktemp(f"page-{request.param}")
    build(design, out)
    cells = [c.name for c in plan_block_design(design, design_clocks(design)).cells]
    return request.param, out / "report" / "index.html", cells


def _open(browser, html, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(html.as_uri(), wait_until="load")
    return page, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_the_window_and_shows_every_cell(browser, page_of_a_build, width):
    board, html, cells = page_of_a_build
    page, errors = _open(browser, html, width)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"index-{board}-{width}.png"), full_page=True)
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(_OVERFLOWS) == []
        nodes = {n["name"]: n for n in page.evaluate(_NODES)}
        assert set(cells) <= set(nodes), set(cells) - set(nodes)
        for name in cells:
            n = nodes[name]
            assert n["width"] > 10 and n["height"] > 10, n
            assert n["box_left"] - 1 <= n["left"] and n["right"] <= n["box_right"] + 1, n
            assert 0 <= n["left"] and n["right"] <= width, n
    finally:
        page.close()


def test_a_click_zooms_the_diagram_inside_its_card(browser, page_of_a_build):
    board, html, _ = page_of_a_build
    page, errors = _open(browser, html, 1280)
    try:
        fitted = page.evaluate("document.querySelector('.diagram svg').getBoundingClientRect().width")
        page.click(".diagram svg")
        zoomed = page.evaluate("document.querySelector('.diagram svg').getBoundingClientRect().width")
        assert zoomed > fitted * 1.2
        diagram = page.evaluate("[document.querySelector('.diagram').scrollWidth, "
                                "document.querySelector('.diagram').clientWidth]")
        assert diagram[0] > diagram[1]                         # scrolls inside its card ...
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280   # ... not the page
        page.screenshot(path=str(ARTIFACTS / f"index-{board}-1280-zoomed.png"))
        page.click(".diagram svg")
        again = page.evaluate("document.querySelector('.diagram svg').getBoundingClientRect().width")
        assert again == pytest.approx(fitted, abs=1)
        assert errors == []
    finally:
        page.close()
