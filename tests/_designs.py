"""Building blocks for the hardening tests (test_injection.py, test_properties.py).

- ``string_fields()``: every string a user controls, derived from the schemas in
  hwgen/model/records.py (board YAML, DPU YAML, design settings through --set, the board's
  ``defaults``, the DPU's ``options``) plus the names of the user's own YAML files. A
  field added to a schema is covered without touching the tests.
- ``mutate()``: a shipped YAML file with one value (or key) replaced.
- ``invoke()``: the click CLI in-process, returning exit code, stderr and exception.
- ``verify_build()``: what every written build must pass: each Tcl file runs in tclsh
  under the Vivado recorder with no canary hit and no error, the dtsi compiles with dtc
  and its strings read back with fdtget exactly as hwgen meant them.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import markupsafe
import yaml
from _dts import compile_dtsi, fdtget
from click.testing import CliRunner
from tclrec import DEFAULT_CATALOG, run_tcl

from hwgen.model import loader
from hwgen.model import records as model
from hwgen.model.design import _OPTION_KEYS
from hwgen.errors import Mark
from hwgen.model.schema import Choice, Ctx, MapOf, Rec, Seq, Size, Str

ROOT = Path(__file__).resolve().parent.parent
BOARDS = {p.stem: p for p in sorted((ROOT / "boards").glob("*.yaml"))}
DPUS = {p.stem: p for p in sorted((ROOT / "dpus").glob("*.yaml"))}

KEY = "<key>"   # path element: the payload becomes a new key of this mapping
ANY = "<any>"   # path element: the value of an entry the base file already has


# ----------------------------------------------------------------------------- fields
def accepts_str(spec) -> bool:
    """Does a YAML string reach this spec's checks (not refused for its type alone)?"""
    if isinstance(spec, (Str, Size)):
        return True
    return isinstance(spec, Choice) and any(isinstance(v, str) for v in spec.values)


def string_leaves(spec, path: tuple = ()):
    """(path, spec) of every string-accepting leaf under ``spec``; map keys included."""
    if isinstance(spec, Rec):
        for name, f in spec.fields.items():
            yield from string_leaves(f.spec, path + (name,))
    elif isinstance(spec, Seq):
        yield from string_leaves(spec.item, path + (0,))
    elif isinstance(spec, MapOf):
        yield path + (KEY,), spec.key
        yield from string_leaves(spec.value, path + (ANY,))
    elif accepts_str(spec):
        yield path, spec


@dataclass(frozen=True)
class StringField:
    channel: str   # board | dpu | set | defaults | options | *-file | *-key
    path: tuple    # key path in the channel (empty for file names)
    spec: Any      # the schema spec that checks it (None for file names)

    @property
    def id(self) -> str:
        if not self.path or self.channel.endswith("-key"):
            return self.channel
        return f"{self.channel}:{loader.dotted(self.path)}"

    @property
    def setting(self) -> str:
        """The dotted settings key (channels set/defaults/options)."""
        return ".".join(self.path)


def string_fields() -> list[StringField]:
    fields = [StringField("board", p, s) for p, s in string_leaves(model.BOARD_SCHEMA)]
    fields += [StringField("dpu", p, s) for p, s in string_leaves(model.DPU_SCHEMA)]
    settings = list(string_leaves(model.SETTINGS_SCHEMA))
    fields += [StringField("set", p, s) for p, s in settings]
    fields += [StringField("defaults", p, s) for p, s in settings]
    fields += [StringField("options", p, s) for p, s in settings
               if p[0] == "dpu" and p[1] in _OPTION_KEYS]
    # Beyond the schemas: the names of the user's own files (recorded in every header),
    # keys no schema knows (at the top of each file, and as --set keys).
    fields += [StringField("board-file", (), None), StringField("dpu-file", (), None),
               StringField("board-key", (KEY,), None), StringField("dpu-key", (KEY,), None),
               StringField("set-key", (KEY,), None)]
    return fields


def spec_accepts(spec, value) -> bool:
    """Would the field's own spec accept ``value`` (before any cross-field check)?"""
    ctx = Ctx(lambda path, at_key=False: (Mark("probe"), ""))
    spec.check(value, ctx, ())
    return not ctx.problems


# ----------------------------------------------------------------------------- YAML
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def _parsed(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)


def load_yaml(path: Path):
    """A shipped YAML file as plain data (a fresh copy: mutate it freely)."""
    return copy.deepcopy(_parsed(path))


@lru_cache(maxsize=None)
def base_for(field: StringField) -> Path:
    """A shipped file in which every parent of the field's path exists."""
    table = BOARDS if field.channel in ("board", "defaults") else DPUS
    parents = field.path[:-1]
    for path in table.values():
        data = load_yaml(path)
        if field.channel == "defaults":
            data = data.get("defaults", {})
        if field.channel == "options":
            data = {"dpu": data.get("options", {})}
        # a key (not a list index) goes into a mapping: a list there (the KV260's preset,
        # SOM and carrier blocks) cannot take it
        if field.channel in ("defaults", "options") or _has(data, parents) \
                and not (isinstance(field.path[-1], str) and isinstance(_node(data, parents), list)):
            return path
    raise AssertionError(f"no shipped file has {loader.dotted(parents)} for {field.id}: "
                         "ship an example of it so the hardening tests can reach the field")


def _has(data, path) -> bool:
    for part in path:
        if part == ANY:
            if not isinstance(data, dict) or not data:
                return False
            data = _any_value(data)[1]
            continue
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def _node(data, path):
    """The value at ``path`` (which ``_has`` found)."""
    for part in path:
        data = _any_value(data)[1] if part == ANY else data[part]
    return data


def _any_value(mapping: dict):
    """The entry an ANY path element stands for: the last one (not a PLL divider)."""
    key = list(mapping)[-1]
    return key, mapping[key]


def mutate(data: dict, path: tuple, value) -> str:
    """Set ``path`` in ``data`` (in place) to ``value``; returns the concrete dotted path."""
    cursor, shown = data, []
    for i, part in enumerate(path[:-1]):
        if part == ANY:
            part = _any_value(cursor)[0]
        if isinstance(cursor, dict) and part not in cursor:
            cursor[part] = {}
        cursor = cursor[part]
        shown.append(part)
    last = path[-1]
    if last == KEY:
        cursor[value] = _any_value(cursor)[1]
        return loader.dotted(tuple(shown))
    if last == ANY:
        last = _any_value(cursor)[0]
    cursor[last] = value
    return loader.dotted(tuple(shown) + (last,))


_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data) -> str:
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=1 << 20)


# ----------------------------------------------------------------------------- running
@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def invoke(*args) -> Result:
    """hwgen's CLI in-process (click's runner): fast enough for hundreds of cases."""
    from hwgen.cli import main

    r = CliRunner().invoke(main, [str(a) for a in args])
    return Result(r.exit_code, r.stdout, r.stderr, r.exception)


# ----------------------------------------------------------------------------- verifying
def stock_vlnvs(design) -> list[str]:
    return [design.board.ps.vlnv, *DEFAULT_CATALOG]


def _recorder_options(out: Path, design, workdir: Path) -> dict:
    """tclsh runs in ``workdir``, which is, like ``out``, an allowed folder: a delete or a
    write that slipped through quoting would be performed there (and seen by the canary
    files), while exec, sockets and writes elsewhere are blocked and recorded."""
    repo = out / design.settings.dpu.ip_repo
    board_parts = {design.board.board_part: design.board.part} if design.board.board_part else {}
    return dict(allowed_dirs=[out, workdir], repo_ips={repo: [design.dpu.vlnv]},
                catalog=stock_vlnvs(design), parts=[design.board.part], board_parts=board_parts,
                cwd=workdir, check=True)


def run_every_tcl(out: Path, design, workdir: Path):
    """Every Tcl file of a build in one tclsh under the recorder: vivado/build.tcl (which
    sources block_design.tcl and strategies.tcl, builds and writes the XSA), then the two
    files only the FuseSoC/Edalize flow sources: ip_repo.tcl (in the open project) and
    export_xsa.tcl (as the post-build hook, writing into the working directory).

    One process, so the block design (the PS preset alone is hundreds of properties) is
    recorded once per build instead of once per flow; the real Edalize flow, with the
    project script Edalize writes, is tests/test_fusesoc.py's."""
    vivado = (out / "vivado").resolve()
    driver = workdir / "every_tcl.tcl"
    driver.write_text("".join(f"source {{{vivado / name}}}\n"
                              for name in ("build.tcl", "ip_repo.tcl", "export_xsa.tcl")),
                      encoding="utf-8")
    return run_tcl(driver, **_recorder_options(out, design, workdir))


def verify_build(out: Path, design, workdir: Path) -> None:
    """Every check a written build must pass; raises AssertionError (or TclScriptError)."""
    from hwgen.emit.petalinux import dpu_node, kernel_command_line, to_cells
    from hwgen.plan.memory import plan_memory

    tcl = {p.resolve() for p in out.rglob("*.tcl")}
    assert tcl, f"no Tcl written under {out}"
    rec = run_every_tcl(out, design, workdir)
    ran = {p.resolve() for p in rec.sourced}
    assert tcl <= ran, f"Tcl files not run: {sorted(tcl - ran)}"
    # build.tcl's XSA in the build folder, then export_xsa.tcl's in the working directory
    xsa = f"{design.name}.xsa"
    assert [Path(h.path).parent for h in rec.hw_platforms] == [out.resolve(), workdir.resolve()] \
        and all(Path(h.path).name == xsa for h in rec.hw_platforms), rec.hw_platforms
    # What Vivado would have been told, read back from the recording: the strings are
    # the settings' own values, not something Tcl substituted.
    s = design.settings
    assert rec.project is not None and rec.project.name == design.name
    assert s.build.bd_name in rec.bd_designs
    assert rec.cells[design.dpu.cell].vlnv == design.dpu.vlnv
    assert rec.runs["synth_1"].get("STRATEGY") == s.build.synth_strategy
    assert rec.runs["impl_1"].get("STRATEGY") == s.build.impl_strategy

    dtb = compile_dtsi((out / "petalinux" / "system-user.dtsi").read_text(encoding="utf-8"),
                       workdir / "dtc", design.board.ddr.base, design.board.ddr.size,
                       family=design.board.ps.family)
    line = kernel_command_line(design)
    assert (out / "petalinux" / "bootargs").read_text(encoding="utf-8") == line + "\n"
    assert fdtget(dtb, "/chosen", "bootargs", "s") == line
    if s.linux.extra_bootargs:
        assert line.endswith(" " + s.linux.extra_bootargs)
    node = dpu_node(design)
    path = f"/{node.bus}/{node.name}@{node.unit_address}"
    assert fdtget(dtb, path, "compatible", "s") == " ".join(node.compatible)
    assert fdtget(dtb, path, "interrupt-names", "s") == " ".join(i.name for i in node.interrupts)
    cells = plan_memory(design)
    assert fdtget(dtb, path, "reg", "x") == [*to_cells(node.base, cells.address_cells),
                                             *to_cells(node.size, cells.size_cells)]


# ----------------------------------------------------------------------------- quoting
_TCL_BARE = re.compile(r"[A-Za-z0-9_.:/+\-]+")
_DTS_TOKEN = re.compile(r"[A-Za-z0-9,._+\-@#]+")
_CMDLINE = re.compile(r"[A-Za-z0-9_.,:=/@+\- ]+")


def unquoted_occurrences(name: str, text: str, value: str) -> list[str]:
    """Lines of a generated file where ``value`` appears other than in a quoted form.

    Quoted forms, by file type (each occurrence must lie inside one):
    Tcl, a comment line (not ending in a backslash), a braced word, or a bare word that
    needs no quoting and is not a ``$`` variable; DTS, a comment, a "string" or a plain
    token (node names, labels); Kconfig, a comment line or a "string"; JSON, the value's
    JSON-escaped form; the FuseSoC core (YAML), a comment line, a double-quoted scalar or
    a plain token; DOT, a "string" or a plain token, or the HTML-escaped form (HTML-like
    labels); HTML and SVG, the HTML-escaped form; the kernel command line, words of its
    safe character set; Markdown and text, any printable text (documentation for people).
    """
    if value not in text:
        return []
    base = name.rsplit("/", 1)[-1]
    kind = base.rsplit(".", 1)[-1] if "." in base else base
    bad = []
    in_comment = False
    for line in text.splitlines():
        if kind == "dtsi":
            spans, in_comment = _dts_spans(line, in_comment)
        elif kind == "tcl":
            spans = _tcl_spans(line)
        elif kind == "fragment":
            spans = [(0, len(line))] if line.lstrip().startswith("#") else _string_spans(line)
        elif kind == "json":
            spans = _occurrence_spans(line, json.dumps(value, ensure_ascii=False)[1:-1])
        elif kind == "bootargs":
            spans = [(0, len(line))] if _CMDLINE.fullmatch(line) else []
        elif kind == "core":
            spans = [(0, len(line))] if line.lstrip().startswith("#") else \
                _escaped_string_spans(line) + _token_spans(line)
        elif kind == "dot":
            spans = _escaped_string_spans(line) + _token_spans(line) + \
                _occurrence_spans(line, str(markupsafe.escape(value)))
        elif kind in ("html", "svg"):
            spans = _occurrence_spans(line, str(markupsafe.escape(value)))
        else:
            spans = [(0, len(line))] if line.isprintable() else []
        for i in _occurrences(line, value):
            if not any(lo <= i and i + len(value) <= hi for lo, hi in spans):
                bad.append(line)
                break
    return bad


def _occurrences(line: str, value: str) -> list[int]:
    out, i = [], line.find(value)
    while i >= 0:
        out.append(i)
        i = line.find(value, i + 1)
    return out


def _occurrence_spans(line: str, form: str) -> list[tuple[int, int]]:
    return [(i, i + len(form)) for i in _occurrences(line, form)]


def _escaped_string_spans(line: str) -> list[tuple[int, int]]:
    """Double-quoted strings with backslash escapes (YAML double-quoted scalars, DOT IDs)."""
    return [(m.start() + 1, m.end() - 1) for m in re.finditer(r'"(?:[^"\\]|\\.)*"', line)]


def _token_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[A-Za-z0-9_.:/+\-]+", line)]


def _string_spans(line: str) -> list[tuple[int, int]]:
    """Double-quoted literals without escapes (what dts_string and kconfig_string write)."""
    return [(m.start() + 1, m.end() - 1) for m in re.finditer(r'"[^"\\]*"', line)]


def _dts_spans(line: str, inside: bool) -> tuple[list[tuple[int, int]], bool]:
    spans, pos = [], 0
    if inside:
        end = line.find("*/")
        if end < 0:
            return [(0, len(line))], True
        spans.append((0, end))
        pos = end + 2
    code_start = pos
    while True:
        start = line.find("/*", pos)
        if start < 0:
            break
        end = line.find("*/", start + 2)
        if end < 0:
            spans.append((start + 2, len(line)))
            return spans + _code_spans(line, code_start, start), True
        spans.append((start + 2, end))
        pos = end + 2
    code = _code_spans(line, code_start, len(line))
    return spans + code, False


def _code_spans(line: str, lo: int, hi: int) -> list[tuple[int, int]]:
    part = line[lo:hi]
    spans = [(lo + a, lo + b) for a, b in _string_spans(part)]
    spans += [(lo + m.start(), lo + m.end()) for m in _DTS_TOKEN.finditer(part)]
    return spans


def _tcl_spans(line: str) -> list[tuple[int, int]]:
    if line.lstrip().startswith("#"):
        return [] if line.endswith("\\") else [(0, len(line))]
    spans = []
    for m in _TCL_BARE.finditer(line):
        if m.start() == 0 or line[m.start() - 1] != "$":
            spans.append(m.span())
    i = 0
    while i < len(line):
        if line[i] == "{" and (i == 0 or line[i - 1] in " \t["):
            depth, j = 0, i
            while j < len(line):
                depth += (line[j] == "{") - (line[j] == "}")
                if depth == 0:
                    break
                j += 1
            if depth == 0 and (j + 1 == len(line) or line[j + 1] in " \t]"):
                spans.append((i + 1, j))
        i += 1
    return spans


__all__ = ["ANY", "BOARDS", "DPUS", "KEY", "ROOT", "Result", "StringField", "base_for", "dump",
           "invoke", "load_yaml", "mutate", "run_every_tcl", "spec_accepts", "string_fields",
           "string_leaves", "unquoted_occurrences", "verify_build"]
