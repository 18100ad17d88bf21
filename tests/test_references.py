"""Every source key hwgen prints or writes resolves in docs/references.md.

The keys are read from real outputs: three build folders (every file), the text, JSON and
JUnit of `check`, `estimate`, `fingerprint` (and `--decode`) and `explore`, plus the
`source`/`sources` fields of every shipped YAML file. A citation of a file outside the
repository (`dpu.md §4`, `/work/shared/...`) or of a module that does not exist fails too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hwgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "docs" / "references.md"
DATA_DIRS = ("boards", "dpus", "parts", "families", "models")

# What a key looks like: capitals with at least two digits (PG338, VAI20, GTCL34), PG4x, or a
# hyphenated capitalised name (DPU41-PKG, DPU41-R6, LINUX-CMA). Keys without that shape (MNV2, HS) are
# found because every key the page lists is searched for as a word as well.
# The hyphenated shape is tried first, so a key such as DPU41-GTCL or DPU41-R6 is read whole
# (not as its prefix DPU41), and each hyphenated key must itself be on the page.
# A key is a whole word: a piece of a hyphenated repository or file name
# (KR260-DPU-TRD-Vitis-AI-3.0, DPU-B4096-architecture) is not one.
KEY_SHAPES = re.compile(r"(?<![\w-])(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-(?:[A-Z]{2,}[A-Z0-9]*|[A-Z][0-9]+)"
                        r"|[A-Z]{2,}[0-9]{2,}[a-z]?|PG4x)(?![\w-])")
# Words of that shape in hwgen's outputs that are not citations.
NOT_KEYS = {
    "POINT-SIZE",   # a Graphviz HTML-label attribute in report/block_design.dot
    "ZCU102",       # an AMD evaluation board named in the text, not a document
    "ZCU104",       # likewise (its user guide is UG1267)
    "KV260",        # the Kria KV260 and KR260 starter kits, named in the text
    "KR260",
    "DSP48",        # the DSP slice primitive family (DSP48E1, DSP48E2)
    "BRAM36",       # the 36 Kb block-RAM unit
    "PS-PL",        # processing system to programmable logic
}
# A Markdown file named in an output or a comment must be one hwgen writes itself or one in
# this repository; anything else (dpu.md, devices.md ...) is a file a reader does not have.
OWN_MARKDOWN = {"README.md", "summary.md"}
MARKDOWN_FILE = re.compile(r"[\w./-]*\b\w+\.md\b(?!\.j2)")
FOREIGN_PATH = re.compile(r"/work/shared|shared/reference")


def foreign_files(text: str) -> list[str]:
    found = [m for m in MARKDOWN_FILE.findall(text)
             if m.rsplit("/", 1)[-1] not in OWN_MARKDOWN and not (ROOT / m).is_file()]
    return sorted(set(found + FOREIGN_PATH.findall(text)))
MODULE_PATH = re.compile(r"\bhwgen/[\w/]+\.py\b")


def reference_keys() -> set[str]:
    """The keys docs/references.md defines: the backticked words of each table's first column."""
    keys = set()
    for line in REFERENCES.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (`[^|]+`) \|", line)
        if m:
            keys |= set(re.findall(r"`([^`]+)`", m.group(1)))
    return keys


def problems(texts: dict[str, str], keys: set[str]) -> list[str]:
    """Unknown keys, foreign files and missing modules in ``texts`` (name -> text)."""
    out = []
    for name, text in texts.items():
        for key in sorted(set(KEY_SHAPES.findall(text)) - keys - NOT_KEYS):
            out.append(f"{name}: key {key!r} is not in docs/references.md")
        for m in foreign_files(text):
            out.append(f"{name}: cites {m!r}, a file outside the repository")
        for path in sorted(set(MODULE_PATH.findall(text))):
            if not (ROOT / path).is_file():
                out.append(f"{name}: names {path}, which does not exist")
    return out


def cited(texts: dict[str, str], keys: set[str]) -> set[str]:
    found = set()
    for text in texts.values():
        found |= {k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text)}
    return found


# --------------------------------------------------------------------------- the outputs
BUILDS = {
    "pynq_b512": [],
    "zybo_b1152": ["--board", "zybo_z7_20", "--dpu", "B1152",
                   "--set", "dpu.ram_usage=high", "--allow-over-budget"],
    "smartconnect_2cores": ["--set", "build.interconnect=smartconnect", "--set", "dpu.cores=2",
                            "--set", "dpu.dsp_clock_mhz=250", "--allow-over-budget"],
}
COMMANDS = {
    "check": ["check"],
    "check_b4096": ["check", "--dpu", "B4096"],
    # lint.dsp_clock_ratio, lint.axi_clock_max and lint.hp_shared, each with its source
    "check_lints": ["check", "--set", "dpu.clock_mhz=260", "--set", "dpu.dsp_clock_mhz=260",
                    "--set", "dpu.cores=2"],
    "check_zybo": ["check", "--board", "zybo_z7_20", "--dpu", "B1152"],
    "estimate": ["estimate", "--model", "mobilenet_v2"],
    "estimate_plain": ["estimate", "--model", "mobilenet_v2"],
    "fingerprint": ["fingerprint", "--set", "dpu.ram_usage=high"],
    "fingerprint_decode": ["fingerprint", "--decode", "0x0101000056010200"],
    "explore": ["explore", "--dpu", "B512", "--dpu", "B1152", "--clocks", "100,150,260"],
}
FORMATS = {"check": ("text", "json", "junit"), "estimate": ("text", "json"),
           "fingerprint": ("text", "json"), "explore": ("text", "json", "csv")}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    runner = CliRunner()
    texts: dict[str, str] = {}
    base = tmp_path_factory.mktemp("refs")
    for name, args in BUILDS.items():
        out = base / name
        result = runner.invoke(main, ["build", *args, "-o", str(out)], prog_name="hwgen")
        assert result.exit_code == 0, result.output
        texts[f"build {name} (stdout/stderr)"] = result.output
        files = [p for p in sorted(out.rglob("*")) if p.is_file()]
        assert len(files) > 10, files
        for p in files:
            texts[str(p.relative_to(base))] = p.read_text(encoding="utf-8")
    for name, args in COMMANDS.items():
        for fmt in FORMATS[args[0]]:
            result = runner.invoke(main, [*args, "--format", fmt], prog_name="hwgen")
            assert result.exit_code in (0, 1), (name, fmt, result.output)
            texts[f"{name} --format {fmt}"] = result.output
    return texts


def _sources(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("source", "sources"):
                for s in (v if isinstance(v, list) else [v]):
                    if isinstance(s, str):
                        yield ".".join(map(str, path + (k,))), s
            else:
                yield from _sources(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _sources(v, path + (i,))


def data_sources() -> dict[str, str]:
    texts = {}
    for d in DATA_DIRS:
        for p in sorted((ROOT / d).glob("*.yaml")):
            for where, text in _sources(yaml.safe_load(p.read_text(encoding="utf-8"))):
                texts[f"{d}/{p.name}: {where}"] = texts.get(f"{d}/{p.name}: {where}", "") + text + "\n"
    return texts


# --------------------------------------------------------------------------- tests
def test_the_outputs_cite_only_keys_the_page_resolves(outputs):
    keys = reference_keys()
    assert problems(outputs, keys) == []
    # the outputs really cite sources (the extraction would pass vacuously otherwise)
    found = cited(outputs, keys)
    # (the DPU's LUT/FF now cite "PG338 Table 9" scaled by the real v4.x builds DPU41-R6/R8,
    # and its DSP/BRAM/URAM the v4.x IP's formulas DPU41-GTCL, where PG12 was cited before)
    assert {"PG338", "DPU41-R6", "DPU41-R8", "DPU41-GTCL", "GTCL34", "VAI20", "DS187",
            "UG585", "ZOO11", "PG059"} <= found, sorted(found)


def test_the_data_sources_cite_only_keys_the_page_resolves():
    texts = data_sources()
    assert len(texts) > 30, sorted(texts)        # every part row, cost figure and model figure
    keys = reference_keys()
    assert problems(texts, keys) == []
    found = cited(texts, keys)
    assert {"PG12", "PG34", "DS190", "DS891", "UG585", "MNV2", "ZOO11", "PRESET", "EXP"} <= found


def test_the_data_files_cite_no_foreign_file():
    """Comments too: the shipped YAML and templates never point outside the repository."""
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
             for d in (*DATA_DIRS, "templates", "hwgen")
             for p in sorted((ROOT / d).rglob("*")) if p.suffix in (".yaml", ".j2", ".py")}
    bad = [f"{name}: {m}" for name, text in texts.items() for m in foreign_files(text)]
    assert bad == []


def test_every_key_has_a_title_and_a_url_or_a_pointer():
    rows = [line for line in REFERENCES.read_text(encoding="utf-8").splitlines()
            if re.match(r"\| `", line)]
    assert len(rows) >= 40
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 5, row
        key, title, number, section, url = cells
        assert title and number and section, row
        assert url.startswith("<https://") or (url == "—" and "see" in section), row


def test_the_check_fails_on_an_unknown_key_a_foreign_file_and_a_missing_module():
    keys = reference_keys()
    found = problems({"x": "DSP from ZOO99 Table 3 (dpu.md §4) via hwgen/dpu_arch.py; "
                           "see /work/shared/reference/devices.md"}, keys)
    assert any("'ZOO99'" in p for p in found)
    assert any("dpu.md" in p for p in found)
    assert any("hwgen/dpu_arch.py" in p for p in found)
    assert any("/work/shared" in p for p in found)
    assert problems({"x": "PG338 port table; GTCL34; vitis-ai/README.md; hwgen/dpu/arch.py"},
                    keys) == []
