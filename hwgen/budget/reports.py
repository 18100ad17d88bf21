"""Parsers for Vivado's text reports: report_utilization and report_timing_summary.

hwgen compares a finished Vivado run against the design's budget, so these parsers
must never hand back a wrong number: anything that does not look exactly like a
complete Vivado report raises ReportError instead of guessing.

Formats handled (UG835 report_utilization and report_timing_summary): Vivado 2018.x-2024.x,
7-series and UltraScale+ row names, with/without the "Prohibited" column, synthesis
("Slice LUTs*") and placed reports, "-hierarchical" reports, LF or CRLF endings.
"""

from __future__ import annotations

import codecs
import itertools
import os
import re
from hwgen.frozen import dataclass
from typing import Iterator

from hwgen import numbers
from hwgen.inputfile import ReadRefused, open_regular

__all__ = [
    "ReportError",
    "ResourceUse",
    "Utilization",
    "ClockSummary",
    "Timing",
    "normalise_part",
    "split_part",
    "parts_match",
    "parse_utilization",
    "parse_utilization_file",
    "parse_timing_summary",
    "parse_timing_summary_file",
]


class ReportError(Exception):
    """A report could not be parsed; the message is a single line naming the source."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ResourceUse:
    name: str
    used: float
    available: int | None
    row: str


@dataclass(frozen=True)
class Utilization:
    source: str
    tool_version: str
    device: str
    part: str
    design_state: str | None
    family: str
    resources: tuple[ResourceUse, ...]
    hierarchical: bool = False

    def get(self, name: str) -> ResourceUse | None:
        wanted = name.upper()
        for res in self.resources:
            if res.name == wanted:
                return res
        return None


@dataclass(frozen=True)
class ClockSummary:
    name: str
    period_ns: float
    frequency_mhz: float
    waveform: tuple[float, ...]
    # Generated clocks are printed indented under the clock they derive from.
    master: str | None = None


@dataclass(frozen=True)
class Timing:
    source: str
    tool_version: str
    device: str
    wns: float | None
    tns: float | None
    whs: float | None
    ths: float | None
    tns_failing_endpoints: int | None
    ths_failing_endpoints: int | None
    wpws: float | None
    tpws_failing_endpoints: int | None
    verdict: str | None
    clocks: tuple[ClockSummary, ...]
    # The remaining Design Timing Summary columns, kept so nothing printed is lost.
    tns_total_endpoints: int | None = None
    ths_total_endpoints: int | None = None
    tpws: float | None = None
    tpws_total_endpoints: int | None = None
    design_state: str | None = None


# --------------------------------------------------------------------------- part names

# A trailing speed grade ("-1", "-2L", "-1LV") and optional temperature grade ("-e", "-i").
_SPEED_RE = re.compile(r"-(\d[a-z]*|l\d[a-z]*)(?:-([a-z]))?$")


def normalise_part(text: str) -> str:
    """Lower-case, drop a leading "xc" and every "-": "xc7z020clg400-1" -> "7z020clg4001"."""
    part = text.strip().lower()
    if part.startswith("xc"):
        part = part[2:]
    return part.replace("-", "")


def split_part(text: str) -> tuple[str, str | None, str | None]:
    """Split a part into (normalised device+package, speed grade, temperature grade).

    Timing reports print the device without speed grade ("7z020-clg400") while designs
    and utilization reports carry it ("xc7z020clg400-1"); splitting lets the two be
    compared on what both actually state.
    """
    part = text.strip().lower()
    match = _SPEED_RE.search(part)
    speed = temp = None
    if match:
        speed, temp = match.group(1), match.group(2)
        part = part[: match.start()]
    return normalise_part(part), speed, temp


def parts_match(design_part: str, report_device: str) -> bool:
    """True when both name the same device and package, and agree on any grades both give.

    "xc7z020clg400-1" matches "7z020clg400-1" and "7z020-clg400", not "7z020clg484-1"
    nor "7z020clg400-2".
    """
    base_a, speed_a, temp_a = split_part(design_part)
    base_b, speed_b, temp_b = split_part(report_device)
    if not base_a or base_a != base_b:
        return False
    if speed_a and speed_b and speed_a != speed_b:
        return False
    if temp_a and temp_b and temp_a != temp_b:
        return False
    return True


def _family_from_part(part: str) -> str:
    # Only used for hierarchical reports, which have no row names to go by.  Every
    # 7-series part number starts with "7"; everything newer uses the CLB naming.
    return "7series" if part.startswith("7") else "ultrascale+"


# --------------------------------------------------------------------------- text input


# Bounded by bytes actually read (hwgen.inputfile): the largest real reports are tens of
# MB; past 2 GiB a "report" is a device, a loop or damage, not a Vivado run.
MAX_REPORT_BYTES = 2 << 30
# Vivado's widest lines (hierarchical tables) are a few hundred characters.
MAX_LINE_CHARS = 1 << 20
_CHUNK = 1 << 20


def _file_chunks(handle, source: str) -> Iterator[str]:
    """The file's text in ~1 MiB pieces: UTF-8 checked, NUL-free, bounded in total."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    total = 0
    first = True
    while True:
        try:
            data = handle.read(_CHUNK)
        except OSError as exc:
            raise ReportError(f"{source}: cannot read file ({exc.strerror or exc})") from None
        if b"\x00" in data:
            raise ReportError(f"{source}: binary data, not a text report")
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise ReportError(
                f"{source}: not valid UTF-8 text (bad byte at offset {total + exc.start})"
            ) from None
        total += len(data)
        if total > MAX_REPORT_BYTES:
            raise ReportError(f"{source}: larger than {MAX_REPORT_BYTES >> 30} GiB; not a Vivado report")
        if first and text.startswith("\ufeff"):
            text = text[1:]
        first = first and not text
        if text:
            yield text
        if not data:
            return


def _source_name(path) -> str:
    source = os.fspath(path)
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    return source


def _parse_file(path, parse):
    """Open ``path`` as a report (a regular file only) and stream it through ``parse``."""
    source = _source_name(path)
    try:
        handle = open_regular(path)
    except ReadRefused as exc:
        raise ReportError(f"{source}: cannot read file ({exc})") from None
    with handle:
        chunks = _file_chunks(handle, source)
        head = [next(chunks, "")]
        if not head[0].strip():
            head.append(next(chunks, None))
            if head[-1] is None:
                raise ReportError(f"{source}: empty report")
        return parse(_Lines(itertools.chain(head, chunks), source), source)


def _check_text(text: str, source: str) -> str:
    if not isinstance(text, str):
        raise ReportError(f"{source}: expected text, got {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    # isspace() stops at the first visible character, so this stays cheap on big files.
    if not text or text.isspace():
        raise ReportError(f"{source}: empty report")
    if "\x00" in text:
        raise ReportError(f"{source}: binary data, not a text report")
    return text


class _Lines:
    """Lazy line reader over text that arrives in pieces (a whole string, or a file's chunks).

    Memory stays flat in the file's size: one chunk and the line being read are held,
    never the file, and the parser may stop after the first table. CR of CRLF endings is
    dropped here so no parser sees it. Iterating again resumes where the last loop stopped.
    """

    __slots__ = ("_chunks", "_buf", "_pos", "_source", "line_no", "unterminated")

    def __init__(self, chunks, source: str = "<text>") -> None:
        self._chunks = iter((chunks,)) if isinstance(chunks, str) else iter(chunks)
        self._buf = ""
        self._pos = 0
        self._source = source
        self.line_no = 0
        # True once the last line handed out had no newline after it: a report cut
        # off in the middle of that line.
        self.unterminated = False

    def __iter__(self) -> Iterator[str]:
        buf, pos = self._buf, self._pos
        find = buf.find
        while True:
            end = find("\n", pos)
            if end < 0:
                chunk = next(self._chunks, None)
                if chunk is None:
                    if pos >= len(buf):
                        self._buf, self._pos = "", 0
                        return
                    end = len(buf)
                    self.unterminated = True
                else:
                    buf = buf[pos:] + chunk
                    pos = 0
                    if len(buf) > MAX_LINE_CHARS and buf.find("\n", 0, MAX_LINE_CHARS) < 0:
                        raise ReportError(f"{self._source}:{self.line_no + 1}: line longer than "
                                          f"{MAX_LINE_CHARS} characters; not a Vivado report")
                    self._buf = buf
                    find = buf.find
                    continue
            line = buf[pos:end]
            pos = end + 1
            self._pos = pos
            self.line_no += 1
            if line.endswith("\r"):
                line = line[:-1]
            yield line


# --------------------------------------------------------------------------- header block

# Keys are matched on text already cut at the first colon, so no pattern here can
# scan a long line more than once.
_HEADER_KEY_RE = re.compile(r"[A-Za-z][A-Za-z ]{0,39}")
_VERSION_RE = re.compile(r"\bv\.?(\d{4}\.\d+(?:\.\d+)*)")
# Bounded repeats: section numbers are short ("3.", "1.1", "10."), and a bound keeps
# a long run of digits and dots from being re-scanned.
_SECTION_NUMBER_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,3}\.?[ \t]+")

# A report's header is short; a file whose first lines hold no "| Key : value" entries
# is not a Vivado report and need not be read further.
_HEADER_SCAN_LIMIT = 60


@dataclass(frozen=True)
class _Header:
    fields: dict


def _read_header(lines: _Lines, source: str, wanted: str) -> _Header:
    """Read the `| Key : value` block and check it is the report kind `wanted`."""
    fields: dict[str, str] = {}
    kind = None
    for line in lines:
        if line.startswith("|"):
            colon = line.find(":", 1, 64)
            if colon > 0:
                key = line[1:colon].strip()
                if _HEADER_KEY_RE.fullmatch(key):
                    fields.setdefault(key, line[colon + 1 :].strip())
                    continue
        elif fields and line.startswith("---"):
            break  # the rule closing the header block
        if not fields and lines.line_no >= _HEADER_SCAN_LIMIT:
            break
    command = fields.get("Command", "")
    if command.startswith("report_utilization"):
        kind = "utilization"
    elif command.startswith("report_timing_summary"):
        kind = "timing"

    expected = "report_utilization" if wanted == "utilization" else "report_timing_summary"
    if "Device" not in fields:
        raise ReportError(f"{source}: not a Vivado {expected} report (no 'Device' header)")
    if kind is not None and kind != wanted:
        other = "report_utilization" if kind == "utilization" else "report_timing_summary"
        raise ReportError(f"{source}: this is a {other} report, not {expected}")
    if command and kind is None:
        verb = command.split()[0]
        raise ReportError(f"{source}: not a Vivado {expected} report (Command is '{verb}')")
    tool = fields.get("Tool Version", "")
    if not tool.startswith("Vivado"):
        raise ReportError(f"{source}: not a Vivado {expected} report (no Vivado 'Tool Version' header)")
    if not _VERSION_RE.search(tool):
        raise ReportError(f"{source}: cannot read the Vivado version from 'Tool Version: {tool}'")
    if not fields["Device"]:
        raise ReportError(f"{source}: the 'Device' header is empty")
    return _Header(fields)


def _tool_version(header: _Header) -> str:
    return _VERSION_RE.search(header.fields["Tool Version"]).group(1)


# --------------------------------------------------------------------------- utilization

# Section titles (numbers stripped) that hold the rows hwgen needs; the same names
# are accepted for both families so a report is not rejected over a renamed section.
_LOGIC_SECTIONS = frozenset({"Slice Logic", "CLB Logic"})
_MEMORY_SECTIONS = frozenset({"Memory", "BLOCKRAM"})
_DSP_SECTIONS = frozenset({"DSP", "ARITHMETIC"})
_HIER_SECTIONS = frozenset({"Utilization by Hierarchy"})

_ROWS_BY_SECTION: dict[str, dict[str, str]] = {}
for _title in _LOGIC_SECTIONS:
    _ROWS_BY_SECTION[_title] = {
        "Slice LUTs": "LUT",
        "Slice Registers": "FF",
        "CLB LUTs": "LUT",
        "CLB Registers": "FF",
    }
for _title in _MEMORY_SECTIONS:
    _ROWS_BY_SECTION[_title] = {"Block RAM Tile": "BRAM", "URAM": "URAM"}
for _title in _DSP_SECTIONS:
    _ROWS_BY_SECTION[_title] = {"DSPs": "DSP"}
del _title

_REQUIRED = ("LUT", "FF", "BRAM", "DSP")
_ORDER = ("LUT", "FF", "BRAM", "DSP", "URAM")
# What to name in "row missing" errors, by family.
_ROW_NAMES = {
    "7series": {"LUT": "Slice LUTs", "FF": "Slice Registers", "BRAM": "Block RAM Tile", "DSP": "DSPs"},
    "ultrascale+": {"LUT": "CLB LUTs", "FF": "CLB Registers", "BRAM": "Block RAM Tile", "DSP": "DSPs"},
}
_SECTION_NAMES = {
    "7series": {"LUT": "Slice Logic", "FF": "Slice Logic", "BRAM": "Memory", "DSP": "DSP"},
    "ultrascale+": {"LUT": "CLB Logic", "FF": "CLB Logic", "BRAM": "BLOCKRAM", "DSP": "ARITHMETIC"},
}

# ASCII digits only (re.ASCII: \\d would take full-width and other Unicode digits, and
# Vivado prints ASCII); values go through hwgen.numbers, which also bounds their length.
_USED_RE = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_INT_RE = re.compile(r"\d+", re.ASCII)


def _section_title(prev: str, line: str) -> str | None:
    """The title if `line` is the dash underline of a numbered section heading."""
    if len(line) < 3 or not prev or prev[0] not in "0123456789" or line.strip("-"):
        return None
    match = _SECTION_NUMBER_RE.match(prev)
    if match is None:
        return None
    return prev[match.end() :].strip() or None


class _Table:
    """Column layout of one `+---+`-bordered table, taken from its header row."""

    __slots__ = ("columns", "width", "section")

    def __init__(self, header_line: str, section: str) -> None:
        cells = header_line.split("|")
        self.columns = {cell.strip(): i for i, cell in enumerate(cells) if cell.strip()}
        self.width = len(cells)
        self.section = section

    def index(self, names: tuple[str, ...]) -> int | None:
        for name in names:
            if name in self.columns:
                return self.columns[name]
        return None

    def require(self, names: tuple[str, ...], source: str) -> int:
        idx = self.index(names)
        if idx is None:
            raise ReportError(
                f"{source}: table in section '{self.section}' has no '{names[0]}' column"
            )
        return idx


def _row_cells(line: str, table: _Table, label: str, lines: _Lines, source: str) -> list[str]:
    cells = line.split("|")
    # A row cut short by truncation has fewer cells or no closing bar; its last number
    # may be incomplete, so it must not be read.
    if len(cells) != table.width or cells[-1].strip() or lines.unterminated:
        raise ReportError(
            f"{source}:{lines.line_no}: row '{label}' is incomplete (truncated report?)"
        )
    return cells


def _strict(parse, text: str, what: str, where: str):
    """``text`` through hwgen.numbers; ReportError naming file:line:col and the cell otherwise."""
    try:
        return parse(text)
    except numbers.NumberError as exc:
        raise ReportError(f"{where}: {what}: {exc}") from None


def _cell_at(cells: list[str], idx: int, lines: "_Lines", source: str) -> tuple[str, str]:
    """A table cell's text and its position, ``file:line:col`` (col of its first character)."""
    cell = cells[idx]
    col = sum(len(c) + 1 for c in cells[:idx]) + len(cell) - len(cell.lstrip()) + 1
    return cell.strip(), f"{source}:{lines.line_no}:{col}"


def _number(cells: list[str], idx: int, label: str, column: str, lines: _Lines, source: str) -> float:
    text, where = _cell_at(cells, idx, lines, source)
    if not _USED_RE.fullmatch(text):
        raise ReportError(f"{where}: row '{label}' has a non-numeric {column} value {numbers.shown(text)}")
    return _strict(numbers.parse_real, text, f"row '{label}' {column}", where)


def _available(cells: list[str], idx: int, label: str, lines: _Lines, source: str) -> int | None:
    text, where = _cell_at(cells, idx, lines, source)
    if not text:
        return None
    if not _INT_RE.fullmatch(text):
        raise ReportError(f"{where}: row '{label}' has a non-integer Available value {numbers.shown(text)}")
    return _strict(numbers.parse_int, text, f"row '{label}' Available", where)


def parse_utilization(text: str, source: str = "<text>") -> Utilization:
    """Parse the text of a Vivado `report_utilization` report (flat or -hierarchical)."""
    return _parse_utilization(_Lines(_check_text(text, source), source), source)


def _parse_utilization(lines: "_Lines", source: str) -> Utilization:
    header = _read_header(lines, source, "utilization")
    device = header.fields["Device"]
    part = normalise_part(device)
    command = header.fields.get("Command", "")

    found: dict[str, ResourceUse] = {}
    section: str | None = None
    wanted: dict[str, str] | None = None  # row label -> resource, for the current section
    table: _Table | None = None
    memory_done = False
    any_section = False
    prev = ""
    hier = "-hierarchical" in command.split()

    for line in lines:
        first = line[:1]
        if first == "|":
            if wanted is not None:
                if table is None:
                    table = _Table(line, section)
                else:
                    row = _flat_row(line, table, wanted, found, lines, source)
                    if row is not None:
                        found[row.name] = row
                        if memory_done and all(r in found for r in _REQUIRED):
                            # URAM can only sit in the memory section, which is
                            # behind us, so the rest of the file has nothing needed.
                            break
        elif first == "-":
            title = _section_title(prev, line)
            if title is not None:
                any_section = True
                if section in _MEMORY_SECTIONS:
                    memory_done = True
                    if all(r in found for r in _REQUIRED):
                        break
                if title in _HIER_SECTIONS:
                    return _parse_hierarchy(lines, header, source, title)
                section = title
                wanted = _ROWS_BY_SECTION.get(title)
                table = None
        elif first == "" or first == "*":
            table = None  # a blank line or a note ends a table
        prev = line

    if hier:
        raise ReportError(
            f"{source}: hierarchical utilization report has no 'Utilization by Hierarchy' table (truncated report?)"
        )
    if not any_section:
        raise ReportError(f"{source}: report_utilization header present but no sections (truncated report?)")

    family = _family_of(found, part)
    for res in _REQUIRED:
        if res not in found:
            raise ReportError(
                f"{source}: required row '{_ROW_NAMES[family][res]}' ({res}) not found in section "
                f"'{_SECTION_NAMES[family][res]}' (truncated report?)"
            )
    resources = tuple(found[r] for r in _ORDER if r in found)
    return Utilization(
        source=source,
        tool_version=_tool_version(header),
        device=device,
        part=part,
        design_state=header.fields.get("Design State") or None,
        family=family,
        resources=resources,
    )


def _family_of(found: dict[str, ResourceUse], part: str) -> str:
    for key in ("LUT", "FF"):
        if key in found:
            return "7series" if found[key].row.startswith("Slice") else "ultrascale+"
    return _family_from_part(part)


def _flat_row(
    line: str,
    table: _Table,
    wanted: dict[str, str],
    found: dict[str, ResourceUse],
    lines: _Lines,
    source: str,
) -> ResourceUse | None:
    # Look at the label cell before splitting the whole row: only top-level rows
    # (not indented beyond the single pad space) can be the totals hwgen wants.
    end = line.find("|", 1)
    cell = line[1:] if end < 0 else line[1:end]
    if cell.startswith("  "):
        return None
    label = cell.strip()
    # Synthesis reports star the LUT row ("Slice LUTs*") to flag an estimate.
    resource = wanted.get(label.rstrip("*"))
    if resource is None or resource in found:
        return None  # only the first occurrence counts
    if end < 0:
        raise ReportError(f"{source}:{lines.line_no}: row '{label}' is incomplete (truncated report?)")
    used_idx = table.require(("Used",), source)
    avail_idx = table.require(("Available",), source)
    cells = _row_cells(line, table, label, lines, source)
    used = _number(cells, used_idx, label, "Used", lines, source)
    available = _available(cells, avail_idx, label, lines, source)
    return ResourceUse(resource, used, available, label)


# Columns of `report_utilization -hierarchical`; "DSP48 Blocks" became "DSP Blocks" in 2020.1.
_HIER_DSP = ("DSP Blocks", "DSP48 Blocks")


def _parse_hierarchy(lines: _Lines, header: _Header, source: str, section: str) -> Utilization:
    device = header.fields["Device"]
    part = normalise_part(device)
    table: _Table | None = None
    for line in lines:
        first = line[:1]
        if first == "|":
            if table is None:
                table = _Table(line, section)
                inst = table.require(("Instance",), source)
                module = table.require(("Module",), source)
                lut = table.require(("Total LUTs",), source)
                ff = table.require(("FFs",), source)
                b36 = table.require(("RAMB36",), source)
                b18 = table.require(("RAMB18",), source)
                dsp = table.require(_HIER_DSP, source)
                uram = table.index(("URAM",))
                continue
            cells = line.split("|")
            if len(cells) <= module or not cells[module].strip().endswith("(top)"):
                continue
            name = cells[inst].strip()
            cells = _row_cells(line, table, name, lines, source)

            def count(idx: int, column: str) -> int:
                text, where = _cell_at(cells, idx, lines, source)
                if not _INT_RE.fullmatch(text):
                    raise ReportError(
                        f"{where}: top row '{name}' has a non-integer {column} value {numbers.shown(text)}"
                    )
                return _strict(numbers.parse_int, text, f"top row '{name}' {column}", where)

            dsp_name = next(n for n in _HIER_DSP if n in table.columns)
            resources = [
                ResourceUse("LUT", float(count(lut, "Total LUTs")), None, "Total LUTs"),
                ResourceUse("FF", float(count(ff, "FFs")), None, "FFs"),
                # A RAMB18 is half a Block RAM tile, as in the flat report.
                ResourceUse(
                    "BRAM",
                    count(b36, "RAMB36") + count(b18, "RAMB18") / 2,
                    None,
                    "RAMB36 + RAMB18/2",
                ),
                ResourceUse("DSP", float(count(dsp, dsp_name)), None, dsp_name),
            ]
            if uram is not None:
                resources.append(ResourceUse("URAM", float(count(uram, "URAM")), None, "URAM"))
            return Utilization(
                source=source,
                tool_version=_tool_version(header),
                device=device,
                part=part,
                design_state=header.fields.get("Design State") or None,
                family=_family_from_part(part),
                resources=tuple(resources),
                hierarchical=True,
            )
        elif table is not None and first not in ("", "+", "*"):
            break  # the next section: the table ended without a (top) row
    if table is None:
        raise ReportError(f"{source}: section '{section}' has no table (truncated report?)")
    raise ReportError(f"{source}: no '(top)' row in section '{section}' (truncated report?)")


def parse_utilization_file(path) -> Utilization:
    return _parse_file(path, _parse_utilization)


# --------------------------------------------------------------------------- timing summary

_TIMING_LABELS = (
    "WNS(ns)",
    "TNS(ns)",
    "TNS Failing Endpoints",
    "TNS Total Endpoints",
    "WHS(ns)",
    "THS(ns)",
    "THS Failing Endpoints",
    "THS Total Endpoints",
    "WPWS(ns)",
    "TPWS(ns)",
    "TPWS Failing Endpoints",
    "TPWS Total Endpoints",
)
_NS_FIELDS = frozenset({0, 1, 4, 5, 8, 9})
_NS_RE = re.compile(r"-?\d+\.\d+", re.ASCII)
_COUNT_RE = re.compile(r"\d+", re.ASCII)
_TOKEN_RE = re.compile(r"\S+")

_VERDICTS = {
    "All user specified timing constraints are met.": "met",
    "Timing constraints are not met.": "not met",
    "There are no user specified timing constraints.": "unconstrained",
}

_CLOCK_ROW_RE = re.compile(r"( *)(\S+)\s+\{([^}]*)\}\s+(\d+\.\d+)\s+(\d+\.\d+)\s*", re.ASCII)


def _labels_in_order(line: str) -> bool:
    pos = 0
    for label in _TIMING_LABELS:
        pos = line.find(label, pos)
        if pos < 0:
            return False
        pos += len(label)
    return True


def _summary_values(line: str, lines: _Lines, source: str) -> list[float | int | None]:
    found = list(_TOKEN_RE.finditer(line))
    tokens = [m.group() for m in found]
    if len(tokens) != len(_TIMING_LABELS) or lines.unterminated:
        raise ReportError(
            f"{source}:{lines.line_no}: Design Timing Summary value line is incomplete "
            f"({len(tokens)} of {len(_TIMING_LABELS)} values; truncated report?)"
        )
    values: list[float | int | None] = []
    for i, token in enumerate(tokens):
        where = f"{source}:{lines.line_no}:{found[i].start() + 1}"
        if token == "NA":
            values.append(None)
        elif i in _NS_FIELDS and _NS_RE.fullmatch(token):
            # A 400-digit WNS would be +inf as a float, and count as met.
            values.append(_strict(numbers.parse_real, token, _TIMING_LABELS[i], where))
        elif i not in _NS_FIELDS and _COUNT_RE.fullmatch(token):
            values.append(_strict(numbers.parse_int, token, _TIMING_LABELS[i], where))
        else:
            raise ReportError(
                f"{where}: unexpected {_TIMING_LABELS[i]} value {numbers.shown(token)} "
                "in Design Timing Summary"
            )
    return values


def parse_timing_summary(text: str, source: str = "<text>") -> Timing:
    """Parse the text of a Vivado `report_timing_summary` report."""
    return _parse_timing(_Lines(_check_text(text, source), source), source)


def _parse_timing(lines: "_Lines", source: str) -> Timing:
    header = _read_header(lines, source, "timing")

    values: list | None = None
    verdict: str | None = None
    clocks: tuple[ClockSummary, ...] = ()
    it = iter(lines)
    for line in it:
        if values is None:
            if line.startswith("| Design Timing Summary"):
                values, verdict, pending = _read_design_summary(it, lines, source)
                if pending is not None and pending.startswith("| Clock Summary"):
                    clocks = _read_clock_summary(it, lines, source)
                    break
        elif line.startswith("| Clock Summary"):
            clocks = _read_clock_summary(it, lines, source)
            break  # nothing after the clock summary is needed
        elif line.startswith("| Intra Clock Table"):
            break  # clock summary absent; the per-clock tables are not read
    if values is None:
        raise ReportError(
            f"{source}: no 'Design Timing Summary' block (truncated report?)"
        )
    wns, tns, tns_fail, tns_total, whs, ths, ths_fail, ths_total, wpws, tpws, tpws_fail, tpws_total = values
    return Timing(
        source=source,
        tool_version=_tool_version(header),
        device=header.fields["Device"],
        wns=wns,
        tns=tns,
        whs=whs,
        ths=ths,
        tns_failing_endpoints=tns_fail,
        ths_failing_endpoints=ths_fail,
        wpws=wpws,
        tpws_failing_endpoints=tpws_fail,
        verdict=verdict,
        clocks=clocks,
        tns_total_endpoints=tns_total,
        ths_total_endpoints=ths_total,
        tpws=tpws,
        tpws_total_endpoints=tpws_total,
        design_state=header.fields.get("Design State") or None,
    )


def _read_design_summary(it, lines: _Lines, source: str):
    """Read from after "| Design Timing Summary" to the verdict sentence.

    Returns (values, verdict, the first line of the next block or None).
    """
    header_seen = underline_seen = False
    for line in it:
        stripped = line.strip()
        if not header_seen:
            if "WNS(ns)" in line:
                if not _labels_in_order(line):
                    raise ReportError(
                        f"{source}:{lines.line_no}: Design Timing Summary header does not have the 12 expected columns"
                    )
                header_seen = True
            elif stripped and not stripped.startswith(("| -", "-")):
                break
            continue
        if not underline_seen:
            if stripped.strip("- "):
                raise ReportError(
                    f"{source}:{lines.line_no}: Design Timing Summary header is not followed by its dashed underline"
                )
            underline_seen = True
            continue
        values = _summary_values(line, lines, source)
        verdict = None
        for after in it:
            sentence = after.strip()
            if sentence in _VERDICTS:
                verdict = _VERDICTS[sentence]
                return values, verdict, None
            if after.startswith("|"):
                return values, verdict, after  # the next block began: no verdict printed
        return values, verdict, None
    raise ReportError(
        f"{source}: 'Design Timing Summary' block has no values (truncated report?)"
    )


# A design's clocks number in the tens (hundreds with many generated clocks); the bound keeps
# a hostile report's million-row clock summary from filling memory.
MAX_CLOCKS = 10_000


def _read_clock_summary(it, lines: _Lines, source: str) -> tuple[ClockSummary, ...]:
    clocks: list[ClockSummary] = []
    parents: list[tuple[int, str]] = []  # (indent, name) of the open master clocks
    dashes_seen = False
    for line in it:
        if not dashes_seen:
            # The column underline ("-----   ------------") rather than a block rule.
            if line.startswith("-") and " " in line.strip():
                dashes_seen = True
            elif line.startswith("| Intra Clock Table"):
                break
            continue
        if not line.strip():
            break
        match = _CLOCK_ROW_RE.fullmatch(line)
        if match is None or lines.unterminated:
            continue  # an unrecognised or cut-off row is left out, not guessed at
        indent = len(match.group(1))
        while parents and parents[-1][0] >= indent:
            parents.pop()
        master = parents[-1][1] if parents else None
        name = match.group(2)
        try:
            wave = tuple(numbers.parse_real(x) for x in match.group(3).split())
            period, freq = numbers.parse_real(match.group(4)), numbers.parse_real(match.group(5))
        except numbers.NumberError:
            continue   # like any row hwgen cannot read exactly: left out, not guessed at
        if len(clocks) >= MAX_CLOCKS:
            raise ReportError(f"{source}:{lines.line_no}: Clock Summary lists more than "
                              f"{MAX_CLOCKS} clocks; no design has that many (damaged report?)")
        clocks.append(ClockSummary(name, period, freq, wave, master))
        parents.append((indent, name))
    return tuple(clocks)


def parse_timing_summary_file(path) -> Timing:
    return _parse_file(path, _parse_timing)
