"""YAML → plain Python values plus the position of every key and value.

PyYAML's own loaders silently keep the last of two duplicate keys, construct
arbitrary tags and expand aliases without limit. hwgen inputs are small,
hand-written hardware descriptions, so this loader composes the node graph
itself and refuses everything a hardware description never needs: duplicate
keys, non-standard tags, non-string keys, more than one document, oversized
files, alias expansion beyond a node budget, and deep nesting.
"""

from __future__ import annotations

import re
from hwgen.frozen import dataclass, field
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import Any

from hwgen import numbers
from hwgen.inputfile import ReadRefused, read_regular
from hwgen.errors import InputError, Mark, Problem

MAX_FILE_BYTES = 1 << 20  # the largest shipped file is ~10 KiB; 1 MiB leaves room and stays prompt
MAX_NODES = 20_000  # counted after alias expansion: stops "billion laughs"
MAX_DEPTH = 32

Path_ = tuple  # a key path: ("ps", "ports", "hp0", "width")

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: its data and where each key path sits in the file (read only:
    shipped Documents are shared by every design of a process)."""

    source: str
    data: Any
    marks: dict = field(default_factory=dict)  # key path → Mark of the value
    key_marks: dict = field(default_factory=dict)  # key path → Mark of the key

    def mark(self, path: Path_) -> Mark:
        """Position of ``path``'s value, or of the nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(self.source, 1, 1))


def _mark(source: str, m) -> Mark:
    return Mark(source, m.line + 1, m.column + 1)


def _offset_mark(source: str, text: str, offset: int) -> Mark:
    line = text.count("\n", 0, offset)
    return Mark(source, line + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


# A user's file is read through libyaml's events only when it holds none of the characters
# where libyaml and PyYAML's pure-Python scanner part ways (found by fuzzing both on mutated
# board files, tests/test_fuzz.py): libyaml takes a tab after "key:", a byte-order mark
# mid-file and "|#" as a block scalar that PyYAML refuses. Tags, anchors, aliases,
# directives, block scalars, carriage returns, other line breaks and control characters
# never appear in a hardware description; a file with any of them takes the pure-Python
# path whole.
_EVENTS_SAFE = re.compile(r"[^\t\ufeff!&*%\r\x85\u2028\u2029|>\x00-\x08\x0b-\x1f\x7f-\x9f]*")


# PyYAML is imported when a file is parsed, not with this module: an installed hwgen reads
# its shipped data from compiled modules (below), so `hwgen check` of a shipped design
# parses no YAML and never loads PyYAML (about 10 ms of the process). The parser classes
# are made with it (``_define_parsers``); reading one of them as a module attribute
# (``loader._EVENTS``) makes them too.
_PARSER_NAMES = ("yaml", "_SafeLoader", "_FastLoader", "_CParser", "_EVENTS")


def __getattr__(name):
    if name in _PARSER_NAMES:
        _define_parsers()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _define_parsers() -> None:
    """Import PyYAML and make the parser classes, once (a name already set, by a test, stays)."""
    if "_SafeLoader" in globals():
        return
    import yaml

    class _DepthLimited:
        """The composer recurses once per nesting level; it stops at MAX_DEPTH with the position
        of the node that goes too deep, long before Python's recursion limit would."""

        _depth = 0

        def compose_node(self, parent, index):
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH + 1:
                    raise _TooDeep(self.peek_event().start_mark)
                return yaml.composer.Composer.compose_node(self, parent, index)
            finally:
                self._depth -= 1

    class _SafeLoader(_DepthLimited, yaml.SafeLoader):
        """Composes nodes only; construction is done by ``_Builder`` below."""

    # libyaml's composer (when PyYAML was built with it) makes the same node graph about ten
    # times faster than the pure-Python one: ~0.3 ms instead of ~4 ms per shipped file, and
    # a build reads five. It is used for hwgen's own shipped data only: PyYAML's C composer
    # recurses without a depth limit, so a hostile file nested 100,000 levels deep crashes
    # the interpreter instead of raising an error. Users' files always take the pure-Python
    # path, and so does any shipped file libyaml does not accept cleanly, so every message
    # about a broken file comes from one parser.
    _FastLoader = getattr(yaml, "CSafeLoader", None)

    try:
        from yaml.cyaml import CParser as _CParser
    except ImportError:          # PyYAML built without libyaml: the pure-Python parser only
        _CParser = None

    _EVENTS = None
    if _CParser is not None:
        class _EventLoader(_DepthLimited, _CParser, yaml.composer.Composer, yaml.resolver.Resolver):
            """libyaml's scanner and parser (a state machine with its own stacks, no recursion)
            for the events. A plain file is built from them by ``_events_document``; anything
            else is composed into nodes here one level at a time, so the depth limit holds,
            and built by ``_Builder``, which says what is wrong with it. Any failure of
            libyaml goes back to the pure-Python parser (load_text), so every message about a
            broken file still comes from one parser.
            """

            def __init__(self, stream):
                _CParser.__init__(self, stream)
                yaml.composer.Composer.__init__(self)
                yaml.resolver.Resolver.__init__(self)

            # the composer's (depth-limited above), not libyaml's recursive one
            check_node = yaml.composer.Composer.check_node
            get_node = yaml.composer.Composer.get_node

        _EVENTS = _EventLoader


    for name, value in (("yaml", yaml), ("_FastLoader", _FastLoader), ("_CParser", _CParser),
                        ("_EVENTS", _EVENTS), ("_SafeLoader", _SafeLoader)):
        globals().setdefault(name, value)


class _Fallback(Exception):
    """The events hold something beyond plain data, which the node graph reads or reports: a
    tag, an anchor, an alias, a duplicate or non-string key, a bad number, too deep or too
    big, not exactly one mapping document."""


_NO_KEY = object()


def _events_document(text: str, source: str) -> Document:
    """The Document of a user's file built straight from libyaml's events: one pass, no
    node graph, no second walk. A board file the size of pynq_z2.yaml is read in ~3.5 ms
    instead of ~7 (events composed into nodes, then built): the same data and positions as
    ``_Builder`` gives (tests/test_fuzz.py holds the two paths to each other). It handles
    only what a hardware description holds, plain mappings, lists and scalars, and raises
    ``_Fallback`` at anything else, so every refusal and its message comes from ``_Builder``."""
    ev = yaml.events
    mapping_start, sequence_start, scalar = ev.MappingStartEvent, ev.SequenceStartEvent, ev.ScalarEvent
    ends = (ev.MappingEndEvent, ev.SequenceEndEvent)
    str_tag = _STD + "str"
    parser = _EVENTS(text)
    try:
        # A plain scalar whose first character starts none of the resolver's patterns (most
        # keys and names) is a string without asking the resolver: the same answer, a third
        # less time on a board file.
        implicit = parser.yaml_implicit_resolvers
        if None in implicit or parser.yaml_path_resolvers:
            raise _Fallback
        get, resolve = parser.get_event, parser.resolve
        if type(get()) is not ev.StreamStartEvent or type(get()) is not ev.DocumentStartEvent:
            raise _Fallback
        e = get()
        if type(e) is not mapping_start or e.tag is not None or e.anchor is not None:
            raise _Fallback
        root: dict = {}
        marks = {(): Mark(source, e.start_mark.line + 1, e.start_mark.column + 1)}
        key_marks: dict = {}
        nodes = 1
        # frames: [container, its path, is a mapping, the key awaiting its value, next index]
        stack = [[root, (), True, _NO_KEY, 0]]
        while stack:
            e = get()
            t = type(e)
            if t in ends:
                stack.pop()
                continue
            frame = stack[-1]
            cont, path, is_map = frame[0], frame[1], frame[2]
            if t is not scalar and t is not mapping_start and t is not sequence_start \
                    or e.tag is not None or e.anchor is not None:
                raise _Fallback
            m = e.start_mark
            if is_map and frame[3] is _NO_KEY:
                if t is not scalar or e.value in cont or e.implicit[0] and e.value[:1] in implicit \
                        and resolve(yaml.ScalarNode, e.value, e.implicit) != str_tag:
                    raise _Fallback
                frame[3] = e.value
                key_marks[path + (e.value,)] = Mark(source, m.line + 1, m.column + 1)
                continue
            if is_map:
                key, frame[3] = frame[3], _NO_KEY
            else:
                key = frame[4]
                frame[4] += 1
            vpath = path + (key,)
            nodes += 1
            if nodes > MAX_NODES or len(stack) >= MAX_DEPTH:
                raise _Fallback
            marks[vpath] = Mark(source, m.line + 1, m.column + 1)
            if t is scalar:
                value = e.value
                if e.implicit[0] and value[:1] in implicit:
                    convert = _CONVERT.get(resolve(yaml.ScalarNode, value, e.implicit))
                    if convert is None:
                        raise _Fallback
                    try:
                        value = convert(value)
                    except numbers.NumberError:
                        raise _Fallback from None
            else:
                value = {} if t is mapping_start else []
                stack.append([value, vpath, t is mapping_start, _NO_KEY, 0])
            if is_map:
                cont[key] = value
            else:
                cont.append(value)
        if type(get()) is not ev.DocumentEndEvent or type(get()) is not ev.StreamEndEvent:
            raise _Fallback
    finally:
        parser.dispose()
    return Document(source, root, marks, key_marks)


# Scalars are converted by hwgen.numbers, the one strict number parser: ASCII digits,
# bounded length, finite. PyYAML's own constructors crash on '!!bool maybe' (KeyError),
# take 5,000 digits and make '1e400' an infinity. By resolved tag, from the scalar's text.
_CONVERT = {
    _STD + "str": lambda v: v,
    _STD + "int": numbers.yaml_int,
    _STD + "float": numbers.yaml_float,
    _STD + "bool": numbers.yaml_bool,
    _STD + "null": lambda v: None,
}


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.marks: dict = {}
        self.key_marks: dict = {}
        self.nodes = 0

    def fail(self, node, path, message):
        raise InputError(Problem(_mark(self.source, node.start_mark), _dotted(path), message))

    def build(self, node, path: Path_, depth: int = 0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(node, path, f"document expands to more than {MAX_NODES} nodes "
                      "(alias expansion?); hwgen inputs are small hand-written files")
        if depth > MAX_DEPTH:
            self.fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
        self.marks[path] = _mark(self.source, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _STD + "map":
                self.fail(node, path, f"unsupported tag {node.tag!r}")
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                self.fail(node, path, f"unsupported tag {node.tag!r}")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, path, f"unsupported tag {node.tag!r} (only plain YAML values are allowed)")
        try:
            return _CONVERT[node.tag](node.value)
        except numbers.NumberError as exc:
            self.fail(node, path, str(exc))

    def _mapping(self, node, path, depth):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                self.fail(key_node, path, "merge keys ('<<') are not supported")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STD + "str":
                self.fail(key_node, path, f"keys must be plain strings, got {key_node.value!r}"
                          if isinstance(key_node, yaml.ScalarNode) else "keys must be plain strings")
            key = key_node.value
            if key in out:
                first = self.key_marks[path + (key,)]
                self.fail(key_node, path + (key,),
                          f"duplicate key (first defined at line {first.line})")
            self.key_marks[path + (key,)] = _mark(self.source, key_node.start_mark)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted


def load_text(text: str, source: str, *, shipped: bool = False) -> Document:
    """Parse one YAML document from ``text``; ``source`` names it in messages.

    ``shipped`` marks hwgen's own data files, which may be composed by libyaml.
    """
    _define_parsers()
    if "\x00" in text:
        raise InputError(Problem(_offset_mark(source, text, text.index("\x00")), "",
                                 "file contains NUL bytes; not a YAML text file"))
    node = None
    fast = _FastLoader if shipped else None
    if not shipped and _EVENTS is not None and _EVENTS_SAFE.fullmatch(text):
        try:
            return _events_document(text, source)
        except _Fallback:
            fast = _EVENTS   # beyond plain data: its node graph, built below, says what
        except Exception:   # noqa: BLE001 - libyaml refused it: the pure-Python parser says how
            pass
    if fast is not None:
        try:
            node = _compose(fast, text, source)
        except Exception:   # noqa: BLE001 - whatever it is, the pure-Python parser says it
            node = None
    if node is None:
        node = _compose(_SafeLoader, text, source)
    builder = _Builder(source)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise InputError(Problem(Mark(source), "", f"nested deeper than {MAX_DEPTH} levels")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(_mark(source, node.start_mark), "",
                                 f"expected a YAML mapping at the top, got {_kind(data)}"))
    return Document(source, data, builder.marks, builder.key_marks)


def _compose(loader_class, text: str, source: str):
    """The one document's root node; InputError for no document, several, or bad YAML."""
    try:
        loader = loader_class(text)   # the reader refuses control characters right here
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(Problem(_offset_mark(source, text, exc.position), "",
                                 f"malformed YAML: character U+{code:04X} ({exc.reason})")) from None
    try:
        try:
            if not loader.check_node():
                raise InputError(Problem(Mark(source), "", "file is empty; expected a YAML mapping"))
            node = loader.get_node()
            if loader.check_node():
                extra = loader.get_node()
                raise InputError(Problem(_mark(source, extra.start_mark), "",
                                         "more than one YAML document; hwgen reads exactly one"))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        where = _mark(source, m) if m else Mark(source)
        what = exc.problem or exc.context or "malformed YAML"
        raise InputError(Problem(where, "", f"malformed YAML: {what}")) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(Mark(source), "", f"malformed YAML: {exc}")) from None
    except _TooDeep as exc:
        raise InputError(Problem(_mark(source, exc.mark), "",
                                 f"nested deeper than {MAX_DEPTH} levels")) from None
    except RecursionError:
        raise InputError(Problem(Mark(source), "", f"nested deeper than {MAX_DEPTH} levels")) from None
    if node is None:
        raise InputError(Problem(Mark(source), "", "file is empty; expected a YAML mapping"))
    return node


def load_file(path: Path, source: str | None = None) -> tuple[Document, bytes]:
    """Read and parse ``path``; returns the document and the raw bytes (for hashing)."""
    source = source or str(path)
    try:
        # Bounded by bytes actually read and refused unless a regular file: /dev/zero,
        # a link to it or a FIFO named board.yaml would otherwise never end.
        raw = read_regular(path, MAX_FILE_BYTES, "a YAML file")
    except ReadRefused as exc:
        raise InputError(Problem(Mark(source), "", str(exc))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(Problem(Mark(source, line, 1), "",
                                 f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if _is_shipped(path):
        doc = compiled_document(path, raw, source)
        if doc is not None:
            return doc, raw
        return load_text(text, source, shipped=True), raw
    return load_text(text, source), raw


# --------------------------------------------------------------------------- compiled data
# The wheel carries every shipped YAML file already loaded: a Python module per file (in
# <kind>/_compiled/, written by the build hook in setup.py through ``compile_shipped``)
# holding the Document's data and marks, with the sha256 of the source bytes it was made
# from. pip byte-compiles the modules, so loading one is unmarshalling constants: ~0.3 ms
# instead of ~6 ms for boards/pynq_z2.yaml (libyaml's composer plus the checks above).
# A module is used only while its digest matches the file beside it and its format is
# this loader's (an edited installation, a source checkout or an editable install parse
# the source, as if nothing had been compiled). Nothing is written at run time.
COMPILED_DIR = "_compiled"
_COMPILED_FORMAT = 1   # bump when what load_text makes of a file changes shape


def _compiled_module(path: Path) -> Path:
    return path.parent / COMPILED_DIR / f"{path.stem}.py"


def compile_shipped(folder: Path) -> list[Path]:
    """Write ``folder/_compiled/<stem>.py`` for every ``*.yaml`` in ``folder`` (the build hook).

    Each module is what ``load_file`` makes of the file (data, marks, key marks; a mark as
    (line, column), its source named at run time). A file that does not load stops the
    wheel build: hwgen's own data must be valid.
    """
    import hashlib
    import shutil

    target = folder / COMPILED_DIR
    if target.exists():
        shutil.rmtree(target)
    written = []
    for path in sorted(folder.glob("*.yaml")):
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        doc = load_text(text, path.name, shipped=True)
        marks = tuple(doc.marks.items())
        key_marks = tuple(doc.key_marks.items())
        target.mkdir(exist_ok=True)
        out = target / f"{path.stem}.py"
        # Constants only (repr of str, int, float, bool, None, lists, dicts and tuples of
        # them), so the byte-compiled module rebuilds exactly these values.
        out.write_text(
            f"# Made from {path.name} by hwgen's wheel build (hwgen.model.loader.compile_shipped).\n"
            f"FORMAT = {_COMPILED_FORMAT!r}\n"
            f"SHA256 = {hashlib.sha256(raw).hexdigest()!r}\n"
            f"DATA = {doc.data!r}\n"
            f"MARK_PATHS = {tuple(p for p, _ in marks)!r}\n"
            f"MARKS = {tuple((m.line, m.column) for _, m in marks)!r}\n"
            f"KEY_PATHS = {tuple(p for p, _ in key_marks)!r}\n"
            f"KEYS = {tuple((m.line, m.column) for _, m in key_marks)!r}\n",
            encoding="utf-8")
        written.append(out)
    return written


class _Marks(dict):
    """Key path → Mark, each Mark made when it is read: a board file has ~3,000 marks and a
    command reads a handful (only messages and a few cross-checks need them)."""

    __slots__ = ("source",)

    def __getitem__(self, path):
        line, column = dict.__getitem__(self, path)
        return Mark(self.source, line, column)

    def get(self, path, default=None):
        return self[path] if dict.__contains__(self, path) else default

    def items(self):
        return [(path, self[path]) for path in self]

    def values(self):
        return [self[path] for path in self]

    def __eq__(self, other):
        return dict(self.items()) == other

    __hash__ = None

    def __repr__(self):
        return repr(dict(self.items()))


def _lazy_marks(source: str, paths: tuple, positions: tuple) -> _Marks:
    marks = _Marks(zip(paths, positions))
    marks.source = source
    return marks


class _ReadOnlyLoader(SourceFileLoader):
    """Python's source loader, except that it never writes bytecode: pip byte-compiled the
    module when it installed the wheel; without that (``pip install --no-compile``) the
    module is compiled in memory every time rather than cached on disk at run time."""

    def set_data(self, path, data, *, _mode=0o666):
        pass


def compiled_document(path: Path, raw: bytes, source: str) -> Document | None:
    """``path``'s Document from its compiled module, or None when there is no current one."""
    import hashlib
    import importlib.util

    module = _compiled_module(path)
    try:
        name = f"_hwgen_data_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, module,
                                                      loader=_ReadOnlyLoader(name, str(module)))
        if spec is None or spec.loader is None:
            return None
        values = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(values)   # a fresh module each time: fresh data to hand out
    except Exception:   # noqa: BLE001 - not compiled (a checkout, an editable install) or
        return None     # damaged: whatever the module does wrong, the source is there
    ns = values.__dict__
    try:
        if ns["FORMAT"] != _COMPILED_FORMAT or ns["SHA256"] != hashlib.sha256(raw).hexdigest():
            return None    # made from another version of the file, or by another loader
        return Document(source, ns["DATA"], _lazy_marks(source, ns["MARK_PATHS"], ns["MARKS"]),
                        _lazy_marks(source, ns["KEY_PATHS"], ns["KEYS"]))
    except KeyError:
        return None


def _is_shipped(path: Path) -> bool:
    """True for a file in one of hwgen's own data folders (boards/, dpus/, parts/, ...)."""
    from hwgen.resources import shipped_kind

    return shipped_kind(path) is not None


def _clip(text: str) -> str:
    """At most 40 characters of ``text`` for a message, "..." marking a cut."""
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value:g})"
    if isinstance(value, str):
        return f"a string ({_clip(value)!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


describe = _kind
