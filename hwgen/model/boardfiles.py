"""Vivado board files (board.xml + preset.xml) -> a hwgen board YAML: ``hwgen board import``.

Follows what board.xml names: its ``preset_file`` and the ``preset_proc`` of the PS
interface. The PS preset is kept whole, every ``ip_preset`` block of that name in file
order (a ``CONFIG.preset`` naming a built-in Vivado preset included), exactly as Vivado's
apply-board-preset sets it. The facts hwgen's plans need (crystal, PLLs, DDR, console, SD)
are derived by the PS family's module (``FAMILIES``) and written with where each came from.

XML is parsed by defusedxml (no DTD entities, no external references): board files are
downloaded from the internet and are hostile input like any other. Every problem is an
InputError naming file:line.

Adding a PS family (Zynq UltraScale+): a module beside ``boardfacts_zynq7`` with the same
names (FAMILY, IP_NAMES, VLNV, BUILTIN, PORTS, FactError, derive() returning Facts, and the
parameter names design._check_against_preset quotes: CRYSTAL, HIGHADDR, PARTNO, BUS_WIDTH),
registered in FAMILIES under its IP name and removed from KNOWN_LATER. Nothing here or in the
YAML writer knows a parameter name.
"""

from __future__ import annotations

import importlib
import re
import xml.sax
from dataclasses import dataclass
from pathlib import Path

import defusedxml
import defusedxml.sax

from hwgen.errors import InputError, Mark, Problem
# FAMILIES and facts_module live in boardfact, which loading a board YAML imports without
# this module's XML parser (defusedxml pulls in urllib, http and email).
from hwgen.model.boardfact import FAMILIES, facts_module  # noqa: F401 (facts_module: re-exported)
from hwgen.model.schema import parse_size

MAX_XML_BYTES = 4 << 20      # the largest store board.xml is ~200 KiB
# PS IPs hwgen recognises but cannot plan yet (a later family module moves them up).
KNOWN_LATER: dict[str, str] = {}
_VALUE = re.compile(r"[A-Za-z0-9 .:#_()\-+/%<>=,\[\]]*")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass
class Elem:
    tag: str
    attrs: dict
    line: int
    children: list

    def find(self, tag: str) -> "Elem | None":
        return next((c for c in self.children if c.tag == tag), None)

    def iter(self, tag: str):
        if self.tag == tag:
            yield self
        for c in self.children:
            yield from c.iter(tag)

    def text_of(self, tag: str) -> str | None:
        c = self.find(tag)
        return "".join(c.attrs.get("#text", "")).strip() if c is not None else None


class _Builder(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.stack: list[Elem] = []
        self.root: Elem | None = None
        self.locator = None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def startElement(self, name, attrs):
        e = Elem(name, {k: attrs[k] for k in attrs.getNames()}, self.line(), [])
        if self.stack:
            self.stack[-1].children.append(e)
        else:
            self.root = e
        self.stack.append(e)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].attrs["#text"] = self.stack[-1].attrs.get("#text", "") + content


def parse_xml(path: Path, shown: str) -> Elem:
    """The element tree of ``path``; InputError with file:line for anything malformed."""
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise InputError(Problem(Mark(shown), "", f"file is {size >> 10} KiB; board files are "
                                     f"at most {MAX_XML_BYTES >> 20} MiB"))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(Mark(shown), "", "no such file")) from None
    except IsADirectoryError:
        raise InputError(Problem(Mark(shown), "", "is a directory, expected an XML file")) from None
    except OSError as exc:
        raise InputError(Problem(Mark(shown), "", f"cannot read: {exc.strerror}")) from None
    handler = _Builder()
    try:
        defusedxml.sax.parseString(raw, handler, forbid_dtd=False, forbid_entities=True,
                                   forbid_external=True)
    except xml.sax.SAXParseException as exc:
        raise InputError(Problem(Mark(shown, exc.getLineNumber(), exc.getColumnNumber() + 1), "",
                                 f"malformed XML: {exc.getMessage()}")) from None
    except defusedxml.DefusedXmlException as exc:
        raise InputError(Problem(Mark(shown, handler.line() or 1, 1), "",
                                 f"refused XML: {type(exc).__name__} ({exc}); board files need "
                                 f"no entities or external references")) from None
    if handler.root is None:
        raise InputError(Problem(Mark(shown), "", "empty XML document"))
    return handler.root


# ----------------------------------------------------------------------------- board.xml
@dataclass
class BoardXml:
    folder: Path
    shown: str               # how messages and outputs name the folder: <vendor>/<board>/<rev>
    vendor: str
    name: str
    display_name: str
    file_version: str
    part: str
    preset_file: str
    preset_proc: str | None
    line: int                # of the PS interface (or of <board>)
    connectors: tuple = ()   # names of its components of type "connector" (SOM <-> carrier)

    @property
    def board_part(self) -> str:
        return f"{self.vendor}:{self.name}:part0:{self.file_version}"


def _shown_folder(folder: Path) -> str:
    """The last three path parts (<Vendor>/<board>/<rev>): never an absolute path."""
    return "/".join(folder.resolve().parts[-3:])


def read_board_xml(path: Path) -> BoardXml:
    """``path`` is a board folder or its board.xml."""
    path = Path(path)
    file = path / "board.xml" if path.is_dir() else path
    folder = file.parent
    shown = f"{_shown_folder(folder)}/{file.name}"
    root = parse_xml(file, shown)

    def need(elem: Elem, attr: str) -> str:
        value = elem.attrs.get(attr)
        if not value:
            raise InputError(Problem(Mark(shown, elem.line, 1), f"<{elem.tag}> {attr}",
                                     f"expected the attribute {attr!r}, found none"))
        return value

    if root.tag != "board":
        raise InputError(Problem(Mark(shown, root.line, 1), "", f"expected a <board> element "
                                 f"at the top, got <{root.tag}>"))
    version = root.text_of("file_version") or "1.0"
    part0 = next((c for c in root.iter("component") if c.attrs.get("name") == "part0"), None)
    if part0 is None:
        raise InputError(Problem(Mark(shown, root.line, 1), "components",
                                 "expected a component named 'part0' (the FPGA), found none"))
    procs = [i for i in part0.iter("interface") if "preset_proc" in i.attrs]
    ps = next((i for i in procs if "processing_system" in i.attrs.get("type", "")
               or i.attrs.get("preset_proc", "").startswith(("ps7", "zynq_ultra", "mpsoc"))), None)
    for what, value in (("vendor", need(root, "vendor")), ("name", need(root, "name")),
                        ("file_version", version)):
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
            raise InputError(Problem(Mark(shown, root.line, 1), what,
                                     f"expected letters, digits, _ . or -, got {value[:40]!r}"))
    part = need(part0, "part_name")
    if not re.fullmatch(r"x[a-z0-9]+(-[a-z0-9]+)+", part.lower()):
        raise InputError(Problem(Mark(shown, part0.line, 1), "part_name",
                                 f"expected a Xilinx part name such as xc7z020clg400-1, got {part[:40]!r}"))
    return BoardXml(folder, _shown_folder(folder), root.attrs["vendor"], root.attrs["name"],
                    root.attrs.get("display_name", root.attrs["name"]), version,
                    _part_name(part), root.attrs.get("preset_file", "preset.xml"),
                    ps.attrs["preset_proc"] if ps is not None else None,
                    ps.line if ps is not None else root.line, _connectors(root))


def _part_name(part: str) -> str:
    """Vivado's spelling: lower case but for a low-power grade's L or LV (xck26-sfvc784-2LV-c,
    as the K26 board.xml and the KV260/KR260 builds write it; xc7z020iclg484-1L, as Trenz's
    TE0720-1IL board.xml writes it and Vivado names its -1L parts, e.g. xc7a35ticsg324-1L in
    its netlist headers); some board files capitalize the whole name."""
    return re.sub(r"-(\d)(lv|l)(?=-|$)", lambda m: f"-{m[1]}{m[2].upper()}", part.lower())


def _connectors(root: Elem) -> tuple:
    return tuple(c.attrs["name"] for c in root.iter("component")
                 if c.attrs.get("type") == "connector" and c.attrs.get("name"))


def read_carrier_xml(path: Path, som: BoardXml) -> BoardXml:
    """A carrier card's board.xml (``path``: its folder or board.xml), connected to ``som``.

    A carrier has no part0: it plugs into the SOM by a connector component both files
    name alike (Kria: ``som240_1_connector``, sub_type "som"), which Vivado pairs through the
    project's ``board_connections``. The PS interface on that connector names the preset
    proc the carrier adds to the SOM's PS (Kria: ``mpsoc_preset_som240_1``).
    """
    path = Path(path)
    file = path / "board.xml" if path.is_dir() else path
    folder = file.parent
    shown = f"{_shown_folder(folder)}/{file.name}"
    root = parse_xml(file, shown)
    if root.tag != "board":
        raise InputError(Problem(Mark(shown, root.line, 1), "", f"expected a <board> element "
                                 f"at the top, got <{root.tag}>"))
    for what in ("vendor", "name"):
        value = root.attrs.get(what, "")
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
            raise InputError(Problem(Mark(shown, root.line, 1), what,
                                     f"expected letters, digits, _ . or -, got {value[:40]!r}"))
    version = root.text_of("file_version") or "1.0"
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", version):
        raise InputError(Problem(Mark(shown, root.line, 1), "file_version",
                                 f"expected letters, digits, _ . or -, got {version[:40]!r}"))
    shared = [c for c in root.iter("component")
              if c.attrs.get("type") == "connector" and c.attrs.get("name") in som.connectors]
    if not shared:
        raise InputError(Problem(Mark(shown, root.line, 1), "components",
                                 f"expected a connector component the SOM {som.board_part} has "
                                 f"({', '.join(som.connectors) or 'it has none'}), found none: "
                                 f"not a carrier for this SOM"))
    ps = next((i for c in shared for i in c.iter("interface") if "preset_proc" in i.attrs
               and "zynq_ultra_ps_e" in i.attrs.get("type", "")
               or "processing_system" in i.attrs.get("type", "") and "preset_proc" in i.attrs), None)
    if ps is None:
        raise InputError(Problem(Mark(shown, shared[0].line, 1), shared[0].attrs["name"],
                                 "expected a PS interface with a preset_proc on the connector, "
                                 "found none: the carrier adds nothing to the PS preset"))
    return BoardXml(folder, _shown_folder(folder), root.attrs["vendor"], root.attrs["name"],
                    root.attrs.get("display_name", root.attrs["name"]), version, som.part,
                    root.attrs.get("preset_file", "preset.xml"), ps.attrs["preset_proc"], ps.line,
                    tuple(c.attrs["name"] for c in shared))


# ----------------------------------------------------------------------------- preset.xml
@dataclass
class PresetBlock:
    ip: str
    line: int
    params: tuple            # ((name without CONFIG., value, line), ...) in file order


def read_ps_preset(board: BoardXml) -> tuple[str, list[PresetBlock]]:
    """(preset file shown name, the PS's preset blocks in file order)."""
    bshown = f"{board.shown}/board.xml"
    if board.preset_proc is None:
        raise InputError(Problem(Mark(bshown, board.line, 1), "preset_proc",
                                 "no PS interface with a preset_proc on part0: no processing "
                                 "system preset to import"))
    if "/" in board.preset_file or "\\" in board.preset_file or board.preset_file.startswith("."):
        raise InputError(Problem(Mark(bshown, board.line, 1), "preset_file",
                                 f"expected a file name beside board.xml, got {board.preset_file!r}"))
    file = board.folder / board.preset_file
    shown = f"{board.shown}/{board.preset_file}"
    root = parse_xml(file, shown)
    blocks = []
    for block in root.iter("ip_preset"):
        if block.attrs.get("preset_proc_name") != board.preset_proc:
            continue
        for ip in block.iter("ip"):
            params = []
            for p in ip.iter("user_parameter"):
                name, value = p.attrs.get("name", ""), p.attrs.get("value")
                if not name.startswith("CONFIG.") or value is None:
                    raise InputError(Problem(Mark(shown, p.line, 1), name or "user_parameter",
                                             "expected name=\"CONFIG.<parameter>\" and a value"))
                name = name[len("CONFIG."):]
                if not _NAME.fullmatch(name) or len(name) > 80:
                    raise InputError(Problem(Mark(shown, p.line, 1), name[:40],
                                             "expected a parameter name (letters, digits, _)"))
                if not _VALUE.fullmatch(value) or len(value) > 2000:
                    raise InputError(Problem(Mark(shown, p.line, 1), name,
                                             f"expected a PS property value (letters, digits, "
                                             f"spaces and . : # _ ( ) [ ] - + / % < > = ,), got "
                                             f"{value[:40]!r}"))
                params.append((name, value, p.line))
            blocks.append(PresetBlock(ip.attrs.get("name", ""), ip.line, tuple(params)))
    if not blocks:
        raise InputError(Problem(Mark(shown, root.line, 1), board.preset_proc,
                                 f"no <ip_preset preset_proc_name=\"{board.preset_proc}\"> "
                                 f"(board.xml names it for the PS)"))
    return shown, blocks


def family_module(ip: str, where: Mark):
    """The facts module of the PS family whose IP is ``ip``; exit 2 for one hwgen lacks."""
    if ip in FAMILIES:
        return importlib.import_module(FAMILIES[ip])
    if ip in KNOWN_LATER:
        raise InputError(Problem(where, ip, f"PS family not known yet: {KNOWN_LATER[ip]}; "
                                            f"hwgen plans Zynq-7000 (processing_system7) boards"))
    raise InputError(Problem(where, ip or "ip", f"expected a processing-system IP "
                                                f"({', '.join(FAMILIES)}), got {ip!r}"))


def effective(blocks) -> dict:
    """Every block applied in order, later values replacing earlier ones (as Vivado does)."""
    out: dict = {}
    for block in blocks:
        for name, value, *_ in block:
            out[name] = value
    return out


# ----------------------------------------------------------------------------- import
@dataclass
class Imported:
    text: str                 # the board YAML
    name: str                 # the board's hwgen name
    report: list              # "fact: value  <- source" lines for a person to check


def board_name(xml_name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", xml_name)
    return name if name[:1].isalpha() else "b_" + name


def _q(value) -> str:
    """A YAML double-quoted scalar (values are plain printable ASCII without quotes or
    backslashes, which the import checked)."""
    return '"' + str(value) + '"'


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _size(n: int) -> str:
    return f"{n >> 30}G" if n % (1 << 30) == 0 else f"{n >> 20}M"


def _verbatim_block(text: str, line: int) -> list[str]:
    """The overlay's top-level block starting at ``line`` (1-based), comments included, up
    to the next top-level key."""
    lines = text.splitlines()
    out = [lines[line - 1]]
    for ln in lines[line:]:
        if ln and not ln[0].isspace() and not ln.startswith("#"):
            break
        out.append(ln)
    while out and not out[-1].strip():
        out.pop()
    return out


def import_board(path: Path, overlay=None, overlay_text: str | None = None,
                 carrier: Path | None = None) -> Imported:
    """The hwgen board YAML for the board folder (or board.xml) at ``path``.

    ``overlay`` is an optional loaded Document (loader.Document) whose keys hwgen alone knows
    (name, description, defaults, sources, console.uart, sd.controller, ddr.size, ps.ports);
    they are written after the imported facts, untouched. ``carrier`` is the folder (or
    board.xml) of a carrier card for a SOM at ``path``: its PS preset blocks apply after the
    SOM's, as Vivado applies a board with ``board_connections``.
    """
    board = read_board_xml(path)
    preset_shown, blocks = read_ps_preset(board)
    card = carrier_shown = None
    if carrier is not None:
        card = read_carrier_xml(carrier, board)
        carrier_shown, carrier_blocks = read_ps_preset(card)
        blocks = blocks + carrier_blocks
    ips = {b.ip for b in blocks}
    first = blocks[0]
    if len(ips) > 1:
        raise InputError(Problem(Mark(preset_shown, first.line, 1), board.preset_proc,
                                 f"expected one PS IP, got {', '.join(sorted(ips))}"))
    fam = family_module(first.ip, Mark(preset_shown, first.line, 1))
    ov = overlay.data if overlay is not None else {}
    _check_overlay(overlay)
    console_uart = (ov.get("console") or {}).get("uart")
    sd = (ov.get("sd") or {}).get("controller")
    lines = {name: line for b in blocks for name, _, line in b.params}
    flat = effective(b.params for b in blocks)
    builtin = flat.get(fam.BUILTIN)
    given = (ov.get("ddr") or {}).get("size")
    try:
        facts = fam.derive(flat, board.part, builtin, console_uart, sd,
                           parse_size(str(given)) if given is not None else None)
    except fam.FactError as exc:
        where = Mark(preset_shown, lines.get(exc.param, first.line), 1)
        hint = f"; the overlay key {exc.overlay} supplies it" if exc.overlay else ""
        raise InputError(Problem(where, exc.param or board.preset_proc, f"{exc}{hint}")) from None
    name = ov.get("name") or board_name(board.name)
    ddr_size = facts.ddr_size.value
    tty = _text((ov.get("console") or {}).get("device") or "ttyPS0")
    report = [
        f"board_part    {board.board_part}   <- board.xml vendor, name, file_version",
        f"part          {board.part}   <- board.xml component part0 part_name",
        f"PS preset     {sum(len(b.params) for b in blocks)} parameters in {len(blocks)} "
        f"block(s) named {board.preset_proc}   <- {preset_shown}"
        + (f" + {card.preset_proc} <- {carrier_shown} (carrier on {', '.join(card.connectors)})"
           if card is not None else ""),
        f"crystal       {_num(facts.crystal_mhz.value)} MHz   <- {facts.crystal_mhz.source}",
    ] + [f"{k.upper():3} PLL       {_num(round(facts.crystal_mhz.value * f.value, 3))} MHz (x{f.value})   <- {f.source}"
         for k, f in facts.fbdiv.items()] + [
        f"DDR size      {_size(ddr_size)}   <- {facts.ddr_size.source}",
        f"DDR bus       {facts.bus_width.value} bit   <- {facts.bus_width.source}",
        f"DDR type      {facts.memory_type.value}   <- {facts.memory_type.source}",
        f"DDR rate      {_num(facts.data_rate_mts.value)} MT/s   <- {facts.data_rate_mts.source}",
        f"console       UART{facts.console_uart.value} as {tty}, {facts.baud.value} baud   <- "
        f"{facts.console_uart.source}; {facts.baud.source}",
        f"SD root       " + (f"SD{facts.sd.value}   <- {facts.sd.source}" if facts.sd else "none"),
    ] + [f"note          {n}" for n in facts.notes]
    if builtin:
        report.append(f"note          CONFIG.{fam.BUILTIN} = {builtin!r}: Vivado applies its built-in "
                      f"preset first, then the explicit values; hwgen writes both in that order")

    out = []
    w = out.append
    w(f"# {name}: imported by `hwgen board import` from the vendor's board files "
      f"{board.shown} (board.xml, {board.preset_file})"
      + (f" with the carrier {card.shown} (board.xml, {card.preset_file})." if card else "."))
    w("# The PS preset below is the vendor's, whole and in file order; the facts hwgen's plans")
    w("# need are derived from it, each with where it came from. Re-import rather than edit;")
    w("# keep hwgen-only keys (defaults, sources, console/sd choice) in an overlay file.")
    w(f"name: {name}")
    w(f"vendor: {_q(ov.get('vendor', board.vendor))}")
    desc = ov.get("description") or (f"{board.display_name} with {board.part} and "
                                     f"{_size(ddr_size)} {facts.memory_type.value}")
    w(f"description: {_q(_text(desc))}")
    w(f"part: {board.part}   # board.xml part0 part_name")
    w(f"board_part: {_q(board.board_part)}   # vendor:name:part0:file_version"
      + (f"; carrier {card.vendor}:{card.name}:{card.file_version} on "
         f"{', '.join(card.connectors)} (board_connections)" if card else ""))
    w("")
    w("ps:")
    w(f"  family: {fam.FAMILY}")
    w(f"  vlnv: {_q(fam.VLNV)}")
    w(f"  crystal_mhz: {_num(facts.crystal_mhz.value)}   # {_c(facts.crystal_mhz.source)}")
    w("  # PLL feedback dividers the clock plan uses (PLL = crystal x FBDIV):")
    if facts.fbdiv:      # Zynq UltraScale+ PLLs come from the family data, not the YAML
        w("  pll_fbdiv:")
        for k, f in facts.fbdiv.items():
            w(f"    {k}: {f.value}   # {_c(f.source)}")
    w(f"  pll_exact: {'true' if facts.pll_exact else 'false'}")
    ports = (ov.get("ps") or {}).get("ports")
    w("  # PS ports a DPU may use and the width hwgen's plan gives them (not a board fact).")
    w("  ports:")
    for key, width in (ports.items() if isinstance(ports, dict) else fam.PORTS.items()):
        if isinstance(width, dict):
            width = width.get("width", fam.PORTS.get(key, 64))
        w(f"    {key}: {{width: {int(width)}}}")
    w(f"  # {board.preset_proc} from {preset_shown}: every block, every parameter, in file order"
      + (f"; then the carrier's {card.preset_proc} from {carrier_shown}." if card else "."))
    # One block is a mapping; several are a list of mappings, applied in order.
    w("  preset:")
    for i, b in enumerate(blocks, 1):
        where = preset_shown if i <= len(blocks) - (len(carrier_blocks) if card else 0) else carrier_shown
        w(f"    # block {i} of {len(blocks)} ({where} line {b.line}): {len(b.params)} parameters")
        dash = "- " if len(blocks) > 1 else ""
        # A name repeated within one block (Avnet's Ultra96-V2 preset repeats two) keeps
        # its first place and takes its last value, as applying the block in order does.
        last = {pname: value for pname, value, _ in b.params}
        seen = set()
        for pname, _, _ in b.params:
            if pname in seen:
                continue
            w(f"    {dash if not seen else ' ' * len(dash)}{pname}: {_q(last[pname])}")
            seen.add(pname)
        if not b.params:
            w(f"    {dash}{{}}")
    w("")
    w("ddr:")
    w("  base: 0x00000000")
    w(f"  size: {_size(ddr_size)}   # {_c(facts.ddr_size.source)}")
    w(f"  memory_type: {facts.memory_type.value}   # {_c(facts.memory_type.source)}")
    w(f"  bus_width: {facts.bus_width.value}   # {_c(facts.bus_width.source)}")
    w(f"  data_rate_mts: {_num(facts.data_rate_mts.value)}   # {_c(facts.data_rate_mts.source)}")
    w("")
    w("console:")
    device = (ov.get("console") or {}).get("device")
    if device:
        # ttyPSn follows the device tree's serial<n> alias, which the board's BSP chooses
        # (Kria: UART1 is ttyPS1); the overlay says which, with its source
        w(f"  device: {_text(device)}   # the overlay's console.device")
    else:
        w("  device: ttyPS0   # PetaLinux makes the console UART serial0")
    w(f"  uart: {facts.console_uart.value}   # {_c(facts.console_uart.source)}")
    w(f"  baud: {facts.baud.value}   # {_c(facts.baud.source)}")
    if facts.sd is not None:
        w("")
        w("sd:")
        w(f"  controller: {facts.sd.value}   # {_c(facts.sd.source)}")
    w("")
    w("sources:")
    w(f"  - {_q('BOARD: ' + board.shown + '/board.xml (' + board.board_part + ')')}")
    w(f"  - {_q('PRESET: ' + preset_shown + ' (' + board.preset_proc + ')')}")
    if card is not None:
        w(f"  - {_q('BOARD: ' + card.shown + '/board.xml (' + card.vendor + ':' + card.name + ':' + card.file_version + ', carrier)')}")
        w(f"  - {_q('PRESET: ' + carrier_shown + ' (' + card.preset_proc + ')')}")
    for s in ov.get("sources") or ():
        w(f"  - {_q(_text(s))}")
    if ov.get("defaults"):
        w("")
        w("# From the overlay, as written there: the board's default design (hwgen build with no")
        w("# options builds this).")
        if overlay_text is not None:
            for ln in _verbatim_block(overlay_text, overlay.key_marks[("defaults",)].line):
                w(ln)
        else:
            w("defaults:")
            _dump(ov["defaults"], 1, w)
    return Imported("\n".join(out) + "\n", name, report)


_OVERLAY_KEYS = ("name", "vendor", "description", "defaults", "sources", "console", "sd", "ddr", "ps")


def _check_overlay(doc) -> None:
    if doc is None:
        return
    problems = []
    for key in doc.data:
        if key not in _OVERLAY_KEYS:
            problems.append(Problem(doc.mark((key,)), key, f"not an overlay key (overlay keys: "
                                                           f"{', '.join(_OVERLAY_KEYS)})"))
    for path, kind in ((("name",), str), (("vendor",), str), (("description",), str),
                       (("defaults",), dict), (("sources",), list), (("console",), dict),
                       (("sd",), dict), (("ddr",), dict), (("ps",), dict)):
        if path[0] in doc.data and not isinstance(doc.data[path[0]], kind):
            problems.append(Problem(doc.mark(path), path[0], f"expected a {kind.__name__}"))
    console = doc.data.get("console")
    if isinstance(console, dict) and "uart" in console and console["uart"] not in (0, 1):
        problems.append(Problem(doc.mark(("console", "uart")), "console.uart", "expected 0 or 1"))
    sd = doc.data.get("sd")
    if isinstance(sd, dict) and "controller" in sd and sd["controller"] not in (0, 1):
        problems.append(Problem(doc.mark(("sd", "controller")), "sd.controller", "expected 0 or 1"))
    ddr = doc.data.get("ddr")
    if isinstance(ddr, dict) and ("size" in ddr and parse_size(str(ddr["size"])) is None
                                  or set(ddr) - {"size"}):
        problems.append(Problem(doc.mark(("ddr",)), "ddr", "expected only ddr.size, a size "
                                                           "such as 512M"))
    name = doc.data.get("name")
    if isinstance(name, str) and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", name):
        problems.append(Problem(doc.mark(("name",)), "name", "expected a name (letter, then "
                                                             "letters, digits or _)"))
    if problems:
        raise InputError(problems)


_PLAIN = re.compile(r"[^\\{}\[\]$\"`;\n]*")


def _text(value) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else re.sub(r"[\\{}\[\]$\"`;\n]", "?", text)


def _c(text: str) -> str:
    """A YAML end-of-line comment's text: one line."""
    return text.replace("\n", " ")


def _dump(value: dict, depth: int, w) -> None:
    """The overlay's defaults, as plain YAML (scalars quoted when they are strings)."""
    pad = "  " * depth
    for k, v in value.items():
        if isinstance(v, dict):
            w(f"{pad}{k}:")
            _dump(v, depth + 1, w)
        elif isinstance(v, bool):
            w(f"{pad}{k}: {'true' if v else 'false'}")
        elif isinstance(v, (int, float)):
            w(f"{pad}{k}: {v}")
        elif v is None:
            w(f"{pad}{k}: null")
        else:
            w(f"{pad}{k}: {_q(_text(v))}")
