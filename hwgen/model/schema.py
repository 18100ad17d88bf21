"""A small declarative validator: YAML values → typed values, with one line per problem.

Each spec converts one value or reports what it expected and what it got. ``Rec``
checks a mapping against named fields, rejects unknown keys with a "did you mean"
hint and builds a frozen dataclass. Specs do not know about files: the ``Ctx``
maps a key path to the place the value came from.
"""

from __future__ import annotations

import re
from hwgen.frozen import Memo, dataclass
from typing import Any, Callable

from hwgen import numbers
from hwgen.errors import InputError, Mark, Problem
from hwgen.model.loader import describe, dotted

MISSING = object()
_ERR = object()  # returned by a spec after it has recorded a problem


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' naming the choice closest to ``word``, or '' when none is close."""
    import difflib  # error messages only

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Ctx:
    """Collects problems; knows the origin (mark and path prefix) of each key path."""

    def __init__(self, locate: Callable[..., tuple[Mark | None, str]]):
        self.locate = locate
        self.problems: list[Problem] = []

    def bad(self, path: tuple, message: str, at_key: bool = False):
        mark, shown = self.locate(path, at_key) if at_key else self.locate(path)
        self.problems.append(Problem(mark, shown, message))
        return _ERR

    def raise_if_any(self):
        if self.problems:
            raise InputError(self.problems)


def doc_locator(doc, prefix: tuple = ()) -> Callable[..., tuple[Mark | None, str]]:
    """Locate paths inside one loaded Document (``prefix`` is where the checked value sits)."""
    def locate(path, at_key=False):
        full = prefix + tuple(path)
        if at_key and full in doc.key_marks:
            return doc.key_marks[full], dotted(full)
        return doc.mark(full), dotted(full)
    return locate


class Spec:
    expected = "a value"

    def check(self, value: Any, ctx: Ctx, path: tuple) -> Any:
        raise NotImplementedError

    def expect(self, value, ctx, path):
        return ctx.bad(path, f"expected {self.expected}, got {describe(value)}")


@dataclass(frozen=True)
class Str(Spec):
    pattern: str | None = None
    max_len: int = 200
    what: str = "a string"
    printable: bool = True

    @property
    def expected(self):
        return self.what

    def check(self, value, ctx, path):
        if not isinstance(value, str):
            return self.expect(value, ctx, path)
        if len(value) > self.max_len:
            return ctx.bad(path, f"expected {self.what} of at most {self.max_len} characters, "
                                 f"got {len(value)} characters")
        if self.printable and not value.isprintable():
            # Unicode's "Other" and "Separator" classes, except the space: control
            # characters, line separators and invisible format characters such as the
            # bidirectional overrides that make a reviewer read text in another order.
            return ctx.bad(path, f"expected {self.what} without control characters "
                                 f"(newline, tab, NUL, invisible or bidirectional "
                                 f"controls), got {value[:40]!r}")
        if self.pattern and not _matches(self.pattern, value):
            return self.expect(value, ctx, path)
        return value


# Whether a text matches a pattern, by (pattern, text): every design of a sweep checks the same
# board and DPU strings against the same patterns, some of them long. Bounded: a process
# checking ever new strings starts over.
_MATCHED = Memo(4096)      # (pattern, text) -> whether it matches


def _matches(pattern: str, text: str) -> bool:
    key = (pattern, text)
    hit = _MATCHED.get(key)
    if hit is None:
        hit = _MATCHED.keep(key, _fullmatch(pattern)(text) is not None)
    return hit


# A board's preset alone is ~800 checked strings: the compiled pattern's fullmatch is kept
# by pattern text, skipping re's own cache lookup (types, flags) on every value.
_FULLMATCHERS: dict[str, Callable] = {}


def _fullmatch(pattern: str) -> Callable:
    try:
        return _FULLMATCHERS[pattern]
    except KeyError:
        match = _FULLMATCHERS[pattern] = re.compile(pattern).fullmatch
        return match


@dataclass(frozen=True)
class Choice(Spec):
    values: tuple

    @property
    def expected(self):
        shown = [str(v).lower() if isinstance(v, bool) else str(v) for v in self.values]
        if len(shown) == 2:
            return f"{shown[0]} or {shown[1]}"
        return "one of " + ", ".join(shown)

    def check(self, value, ctx, path):
        for v in self.values:
            if value == v and type(value) is type(v):
                return v
        if isinstance(value, str):
            hint = did_you_mean(value, [str(v) for v in self.values])
            if hint:
                return ctx.bad(path, f"expected {self.expected}, got {value!r}{hint}")
        return self.expect(value, ctx, path)


@dataclass(frozen=True)
class Int(Spec):
    lo: int
    hi: int

    @property
    def expected(self):
        return f"an integer from {self.lo} to {self.hi}"

    def check(self, value, ctx, path):
        if isinstance(value, bool) or not isinstance(value, int) or not self.lo <= value <= self.hi:
            return self.expect(value, ctx, path)
        return value


@dataclass(frozen=True)
class Num(Spec):
    """A real number in a closed range (frequencies in MHz, percentages)."""

    lo: float
    hi: float
    unit: str = ""

    @property
    def expected(self):
        unit = f" {self.unit}" if self.unit else ""
        return f"a number from {self.lo:g} to {self.hi:g}{unit}"

    def check(self, value, ctx, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.expect(value, ctx, path)
        if not self.lo <= value <= self.hi:
            return self.expect(value, ctx, path)
        return float(value)


class Bool(Spec):
    expected = "true or false"

    def check(self, value, ctx, path):
        if not isinstance(value, bool):
            return self.expect(value, ctx, path)
        return value


_SIZE_RE = re.compile(r"(?i)\s*([0-9]+)\s*(k|ki|kib|m|mi|mib|g|gi|gib|kb|mb|gb)?\s*", re.ASCII)
_SHIFT = {"k": 10, "m": 20, "g": 30}


def parse_size(text: str) -> int | None:
    """'512M', '512MiB', '1G', '0x20000000', '4096' → bytes; None if not a size.

    Suffixes are binary (K = 1024), as in the kernel's ``memparse`` that reads cma=.
    Digits are ASCII and bounded (hwgen.numbers): '0x_' or a 5,000-digit count is not a size.
    """
    text = text.strip()
    try:
        if text[:2] in ("0x", "0X"):
            return numbers.parse_hex(text)
        m = _SIZE_RE.fullmatch(text)
        if not m:
            return None
        n = numbers.parse_int(m.group(1))
    except numbers.NumberError:
        return None
    unit = (m.group(2) or "").lower()
    return n << _SHIFT[unit[0]] if unit else n


def format_size(n: int) -> str:
    """Bytes as the shortest exact kernel-style size: 268435456 → '256M'."""
    for suffix, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n and n % (1 << shift) == 0:
            return f"{n >> shift}{suffix}"
    return str(n)


def format_mib(n: int) -> str:
    """Bytes for people: '256 MiB', '1 GiB', '1.5 MiB'."""
    if n and n % (1 << 30) == 0:
        return f"{n >> 30} GiB"
    mib = n / (1 << 20)
    return f"{mib:g} MiB"


@dataclass(frozen=True)
class Size(Spec):
    """A byte count or address: integer, hex, or a size with K/M/G suffix."""

    lo: int = 0
    hi: int = (1 << 40)
    multiple: int = 1
    what: str = "a size"

    @property
    def expected(self):
        mult = f", a multiple of {format_mib(self.multiple)}" if self.multiple > 1 else ""
        return f"{self.what} ({format_size(self.lo) if self.lo else 0} to {format_size(self.hi)}{mult})"

    def check(self, value, ctx, path):
        if isinstance(value, bool):
            return self.expect(value, ctx, path)
        n = value if isinstance(value, int) else parse_size(value) if isinstance(value, str) else None
        if n is None or not self.lo <= n <= self.hi:
            return self.expect(value, ctx, path)
        if n % self.multiple:
            return ctx.bad(path, f"expected a multiple of {format_mib(self.multiple)}, got {value!r} "
                                 f"({n} bytes)")
        return n


@dataclass(frozen=True)
class Seq(Spec):
    item: Spec
    min_len: int = 0
    max_len: int = 64
    unique: bool = False

    @property
    def expected(self):
        return f"a list of {self.item.expected}"

    def check(self, value, ctx, path):
        if not isinstance(value, list):
            return self.expect(value, ctx, path)
        if not self.min_len <= len(value) <= self.max_len:
            return ctx.bad(path, f"expected {self.min_len} to {self.max_len} items, got {len(value)}")
        out = [self.item.check(v, ctx, path + (i,)) for i, v in enumerate(value)]
        if self.unique:
            seen = set()
            for i, v in enumerate(out):
                if v is not _ERR and v in seen:
                    ctx.bad(path + (i,), f"duplicate entry {v!r}")
                seen.add(v)
        return _ERR if _ERR in out else tuple(out)


@dataclass(frozen=True)
class MapOf(Spec):
    """An open mapping with checked keys and values; keeps file order as a tuple of pairs."""

    key: Str
    value: Spec
    max_len: int = 2000

    @property
    def expected(self):
        return f"a mapping of {self.key.what} to {self.value.expected}"

    def check(self, value, ctx, path):
        if not isinstance(value, dict):
            return self.expect(value, ctx, path)
        out, ok = [], True
        for k, v in value.items():
            if self.key.check(k, ctx, path + (k,)) is _ERR:
                ok = False
                continue
            checked = self.value.check(v, ctx, path + (k,))
            ok &= checked is not _ERR
            out.append((k, checked))
        return tuple(out) if ok else _ERR


@dataclass(frozen=True)
class Field:
    spec: Spec
    default: Any = MISSING  # MISSING means required
    doc: str = ""


class Rec(Spec):
    """A closed mapping of named fields, built into ``cls`` (a frozen dataclass)."""

    expected = "a mapping"

    def __init__(self, cls, **fields: Field):
        self.cls = cls
        self.fields = fields

    def check(self, value, ctx, path):
        if value is None:
            value = {}
        if not isinstance(value, dict):
            return self.expect(value, ctx, path)
        ok = True
        for key in value:
            if key not in self.fields:
                ok = False
                hint = did_you_mean(key, self.fields) or f" (known keys: {', '.join(self.fields)})"
                ctx.bad(path + (key,), f"unknown key {key!r}{hint}", at_key=True)
        out = {}
        for name, f in self.fields.items():
            if name in value:
                out[name] = f.spec.check(value[name], ctx, path + (name,))
            elif f.default is MISSING:
                out[name] = ctx.bad(path, f"missing required key {name!r} ({f.spec.expected})")
            elif isinstance(f.default, Rec):
                out[name] = f.default.check({}, ctx, path + (name,))
            else:
                out[name] = f.default
            ok &= out[name] is not _ERR
        return self.cls(**out) if ok else _ERR

    def child(self, name: str) -> Spec | None:
        f = self.fields.get(name)
        return f.spec if f else None


class MemoRec(Rec):
    """A ``Rec`` that remembers the record it built for each value it accepted.

    For the design settings' sections: every design of a sweep checks the same few raw
    sections (the DPU options and a clock, the board's Linux defaults, a strategy), and a
    section met before is then served its record without running a check again. The
    record is then the same object for equal inputs, so the caches keyed on designs compare
    and hash those sections by identity. A check reads nothing but the value (the context
    only locates problems), so an accepted value is accepted again with the same record;
    a value with a problem is never remembered and is checked, and reported, every time.
    The key spells each scalar with its type (1, 1.0 and True stay apart) and each float by
    its exact bits (-0.0 is not 0.0); a value of any other type is not remembered.
    """

    def __init__(self, cls, **fields: Field):
        super().__init__(cls, **fields)
        self._memo = Memo(512)      # bounded: a process checking ever new values

    def check(self, value, ctx, path):
        key = _value_key(value)
        if key is not None:
            hit = self._memo.get(key)
            if hit is not None:
                return hit
        out = super().check(value, ctx, path)
        if key is not None and out is not _ERR:
            self._memo.keep(key, out)
        return out


_SCALARS = frozenset({str, int, bool, type(None)})
_FLAT = _SCALARS       # the scalars a flat mapping's key may hold (no float: its sign, below)
_TEXT = frozenset({str})


def _value_key(value):
    """A hashable spelling of a YAML value that equals another's only for the same value
    of the same types (see MemoRec), or None for a value of another type."""
    kind = type(value)
    if kind is dict:
        # A settings section is a flat mapping of text keys to scalars: spelled in one go,
        # (keys, values, the type of each), without a call per entry.
        keys, values = tuple(value), tuple(value.values())
        types = tuple(map(type, values))
        if _FLAT.issuperset(types) and _TEXT.issuperset(map(type, keys)):
            return dict, keys, values, types
    if kind in _SCALARS:
        return kind, value
    if kind is float:
        return float, value.hex()
    if kind is dict:
        items = []
        for k, v in value.items():
            kk, vk = _value_key(k), _value_key(v)
            if kk is None or vk is None:
                return None
            items.append((kk, vk))
        return dict, tuple(items)
    if kind is list:
        items = tuple(_value_key(v) for v in value)
        return None if None in items else (list, items)
    return None


def sub(rec: Rec) -> Field:
    """A nested record whose every field has a default: absent means all defaults."""
    return Field(rec, default=rec)


def lookup(spec: Spec, path: tuple) -> Spec | None:
    """The spec at a dotted key path, or None when the path names no field."""
    for part in path:
        if not isinstance(spec, Rec):
            return None
        spec = spec.child(part)
        if spec is None:
            return None
    return spec


def validate(spec: Spec, value, ctx: Ctx, path: tuple = ()):
    result = spec.check(value, ctx, path)
    ctx.raise_if_any()
    return result
