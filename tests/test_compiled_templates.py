"""Templates compiled into the wheel (setup.py, render.compile_installed): same bytes, never stale.

The wheel carries every template compiled to a Python module with a manifest of the
source digests and the environment's signature (hwgen/emit/render.py). These tests
compile a copy of the shipped templates the way the build hook does, then prove that
rendering from the compiled modules gives exactly the bytes rendering from source
gives, for real designs, and that a compiled module no longer made from its source
(an edited template, other filters) is never used. The last test builds the real
wheel with pip from a copy of this checkout and runs the installed hwgen.
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest

from conftest import ROOT
from hwgen import resources
from hwgen.emit import render
from hwgen.folder.build import render_outputs
from hwgen.model.design import load_design

# Real designs: both shipped boards, the smallest and largest DPU profile, and settings
# that change clocks, memory and the DPU's options (every template takes part).
DESIGNS = [
    ("pynq_z2", None, ()),
    ("zybo_z7_20", None, ()),
    ("pynq_z2", "B4096", ("dpu.clock_mhz=150",)),
    ("zybo_z7_20", "B512", ("linux.cma=256M",)),
]


def _compiled_copy(tmp_path: Path) -> Path:
    """The shipped templates copied and compiled as the wheel build does, pip's .pyc included."""
    templates = tmp_path / "templates"
    shutil.copytree(resources.data_dir("templates"), templates,
                    ignore=shutil.ignore_patterns(render.COMPILED_DIR))
    render.compile_installed(templates)
    assert compileall.compile_dir(str(templates / render.COMPILED_DIR), quiet=1)
    return templates


def _counting(env):
    """``env`` with a counter of templates Jinja2 compiled from source."""
    env.compiled_from_source = []
    original = env.compile

    def compile(source, name=None, *args, **kwargs):
        env.compiled_from_source.append(name)
        return original(source, name, *args, **kwargs)

    env.compile = compile
    return env


def _outputs(monkeypatch, env) -> dict[str, bytes]:
    monkeypatch.setattr(render, "environment", lambda: env)
    out = {}
    for board, dpu, sets in DESIGNS:
        for o in render_outputs(load_design(board, dpu, sets)):
            out[f"{board}/{dpu}/{','.join(sets)}/{o.path}"] = o.data
    return out


def test_compiled_and_source_templates_write_identical_bytes(tmp_path, monkeypatch):
    templates = _compiled_copy(tmp_path)
    compiled = _counting(render.make_environment(render._checked_loader(templates)))
    source = _counting(render.make_environment(jinja2.FileSystemLoader(str(templates))))
    from_modules = _outputs(monkeypatch, compiled)
    from_source = _outputs(monkeypatch, source)
    assert compiled.compiled_from_source == [], "a compiled template was compiled again"
    assert len(set(source.compiled_from_source)) >= 14       # every build-folder template
    assert from_modules.keys() == from_source.keys()
    differ = [k for k in from_modules if from_modules[k] != from_source[k]]
    assert differ == []
    assert len(from_modules) >= 4 * 17


def test_the_manifest_names_every_template_with_its_digest(tmp_path):
    templates = _compiled_copy(tmp_path)
    manifest = json.loads((templates / render.COMPILED_DIR / render.COMPILED_MANIFEST).read_text())
    shipped = sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*.j2"))
    assert sorted(manifest["templates"]) == shipped and len(shipped) >= 20
    import hashlib
    for name, digest in manifest["templates"].items():
        assert hashlib.sha256((templates / name).read_bytes()).hexdigest() == digest
    assert manifest["jinja2"] == jinja2.__version__
    assert manifest["signature"] == render.compile_signature(render.environment())


def _verdict_text(monkeypatch, env) -> str:
    """``hwgen check``'s text for the default design, rendered by ``env``."""
    from hwgen.budget.estimate import estimate
    from hwgen.budget.verdict_format import to_text

    monkeypatch.setattr(render, "environment", lambda: env)
    return to_text(estimate(load_design()))


def test_an_edited_template_is_compiled_from_its_source_not_served_stale(tmp_path, monkeypatch):
    templates = _compiled_copy(tmp_path)
    name = "verdict.txt.j2"
    (templates / name).write_text((templates / name).read_text() + "EDITED AFTER THE BUILD\n")
    # The stale module really is there: Jinja2's ModuleLoader alone serves the old text.
    raw = render.make_environment(jinja2.ModuleLoader(str(templates / render.COMPILED_DIR)))
    assert "EDITED" not in _verdict_text(monkeypatch, raw)
    env = _counting(render.make_environment(render._checked_loader(templates)))
    assert _verdict_text(monkeypatch, env).endswith("EDITED AFTER THE BUILD\n")
    assert env.compiled_from_source == [name]
    env.get_template("tcl/build.tcl.j2")                     # unchanged: still compiled
    assert env.compiled_from_source == [name]


def test_a_template_missing_from_the_manifest_is_compiled_from_source(tmp_path):
    templates = _compiled_copy(tmp_path)
    (templates / "new.txt.j2").write_text("new {{ 1 + 1 }}\n")
    env = _counting(render.make_environment(render._checked_loader(templates)))
    assert env.get_template("new.txt.j2").render() == "new 2\n"
    assert env.compiled_from_source == ["new.txt.j2"]


def test_modules_compiled_under_other_filters_are_not_used(tmp_path):
    templates = _compiled_copy(tmp_path)
    path = templates / render.COMPILED_DIR / render.COMPILED_MANIFEST
    manifest = json.loads(path.read_text())
    manifest["signature"] = "0" * 16                        # another hwgen, another Jinja2
    path.write_text(json.dumps(manifest))
    env = _counting(render.make_environment(render._checked_loader(templates)))
    env.get_template("tcl/build.tcl.j2")
    assert env.compiled_from_source == ["tcl/build.tcl.j2"]


@pytest.mark.parametrize("damage", ["missing", "not json", "no templates key"])
def test_without_a_usable_manifest_every_template_compiles_from_source(tmp_path, damage):
    templates = _compiled_copy(tmp_path)
    path = templates / render.COMPILED_DIR / render.COMPILED_MANIFEST
    if damage == "missing":
        path.unlink()
    elif damage == "not json":
        path.write_text("{not json")
    else:
        path.write_text('{"signature": "x"}')
    loader = render._checked_loader(templates)
    assert isinstance(loader, jinja2.FileSystemLoader)
    env = _counting(render.make_environment(loader))
    env.get_template("tcl/build.tcl.j2")
    assert env.compiled_from_source == ["tcl/build.tcl.j2"]


def test_loading_compiled_templates_writes_no_file(tmp_path):
    templates = _compiled_copy(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    env = render.make_environment(render._checked_loader(templates))
    for name in render._template_names(templates):
        env.get_template(name)
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_a_broken_template_stops_the_wheel_build(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bad.j2").write_text("{% if %}")
    with pytest.raises(jinja2.TemplateSyntaxError):
        render.compile_installed(templates)


def test_filter_code_is_part_of_the_signature(tmp_path, monkeypatch):
    # Jinja2 folds a filter applied to a constant into the compiled code, so modules
    # compiled under other filter code must not be loaded (the manifest's signature).
    import importlib

    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / "_hwgen_filters_under_test.py"
    module.write_text("def f(s):\n    return s + 'old'\n")
    mod = importlib.import_module("_hwgen_filters_under_test")
    try:
        env = jinja2.Environment()
        env.filters["f"] = mod.f
        first = render.compile_signature(env)
        module.write_text("def f(s):\n    return s + 'new!'\n")
        importlib.invalidate_caches()
        env.filters["f"] = importlib.reload(mod).f
        assert render.compile_signature(env) != first
        env.filters["f"] = jinja2.pass_environment(lambda e, s: s)
        assert render.compile_signature(env) not in (first,)
    finally:
        sys.modules.pop("_hwgen_filters_under_test", None)


def test_signature_is_stable_between_processes():
    code = "from hwgen.emit import render; print(render.compile_signature(render.environment()))"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           check=True, cwd=ROOT).stdout for _ in range(2)}
    assert runs == {render.compile_signature(render.environment()) + "\n"}


# --------------------------------------------------------------------------- the real wheel
_NOT_SHIPPED = ("tests", "benchmarks", "docs", ".git", ".venv", "build", ".pybuild", "dist",
                "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis")

_COUNT = """
import sys
from hwgen.emit import render
env = render.environment()
compiled = []
original = env.compile
env.compile = lambda source, name=None, *a, **k: compiled.append(name) or original(source, name, *a, **k)
from hwgen.model import loader
parsed = []
load_text = loader.load_text
loader.load_text = lambda text, source, **k: parsed.append(source) or load_text(text, source, **k)
from hwgen.cli import main
for args in (["check"], ["build", "-o", sys.argv[1]]):
    try:
        main(args)
    except SystemExit as exc:
        assert not exc.code, exc.code
print(render.__file__)
print(compiled)
print(parsed)
"""


_CHECK_LOADS = """
import sys
from hwgen.cli import main
try:
    main(["check"])
except SystemExit as exc:
    assert not exc.code, exc.code
sys.stdout.write("\\0" + "\\n".join(sorted(sys.modules)))
"""


def test_pip_builds_a_wheel_whose_templates_are_used_compiled(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*_NOT_SHIPPED))
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--disable-pip-version-check", "-w", str(wheels), str(src)],
                       cwd=src, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = wheels.glob("hwgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    compiled = [n for n in names if n.startswith("hwgen/templates/_compiled/tmpl_")]
    assert all(n.endswith(".py") for n in compiled) and len(compiled) >= 20
    assert "hwgen/templates/_compiled/manifest.json" in names
    # the shipped YAML data loaded at build time (loader.compile_shipped), every file
    data = [n for n in names if n.startswith("hwgen/") and n.endswith(".yaml")
            and "/overlays/" not in n]
    assert len(data) >= 20
    assert sorted(n for n in names if "/_compiled/" in n and not n.startswith("hwgen/templates/")) \
        == sorted(f"{n.rsplit('/', 1)[0]}/_compiled/{n.rsplit('/', 1)[1][:-5]}.py" for n in data)
    # setuptools' working folders stay out of build/ (hwgen's output folder) and the root.
    assert not (src / "build").exists()
    assert not list(src.glob("*.egg-info"))

    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--disable-pip-version-check", "--target", str(site), str(wheel)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    r = subprocess.run([sys.executable, "-c", _COUNT, str(tmp_path / "installed")],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    where, compiled_names, parsed = r.stdout.splitlines()[-3:]
    assert where.startswith(str(site)), where
    assert compiled_names == "[]", "the installed hwgen compiled templates from source"
    assert parsed == "[]", "the installed hwgen parsed shipped YAML from source"

    # `hwgen check` of a shipped design: its data comes compiled and its verdict template
    # runs without Jinja2 (hwgen/emit/textrender.py), so neither PyYAML nor Jinja2 loads;
    # the verdict is the checkout's (Jinja2 from source), byte for byte.
    r = subprocess.run([sys.executable, "-c", _CHECK_LOADS], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    verdict, loaded = r.stdout.split("\0")
    assert "hwgen.budget.estimate" in loaded.split()
    assert [m for m in loaded.split() if m.split(".")[0] in ("jinja2", "yaml", "markupsafe")] == []
    checkout = subprocess.run([sys.executable, "-m", "hwgen", "check"], cwd=tmp_path,
                              env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                              timeout=120)
    assert checkout.returncode == 0 and checkout.stdout == verdict
    assert verdict.startswith("PASS: pynq_z2_dpu on xc7z020clg400-1")

    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, "-m", "hwgen", "build", "-o", str(tmp_path / "checkout")],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    a = {p.relative_to(tmp_path / "installed"): p.read_bytes()
         for p in (tmp_path / "installed").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "checkout"): p.read_bytes()
         for p in (tmp_path / "checkout").rglob("*") if p.is_file()}
    assert a.keys() == b.keys() and len(a) >= 17
    assert [k for k in a if a[k] != b[k]] == []


def test_a_compiled_module_missing_from_the_installation_falls_back_to_source(tmp_path):
    templates = _compiled_copy(tmp_path)
    env = _counting(render.make_environment(render._checked_loader(templates)))
    name = "tcl/build.tcl.j2"
    module = templates / render.COMPILED_DIR / f"{jinja2.ModuleLoader.get_module_filename(name)}"
    module.unlink()
    # its bytecode too, wherever this interpreter keeps it (beside it, or under
    # PYTHONPYCACHEPREFIX as the test run sets)
    Path(importlib.util.cache_from_source(str(module))).unlink()
    env.get_template(name)
    assert env.compiled_from_source == [name]
