"""No YAML value, --set argument or file name can inject a command into Tcl or a device tree.

Every string field a user controls (derived from the schemas, see _designs.string_fields)
gets every payload below. Each case ends one of two ways:

- refused: exit 2 and exactly one line on stderr naming the field (or, when the value
  passes the field's own pattern, the field that refers to it);
- built: then every generated Tcl file runs in tclsh under the Vivado recorder
  (vivado/build.tcl, which sources block_design.tcl and strategies.tcl, then ip_repo.tcl
  and export_xsa.tcl; _designs.run_every_tcl) with its canaries armed and must finish
  without a violation or a Tcl error; the canary file must still exist and no file may
  appear; the dtsi compiles with dtc and its strings read back with fdtget as hwgen meant
  them; and the payload appears in each generated file only in that file's quoted form.

A field is one test item that runs every payload as a case (tests/_cases.py says why) and
reports each failing payload by name.
"""

from __future__ import annotations

import os

import pytest
from _cases import Cases, NotApplicable
from _designs import (BOARDS, DPUS, StringField, base_for, dump, invoke, load_yaml, mutate,
                      spec_accepts, string_fields, unquoted_occurrences, verify_build)

from hwgen.model.design import load_design

CANARY_KEEP = "CANARY_KEEP"   # exists before the run; a delete that slipped through removes it
CANARY_NEW = "CANARY_NEW"     # must never be created

PAYLOADS = {
    "tcl_exec": f"[exec touch {CANARY_NEW}]",
    "tcl_file_delete": f"[file delete {CANARY_KEEP}]",
    "tcl_source": "[source /tmp/evil.tcl]",
    "tcl_env": "$env(HOME)",
    "tcl_var": "${design}",
    "backslash": "a\\b",
    "backslash_newline": f"x\\\nexec touch {CANARY_NEW}",
    "close_brace": "}",
    "open_brace": "{",
    "brace_breakout": f"}} [exec touch {CANARY_NEW}] {{",
    "double_quote": '"',
    "quote_breakout": f'" [exec touch {CANARY_NEW}] "',
    "single_quote": "it's",
    "newline": f"a\nexec touch {CANARY_NEW}",
    "carriage_return": "a\rb",
    "semicolon": f"a; exec touch {CANARY_NEW}",
    "hash": "a # b",
    "comment_end": "x */ y",
    "dts_delete_node": '"; /delete-node/ &amba_pl; "',
    "dts_comment_breakout": "*/ /delete-node/ &amba_pl; /*",
    "nul": "a\x00b",
    "very_long": "A" * 100_000,
    "non_ascii": "Zürich µs 東京 ✓",
    "bidi_override": "dpu\u202egol.tcl",
    "identifier_exec": "exec",
    "identifier_source": "source",
    "path_traversal": "../../etc",
}

FIELDS = string_fields()

# A value that passes its own field's pattern can still be refused by a check that
# involves another field; the message then names that field.
REFERS_TO = {
    ("dpu", ("interfaces", "data", 0)): "connect",
    ("dpu", ("interfaces", "instr")): "connect",
}


def test_the_enumeration_covers_every_kind_of_string():
    ids = {f.id for f in FIELDS}
    assert len(FIELDS) >= 60, len(FIELDS)
    for expected in ("board:name", "board:description", "board:ps.preset.<key>",
                     "board:ps.preset.<any>", "board:sources[0]", "dpu:cell",
                     "dpu:devicetree.compatible[0]", "dpu:connect.<key>",
                     "set:linux.extra_bootargs", "set:build.design_name", "set:dpu.ip_repo",
                     "defaults:linux.root", "options:dpu.ram_usage", "board-file", "dpu-file",
                     "board-key", "dpu-key", "set-key"):
        assert expected in ids, expected
    for channel in ("board", "dpu", "set", "defaults", "options"):
        assert sum(f.channel == channel for f in FIELDS) >= 2, channel


def _case(field: StringField, value: str, folder):
    """(CLI arguments, names the message may give, board, dpu, sets, the text as written)
    or a reason to skip."""
    folder.mkdir()
    board = dpu = None
    sets: list[str] = []
    written = value
    if field.channel in ("board-file", "dpu-file"):
        if "/" in value or "\x00" in value or len(value.encode()) > 200:
            return f"{value[:20]!r} cannot be a file name"
        kind, source = ("board", BOARDS["pynq_z2"]) if field.channel == "board-file" \
            else ("dpu", DPUS["b512"])
        written = f"{value}.yaml"
        path = folder / written
        path.write_bytes(source.read_bytes())
        board, dpu = (str(path), None) if kind == "board" else (None, str(path))
        names = (f"--{kind}",)
    elif field.channel == "set-key":
        sets = [f"{value}=1"]
        names = ("--set",)
    elif field.channel in ("board-key", "dpu-key"):
        kind = field.channel[:-4]
        data = load_yaml(BOARDS["pynq_z2"] if kind == "board" else DPUS["b512"])
        data[value] = "x"
        path = folder / "input.yaml"
        path.write_text(dump(data), encoding="utf-8")
        board, dpu = (str(path), None) if kind == "board" else (None, str(path))
        names = ("unknown key",)
    elif field.channel == "set":
        sets = [f"{field.setting}={value}"]
        names = (field.setting,)
    else:
        base = base_for(field)
        data = load_yaml(base)
        if field.channel == "defaults":
            shown = "defaults." + mutate(data.setdefault("defaults", {}), field.path, value)
        elif field.channel == "options":
            shown = "options." + mutate(data.setdefault("options", {}), field.path[1:], value)
        else:
            shown = mutate(data, field.path, value)
        path = folder / "input.yaml"
        path.write_text(dump(data), encoding="utf-8")
        if field.channel in ("board", "defaults"):
            board = str(path)
        else:
            dpu = str(path)
        names = (shown,)
        if (field.channel, field.path) in REFERS_TO and spec_accepts(field.spec, value):
            names += (REFERS_TO[(field.channel, field.path)],)
    args = [*(["--board", board] if board else []), *(["--dpu", dpu] if dpu else []),
            *(a for s in sets for a in ("--set", s))]
    return args, names, board, dpu, tuple(sets), written


@pytest.mark.parametrize("field", FIELDS, ids=[f.id for f in FIELDS])
def test_payload_is_refused_or_harmless(field, tmp_path):
    """Every payload in this field, one case each (see _cases: one item per field, every
    failing payload reported with its reason)."""
    cases = Cases()
    for payload in sorted(PAYLOADS):
        with cases.case(payload):
            _refused_or_harmless(field, PAYLOADS[payload], tmp_path / payload)
    cases.check()
    # only a file name can be impossible to set up, and only for these reasons
    assert all(field.channel in ("board-file", "dpu-file") and "cannot be a file name" in why
               for _, why in cases.not_applicable), cases.not_applicable


def _refused_or_harmless(field, value, tmp_path):
    tmp_path.mkdir()
    case = _case(field, value, tmp_path / "in")
    if isinstance(case, str):
        raise NotApplicable(case)
    args, names, board, dpu, sets, written = case
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / CANARY_KEEP).write_text("keep")
    out = tmp_path / "out"

    r = invoke("build", *args, "-o", out, "--allow-over-budget")

    assert r.exception is None or isinstance(r.exception, SystemExit), \
        f"traceback: {r.exception!r}\n{r.stderr}"
    if r.exit_code != 0:
        lines = r.stderr.strip().splitlines()
        assert r.exit_code == 2, r.stderr
        assert len(lines) == 1, f"expected one line, got:\n{r.stderr}"
        assert any(n in lines[0] for n in names), f"{lines[0]!r} names none of {names}"
        assert not out.exists(), "a refused design wrote files"
        return

    design = load_design(board, dpu, sets)
    verify_build(out, design, workdir)
    assert (workdir / CANARY_KEEP).exists(), "a payload deleted the canary"
    for place in (workdir, out, tmp_path, tmp_path / "in", os.getcwd()):
        assert not os.path.exists(os.path.join(place, CANARY_NEW)), f"a payload ran in {place}"
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(out).as_posix()
        bad = unquoted_occurrences(rel, text, written)
        assert not bad, f"{rel}: {written!r} unquoted in: {bad[:3]}"


# The fields the non-vacuity test below must see built: a name, a cell, a --set and a file name.
ACCEPTING = ("board:name", "dpu:cell", "set:build.design_name", "board-file")


def test_accepted_payloads_reach_the_outputs(tmp_path):
    """The harness above is not vacuous: some payloads are accepted, built and checked."""
    built = []
    for field in (f for f in FIELDS if f.id in ACCEPTING):
        for name in ("non_ascii", "identifier_exec", "single_quote", "comment_end"):
            case = _case(field, PAYLOADS[name], tmp_path / f"{len(built)}-{name}-{field.id}"[:60])
            if isinstance(case, str):
                continue
            args, _, board, dpu, sets, written = case
            out = tmp_path / f"out{len(built)}"
            if invoke("build", *args, "-o", out, "--allow-over-budget").exit_code == 0:
                text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
                built.append((field.id, name, written in text))
    fields = {f for f, _, _ in built}
    assert set(ACCEPTING) <= fields, built
    assert any(seen for _, _, seen in built), "no accepted payload appears in any output"
