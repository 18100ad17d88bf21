"""Run Vivado Tcl under plain ``tclsh`` against a recorder and inspect what it built.

There is no Vivado in the test environment.  ``vivado_recorder.tcl`` (next to this
file) defines stub procs for the Vivado commands hwgen emits; they check their switches
strictly and record the project / block design / runs instead of building them.
:func:`run_tcl` runs a script in a ``tclsh`` subprocess through a small generated
driver, which dumps the recorded state as JSON; the result comes back as a
:class:`Recording`.

Typical use::

    from tclrec import run_tcl           # tests/ is on sys.path under pytest

    rec = run_tcl(build_dir / "build.tcl", catalog=[DPU_VLNV], check=True)
    assert rec.cells["ps7"].config["PCW_USE_S_AXI_HP0"] == "1"
    assert rec.connected("dpu/M_AXI_DATA0", "ps7/S_AXI_HP0")
    assert rec.same_net("ps7/FCLK_CLK0", "dpu/aclk")

Names of block-design objects are given and returned without the leading ``/`` that
Vivado prints (``ps7/FCLK_CLK0``, ports as ``DDR``); helpers accept either form.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

__all__ = [
    "RECORDER_TCL",
    "DEFAULT_CATALOG",
    "DEFAULT_PARTS",
    "DEFAULT_BOARD_PARTS",
    "TIMEOUT_S",
    "RecorderError",
    "TclScriptError",
    "Recording",
    "Design",
    "Project",
    "Cell",
    "Port",
    "IntfPort",
    "Net",
    "IntfNet",
    "Address",
    "Launch",
    "Report",
    "HwPlatform",
    "Automation",
    "Wrapper",
    "AddedFile",
    "Violation",
    "CatalogCheck",
    "Command",
    "PropertySet",
    "Validation",
    "run_tcl",
    "run_tcl_code",
    "tcl_word",
]

RECORDER_TCL = Path(__file__).with_name("vivado_recorder.tcl")
TIMEOUT_S = 30

# Stock IP the hwgen block designs use, with the versions seen in Vivado 2020.1-2024.1
# exports (public write_bd_tcl exports, PG065/PG164; that 2023.2 ships the same versions is
# inferred there).  The DPU is not stock: pass its VLNV via ``catalog=`` or
# ``repo_ips=``.
DEFAULT_CATALOG: tuple[str, ...] = (
    "xilinx.com:ip:processing_system7:5.5",
    # Zynq UltraScale+ PS: 3.4 in Vivado 2022.2 exports (the KR260 DPU TRD), 3.5 in 2023.2+.
    "xilinx.com:ip:zynq_ultra_ps_e:3.5",
    "xilinx.com:ip:clk_wiz:6.0",
    "xilinx.com:ip:proc_sys_reset:5.0",
    "xilinx.com:ip:axi_interconnect:2.1",
    "xilinx.com:ip:smartconnect:1.0",
    "xilinx.com:ip:xlconcat:2.1",
    "xilinx.com:ip:xlconstant:1.1",
)

# Parts create_project/-part and set_property part accept (PYNQZ2-PRESET, ZYBO-PRESET).
DEFAULT_PARTS: tuple[str, ...] = ("xc7z020clg400-1",
                                  # the ZynqMP boards' parts (their board.xml part0 part_name)
                                  "xck26-sfvc784-2LV-c", "xczu7ev-ffvc1156-2-e", "xczu3eg-sbva484-1-i")

# Board parts set_property board_part accepts -> the part they imply.  Zybo Z7-20:
# 1.0 is in Digilent's export, 1.2 in current board files (ZYBO-PRESET, which
# version a 2023.2 install carries is UNCERTAIN).
DEFAULT_BOARD_PARTS: Mapping[str, str] = {
    "tul.com.tw:pynq-z2:part0:1.0": "xc7z020clg400-1",
    "digilentinc.com:zybo-z7-20:part0:1.0": "xc7z020clg400-1",
    "digilentinc.com:zybo-z7-20:part0:1.2": "xc7z020clg400-1",
    "xilinx.com:kv260_som:part0:1.4": "xck26-sfvc784-2LV-c",
    "xilinx.com:zcu104:part0:1.1": "xczu7ev-ffvc1156-2-e",
    "avnet.com:Ultra96v2:part0:1.2": "xczu3eg-sbva484-1-i",
}


class RecorderError(RuntimeError):
    """The harness itself failed: tclsh missing or crashed, timeout, no JSON written."""


class TclScriptError(Exception):
    """The recorded script failed (Tcl error, non-zero exit) or hit a canary."""

    def __init__(self, recording: "Recording"):
        self.recording = recording
        parts = []
        if recording.error is not None:
            parts.append(f"Tcl error: {recording.error}")
        for v in recording.violations:
            parts.append(f"violation: {v.command} {' '.join(v.args)} ({v.reason})")
        if recording.error_info:
            parts.append(f"errorInfo:\n{recording.error_info}")
        super().__init__(f"{recording.script}: " + "\n".join(parts))


def _bd(name: str) -> str:
    """Block-design object name without the leading '/' (root stays '/')."""
    return name if name == "/" else name.lstrip("/")


# --------------------------------------------------------------------------------
# Record types
# --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Project:
    name: str
    dir: Path
    dir_given: str
    part: str  # effective: -part, set_property part, or implied by board_part
    board_part: str | None
    properties: Mapping[str, str]  # UPPER_NAME -> value, as set by the script
    property_names: Mapping[str, str]  # UPPER_NAME -> spelling the script used
    in_memory: bool
    force: bool
    how: str  # create_project | open_project


@dataclass(frozen=True)
class Cell:
    path: str  # "ps7", "hier/dpu"
    vlnv: str  # "" for hierarchies
    type: str  # ip | hier | container | module | inline_hdl
    props: Mapping[str, str]  # UPPER_NAME -> value ("CONFIG.PCW_USE_S_AXI_HP0" -> "1")
    prop_names: Mapping[str, str]  # UPPER_NAME -> spelling the script used

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def config(self) -> dict[str, str]:
        """CONFIG.* properties with the prefix stripped (keys upper case)."""
        return {k[7:]: v for k, v in self.props.items() if k.startswith("CONFIG.")}

    def prop(self, name: str, default: str | None = None) -> str | None:
        return self.props.get(name.upper(), default)


@dataclass(frozen=True)
class Port:
    name: str
    dir: str  # I | O | IO
    type: str  # clk | ce | rst | intr | data | undef
    from_: int | None
    to: int | None
    freq_hz: str | None
    props: Mapping[str, str]

    @property
    def width(self) -> int:
        if self.from_ is None or self.to is None:
            return 1
        return abs(self.from_ - self.to) + 1


@dataclass(frozen=True)
class IntfPort:
    name: str
    mode: str
    vlnv: str
    props: Mapping[str, str]


@dataclass(frozen=True)
class Net:
    name: str
    pins: frozenset[str]


@dataclass(frozen=True)
class IntfNet:
    name: str
    a: str
    b: str


@dataclass(frozen=True)
class Address:
    space: str | None  # "ps7/Data"; None when assigned without -target_address_space
    segment: str  # slave segment, "dpu/S_AXI/reg0"
    offset: int | None  # None: left to Vivado's auto-assignment
    range: int | None
    name: str = ""  # master segment, "ps7/Data/SEG_dpu_reg0"
    excluded: bool = False
    command: str = "assign_bd_address"

    @property
    def end(self) -> int | None:
        """Last address of the window (inclusive)."""
        if self.offset is None or self.range is None:
            return None
        return self.offset + self.range - 1


@dataclass(frozen=True)
class Launch:
    runs: tuple[str, ...]
    jobs: int | None
    to_step: str | None
    switches: Mapping[str, Any]


@dataclass(frozen=True)
class Report:
    command: str
    file: str | None
    path: Path | None
    run: str  # the run opened when the report was requested
    switches: Mapping[str, Any]


@dataclass(frozen=True)
class HwPlatform:
    file: str  # as written in the script
    path: Path  # normalised against the tclsh working directory
    switches: Mapping[str, Any]  # {"-fixed": True, "-file": "x.xsa", ...}
    bit_available: bool  # a bitstream had been produced when it was written


@dataclass(frozen=True)
class Automation:
    rule: str
    config: str
    config_dict: Mapping[str, str] | None
    objects: tuple[str, ...]
    emulated: tuple[str, ...]  # effects the recorder emulated ("make_external DDR")
    design: str


@dataclass(frozen=True)
class Wrapper:
    design: str
    bd_file: Path
    path: Path  # what make_wrapper returned
    switches: Mapping[str, Any]


@dataclass(frozen=True)
class AddedFile:
    command: str  # add_files | import_files | read_xdc
    given: str
    path: Path
    fileset: str | None  # -fileset if given
    exists: bool  # on disk (False for Vivado-generated files such as the wrapper)
    switches: Mapping[str, Any]


@dataclass(frozen=True)
class Violation:
    command: str
    args: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class CatalogCheck:
    patterns: tuple[str, ...]
    found: tuple[str, ...]
    switches: Mapping[str, Any]


@dataclass(frozen=True)
class PropertySet:
    kind: str  # Vivado class: bd_cell, run, project, fileset, bd_port, ...
    object: str
    name: str  # spelling used
    value: str
    design: str | None


@dataclass(frozen=True)
class Validation:
    design: str
    findings: tuple[str, ...]  # e.g. "port /x is not connected" (recorded, not raised)
    force: bool


@dataclass(frozen=True)
class Design:
    """One block design."""

    name: str
    file: Path
    cells: Mapping[str, Cell]
    ports: Mapping[str, Port]
    intf_ports: Mapping[str, IntfPort]
    pins: Mapping[str, Mapping[str, str]]  # pins/intf pins seen or created: {"kind": ...}
    nets: tuple[Net, ...]
    intf_nets: tuple[IntfNet, ...]
    addresses: tuple[Address, ...]
    spaces: tuple[str, ...]
    segments: tuple[str, ...]
    auto_assign: int  # bare `assign_bd_address` calls
    exclusions: tuple[tuple[str, str], ...]

    @property
    def intf_connections(self) -> frozenset[frozenset[str]]:
        return frozenset(frozenset((n.a, n.b)) for n in self.intf_nets)


# --------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Recording:
    """Everything the script did, as seen by the recorder.

    Block-design fields (``cells``, ``nets``, ``ports``, ``addresses`` ...) are those of
    the *main* design: the current block design when the script ended, else the last
    one created.  All designs are in ``designs``.
    """

    script: Path
    error: str | None  # Tcl error message if the script failed, else None
    error_info: str | None
    exit_code: int | None  # set if the script called `exit`
    commands: tuple[Command, ...]  # every recorded Vivado command, in order
    project: Project | None
    ip_repo_paths: tuple[Path, ...]
    catalog: tuple[str, ...]  # IP catalog at the end (stock + repos on ip_repo_paths)
    catalog_checks: tuple[CatalogCheck, ...]  # get_ipdefs calls
    bd_designs: tuple[str, ...]
    designs: Mapping[str, Design]
    current_bd_design: str | None
    cells: Mapping[str, Cell]
    ports: Mapping[str, Port]
    intf_ports: Mapping[str, IntfPort]
    nets: tuple[frozenset[str], ...]
    named_nets: Mapping[str, frozenset[str]]
    intf_nets: tuple[IntfNet, ...]
    intf_connections: frozenset[frozenset[str]]
    addresses: tuple[Address, ...]
    runs: Mapping[str, Mapping[str, str]]  # run -> {UPPER_PROP: value} set by the script
    run_info: Mapping[str, Mapping[str, Any]]  # flow, parent, type, launched, to_step, status
    launches: tuple[Launch, ...]
    waits: tuple[str, ...]
    opened_runs: tuple[str, ...]
    reports: tuple[Report, ...]
    hw_platforms: tuple[HwPlatform, ...]
    hw_validations: tuple[Path, ...]
    bitstreams: tuple[Mapping[str, Any], ...]
    sourced: tuple[Path, ...]  # files sourced by the script (not the script itself)
    automation: tuple[Automation, ...]
    validations: tuple[Validation, ...]
    saves: tuple[str, ...]
    wrappers: tuple[Wrapper, ...]
    files_added: tuple[AddedFile, ...]
    files: Mapping[Path, Mapping[str, str]]  # project files: fileset, type
    generate_targets: tuple[Mapping[str, Any], ...]
    top: str | None  # TOP property of sources_1
    filesets: Mapping[str, Mapping[str, str]]  # fileset -> {UPPER_PROP: value}
    properties: tuple[PropertySet, ...]  # every set_property, in order
    violations: tuple[Violation, ...]
    unknown_commands: tuple[str, ...]
    warnings: tuple[str, ...]
    messages: tuple[tuple[str, ...], ...]  # send_msg_id: (id, severity, text)
    file_ops: tuple[tuple[str, ...], ...]  # permitted file writes: (op, path, ...)
    files_read: tuple[Path, ...]
    stdout: str
    stderr: str
    raw: Mapping[str, Any] = field(repr=False)  # the JSON the recorder wrote

    # -- status ---------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """No Tcl error and no canary hit."""
        return self.error is None and not self.violations

    @property
    def validated(self) -> bool:
        return bool(self.validations)

    @property
    def saved(self) -> bool:
        return bool(self.saves)

    def check(self) -> "Recording":
        """Raise :class:`TclScriptError` unless :attr:`ok`; return self for chaining."""
        if not self.ok:
            raise TclScriptError(self)
        return self

    # -- commands -------------------------------------------------------------
    def calls(self, name: str) -> list[tuple[str, ...]]:
        """Argument tuples of every call of Vivado command ``name``, in order."""
        return [c.args for c in self.commands if c.name == name]

    def command_index(self, name: str, nth: int = 0) -> int:
        """Position of the nth call of ``name`` in :attr:`commands` (for order checks)."""
        hits = [i for i, c in enumerate(self.commands) if c.name == name]
        if len(hits) <= nth:
            raise KeyError(f"{name} called {len(hits)} time(s), wanted call #{nth}")
        return hits[nth]

    # -- block design ---------------------------------------------------------
    def cell(self, name: str) -> Cell:
        try:
            return self.cells[_bd(name)]
        except KeyError:
            raise KeyError(f"no cell {name!r}; cells: {sorted(self.cells)}") from None

    def connected(self, a: str, b: str) -> bool:
        """Is there an interface net between ``a`` and ``b`` (cell/INTF or port)?"""
        return frozenset((_bd(a), _bd(b))) in self.intf_connections

    def net_of(self, pin: str) -> frozenset[str] | None:
        """The pins/ports on the same net as ``pin`` (including it), or None."""
        p = _bd(pin)
        for n in self.nets:
            if p in n:
                return n
        return None

    def same_net(self, *pins: str) -> bool:
        """Are all ``pins`` (two or more) on one net?"""
        if len(pins) < 2:
            raise ValueError("same_net needs at least two pins")
        net = self.net_of(pins[0])
        return net is not None and all(_bd(p) in net for p in pins[1:])

    def intf_reachable(self, a: str, b: str) -> bool:
        """Is ``b`` reachable from ``a`` over interface nets, passing through
        hierarchy pins (not through IP cells, whose internals are unknown)?"""
        start, goal = _bd(a), _bd(b)
        adj: dict[str, set[str]] = {}
        for n in self.intf_nets:
            adj.setdefault(n.a, set()).add(n.b)
            adj.setdefault(n.b, set()).add(n.a)
        seen, todo = {start}, [start]
        while todo:
            for nxt in adj.get(todo.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def address(self, segment: str, space: str | None = None) -> Address:
        """The assignment of slave ``segment`` (optionally in ``space``)."""
        seg = _bd(segment)
        hits = [
            a
            for a in self.addresses
            if a.segment == seg and (space is None or a.space == _bd(space))
        ]
        if len(hits) != 1:
            raise KeyError(
                f"{len(hits)} assignments of {segment!r}"
                f"{'' if space is None else ' in ' + space}: {hits}"
            )
        return hits[0]

    # -- runs -----------------------------------------------------------------
    def run_prop(self, run: str, name: str, default: str | None = None) -> str | None:
        return self.runs.get(run, {}).get(name.upper(), default)


# --------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------


def tcl_word(s: str) -> str:
    """Quote ``s`` as one Tcl word, whatever it contains (backslash-escape everything
    that is not plainly safe; control and non-ASCII characters as \\uXXXX)."""
    s = str(s)
    if s == "":
        return "{}"
    out = []
    for ch in s:
        if ch.isascii() and (ch.isalnum() or ch in "_-./:,+=@%"):
            out.append(ch)
        elif ch.isascii() and ch.isprintable():
            out.append("\\" + ch)  # never a letter or digit, so never an escape code
        elif ord(ch) <= 0xFFFF:
            out.append("\\u%04x" % ord(ch))
        else:
            raise ValueError(f"character outside the BMP cannot be passed to Tcl 8.6: {ch!r}")
    return "".join(out)


def _tcl_list(items: Iterable[Any]) -> str:
    return "[list " + " ".join(tcl_word(str(i)) for i in items) + "]"


def _tcl_dict_of_lists(d: Mapping[Any, Iterable[Any]]) -> str:
    return "[dict create " + " ".join(f"{tcl_word(str(k))} {_tcl_list(v)}" for k, v in d.items()) + "]"


def _tcl_dict(d: Mapping[Any, Any]) -> str:
    return "[dict create " + " ".join(f"{tcl_word(str(k))} {tcl_word(str(v))}" for k, v in d.items()) + "]"


def run_tcl(
    script: Path | str,
    *,
    allowed_dirs: Sequence[Path | str] | None = None,
    catalog: Iterable[str] = (),
    repo_ips: Mapping[Path | str, Iterable[str]] | None = None,
    base_catalog: Iterable[str] = DEFAULT_CATALOG,
    parts: Iterable[str] = DEFAULT_PARTS,
    board_parts: Mapping[str, str] | Iterable[str] = DEFAULT_BOARD_PARTS,
    ip_params: Mapping[str, Iterable[str]] | None = None,
    cwd: Path | str | None = None,
    argv: Sequence[str] = (),
    check: bool = False,
    timeout: float = TIMEOUT_S,
    tclsh: str | None = None,
) -> Recording:
    """Run ``script`` under tclsh with the Vivado recorder loaded.

    allowed_dirs: directories the script may ``source`` from and write into (file
        mkdir/delete/copy/rename, open for writing).  Default: the script's directory.
    catalog: extra VLNVs present in the IP catalog (e.g. the DPU), on top of
        ``base_catalog`` (default :data:`DEFAULT_CATALOG`).
    repo_ips: {repository dir: VLNVs} that appear in the catalog only while the
        project's ``ip_repo_paths`` contains that dir or a parent of it.
    parts / board_parts: what create_project -part, set_property part/board_part,
        get_parts and get_board_parts accept (board_parts: {board_part: implied part},
        or a plain list).  An empty ``parts`` accepts any part.
    ip_params: {VLNV: CONFIG parameter names}; set_property CONFIG.X on a cell of that
        VLNV then fails unless X is listed (case-insensitive).
    cwd: working directory of tclsh (default: the script's directory).
    argv: becomes ``$argv`` (as with ``vivado -tclargs``).
    check: raise :class:`TclScriptError` if the script failed or hit a canary.
    """
    script = Path(script).resolve()
    if not script.is_file():
        raise RecorderError(f"no such script: {script}")
    tclsh = tclsh or shutil.which("tclsh") or "/usr/bin/tclsh"
    cwd = Path(cwd).resolve() if cwd is not None else script.parent
    dirs = [Path(d).resolve() for d in allowed_dirs] if allowed_dirs is not None else [script.parent]
    if not isinstance(board_parts, Mapping):
        board_parts = {b: "" for b in board_parts}
    cat = list(dict.fromkeys([*base_catalog, *catalog]))

    with tempfile.TemporaryDirectory(prefix="tclrec-") as tmp:
        out_json = Path(tmp) / "recording.json"
        driver = Path(tmp) / "driver.tcl"
        driver.write_text(
            "\n".join(
                [
                    f"source {tcl_word(str(RECORDER_TCL))}",
                    f"::rec::configure allowed_dirs {_tcl_list(str(d) for d in dirs)}",
                    f"::rec::configure catalog {_tcl_list(cat)}",
                    f"::rec::configure repo_ips {_tcl_dict_of_lists({str(Path(k).resolve()): v for k, v in (repo_ips or {}).items()})}",
                    f"::rec::configure parts {_tcl_list(parts)}",
                    f"::rec::configure board_parts {_tcl_dict(board_parts)}",
                    f"::rec::configure ip_params {_tcl_dict_of_lists(ip_params or {})}",
                    f"set ::argv {_tcl_list(argv)}",
                    f"set ::argc {len(argv)}",
                    f"set ::argv0 {tcl_word(str(script))}",
                    f"set ::rec::S(script) {tcl_word(str(script))}",
                    "::rec::install_canaries",
                    # The script runs at global level, like `vivado -source`.
                    f"set ::rec::_rc [catch {{::rec::orig::source {tcl_word(str(script))}}} ::rec::_msg ::rec::_opts]",
                    "::rec::finish $::rec::_rc $::rec::_msg $::rec::_opts",
                    f"::rec::dump {tcl_word(str(out_json))}",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        try:
            proc = subprocess.run(
                [tclsh, str(driver)],
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except FileNotFoundError as e:
            raise RecorderError(f"tclsh not found ({tclsh}): {e}") from e
        except subprocess.TimeoutExpired as e:
            raise RecorderError(f"{script}: tclsh did not finish within {timeout} s") from e
        if not out_json.is_file():
            raise RecorderError(
                f"{script}: the recorder wrote no JSON (tclsh exit {proc.returncode})\n"
                f"stderr:\n{proc.stderr}\nstdout:\n{proc.stdout}"
            )
        raw = json.loads(out_json.read_text(encoding="utf-8"))

    rec = _build(raw, script, proc.stdout, proc.stderr)
    if check:
        rec.check()
    return rec


def run_tcl_code(code: str, directory: Path | str, *, name: str = "script.tcl", **kwargs: Any) -> Recording:
    """Write ``code`` to ``directory/name`` and :func:`run_tcl` it (kwargs passed on)."""
    path = Path(directory) / name
    path.write_text(code, encoding="utf-8")
    return run_tcl(path, **kwargs)


# --------------------------------------------------------------------------------
# JSON -> Recording
# --------------------------------------------------------------------------------


def _int_or_none(v: Any) -> int | None:
    if v is None or v == "":
        return None
    return int(v)


def _build(raw: Mapping[str, Any], script: Path, stdout: str, stderr: str) -> Recording:
    # Properties by (kind, design, object).
    props: dict[tuple[str, str | None, str], tuple[dict[str, str], dict[str, str]]] = {}
    for p in raw["properties"]:
        props[(p["kind"], p["design"], p["object"])] = (dict(p["props"]), dict(p["names"]))

    def pv(kind: str, design: str | None, obj: str) -> dict[str, str]:
        return props.get((kind, design, obj), ({}, {}))[0]

    designs: dict[str, Design] = {}
    for d in raw["designs"]:
        name = d["name"]
        cells = {
            _bd(path): Cell(
                path=_bd(path),
                vlnv=c["vlnv"],
                type=c["type"],
                props=pv("bd_cell", name, path),
                prop_names=props.get(("bd_cell", name, path), ({}, {}))[1],
            )
            for path, c in d["cells"].items()
        }
        ports = {
            _bd(path): Port(
                name=_bd(path),
                dir=c["dir"],
                type=c["type"],
                from_=_int_or_none(c["from"]),
                to=_int_or_none(c["to"]),
                freq_hz=c["freq_hz"],
                props=pv("bd_port", name, path),
            )
            for path, c in d["ports"].items()
        }
        intf_ports = {
            _bd(path): IntfPort(name=_bd(path), mode=c["mode"], vlnv=c["vlnv"], props=pv("bd_intf_port", name, path))
            for path, c in d["intf_ports"].items()
        }
        designs[name] = Design(
            name=name,
            file=Path(d["file"]),
            cells=cells,
            ports=ports,
            intf_ports=intf_ports,
            pins={_bd(k): dict(v) for k, v in d["pins"].items()},
            nets=tuple(Net(_bd(n["name"]), frozenset(_bd(p) for p in n["pins"])) for n in d["nets"]),
            intf_nets=tuple(IntfNet(_bd(n["name"]), _bd(n["a"]), _bd(n["b"])) for n in d["intf_nets"]),
            addresses=tuple(
                Address(
                    space=None if a["space"] is None else _bd(a["space"]),
                    segment=_bd(a["segment"]),
                    offset=_int_or_none(a["offset"]),
                    range=_int_or_none(a["range"]),
                    name=_bd(a["name"]),
                    excluded=a["excluded"],
                    command=a["command"],
                )
                for a in d["addresses"]
            ),
            spaces=tuple(_bd(s) for s in d["spaces"]),
            segments=tuple(_bd(s) for s in d["segments"]),
            auto_assign=int(d["auto_assign"]),
            exclusions=tuple(tuple(e) for e in d["exclusions"]),
        )

    main_name = raw["current_bd_design"] or (raw["designs"][-1]["name"] if raw["designs"] else None)
    main = designs.get(main_name) if main_name else None

    project = None
    if raw["project"] is not None:
        pr = raw["project"]
        values, names = props.get(("project", None, pr["name"]), ({}, {}))
        project = Project(
            name=pr["name"],
            dir=Path(pr["dir"]),
            dir_given=pr["dir_given"],
            part=pr["part"],
            board_part=values.get("BOARD_PART"),
            properties=values,
            property_names=names,
            in_memory=pr["in_memory"],
            force=pr["force"],
            how=pr["how"],
        )

    return Recording(
        script=script,
        error=raw["error"],
        error_info=raw["error_info"],
        exit_code=_int_or_none(raw["exit_code"]),
        commands=tuple(Command(c[0], tuple(c[1])) for c in raw["commands"]),
        project=project,
        ip_repo_paths=tuple(Path(p) for p in raw["ip_repo_paths"]),
        catalog=tuple(raw["catalog"]),
        catalog_checks=tuple(
            CatalogCheck(tuple(c["patterns"]), tuple(c["found"]), c["switches"]) for c in raw["catalog_checks"]
        ),
        bd_designs=tuple(d["name"] for d in raw["designs"]),
        designs=designs,
        current_bd_design=raw["current_bd_design"],
        cells=main.cells if main else {},
        ports=main.ports if main else {},
        intf_ports=main.intf_ports if main else {},
        nets=tuple(n.pins for n in main.nets) if main else (),
        named_nets={n.name: n.pins for n in main.nets} if main else {},
        intf_nets=main.intf_nets if main else (),
        intf_connections=main.intf_connections if main else frozenset(),
        addresses=main.addresses if main else (),
        runs={r: pv("run", None, r) for r in raw["runs"]},
        run_info=raw["runs"],
        launches=tuple(
            Launch(tuple(l["runs"]), _int_or_none(l["jobs"]), l["to_step"], l["switches"]) for l in raw["launches"]
        ),
        waits=tuple(raw["waits"]),
        opened_runs=tuple(raw["opened_runs"]),
        reports=tuple(
            Report(r["command"], r["file"], None if r["path"] is None else Path(r["path"]), r["run"], r["switches"])
            for r in raw["reports"]
        ),
        hw_platforms=tuple(
            HwPlatform(h["file"], Path(h["path"]), h["switches"], h["bit_available"]) for h in raw["hw_platforms"]
        ),
        hw_validations=tuple(Path(p) for p in raw["hw_validations"]),
        bitstreams=tuple(raw["bitstreams"]),
        sourced=tuple(Path(p) for p in raw["sourced"]),
        automation=tuple(
            Automation(
                a["rule"], a["config"], a["config_dict"], tuple(a["objects"]), tuple(a["emulated"]), a["design"]
            )
            for a in raw["automation"]
        ),
        validations=tuple(Validation(v["design"], tuple(v["findings"]), v["force"]) for v in raw["validations"]),
        saves=tuple(raw["saves"]),
        wrappers=tuple(
            Wrapper(w["design"], Path(w["bd_file"]), Path(w["path"]), w["switches"]) for w in raw["wrappers"]
        ),
        files_added=tuple(
            AddedFile(f["command"], f["given"], Path(f["path"]), f["fileset"], f["exists"], f["switches"])
            for f in raw["files_added"]
        ),
        files={Path(k): v for k, v in raw["files"].items()},
        generate_targets=tuple(raw["generate_targets"]),
        top=raw["top"],
        filesets={f: pv("fileset", None, f) for f in raw["filesets"]},
        properties=tuple(
            PropertySet(p["kind"], _bd(p["object"]) if p["kind"].startswith("bd_") and p["kind"] != "bd_design" else p["object"],
                        p["name"], p["value"], p["design"])
            for p in raw["property_log"]
        ),
        violations=tuple(Violation(v["command"], tuple(v["args"]), v["reason"]) for v in raw["violations"]),
        unknown_commands=tuple(raw["unknown_commands"]),
        warnings=tuple(raw["warnings"]),
        messages=tuple(tuple(m) for m in raw["messages"]),
        file_ops=tuple(tuple(f) for f in raw["file_ops"]),
        files_read=tuple(Path(p) for p in raw["files_read"]),
        stdout=stdout,
        stderr=stderr,
        raw=raw,
    )
