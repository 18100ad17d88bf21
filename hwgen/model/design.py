"""Assemble a Design from a board, a DPU profile, the part data and --set overrides.

Design settings come in layers, each validated where it was written:
built-in defaults < the DPU profile's ``options`` < the board's ``defaults`` < --set.
The merged settings are checked once, and every problem names the layer's own
file:line:column (or the --set argument) and key path.
"""

from __future__ import annotations

import hashlib
import re
import sys

from hwgen.frozen import Memo, by_identity, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hwgen.model import loader
from hwgen.model import records as model
from hwgen import resources
from hwgen.numbers import NumberError
from hwgen.errors import InputError, Mark, Problem
from hwgen.model.schema import Ctx, Rec, Str, did_you_mean, doc_locator, format_mib, lookup, validate

SET_ORIGIN = "--set"


@dataclass(frozen=True)
class InputFile:
    role: str      # "board" | "dpu"
    name: str      # display name, never absolute
    sha256: str


@dataclass(frozen=True)
class Design:
    board: model.Board
    dpu: model.DpuProfile
    part: model.Part
    settings: model.Settings
    inputs: tuple[InputFile, ...]
    overrides: tuple[str, ...]
    origins: dict = field(default_factory=dict, compare=False, hash=False)
    # The parsed board and DPU files ("board"/"dpu" -> loader.Document), so a check made
    # after validation (a port the board lacks) can name file:line:col too.
    documents: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        return self.settings.build.design_name or f"{self.board.name}_dpu"

    def origin(self, dotted: str) -> Mark | None:
        """Where a design setting's value came from (for checks made after validation)."""
        return self.origins.get(dotted)

    def input_mark(self, role: str, path: tuple) -> Mark | None:
        """Where ``path`` (or its nearest existing parent) sits in the ``role`` input file."""
        doc = self.documents.get(role)
        return doc.mark(path) if doc is not None else None


# --------------------------------------------------------------------------- shipped data
def _shipped_path(path: Path) -> Path | None:
    """The resolved path when ``path`` is a shipped board or DPU file, else None."""
    shipped_dirs = (resources.data_dir("boards"), resources.data_dir("dpus"))
    if path.parent in shipped_dirs:
        return path  # from resources.shipped(): already resolved
    try:
        resolved = path.resolve()
        if resolved.parent in shipped_dirs:
            return resolved
    except OSError:
        pass
    return None


@lru_cache(maxsize=None)
def parts() -> dict[str, model.Part]:
    path = resources.data_dir("parts") / "parts.yaml"
    doc, _ = loader.load_file(path, "parts/parts.yaml")
    schema = Rec(dict, parts=model.Field(model.Seq(model.PART_SCHEMA, 1, 500)))
    table = validate(schema, doc.data, Ctx(doc_locator(doc)))
    return {p.name: p for p in table["parts"]}


# xc7z020clg400-1 → xc7z020, xczu7ev-ffvc1156-2-e → xczu7, xck26-sfvc784-2LV-c → xck26.
# The single-core S devices (xc7z007sclg225-1 → xc7z007s) end in an "s" that a package may
# also begin with (xc7z030sbg485-1 → xc7z030, package SBG485): the "s" belongs to the device
# only when a whole three-letter package code and its pin count follow it (DS190 "Ordering
# Information": device, then package CLG/SBG/FBG/FFG and pin count, then speed grade).
_DEVICE_RE = re.compile(r"(xc7z\d{3}(?:s(?=[a-z]{3}\d))?|xczu\d+|xck\d+)")


def part_for(part: str) -> model.Part | None:
    """Capacity row for a full part name: xc7z020clg400-1 → xc7z020."""
    m = _DEVICE_RE.match(part.lower())
    return parts().get(m.group(1)) if m else None


def _resolve(kind: str, ref: str, mark: Mark | None, path: str) -> Path:
    """A shipped name ('pynq_z2', 'B512') or a path to a user's YAML file."""
    if resources.is_file_ref(ref):
        name = Path(ref).name
        if not name.isprintable() or "\\" in name or "*/" in name:
            # The file's name is recorded in every generated header (Tcl, DTS and Kconfig
            # comments), where a backslash or a line break would end or continue the comment.
            raise InputError(Problem(mark, path, f"expected a YAML file name without "
                                     f"backslashes or control characters, got {name!r}"))
        return Path(ref)
    table = resources.shipped(kind)
    if ref.lower() in table:
        return table[ref.lower()]
    elsewhere = (", a board in HWGEN_BOARD_PATH or a Vivado board store (by name or "
                 "VENDOR:NAME:part0:VERSION)" if kind == "boards" else "")
    raise InputError(Problem(mark, path, f"expected one of the shipped {kind} ({', '.join(table)})"
                             f"{elsewhere} or a path to a .yaml file, got {ref!r}"
                             f"{did_you_mean(ref.lower(), table)}"))


# --------------------------------------------------------------------------- --set
_SET_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)=(.*)", re.S)


def _all_keys(spec: Rec, prefix: str = "") -> list[str]:
    out = []
    for name, f in spec.fields.items():
        if isinstance(f.spec, Rec):
            out += _all_keys(f.spec, prefix + name + ".")
        else:
            out.append(prefix + name)
    return out


def _scalar(text: str) -> Any:
    """A --set value read by YAML's scalar rules (125 → int, true → bool, 512M → str)."""
    import yaml     # only for --set: a command without it loads no YAML parser

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    try:
        return loader._CONVERT.get(tag, loader._CONVERT[loader._STD + "str"])(text)
    except NumberError:
        # Not the number its form suggested ('0x_', 5,000 digits, '1:30'): the schema
        # then says what the setting expects and shows the text as typed.
        return text


def parse_sets(items: tuple[str, ...] | list[str]) -> list[tuple[tuple[str, ...], Any, Mark]]:
    """Each --set argument as (key path, value, where it was given); every problem at once."""
    parsed = [_parsed_set(item) if type(item) is str else None for item in items]
    if None not in parsed:
        return parsed
    return _parse_sets(items)


def _parse_sets(items) -> list[tuple[tuple[str, ...], Any, Mark]]:
    problems, out = [], []
    for item in items:
        mark = Mark(f"{SET_ORIGIN} {item}" if len(item) <= 80 else f"{SET_ORIGIN} {item[:77]}...")
        if not item.isprintable():
            # A value such as "256M\n" would parse (sizes ignore blanks), and the argument
            # is recorded verbatim in every generated file's header.
            problems.append(Problem(mark, "", f"expected KEY=VALUE without control characters "
                                              f"(newline, tab, NUL, invisible or "
                                              f"bidirectional controls), got {item[:60]!r}"))
            continue
        m = _SET_RE.fullmatch(item)
        if not m:
            problems.append(Problem(mark, "", "expected KEY=VALUE with a dotted key, "
                                              "e.g. --set linux.cma=128M"))
            continue
        key, value = m.group(1), m.group(2)
        path = tuple(key.split("."))
        spec = lookup(model.SETTINGS_SCHEMA, path)
        if spec is None:
            hint = did_you_mean(key, _all_keys(model.SETTINGS_SCHEMA))
            problems.append(Problem(mark, key, f"unknown setting{hint}"))
            continue
        if isinstance(spec, Rec):
            problems.append(Problem(mark, key, f"is a section; set one of its keys "
                                               f"({', '.join(spec.fields)})"))
            continue
        # A text setting takes the argument as typed: YAML's scalar rules would make
        # design_name=on a boolean and bd_name=null nothing, with no way to quote them.
        out.append((path, value if isinstance(spec, Str) else _scalar(value), mark))
    if problems:
        raise InputError(problems)
    return out


_IMMUTABLE = (str, int, float, bool, type(None))


# One --set argument as parse_sets reads it, remembered per argument text: a sweep passes the
# same few arguments to every design. Only an argument that parses to an immutable value is
# remembered (a list or mapping is the caller's to keep); one with a problem is None, and
# parse_sets reads it again to report it.
@lru_cache(maxsize=256)
def _parsed_set(item: str) -> tuple[tuple[str, ...], Any, Mark] | None:
    try:
        (parsed,) = _parse_sets([item])
    except InputError:
        return None
    return parsed if type(parsed[1]) in _IMMUTABLE else None


# --------------------------------------------------------------------------- layers
class _Layers:
    """Deep-merges raw setting layers and remembers which layer set each path."""

    def __init__(self):
        self.data: dict = {}
        self.origin: dict[tuple, tuple[Mark | None, str]] = {}
        self.key_origin: dict[tuple, tuple[Mark | None, str]] = {}
        self._joined: dict | None = None    # origins() of the layers copied (copy())
        self._set: list[tuple] = []         # the paths set() wrote since, in order

    def add(self, raw: dict, locate, section: tuple | None = None):
        """Merge ``raw`` over the lower layers; every key in it is now this layer's.

        ``section``: (the parsed file, the section of it ``raw`` holds, which one) when
        ``locate`` reads that file alone: where each key sits is then looked up once per
        section of that file object, not once per design."""
        if section is None:
            self._mark(raw, (), locate)
        else:
            origin, key_origin = _section_marks(section, raw, locate)
            self.origin.update(origin)
            self.key_origin.update(key_origin)
        _merge(raw, self.data)

    def _mark(self, v, path, locate):
        if isinstance(v, dict):
            for k, x in v.items():
                self.origin[path + (k,)] = locate(path + (k,))
                self.key_origin[path + (k,)] = locate(path + (k,), True)
                self._mark(x, path + (k,), locate)

    def set(self, path, value, mark: Mark):
        d = self.data
        for i, k in enumerate(path[:-1]):
            if k in d and not isinstance(d[k], dict):
                # A lower layer wrote a scalar where this section goes (defaults: {dpu: 5});
                # replacing it would silently drop the mistake.
                where, shown = self.locate(path[:i + 1])
                raise InputError(Problem(where, shown, f"expected a mapping, got "
                                                       f"{loader.describe(d[k])}"))
            # A copy of the section written into: the lower layers' mappings may be shared
            # with other designs (copy()).
            d[k] = d = dict(d.get(k, ()))
        d[path[-1]] = value
        for i in range(1, len(path) + 1):
            self.origin[path[:i]] = self.key_origin[path[:i]] = (mark, ".".join(path[:i]))
        self._set.append(path)

    def copy(self) -> "_Layers":
        """These layers for one more layer on top: set() copies what it writes into, so the
        mappings below stay as they are for the next copy."""
        out = _Layers()
        out.data, out.origin, out.key_origin = dict(self.data), dict(self.origin), dict(self.key_origin)
        out._joined = self.origins()
        return out

    def origins(self) -> dict[str, Mark | None]:
        """Where each dotted setting was set, in the order the layers first set it."""
        if self._joined is None:
            return {".".join(p): m for p, (m, _) in self.origin.items()}
        out = dict(self._joined)
        for path in self._set:
            for i in range(1, len(path) + 1):
                out[".".join(path[:i])] = self.origin[path[:i]][0]
        return out

    def locate(self, path, at_key=False):
        if at_key and tuple(path) in self.key_origin:
            return self.key_origin[tuple(path)]
        p = tuple(path)
        while p and p not in self.origin:
            p = p[:-1]
        mark, shown = self.origin.get(p, (None, ""))
        if p != tuple(path):
            shown = ".".join(filter(None, [shown] + [str(x) for x in path[len(p):]]))
        return mark, shown


# (ids of the file's Document and of its section, which section) -> (the Document, the
# section, origins): shipped files are parsed once per process and never change
# (loader.Document), so where a section's keys sit is the same for every design that reads
# them. The entry holds both objects, so their ids name no other object while it exists.
_SECTION_MARKS = Memo(64)


def _section_marks(section: tuple, raw: dict, locate) -> tuple[dict, dict]:
    doc, part, name = section
    key = (id(doc), id(part), name)
    hit = _SECTION_MARKS.get(key)
    if hit is not None and hit[0] is doc and hit[1] is part:
        return hit[2], hit[3]
    layer = _Layers()
    layer._mark(raw, (), locate)
    _SECTION_MARKS.keep(key, (doc, part, layer.origin, layer.key_origin))
    return layer.origin, layer.key_origin


def _merge(src: dict, dst: dict) -> None:
    """Deep-merge ``src`` into ``dst``: mappings merge, anything else replaces (copied)."""
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            _merge(v, dst[k])
        else:
            dst[k] = _copy(v)


def _copy(v):
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


_OPTION_KEYS = ("ram_usage", "dsp_usage", "channel_augmentation", "leaky_relu",
                "softmax", "cores", "alu_parallel", "alu_leaky_relu", "save_argmax", "uram")


def _section(doc: loader.Document, key: str) -> dict:
    raw = doc.data.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(Problem(doc.mark((key,)), key,
                                 f"expected a mapping, got {loader.describe(raw)}"))
    return raw


def board_default_dpu(board_doc: loader.Document):
    """The DPU profile a board's ``defaults.dpu.profile`` names, else the built-in default."""
    dpu = _section(board_doc, "defaults").get("dpu")
    return dpu.get("profile", model.DEFAULT_DPU) if isinstance(dpu, dict) else model.DEFAULT_DPU


# --------------------------------------------------------------------------- entry point
def load_board(ref: str, mark: Mark | None = None, path: str = "--board"):
    if not resources.is_file_ref(ref):
        found = _shipped_named("boards", ref.lower())
        if found is not None:
            return found
    if not resources.is_file_ref(ref) and ref.lower() not in resources.shipped("boards"):
        # Not one of hwgen's own: a board YAML in HWGEN_BOARD_PATH, or Vivado board files
        # in a board store, by name or board_part (boardstore.py says where it looks).
        from hwgen.model import boardstore

        found, note = boardstore.find(ref)
        if note:
            # The one message a lookup prints: which of several revisions it took.
            sys.stderr.write(f"hwgen: {note}\n")
        if found is not None and found.kind == "yaml":
            return _board(found.path, str(found.path))
        if found is not None:
            return _board_files(found.path)
    file = _resolve("boards", ref, mark, path)
    shipped = _shipped_path(file)
    return _board_shipped(shipped) if shipped is not None else _board(file, str(file))


def load_dpu(ref: str, mark: Mark | None = None, path: str = "--dpu"):
    if mark is None and not resources.is_file_ref(ref):
        found = _shipped_named("dpus", ref.lower())
        if found is not None:
            return found
    file = _resolve("dpus", ref, mark, path)
    if mark is not None:
        # Named by a setting (--set dpu.profile, a board's defaults): say which one.
        try:
            why = "" if file.is_file() else "a directory" if file.is_dir() else "no such file"
        except OSError as exc:   # a name too long for the file system, a folder we may not read
            why = exc.strerror or "cannot read"
        if why:
            raise InputError(Problem(mark, path, f"expected a shipped DPU name or a .yaml file, "
                                                 f"got {ref!r}: {why}"))
    shipped = _shipped_path(file)
    return _dpu_shipped(shipped) if shipped is not None else _dpu(file, str(file))


# A shipped board or DPU by its name, as load_board and load_dpu find it (the name resolves to
# the shipped file, read once: _board_shipped, _dpu_shipped), or None for a name that is not
# shipped. The installation does not change while hwgen runs (resources._shipped_files), and a
# sweep names the same few files for every design: resolving the path each time was a tenth of
# loading a design. A file that fails to load raises, and is not remembered. Bounded: a
# process asked for ever new names (each not shipped) keeps only the recent answers.
@lru_cache(maxsize=64)
def _shipped_named(kind: str, name: str):
    file = resources.shipped(kind).get(name)
    shipped = _shipped_path(file) if file is not None else None
    if shipped is None:
        return None
    return _board_shipped(shipped) if kind == "boards" else _dpu_shipped(shipped)


# Shipped files are parsed and validated once per process (the models are frozen; the
# Documents are only read), so a sweep of hundreds of designs pays for its settings only.
# Messages name a shipped file as boards/pynq_z2.yaml, a user's file as given.
@lru_cache(maxsize=None)
def _board_shipped(file: Path):
    return _board(file, resources.display_name(file))


@lru_cache(maxsize=None)
def _dpu_shipped(file: Path):
    return _dpu(file, resources.display_name(file))


@lru_cache(maxsize=None)
def _board_files(folder: Path):
    """A board from Vivado board files, through the same importer as `hwgen board import`:
    the design is byte-identical to one built from the YAML it writes (named <name>.yaml)."""
    from hwgen.model.boardfiles import import_board

    imported = import_board(folder)
    name = f"{imported.name}.yaml"
    doc = loader.load_text(imported.text, name)
    return _board_doc(doc, imported.text.encode("utf-8"), name)


def _board(file: Path, source: str):
    doc, raw = loader.load_file(file, source)
    return _board_doc(doc, raw, resources.display_name(file))


def _board_doc(doc: loader.Document, raw: bytes, name: str):
    body = {k: v for k, v in doc.data.items() if k != "defaults"}
    board = validate(model.BOARD_SCHEMA, body, Ctx(doc_locator(doc)))
    _check_board(board, doc)
    return board, doc, raw, name


def _dpu(file: Path, source: str):
    doc, raw = loader.load_file(file, source)
    body = {k: v for k, v in doc.data.items() if k != "options"}
    profile = validate(model.DPU_SCHEMA, body, Ctx(doc_locator(doc)))
    options = _section(doc, "options")
    problems = [Problem(doc.mark(("options", k)), f"options.{k}",
                        f"unknown option (options are: {', '.join(_OPTION_KEYS)})")
                for k in options if k not in _OPTION_KEYS]
    for name, _ in profile.connect:
        if name not in profile.interfaces.data + (profile.interfaces.instr,):
            problems.append(Problem(doc.mark(("connect", name)), f"connect.{name}",
                                    "not one of the profile's data or instruction interfaces"))
    masters = profile.interfaces.data + (profile.interfaces.instr,)
    missing = [m for m in masters if m not in dict(profile.connect)]
    if missing and not problems:   # a misspelt connect key already explains the missing master
        problems.append(Problem(doc.mark(("connect",)), "connect",
                                f"expected a PS port for every DPU master, missing {', '.join(missing)}"))
    if problems:
        raise InputError(problems)
    return profile, doc, raw, resources.display_name(file)


def _preset_path(board: model.Board, doc: loader.Document, name: str) -> tuple:
    """The key path of the preset entry that sets ``name`` last (the value Vivado ends with)."""
    raw = doc.data.get("ps", {}).get("preset")
    if isinstance(raw, dict):
        return ("ps", "preset", name)
    for i in reversed(range(len(board.ps.preset))):
        if name in dict(board.ps.preset[i]):
            return ("ps", "preset", i, name)
    return ("ps", "preset")


def _check_board(board: model.Board, doc: loader.Document):
    from hwgen.model.family import load_family, pll_problems

    family = load_family(board.ps.family)
    problems = [Problem(doc.mark(_preset_path(board, doc, path[2]) if path[1] == "preset" else path[:2]),
                        loader.dotted(path), text)
                for path, text in pll_problems(family, board.ps)]
    # The reference clock against the preset: _check_against_preset (both places named).
    try:
        family.ddr_regions(board.ddr.base, board.ddr.size)
    except ValueError as exc:
        problems.append(Problem(doc.mark(("ddr", "size")), "ddr.size", str(exc)))
    if part_for(board.part) is None:
        problems.append(Problem(doc.mark(("part",)), "part",
                                f"no capacity data for {board.part!r} (known devices: "
                                f"{', '.join(parts())})"))
    if board.ddr.base % (1 << 20):
        problems.append(Problem(doc.mark(("ddr", "base")), "ddr.base", "expected a 1 MiB aligned address"))
    if problems:
        raise InputError(problems)
    _check_against_preset(board, doc)


def _check_against_preset(board: model.Board, doc: loader.Document):
    """What the YAML says about the board agrees with what its PS preset makes Vivado do.

    Each disagreement names both places: the YAML key and the preset entry.
    """
    from hwgen.model.boardfact import facts_module

    fam = facts_module(board.ps.family)
    flat = board.ps.effective
    builtin = flat.get(fam.BUILTIN)

    try:
        facts = fam.derive(flat, board.part, builtin, board.console.uart,
                           board.sd.controller if board.sd else None, board.ddr.size)
    except fam.FactError as exc:
        path = _preset_path(board, doc, exc.param) if exc.param else ("ps", "preset")
        key = tuple(exc.overlay.split(".")) if exc.overlay else None
        if key and doc.mark(key) != doc.mark(()) and key in doc.marks:
            # the YAML names a choice the preset contradicts: report it there, and where the
            # preset says otherwise
            raise InputError(Problem(doc.mark(key), loader.dotted(key),
                                     f"{exc}: ps.preset.{exc.param} at {doc.mark(path)}")) from None
        hint = (f" (in the board YAML: {exc.overlay})" if exc.overlay else "")
        raise InputError(Problem(doc.mark(path), loader.dotted(path), f"{exc}{hint}")) from None
    problems = []

    def differs(path, got, want, fact, param):
        if got == want:
            return
        source = (f"ps.preset.{param} at {doc.mark(_preset_path(board, doc, param))}"
                  if param in flat else fact.source)
        problems.append(Problem(doc.mark(path), loader.dotted(path),
                                f"expected {want} as {source} makes it, got {got}"))

    if fam.HIGHADDR in flat or fam.PARTNO in flat:
        differs(("ddr", "size"), format_mib(board.ddr.size), format_mib(facts.ddr_size.value),
                facts.ddr_size, fam.HIGHADDR if fam.HIGHADDR in flat else fam.PARTNO)
    differs(("ddr", "bus_width"), board.ddr.bus_width, facts.bus_width.value, facts.bus_width,
            fam.BUS_WIDTH)
    if abs(board.ps.crystal_mhz - facts.crystal_mhz.value) > 1e-6:
        differs(("ps", "crystal_mhz"), f"{board.ps.crystal_mhz:.8g} MHz",
                f"{facts.crystal_mhz.value:.8g} MHz", facts.crystal_mhz, fam.CRYSTAL)
    for key in model.FBDIV:
        yaml_value = getattr(board.ps.pll_fbdiv, key)
        if yaml_value is not None and board.ps.preset_value(model.FBDIV[key]) is not None:
            differs(("ps", "pll_fbdiv", key), yaml_value, facts.fbdiv[key].value, facts.fbdiv[key],
                    model.FBDIV[key])
    if problems:
        raise InputError(problems)


# The two file layers (the DPU profile's options under the board's defaults) by which
# documents and sections they are: shipped files are parsed once per process and never
# change, so a sweep merges each board and DPU pair once and every design copies it (copy():
# the mappings are shared, set() copies what it writes into). A user's file is a new
# Document each time, met once.
@by_identity(maxsize=64)
def _file_layers(dpu_doc, options: dict, board_doc, defaults: dict) -> _Layers:
    layers = _Layers()
    layers.add({"dpu": options}, lambda p, key=False: doc_locator(dpu_doc, ("options",))(p[1:], key),
               (dpu_doc, options, "options"))
    layers.add(defaults, doc_locator(board_doc, ("defaults",)), (board_doc, defaults, "defaults"))
    return layers


@by_identity()    # the bytes of a shipped file, read once per process and shared by its designs
def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_design(board: str | None = None, dpu: str | None = None,
                sets: tuple[str, ...] | list[str] = ()) -> Design:
    """Validate everything and return the Design, or raise InputError with every problem."""
    overrides = parse_sets(sets)
    board_model, board_doc, board_raw, board_name = load_board(board or "pynq_z2")
    defaults = _section(board_doc, "defaults")

    set_profile = [(v, m) for p, v, m in overrides if p == ("dpu", "profile")]
    if dpu is not None:
        dpu_ref, dpu_mark, dpu_path = dpu, None, "--dpu"
    elif set_profile:
        dpu_ref, dpu_mark = set_profile[-1]
        dpu_path = "dpu.profile"
    else:
        dpu_ref = board_default_dpu(board_doc)
        dpu_mark, dpu_path = board_doc.mark(("defaults", "dpu", "profile")), "defaults.dpu.profile"
    if not isinstance(dpu_ref, str):
        raise InputError(Problem(dpu_mark, dpu_path, f"expected a DPU profile name or path, "
                                                     f"got {loader.describe(dpu_ref)}"))
    profile, dpu_doc, dpu_raw, dpu_name = load_dpu(dpu_ref, dpu_mark, dpu_path)

    layers = _file_layers(dpu_doc, _section(dpu_doc, "options"), board_doc, defaults).copy()
    for path, value, mark in overrides:
        layers.set(path, value, mark)
    layers.set(("dpu", "profile"), dpu_ref, dpu_mark or Mark("--dpu"))
    settings = validate(model.SETTINGS_SCHEMA, layers.data, Ctx(layers.locate))

    origins = layers.origins()
    inputs = (
        InputFile("board", board_name, _sha256(board_raw)),
        InputFile("dpu", dpu_name, _sha256(dpu_raw)),
    )
    return Design(board=board_model, dpu=profile, part=part_for(board_model.part), settings=settings,
                  inputs=inputs, overrides=tuple(sets), origins=origins,
                  documents={"board": board_doc, "dpu": dpu_doc})
