"""``hwgen diff``: what changed between two builds, in engineering terms rather than text lines.

A side is a build folder (its ``manifest.json``, ``budget.json`` and ``report/design.json``)
or a design given by selection options, which is rendered in memory exactly as ``hwgen
build`` would write it and then read by the same code, so "diff two designs" and "diff
two build folders" can never disagree.

``compare(old, new)`` returns the changes section by section: settings, inputs, DPU
(architecture, options, IP CONFIG, fingerprint), clocks (requested and achieved), PS ports
and widths, block-design cells and links, address map, interrupts, CMA and DDR, Vivado
strategies, the budget (each figure with its delta, percent of the part and where it
stands against its limit), the checks, and which generated files differ. Every value
shown comes from those files; nothing is recomputed here except the deltas.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable

from hwgen.frozen import dataclass
from pathlib import Path

from hwgen.budget.estimate import fmt_amount, fmt_percent
from hwgen.review.diagram import mhz
from hwgen.emit.output import interrupted, interrupted_message
from hwgen.errors import InputError, Mark, Problem, one_line
from hwgen.inputfile import ReadRefused, read_regular, strict_json
from hwgen.review.summary import Summary, from_dict
from hwgen.model.verdict import CheckResult, ResourceLine
from hwgen.budget.verdict_format import _num as _raw     # numbers as budget.json writes them: 24856, 69.5

MANIFEST = "manifest.json"
BUDGET = "budget.json"
DESIGN = "report/design.json"
FORMATS = ("text", "markdown", "json")
# Derived views of the facts compared above; listing them would repeat every change.
DERIVED = ("report/", MANIFEST)

SECTIONS = ("Settings", "Inputs", "Board", "DPU", "Clocks", "PS ports", "Block design",
            "Address map", "Interrupts", "Memory", "Vivado runs", "Budget", "Checks", "Files")


# ----------------------------------------------------------------------------- the two sides
@dataclass(frozen=True)
class Manifest:
    hwgen_version: str
    design: str
    board: str
    dpu: str
    part: str
    inputs: tuple[tuple[str, str, str], ...]      # (role, name, sha256)
    overrides: tuple[str, ...]
    outputs: tuple[tuple[str, str], ...]          # (path, sha256)


@dataclass(frozen=True)
class Budget:
    verdict: str                                  # "pass" | "fail"
    resources: tuple[ResourceLine, ...]
    checks: tuple[CheckResult, ...]


@dataclass(frozen=True)
class Side:
    label: str                                    # how the side is named in the output
    manifest: Manifest | None                     # None: a build refused over budget
    summary: Summary | None
    budget: Budget
    # A generated file's bytes by its manifest path (None: not readable); tells a change in
    # a file's header comment from a change in what the file does.
    read: Callable[[str], bytes | None] | None = None


def folder_reader(folder: Path) -> Callable[[str], bytes | None]:
    """Files of a build folder by manifest path; a path that leaves the folder (the manifest
    is input like any other), a file that is not there, not a regular file or larger than
    MAX_JSON_BYTES reads as None."""
    root = folder.resolve()

    def read(path: str) -> bytes | None:
        target = (root / path).resolve()
        if Path(path).is_absolute() or ".." in Path(path).parts or root not in target.parents:
            return None
        try:
            return read_regular(target, MAX_JSON_BYTES) if target.is_file() else None
        except (OSError, ReadRefused):
            return None

    return read


def _bad(where: str, message: str) -> InputError:
    return InputError(Problem(Mark(where), "", message))


# A build folder's JSON is hwgen's own, a few KiB to a few hundred; anything far bigger
# is not, and is refused before it is parsed.
MAX_JSON_BYTES = 16 << 20


def _json(text: bytes | str, where: str):
    """A build folder's JSON, read as hostile: strict (hwgen.inputfile.strict_json), and
    every string made printable (newlines, ESC sequences and bidirectional controls
    escaped), so nothing a crafted file holds can fake lines on a terminal in any format."""
    if isinstance(text, (dict, list)):
        return text
    try:
        return _printable(strict_json(text))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(where, f"expected JSON written by hwgen build, got unreadable JSON ({exc})") from None


def _printable(value):
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {one_line(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def _read(path: Path, where: str) -> dict:
    """One of the folder's JSON files, parsed: a regular file, bounded in size."""
    try:
        raw = read_regular(path, MAX_JSON_BYTES, "a JSON file")
    except ReadRefused as exc:
        raise _bad(where, str(exc)) from None
    data = _json(raw, where)
    if not isinstance(data, dict):
        raise _bad(where, "expected a JSON object written by hwgen build")
    return data


def parse_manifest(text: bytes | str, where: str) -> Manifest:
    data = _json(text, where)
    try:
        return Manifest(str(data["hwgen_version"]), str(data["design"]), str(data["board"]),
                        str(data["dpu"]), str(data["part"]),
                        tuple((str(i["role"]), str(i["name"]), str(i["sha256"])) for i in data["inputs"]),
                        tuple(str(o) for o in data["overrides"]),
                        tuple((str(o["path"]), str(o["sha256"])) for o in data["outputs"]))
    except (KeyError, TypeError) as exc:
        raise _bad(where, f"expected an hwgen manifest (hwgen_version, design, inputs, outputs), "
                          f"missing or malformed {exc}") from None


def _number(value, where: str, key: str) -> float:
    # json.loads takes Infinity and NaN, which hwgen never writes here (and which would
    # reach int() in the formatting below).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(where, f"{key}: expected a finite number, got {value!r}")
    return float(value)


def parse_budget(text: bytes | str, where: str) -> Budget:
    """budget.json (``verdict_format.to_json``) back into resource lines and checks."""
    data = _json(text, where)
    try:
        lines = tuple(ResourceLine(str(r["name"]), _number(r["used"], where, f"{r['name']}.used"),
                                   _number(r["available"], where, f"{r['name']}.available"),
                                   _number(r["limit_percent"], where, f"{r['name']}.limit_percent"))
                      for r in data["resources"])
        checks = tuple(CheckResult(str(c["name"]), bool(c["ok"]), str(c["message"]),
                                   str(c.get("severity", "error"))) for c in data.get("memory", []))
        return Budget(str(data["verdict"]), lines, checks)
    except (KeyError, TypeError) as exc:
        raise _bad(where, f"expected an hwgen budget verdict (verdict, resources), missing or "
                          f"malformed {exc}") from None


def parse_summary(text: bytes | str | dict, where: str) -> Summary:
    try:
        return from_dict(_json(text, where))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(where, f"expected the design summary hwgen build writes: {exc}") from None


def load_folder(folder: Path) -> Side:
    """A build folder as a Side. InputError (exit 2) when it is not one, when an interrupted
    build left it incomplete, or when its verdict and its files belong to two designs."""
    label = one_line(str(folder))
    if not folder.is_dir():
        raise _bad(label, "expected a build folder written by hwgen build, got "
                          + ("a file" if folder.exists() else "nothing (no such folder)"))
    files = {name: folder / name for name in (MANIFEST, BUDGET, DESIGN)}
    broken = interrupted(folder)
    if broken is not None:
        raise _bad(label, interrupted_message(broken))
    if not os.path.lexists(files[BUDGET]):
        raise _bad(label, f"expected a build folder written by hwgen build: it has no {BUDGET}")
    budget_data = _read(files[BUDGET], one_line(str(files[BUDGET])))
    budget = parse_budget(budget_data, one_line(str(files[BUDGET])))
    if not os.path.lexists(files[MANIFEST]):
        # hwgen build refused the design over budget and wrote only budget.json
        return Side(label, None, None, budget)
    manifest_data = _read(files[MANIFEST], one_line(str(files[MANIFEST])))
    manifest = parse_manifest(manifest_data, one_line(str(files[MANIFEST])))
    summary = None
    if os.path.lexists(files[DESIGN]):
        summary = parse_summary(_read(files[DESIGN], one_line(str(files[DESIGN]))),
                                one_line(str(files[DESIGN])))
    elif any(path == DESIGN for path, _ in manifest.outputs):
        raise _bad(label, f"its manifest lists {DESIGN}, but the file is missing")
    _same_build(folder, label, manifest, (BUDGET, DESIGN))
    return Side(label, manifest, summary, budget, folder_reader(folder))


def _same_build(folder: Path, label: str, manifest: Manifest, names) -> None:
    """The files diff reads are the ones the manifest lists (by sha256): else the folder mixes
    two builds (a verdict of one design beside the files of another), and comparing it
    would describe a design nobody built."""
    listed = dict(manifest.outputs)
    for name in names:
        path = folder / name
        if not os.path.lexists(path):
            continue
        if name not in listed:
            raise _bad(label, f"its {name} is not listed in its {MANIFEST}: the folder mixes "
                              f"two builds; build it again")
        try:
            digest = hashlib.sha256(read_regular(path, MAX_JSON_BYTES)).hexdigest()
        except ReadRefused as exc:
            raise _bad(one_line(str(path)), str(exc)) from None
        if digest != listed[name]:
            raise _bad(label, f"its {name} is not the one its {MANIFEST} lists (design "
                              f"{manifest.design}): the folder mixes two builds or was "
                              f"edited; build it again")


def design_label(board: str | None, dpu: str | None, sets: tuple[str, ...]) -> str:
    words = ([f"--board {board}"] if board else []) + ([f"--dpu {dpu}"] if dpu else []) \
        + [f"--set {s}" for s in sets]
    return "design " + (" ".join(words) if words else "(defaults)")


def load_design_side(board: str | None, dpu: str | None, sets: tuple[str, ...]) -> Side:
    """A design rendered in memory as ``hwgen build`` would write it (over budget or not)."""
    from hwgen.budget.estimate import estimate
    from hwgen.folder.build import render_outputs
    from hwgen.model.design import load_design

    design = load_design(board, dpu, sets)
    outputs = {o.path: o.data for o in render_outputs(design, estimate(design))}
    label = design_label(board, dpu, sets)
    return Side(label, parse_manifest(outputs[MANIFEST], label),
                parse_summary(outputs[DESIGN], label), parse_budget(outputs[BUDGET], label),
                outputs.get)


# ----------------------------------------------------------------------------- changes
@dataclass(frozen=True)
class Change:
    section: str
    item: str
    text: str                      # the sentence people read
    old: object = None             # raw values for tools (--format json)
    new: object = None


@dataclass(frozen=True)
class Diff:
    old: Side
    new: Side
    changes: tuple[Change, ...]
    notes: tuple[str, ...]
    # (changed, sentence): did a file Vivado builds the bitstream from change beyond its
    # header comment; None when the build files could not be compared.
    bitstream: tuple[bool, str] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def sections(self) -> tuple[tuple[str, tuple[Change, ...]], ...]:
        return tuple((name, tuple(c for c in self.changes if c.section == name))
                     for name in SECTIONS if any(c.section == name for c in self.changes))


ARROW = "\u2192"


def _show(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _pair(old, new, show=_show) -> str:
    return f"{show(old)} {ARROW} {show(new)}"


def _keyed(old: tuple, new: tuple, key) -> list[tuple[str, object, object]]:
    """Items of two sequences matched by key, in old order then the new ones: (key, old, new)."""
    a = {key(x): x for x in old}
    b = {key(x): x for x in new}
    order = list(a) + [k for k in b if k not in a]
    return [(k, a.get(k), b.get(k)) for k in order]


def _mhz(v: float | None) -> str:
    return "-" if v is None else mhz(v)


def _req(v: float | None) -> str:
    return "plan's choice" if v is None else f"{v:g} MHz"


def _hex(v: int | None) -> str:
    return "kernel-placed" if v is None else f"0x{v:08X}"


def _size(v: int) -> str:
    from hwgen.model.schema import format_mib

    return format_mib(v)


def setting_changes(a: Summary, b: Summary) -> list[Change]:
    from hwgen.review.summary import setting_text

    out = []
    for key, old, new in _keyed(a.settings, b.settings, lambda kv: kv[0]):
        ov, nv = (old[1] if old else None), (new[1] if new else None)
        if ov != nv:
            out.append(Change("Settings", key, f"{key}: {setting_text(key, ov)} {ARROW} "
                                               f"{setting_text(key, nv)}", ov, nv))
    return out


def board_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    for field, show in (("name", _show), ("part", _show), ("ddr_size", _size), ("ddr_base", _hex),
                        ("ddr_type", _show)):
        ov, nv = getattr(a.board, field), getattr(b.board, field)
        if ov != nv:
            out.append(Change("Board", field, f"{field.replace('_', ' ')}: {_pair(ov, nv, show)}", ov, nv))
    return out


def dpu_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    # the profile itself shows under Settings (dpu.profile) and Inputs (its file)
    for field in ("arch", "cores", "vlnv"):
        ov, nv = getattr(a.dpu, field), getattr(b.dpu, field)
        if ov != nv:
            out.append(Change("DPU", field, f"{field}: {_pair(ov, nv)}", ov, nv))
    for key, old, new in _keyed(a.dpu.config, b.dpu.config, lambda kv: kv[0]):
        ov, nv = (old[1] if old else None), (new[1] if new else None)
        if ov != nv:
            out.append(Change("DPU", f"CONFIG.{key}", f"CONFIG.{key}: {_pair(ov, nv)}", ov, nv))
    if a.dpu.fingerprint != b.dpu.fingerprint:
        out.append(Change(
            "DPU", "fingerprint",
            f"fingerprint {a.dpu.fingerprint} ({a.dpu.target}) {ARROW} {b.dpu.fingerprint} "
            f"({b.dpu.target}): models compiled for the old DPU will not run on the new one; "
            f"recompile them against the new vitis-ai/arch.json", a.dpu.fingerprint, b.dpu.fingerprint))
    return out


def clock_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    for name, old, new in _keyed(a.clocks, b.clocks, lambda c: c.name):
        if old is None or new is None:
            out.append(Change("Clocks", name, f"{name}: {'added' if old is None else 'removed'}"))
            continue
        parts = []
        if old.requested_mhz != new.requested_mhz:
            parts.append(f"requested {_req(old.requested_mhz)} {ARROW} {_req(new.requested_mhz)}")
        if old.achieved_mhz != new.achieved_mhz:
            parts.append(f"achieved {_mhz(old.achieved_mhz)} {ARROW} {_mhz(new.achieved_mhz)}")
        if old.source != new.source:
            parts.append(f"source {old.source} {ARROW} {new.source}")
        if old.net != new.net:
            parts.append(f"net {old.net} {ARROW} {new.net}")
        if parts:
            out.append(Change("Clocks", name, f"{name} ({new.net}): " + "; ".join(parts),
                              old.achieved_mhz, new.achieved_mhz))
    ma, mb = a.mmcm, b.mmcm
    wiz = lambda m: (f"{m.fin_mhz:g} MHz /{m.divclk} x{m.mult_f:g} = VCO {m.vco_mhz:g} MHz, "  # noqa: E731
                     + ", ".join(f"{p} /{d:g}" for p, d in zip(m.outputs, m.out_divides)))
    if wiz(ma) != wiz(mb):
        out.append(Change("Clocks", "clocking wizard", f"clocking wizard: {wiz(ma)} {ARROW} {wiz(mb)}",
                          ma.vco_mhz, mb.vco_mhz))
    return out


def port_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    for port, old, new in _keyed(a.ps_ports, b.ps_ports, lambda p: p.port):
        if old is None:
            out.append(Change("PS ports", port, f"{port}: now used ({new.direction}, {new.width} bit, "
                                                f"{new.clock} {_mhz(new.clock_mhz)}; "
                                                f"{', '.join(new.peers) or 'no DPU interface'})"))
            continue
        if new is None:
            out.append(Change("PS ports", port, f"{port}: no longer used"))
            continue
        parts = []
        if old.width != new.width:
            parts.append(f"width {old.width} {ARROW} {new.width} bit")
        if (old.clock, old.clock_mhz) != (new.clock, new.clock_mhz):
            parts.append(f"clock {old.clock} {_mhz(old.clock_mhz)} {ARROW} {new.clock} {_mhz(new.clock_mhz)}")
        if old.peers != new.peers:
            parts.append(f"DPU interfaces {', '.join(old.peers) or '-'} {ARROW} {', '.join(new.peers) or '-'}")
        if old.direction != new.direction:
            parts.append(f"direction {old.direction} {ARROW} {new.direction}")
        if parts:
            out.append(Change("PS ports", port, f"{port}: " + "; ".join(parts), old.width, new.width))
    return out


def block_design_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    for name, old, new in _keyed(a.cells, b.cells, lambda c: c.name):
        if old is None:
            out.append(Change("Block design", name, f"cell {name} added ({new.ip})"))
        elif new is None:
            out.append(Change("Block design", name, f"cell {name} removed ({old.ip})"))
        elif old.ip != new.ip:
            out.append(Change("Block design", name, f"cell {name}: {_pair(old.ip, new.ip)}", old.ip, new.ip))
    for key, old, new in _keyed(a.links, b.links, lambda l: (l.master, l.slave)):
        link = f"{key[0]} {ARROW} {key[1]}"
        if old is None:
            out.append(Change("Block design", link, f"link {link} added ({new.width} bit)"))
        elif new is None:
            out.append(Change("Block design", link, f"link {link} removed"))
        elif old.width != new.width:
            out.append(Change("Block design", link, f"link {link}: {old.width} {ARROW} {new.width} bit",
                              old.width, new.width))
    return out


def address_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    span = lambda s: f"0x{s.base:08X}-0x{s.base + s.range - 1:08X} ({_size(s.range)})"  # noqa: E731
    for key, old, new in _keyed(a.address_map, b.address_map, lambda s: (s.space, s.segment)):
        item = f"{key[0]} {ARROW} {key[1]}"
        if old is None:
            out.append(Change("Address map", item, f"{item}: added at {span(new)}"))
        elif new is None:
            out.append(Change("Address map", item, f"{item}: removed (was {span(old)})"))
        elif (old.base, old.range) != (new.base, new.range):
            out.append(Change("Address map", item, f"{item}: {span(old)} {ARROW} {span(new)}",
                              [old.base, old.range], [new.base, new.range]))
    return out


def interrupt_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    show = lambda i: f"{i.ps_pin}[{i.irq_f2p}], GIC SPI {i.gic_spi}"  # noqa: E731
    for pin, old, new in _keyed(a.interrupts, b.interrupts, lambda i: i.pin):
        if old is None:
            out.append(Change("Interrupts", pin, f"{pin}: added on {show(new)}"))
        elif new is None:
            out.append(Change("Interrupts", pin, f"{pin}: removed (was {show(old)})"))
        elif (old.ps_pin, old.irq_f2p, old.gic_spi, old.flags) != (new.ps_pin, new.irq_f2p, new.gic_spi, new.flags):
            out.append(Change("Interrupts", pin, f"{pin}: {show(old)} {ARROW} {show(new)}; the device "
                                                 f"tree's interrupts property follows",
                              old.gic_spi, new.gic_spi))
    return out


def memory_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    ma, mb = a.memory, b.memory
    for field, label, show in (("cma_size", "CMA", _size), ("cma_base", "CMA base", _hex),
                               ("cma_alignment", "CMA alignment", _size),
                               ("cma_argument", "kernel command line", _show),
                               ("ddr_size", "DDR", _size), ("ddr_base", "DDR base", _hex),
                               ("kernel_size", "kernel region", _size),
                               ("linux_free", "left to Linux", _size),
                               ("min_free", "linux.min_free", _size),
                               ("largest_cma", "largest CMA that fits", _size)):
        ov, nv = getattr(ma, field), getattr(mb, field)
        if ov != nv:
            out.append(Change("Memory", field, f"{label}: {_pair(ov, nv, show)}", ov, nv))
    return out


def strategy_changes(a: Summary, b: Summary) -> list[Change]:
    out = []
    for field, label in (("synth", "synthesis strategy"), ("impl", "implementation strategy"),
                         ("post_route_phys_opt", "post-route phys_opt"), ("jobs", "jobs"),
                         ("interconnect", "interconnect IP")):
        ov, nv = getattr(a.strategies, field), getattr(b.strategies, field)
        if ov != nv:
            out.append(Change("Vivado runs", field, f"{label}: {_pair(ov, nv)}", ov, nv))
    return out


def _standing(line: ResourceLine) -> str:
    if not line.fits:
        return "does not fit the part"
    return f"{'within' if line.ok else 'over'} the {line.limit_percent:g}% limit"


def _delta(x: float) -> str:
    if abs(x) < 1e-9:
        return "\u00b10"
    return ("+" if x > 0 else "-") + fmt_amount(abs(x))


def budget_changes(a: Budget, b: Budget) -> list[Change]:
    """DSP 110 → 218 (+108), 99.09% of 220: over the 90% limit (was within)."""
    out = []
    for name, old, new in _keyed(a.resources, b.resources, lambda l: l.name):
        if old is None or new is None:
            line = new or old
            out.append(Change("Budget", name, f"{name}: {'added' if old is None else 'removed'} "
                                              f"({fmt_amount(line.used)} of {fmt_amount(line.available)})"))
            continue
        if (old.used, old.available, old.limit_percent) == (new.used, new.available, new.limit_percent):
            continue
        text = (f"{name} {fmt_amount(old.used)} {ARROW} {fmt_amount(new.used)} ({_delta(new.used - old.used)}), "
                f"{fmt_percent(new.percent)} of {fmt_amount(new.available)}: {_standing(new)}")
        if _standing(old) != _standing(new):
            text += f" (was {_standing(old)})" if old.limit_percent == new.limit_percent or not old.fits \
                else f" (was {fmt_percent(old.percent)}, {_standing(old)})"
        extra = []
        if old.available != new.available:
            extra.append(f"available {fmt_amount(old.available)} {ARROW} {fmt_amount(new.available)}")
        if old.limit_percent != new.limit_percent:
            extra.append(f"limit {old.limit_percent:g}% {ARROW} {new.limit_percent:g}%")
        if extra:
            text += "; " + ", ".join(extra)
        out.append(Change("Budget", name, text,
                          {"used": _raw(old.used), "available": _raw(old.available),
                           "percent": _pct(old.percent), "limit_percent": _raw(old.limit_percent), "ok": old.ok},
                          {"used": _raw(new.used), "available": _raw(new.available),
                           "percent": _pct(new.percent), "limit_percent": _raw(new.limit_percent), "ok": new.ok}))
    if a.verdict != b.verdict:
        out.append(Change("Budget", "verdict", f"verdict: {a.verdict} {ARROW} {b.verdict}", a.verdict, b.verdict))
    return out


def _pct(v: float):
    return None if math.isinf(v) else round(v, 2)


def check_changes(a: Budget, b: Budget) -> list[Change]:
    out = []
    state = lambda c: "ok" if c.ok else ("FAIL" if c.severity == "error" else "warning")  # noqa: E731
    for name, old, new in _keyed(a.checks, b.checks, lambda c: c.name):
        if old is not None and new is not None and state(old) == state(new):
            continue
        os_, ns = (state(old) if old else "absent"), (state(new) if new else "absent")
        message = (new or old).message
        out.append(Change("Checks", name, f"{name}: {os_} {ARROW} {ns}: {message}", os_, ns))
    return out


def input_changes(a: Manifest, b: Manifest) -> list[Change]:
    out = []
    for role, old, new in _keyed(a.inputs, b.inputs, lambda i: i[0]):
        if old is None or new is None:
            out.append(Change("Inputs", role, f"{role}: {_pair(old and old[1], new and new[1])}"))
        elif old[1] != new[1]:
            out.append(Change("Inputs", role, f"{role}: {old[1]} {ARROW} {new[1]}", old[1], new[1]))
        elif old[2] != new[2]:
            out.append(Change("Inputs", role, f"{role}: {old[1]} edited (sha256 {old[2][:12]}\u2026 {ARROW} "
                                              f"{new[2][:12]}\u2026)", old[2], new[2]))
    if a.hwgen_version != b.hwgen_version:
        out.append(Change("Inputs", "hwgen", f"hwgen {_pair(a.hwgen_version, b.hwgen_version)}",
                          a.hwgen_version, b.hwgen_version))
    return out


# What Vivado builds the bitstream (and the XSA) from: the Tcl it runs and the FuseSoC core
# that drives it. A change anywhere else (device tree, bootargs, arch.json) needs no new run.
def bitstream_input(path: str) -> bool:
    return path.startswith("vivado/") or path.endswith(".core")


# Lines a generated file opens with before its content: comments, and the format's magic line.
_COMMENT = {".tcl": ("#",), ".core": ("#",), ".dtsi": ("/*", "*", "//"),
            ".dts": ("/*", "*", "//")}
_MAGIC = ("CAPI=2:",)


def _header_length(lines: list[str], markers: tuple[str, ...]) -> int:
    """How many lines the leading comment block (the provenance header) takes."""
    n = 0
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith(markers) or (i == 0 and text in _MAGIC):
            n = i + 1
        else:
            break
    return n


def header_only(path: str, old: bytes | None, new: bytes | None) -> bool:
    """Do two versions of ``path`` differ only inside the comment block they open with?"""
    markers = _COMMENT.get(Path(path).suffix)
    if markers is None or old is None or new is None:
        return False
    try:
        a, b = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return False
    ha, hb = _header_length(a, markers), _header_length(b, markers)
    return a[ha:] == b[hb:] and a[:ha] != b[:hb]


def file_changes(old_side: Side, new_side: Side) -> tuple[list[Change], tuple[bool, str] | None]:
    """Generated files that differ (report/ and the manifest are views of the facts above);
    those that differ only in their header comment in one line; and whether the bitstream's
    inputs changed, as (changed, the sentence that says so), None when no file differs."""
    a, b = old_side.manifest, new_side.manifest
    keep = lambda p: not p.startswith(DERIVED)  # noqa: E731
    old = {p: h for p, h in a.outputs if keep(p)}
    new = {p: h for p, h in b.outputs if keep(p)}
    out, header, changed_inputs = [], [], []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        if path not in old:
            out.append(Change("Files", path, f"{path}: added"))
        elif path not in new:
            out.append(Change("Files", path, f"{path}: removed"))
        elif old_side.read and new_side.read and header_only(path, old_side.read(path), new_side.read(path)):
            header.append(path)
            continue
        else:
            out.append(Change("Files", path, f"{path}: changed"))
        if bitstream_input(path):
            changed_inputs.append(path)
    if header:
        out.append(Change("Files", "header comment only",
                          f"only their header comment (the inputs and --set they record): "
                          f"{', '.join(header)}", None, header))
    if not out:
        return out, None
    if changed_inputs:
        return out, (True, f"Bitstream inputs CHANGED ({', '.join(changed_inputs)}): run Vivado again "
                           f"for a new bitstream and XSA.")
    quiet = [p for p in header if bitstream_input(p)]
    return out, (False, "Bitstream inputs unchanged" + (
        f" ({', '.join(quiet)} differ only in their header comment)" if quiet else "")
        + ": the bitstream and XSA you have still hold.")


def compare(old: Side, new: Side) -> Diff:
    changes: list[Change] = []
    notes: list[str] = []
    if old.summary is not None and new.summary is not None:
        a, b = old.summary, new.summary
        changes += setting_changes(a, b)
    if old.manifest is not None and new.manifest is not None:
        changes += input_changes(old.manifest, new.manifest)
    if old.summary is not None and new.summary is not None:
        for compare_section in (board_changes, dpu_changes, clock_changes, port_changes,
                                block_design_changes, address_changes, interrupt_changes,
                                memory_changes, strategy_changes):
            changes += compare_section(old.summary, new.summary)
    else:
        for side in (old, new):
            if side.manifest is None:
                notes.append(f"{side.label} holds only {BUDGET}: hwgen build refused that design over "
                             f"budget, so only the budget is compared (build it with "
                             f"--allow-over-budget, or give the design by options, to compare the rest)")
            elif side.summary is None:
                notes.append(f"{side.label} has no {DESIGN} (built by an hwgen without review "
                             f"reports): only the budget and the files are compared")
    changes += budget_changes(old.budget, new.budget)
    changes += check_changes(old.budget, new.budget)
    if old.manifest is not None and new.manifest is not None:
        files, bitstream = file_changes(old, new)
        changes += files
    else:
        bitstream = None
    return Diff(old, new, tuple(changes), tuple(notes), bitstream)


# ----------------------------------------------------------------------------- output
def describe(side: Side) -> str:
    s, m = side.summary, side.manifest
    if s is not None:
        return (f"{s.design}: {s.board.name} ({s.board.part}), DPU {s.dpu.profile} "
                f"{s.dpu.fingerprint}, hwgen {s.hwgen_version}")
    if m is not None:
        return f"{m.design}: {m.board} ({m.part}), DPU {m.dpu}, hwgen {m.hwgen_version}"
    return f"budget verdict only ({side.budget.verdict})"


def to_dict(d: Diff) -> dict:
    return {
        "changed": d.changed,
        "old": {"label": d.old.label, "design": describe(d.old)},
        "new": {"label": d.new.label, "design": describe(d.new)},
        "notes": list(d.notes),
        "bitstream_inputs_changed": None if d.bitstream is None else d.bitstream[0],
        "bitstream": None if d.bitstream is None else d.bitstream[1],
        "changes": [{"section": c.section, "item": c.item, "text": c.text, "old": c.old, "new": c.new}
                    for c in d.changes],
    }


def render_diff(d: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_dict(d), indent=2) + "\n"
    from hwgen.emit.render import render

    template = {"text": "report/diff.txt.j2", "markdown": "report/diff.md.j2"}[fmt]
    return render(template, d=d, old=describe(d.old), new=describe(d.new), arrow=ARROW)
