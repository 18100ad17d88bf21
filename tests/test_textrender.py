"""hwgen/emit/textrender.py: compiled text templates run without Jinja2, same bytes as Jinja2.

A copy of the shipped templates is compiled the way the wheel build does
(render.compile_installed, pip's byte-compilation), then every verdict text `hwgen check`
can print is rendered both by textrender's runtime from that compiled code and by
Jinja2 from the template's source, and compared byte for byte. The rest proves that
textrender runs nothing it cannot vouch for: a stale or foreign compiled module, code
that needs more of Jinja2's runtime, and an undefined value all go to Jinja2.
"""

from __future__ import annotations

import compileall
import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import jinja2
import pytest

from hwgen import resources
from hwgen.budget import verdict_format
from hwgen.budget.check import verdict_for
from hwgen.emit import render, textrender

REPORTS = Path(__file__).resolve().parent / "fixtures" / "reports"


@pytest.fixture()
def compiled(tmp_path, monkeypatch) -> Path:
    """The shipped templates, compiled as in the wheel, served as hwgen's installed ones."""
    templates = tmp_path / "templates"
    shutil.copytree(resources.data_dir("templates"), templates,
                    ignore=shutil.ignore_patterns(render.COMPILED_DIR))
    render.compile_installed(templates)
    assert compileall.compile_dir(str(templates / render.COMPILED_DIR), quiet=1)
    real = resources.data_dir
    monkeypatch.setattr(resources, "data_dir",
                        lambda name: templates if name == "templates" else real(name))
    env = render.make_environment(render._checked_loader(templates))   # Jinja2's, over the copy
    monkeypatch.setattr(render, "environment", lambda: env)
    textrender.compiled_root.cache_clear()
    textrender._manifest.cache_clear()
    yield templates
    textrender.compiled_root.cache_clear()
    textrender._manifest.cache_clear()


def _verdicts():
    """Every kind of verdict check writes: estimated (pass, fail, other board, a setting),
    from reports with and without a design, with a timing report that passes or fails."""
    util, other = REPORTS / "util_2024_1_7series_placed.rpt", REPORTS / "util_2020_1_7series_placed.rpt"
    return [
        verdict_for(),
        verdict_for(dpu="B4096"),
        verdict_for(board="zybo_z7_20", dpu="B1152"),
        verdict_for(sets=("dpu.clock_mhz=150", "linux.cma=480M")),
        verdict_for(board="pynq_z2", utilization=util, timing=REPORTS / "timing_2024_1_met.rpt"),
        verdict_for(board="pynq_z2", dpu="B1024", utilization=util),
        verdict_for(utilization=other, timing=REPORTS / "timing_2020_1_not_met.rpt"),
        verdict_for(utilization=REPORTS / "util_2019_2_us_synth.rpt"),
    ]


def _context(v, verbose):
    """The variables to_text hands the template, taken from to_text itself."""
    seen = {}

    def capture(template, **context):
        seen.update(context, template=template)
        return ""

    real = textrender.render_text
    textrender.render_text = capture
    try:
        verdict_format.to_text(v, verbose)
    finally:
        textrender.render_text = real
    return seen.pop("template"), seen


@pytest.mark.parametrize("verbose", [False, True])
def test_every_verdict_text_is_jinja2s_bytes(compiled, verbose):
    source = render.make_environment(jinja2.FileSystemLoader(str(compiled)))
    texts = set()
    for v in _verdicts():
        template, context = _context(v, verbose)
        root = textrender.compiled_root(compiled, template)
        assert root is not None, "the verdict template is not run without Jinja2"
        ours = textrender.run(root, context)
        assert ours == source.get_template(template).render(**context)
        assert verdict_format.to_text(v, verbose) == ours      # and to_text takes this path
        texts.add(ours)
    assert len(texts) == len(_verdicts())           # every verdict says something of its own
    assert any(t.startswith("FAIL") for t in texts) and any(t.startswith("PASS") for t in texts)


def test_the_estimate_template_too(compiled, tmp_path):
    """estimate.txt.j2 (hwgen estimate) is the same kind of template: same bytes."""
    from hwgen.explore import perf, perf_format
    from hwgen.model.design import load_design

    shipped = resources.data_dir("models") / "mobilenet_v2.yaml"
    softmax = tmp_path / "sfm.yaml"         # a model the Zynq-7000 DPU cannot run
    softmax.write_text(shipped.read_text().replace("name: mobilenet_v2", "name: sfm")
                       + 'needs:\n  softmax: "its last layer"\n')
    root = textrender.compiled_root(compiled, "estimate.txt.j2")
    assert root is not None
    real = render.render
    for model in ("mobilenet_v2", str(softmax)):
        seen = {}
        render.render = lambda template, **context: seen.update(context) or real(template, **context)
        try:
            expected = perf_format.to_text(perf.estimate(load_design(), perf.load_model(model)), True)
        finally:
            render.render = real
        assert textrender.run(root, seen) == expected


def test_a_template_that_needs_more_of_jinja2_is_left_to_it(compiled):
    # explore.txt.j2 calls filters; a loop variable, an item lookup, a global, a macro too
    assert textrender.compiled_root(compiled, "explore.txt.j2") is None
    for i, text in enumerate(["{{ x | upper }}\n", "{% for a in x %}{{ loop.index }}{% endfor %}\n",
                              "{{ x[0] }}\n", "{{ range(3) | list }}\n",
                              "{% macro m() %}m{% endmacro %}{{ m() }}\n", "{{ x is defined }}\n",
                              '{{ "a" ~ x }}\n', '{% include "verdict.txt.j2" %}\n']):
        name = f"extra{i}.txt.j2"
        (compiled / name).write_text(text)
    textrender._manifest.cache_clear()
    render.compile_installed(compiled)
    textrender._manifest.cache_clear()
    assert textrender.compiled_root(compiled, "verdict.txt.j2") is not None
    for i in range(8):
        assert textrender.compiled_root(compiled, f"extra{i}.txt.j2") is None, i


def test_an_undefined_value_is_rendered_by_jinja2(compiled):
    """Jinja2's StrictUndefined says what is missing; textrender hands the render over."""
    _, context = _context(verdict_for(), False)
    root = textrender.compiled_root(compiled, "verdict.txt.j2")
    for missing in ("table", "verdict"):
        partial = {k: v for k, v in context.items() if k != missing}
        with pytest.raises(textrender._Jinja2Needed):
            textrender.run(root, partial)
        with pytest.raises(jinja2.UndefinedError, match=missing):
            textrender.render_text("verdict.txt.j2", **partial)

    class NoDesign:                     # an attribute the value does not have
        def __getattr__(self, name):
            if name == "design":
                raise AttributeError(name)
            return getattr(context["verdict"], name)

    with pytest.raises(textrender._Jinja2Needed):
        textrender.run(root, {**context, "verdict": NoDesign()})
    with pytest.raises(jinja2.UndefinedError, match="design"):
        textrender.render_text("verdict.txt.j2", **{**context, "verdict": NoDesign()})


def test_an_edited_template_is_not_served_stale(compiled):
    name = "verdict.txt.j2"
    (compiled / name).write_text((compiled / name).read_text() + "EDITED AFTER THE BUILD\n")
    assert textrender.compiled_root(compiled, name) is None
    assert verdict_format.to_text(verdict_for()).endswith("EDITED AFTER THE BUILD\n")


def _edit_manifest(compiled: Path, **changes):
    path = compiled / render.COMPILED_DIR / render.COMPILED_MANIFEST
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))
    textrender._manifest.cache_clear()


@pytest.mark.parametrize("changes", [{"environment": hashlib.sha256(b"another render.py").hexdigest()},
                                     {"jinja2": "2.11.3"}, {"environment": None}])
def test_modules_compiled_under_another_environment_are_not_run(compiled, changes):
    assert textrender.compiled_root(compiled, "verdict.txt.j2") is not None
    textrender.compiled_root.cache_clear()
    _edit_manifest(compiled, **changes)
    assert textrender.compiled_root(compiled, "verdict.txt.j2") is None


def test_without_a_manifest_or_module_jinja2_renders(compiled):
    module = compiled / render.COMPILED_DIR / jinja2.ModuleLoader.get_module_filename("verdict.txt.j2")
    module.unlink()
    # its bytecode too, wherever this interpreter keeps it (beside it, or under
    # PYTHONPYCACHEPREFIX as the test run sets)
    Path(importlib.util.cache_from_source(str(module))).unlink()
    assert textrender.compiled_root(compiled, "verdict.txt.j2") is None
    assert textrender.compiled_root(compiled, "estimate.txt.j2") is not None
    (compiled / render.COMPILED_DIR / render.COMPILED_MANIFEST).unlink()
    textrender._manifest.cache_clear()
    textrender.compiled_root.cache_clear()
    assert textrender.compiled_root(compiled, "estimate.txt.j2") is None


def test_the_installed_jinja2_version_is_read_without_importing_it():
    assert textrender._jinja2_version() == jinja2.__version__


def test_a_checkout_renders_with_jinja2():
    """A source checkout has no compiled templates: textrender stands aside."""
    templates = resources.data_dir("templates")
    if (templates / render.COMPILED_DIR).exists():
        pytest.fail(f"{templates} holds compiled templates: this test needs a checkout")
    assert textrender.compiled_root(templates, "verdict.txt.j2") is None
