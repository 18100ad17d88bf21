"""Shipped YAML loaded into the wheel (setup.py, loader.compile_shipped): same Documents, never stale.

The wheel carries every shipped YAML file (boards/, dpus/, parts/, families/, models/) as a
Python module of what the loader makes of it, with the sha256 of the source bytes
(hwgen/model/loader.py). These tests compile a copy of the shipped data the way the build
hook does and prove that the compiled Document is the one parsed from source (every value
with its type, every mark of every key and value), that a module no longer made from the
file beside it, or made by another loader format, is never used, and that loading writes
nothing. tests/test_compiled_templates.py builds the real wheel and checks that the
installed hwgen reads no shipped YAML from source and writes the same bytes as the checkout.
"""

from __future__ import annotations

import compileall
import importlib.util
import shutil
from pathlib import Path

import pytest

from hwgen import resources
from hwgen.errors import InputError
from hwgen.model import loader


def _shipped_files() -> list[tuple[str, Path]]:
    out = []
    for kind in resources.DATA_KINDS:
        out += [(kind, p) for p in sorted(resources.data_dir(kind).glob("*.yaml"))]
    return out


SHIPPED = _shipped_files()


def _compiled_copy(tmp_path: Path, kind: str, byte_compile: bool = True) -> Path:
    folder = tmp_path / kind
    shutil.copytree(resources.data_dir(kind), folder,
                    ignore=shutil.ignore_patterns(loader.COMPILED_DIR, "overlays"))
    written = loader.compile_shipped(folder)
    assert sorted(p.stem for p in written) == sorted(p.stem for p in folder.glob("*.yaml"))
    if byte_compile:   # as pip does when it installs the wheel
        assert compileall.compile_dir(str(folder / loader.COMPILED_DIR), quiet=1)
    return folder


def _source_document(path: Path, source: str) -> loader.Document:
    text = path.read_bytes().decode("utf-8")
    return loader.load_text(text.removeprefix("\ufeff"), source, shipped=True)


def test_there_is_shipped_data_of_every_kind():
    assert {kind for kind, _ in SHIPPED} == set(resources.DATA_KINDS)
    assert len(SHIPPED) >= 20


def test_every_compiled_document_is_the_one_parsed_from_source(tmp_path):
    for kind in resources.DATA_KINDS:
        folder = _compiled_copy(tmp_path, kind)
        for path in sorted(folder.glob("*.yaml")):
            source = f"{kind}/{path.name}"
            want = _source_document(path, source)
            got = loader.compiled_document(path, path.read_bytes(), source)
            assert got is not None, source
            # repr tells True from 1 and 1.0 from 1, which == does not
            assert repr(got.data) == repr(want.data), source
            assert got.source == want.source == source
            for name in ("marks", "key_marks"):
                mine, theirs = getattr(got, name), getattr(want, name)
                assert list(mine) == list(theirs), (source, name)
                assert dict(mine.items()) == theirs, (source, name)
                assert [str(mine[k]) for k in theirs] == [str(m) for m in theirs.values()]
            # what messages show: a value's position, a missing key's nearest ancestor
            some = list(want.marks)[len(want.marks) // 2]
            assert str(got.mark(some + ("no_such_key",))) == str(want.mark(some))
            assert got.marks.get(("no", "such")) is None


def test_compiled_data_is_fresh_for_every_load(tmp_path):
    folder = _compiled_copy(tmp_path, "boards")
    path = folder / "pynq_z2.yaml"
    first = loader.compiled_document(path, path.read_bytes(), "boards/pynq_z2.yaml")
    first.data["name"] = "changed"
    again = loader.compiled_document(path, path.read_bytes(), "boards/pynq_z2.yaml")
    assert again.data["name"] != "changed"


def test_an_edited_file_is_read_from_its_source_not_served_stale(tmp_path, monkeypatch):
    folder = _compiled_copy(tmp_path, "parts")
    path = folder / "parts.yaml"
    text = path.read_text(encoding="utf-8")
    assert "lut: 53200" in text
    path.write_text(text.replace("lut: 53200", "lut: 53201", 1), encoding="utf-8")
    assert loader.compiled_document(path, path.read_bytes(), "parts/parts.yaml") is None
    monkeypatch.setattr(loader, "_is_shipped", lambda p: True)
    doc, _ = loader.load_file(path, "parts/parts.yaml")
    assert 53201 in [p["lut"] for p in doc.data["parts"]]


def test_an_edited_file_with_an_error_reports_it_at_its_position(tmp_path, monkeypatch):
    folder = _compiled_copy(tmp_path, "dpus")
    path = folder / "b512.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra: [\n", encoding="utf-8")
    monkeypatch.setattr(loader, "_is_shipped", lambda p: True)
    with pytest.raises(InputError) as info:
        loader.load_file(path, "dpus/b512.yaml")
    assert str(info.value).startswith("dpus/b512.yaml:")
    assert "malformed YAML" in str(info.value)


def test_a_missing_or_foreign_module_is_not_used(tmp_path):
    folder = _compiled_copy(tmp_path, "families", byte_compile=False)
    path = folder / "zynq7.yaml"
    module = folder / loader.COMPILED_DIR / "zynq7.py"
    assert loader.compiled_document(path, path.read_bytes(), "f") is not None
    module.write_text(module.read_text(encoding="utf-8").replace(
        f"FORMAT = {loader._COMPILED_FORMAT!r}", f"FORMAT = {loader._COMPILED_FORMAT + 1!r}"),
        encoding="utf-8")
    assert loader.compiled_document(path, path.read_bytes(), "f") is None
    module.write_text("SHA256 = 'x'\n", encoding="utf-8")
    assert loader.compiled_document(path, path.read_bytes(), "f") is None
    module.write_text("this is not Python\n", encoding="utf-8")
    assert loader.compiled_document(path, path.read_bytes(), "f") is None
    module.write_text("DATA = {\n", encoding="utf-8")
    assert loader.compiled_document(path, path.read_bytes(), "f") is None
    module.unlink()
    assert loader.compiled_document(path, path.read_bytes(), "f") is None


def test_loading_a_compiled_document_writes_no_file(tmp_path):
    folder = _compiled_copy(tmp_path, "boards", byte_compile=False)
    before = sorted(folder.rglob("*"))
    path = folder / "zybo_z7_20.yaml"
    # its bytecode would go beside it, or under PYTHONPYCACHEPREFIX as the test run sets
    cached = Path(importlib.util.cache_from_source(str(folder / loader.COMPILED_DIR / "zybo_z7_20.py")))
    assert loader.compiled_document(path, path.read_bytes(), "b") is not None
    assert sorted(folder.rglob("*")) == before
    assert not cached.exists()


def test_a_broken_shipped_file_stops_the_wheel_build(tmp_path):
    folder = tmp_path / "boards"
    folder.mkdir()
    (folder / "bad.yaml").write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate key"):
        loader.compile_shipped(folder)
