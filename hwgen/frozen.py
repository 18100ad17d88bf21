"""Frozen dataclasses that cost little to create: hwgen's typed records.

hwgen's model, plans and views are ~180 frozen dataclasses. ``dataclasses.dataclass``
writes six methods for each frozen class as Python source and compiles each one with
``exec`` (CPython 3.10-3.12), about 0.5 ms per class: 45 ms of every ``hwgen check``
and 65 ms of every ``hwgen build`` before any work (benchmarks/importtime.md).

``dataclass(frozen=True)`` here makes the same class without compiling anything per
class. Its ``__init__`` (the call that runs for every record made, so it stays the
same code as the standard one) is compiled once per number of fields and given the
class's field names (``CodeType.replace``). The other methods are shared and built
from ``operator.attrgetter``, which reads the fields in C:

- ``__eq__``/``__hash__`` compare and hash the tuple of the fields with ``compare``/``hash``
  set, exactly as the standard methods do, and the hash is remembered in the instance
  (records are immutable and key the plans' caches); ``__repr__`` shows the fields with
  ``repr``;
- ``__setattr__``/``__delattr__`` raise ``dataclasses.FrozenInstanceError``.

Everything that reads ``__dataclass_fields__`` (``dataclasses.fields``, ``replace``,
``asdict``, ``is_dataclass``) works unchanged. Any other option (order, slots,
kw_only ...) or a class that is not frozen goes to ``dataclasses.dataclass`` itself.
tests/test_frozen.py holds the two to the same behaviour.
"""

from __future__ import annotations

import dataclasses
import types
from dataclasses import MISSING, FrozenInstanceError, field  # noqa: F401 (re-exported)
from functools import lru_cache
from operator import attrgetter

__all__ = ["dataclass", "field", "replace", "FrozenInstanceError"]

# The options the fast path implements with their standard meaning; anything else set
# differently is handed to dataclasses.dataclass.
_DEFAULTS = {"init": True, "repr": True, "eq": True}


def dataclass(cls=None, /, *, frozen: bool = False, **options):
    """``dataclasses.dataclass``, with frozen classes made without compiling their methods."""
    fast = frozen and all(options.get(k, v) == v for k, v in _DEFAULTS.items()) \
        and set(options) <= set(_DEFAULTS)

    def wrap(c):
        if fast:
            return _make_frozen(c)
        return dataclasses.dataclass(c, frozen=frozen, **options)

    return wrap if cls is None else wrap(cls)


def _make_frozen(cls):
    if not cls.__dict__.get("__doc__"):
        # dataclasses would compute the text from inspect.signature (slow); ours below
        cls.__doc__ = "-"
        documented = False
    else:
        documented = True
    if _declare_fields(cls):
        all_fields = tuple(cls.__dataclass_fields__.values())    # every one a field (_FIELD)
    else:
        dataclasses.dataclass(cls, init=False, repr=False, eq=False)
        all_fields = dataclasses.fields(cls)
    names = [f.name for f in all_fields]
    cls.__init__ = _init(cls, all_fields)
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    compared = tuple(f.name for f in all_fields if f.compare)
    hashed = tuple(f.name for f in all_fields if (f.compare if f.hash is None else f.hash))
    shown = tuple(f.name for f in all_fields if f.repr)
    compare_key = _getter(compared)
    hash_key = _getter(hashed)
    cls._frozen_compare_key = staticmethod(compare_key)
    cls._frozen_hash_key = staticmethod(hash_key)
    cls._frozen_shown = shown
    # What ``replace`` copies without calling __init__: every field, when __init__ only sets
    # them (a __post_init__ may check or derive, so such a class goes through __init__).
    cls._frozen_fields = None if hasattr(cls, "__post_init__") else frozenset(names)
    cls._frozen_names = tuple(names)
    own = cls.__dict__
    # As dataclasses does: methods the class defines itself stay; a class that defines
    # __eq__ has __hash__ = None in its namespace, which does not count as its own hash.
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    for name, method in (("__eq__", _eq), ("__repr__", _repr), ("__setattr__", _setattr),
                         ("__delattr__", _delattr)):
        if name not in own:
            setattr(cls, name, method)
    if not explicit_hash:
        cls.__hash__ = _hash
        if "__getstate__" not in own:
            cls.__getstate__ = _getstate
    return cls


# What ``dataclasses.dataclass(cls, init=False, repr=False, eq=False)`` records about a
# class, taken from one class it made (the parameters are the same for every class).
@dataclasses.dataclass(init=False, repr=False, eq=False)
class _Template:
    """A docstring: without one dataclasses would compute it with inspect.signature (~3 ms)."""


_PARAMS = _Template.__dataclass_params__
_FIELD_KIND = getattr(dataclasses, "_FIELD", None)
_Field = dataclasses.Field
# Annotations that make a field special or not a field; a class with any of them is left
# to dataclasses itself.
_SPECIAL = ("ClassVar", "InitVar", "KW_ONLY")


def _declare_fields(cls) -> bool:
    """Give ``cls`` its ``__dataclass_fields__`` as ``dataclasses`` does, without its cost.

    ``dataclasses`` looks at every string annotation with a regular expression and module
    look-ups to find ``ClassVar`` and ``InitVar`` (~40 us per class, ~4 ms per command
    over hwgen's records). hwgen's records annotate plain types, so a class whose
    annotations are all strings naming none of those gets its fields here: the same
    ``Field`` objects (name, type, default, default_factory, init, repr, hash, compare,
    metadata, kw_only), the same class attributes, ``__match_args__``, and the same
    refusals (a mutable default, a ``field()`` without annotation). Anything else
    (non-string annotations, ClassVar, InitVar, KW_ONLY, an unknown dataclasses
    version) returns False and goes to ``dataclasses``. tests/test_frozen.py holds the
    two to the same fields.
    """
    if _FIELD_KIND is None:
        return False
    own = cls.__dict__
    annotations = own.get("__annotations__", {})
    for kind in annotations.values():
        if not isinstance(kind, str) or "ClassVar" in kind or "InitVar" in kind or "KW_ONLY" in kind:
            return False    # the names of _SPECIAL, spelled out: this runs for every field
    fields: dict = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = getattr(base, "__dataclass_fields__", None)
        if inherited is not None:
            fields.update((f.name, f) for f in inherited.values())
    for name, kind in annotations.items():
        default = own.get(name, MISSING)
        given = default is not MISSING and isinstance(default, _Field)
        if given:
            f = default
            if isinstance(f.default, types.MemberDescriptorType):
                return False    # slots: dataclasses' business
        else:
            if default is not MISSING and isinstance(default, types.MemberDescriptorType):
                return False
            # field(default=default) as the class's field: what dataclasses makes of it
            f = _Field(default, MISSING, True, True, None, True, None, False)
        f.name = name
        f.type = kind
        f._field_type = _FIELD_KIND
        if given and getattr(f, "kw_only", False) is MISSING:
            f.kw_only = False
        if f.default is not MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not "
                             "allowed: use default_factory")
        fields[name] = f
        if given:
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    for name, value in own.items():
        if isinstance(value, _Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    cls.__dataclass_fields__ = fields
    cls.__dataclass_params__ = _PARAMS
    if "__match_args__" not in own:
        cls.__match_args__ = tuple(f.name for f in fields.values() if f.init)
    return True


def _getter(names: tuple[str, ...]):
    """A function returning the tuple of those attributes (always a tuple, even of one)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def replace(obj, /, **changes):
    """``dataclasses.replace``: a copy of ``obj`` with ``changes``, made without running
    ``__init__`` for a class of this module (one without ``__post_init__``).

    That ``__init__`` only sets each field, so the copy is the same record: the fields'
    values, in their order, the changed ones replaced. Nothing else of ``obj`` is copied
    (not its remembered hash, not a ``cached_property``). ``dataclasses.replace`` builds
    the keyword arguments and calls ``__init__``, which sets each field again: the sweep's
    blanked designs and the budget's alternatives are made thousands of times. Any other
    class, or a change that names no field, goes to ``dataclasses.replace`` (its errors).
    tests/test_frozen.py holds the two to the same results.
    """
    cls = obj.__class__
    own = cls.__dict__
    allowed = own.get("_frozen_fields")
    if allowed is None or not allowed.issuperset(changes):
        return dataclasses.replace(obj, **changes)
    state = obj.__dict__
    values = {name: state[name] for name in own["_frozen_names"]}
    values.update(changes)
    new = _NEW(cls)
    _SET(new, "__dict__", values)
    return new


_NEW = object.__new__


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self._frozen_compare_key(self) == self._frozen_compare_key(other)
    return NotImplemented


def _hash(self):
    # Remembered in the instance: a record never changes, and records key the plans'
    # caches, so a Design (hundreds of nested records) would be hashed in full at every
    # lookup (half a second of a 320-configuration ``hwgen explore``). Not pickled
    # (``_getstate``): str hashes differ between processes.
    try:
        return self.__dict__[_HASH]
    except KeyError:
        value = hash(self._frozen_hash_key(self))
        object.__setattr__(self, _HASH, value)
        return value


_HASH = "_frozen_hash"


def _getstate(self):
    state = dict(self.__dict__)
    state.pop(_HASH, None)
    return state


def _repr(self):
    return (f"{self.__class__.__qualname__}("
            + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._frozen_shown) + ")")


def _setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


_FACTORY = object()   # stands for "call the field's default_factory" in a signature
_SET = object.__setattr__
_SLOT = "_hwgen_field_"    # the parameter names of the shared __init__ code (never a field's)


@lru_cache(maxsize=None)
def _init_code(fields: int, post_init: bool):
    """Compiled once per number of fields: ``__init__(self, f0, f1...)`` setting each field.

    Only names differ between the ``__init__`` of two classes with as many fields, so a
    class gets this code with its field names put in (``CodeType.replace``) instead of
    compiling its own: a few microseconds instead of ~0.1 ms.
    """
    params = [f"{_SLOT}{i}" for i in range(fields)]
    body = [f"    __set(self, {p!r}, {p})" for p in params]
    if post_init:
        body.append("    self.__post_init__()")
    src = f"def __init__(self{''.join(', ' + p for p in params)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    namespace: dict = {}
    exec(src, {"__set": _SET}, namespace)   # noqa: S102 (fixed text)
    return namespace["__init__"].__code__


def _init(cls, fields):
    """The class's ``__init__``: as dataclasses writes it for a frozen class."""
    names = [f.name for f in fields]
    post_init = hasattr(cls, "__post_init__")
    unsupported = [f.name for f in fields if not f.init or getattr(f, "kw_only", False) is True]
    if unsupported:
        raise TypeError(f"{cls.__qualname__}: fields {unsupported} use init=False or kw_only, "
                        "which hwgen.frozen.dataclass does not make; use dataclasses.dataclass")
    defaulted = False
    for f in fields:
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if defaulted and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        defaulted = defaulted or has_default
    if any(f.default_factory is not MISSING for f in fields):
        return _init_compiled(cls, fields, post_init)
    code = _init_code(len(names), post_init)
    rename = {f"{_SLOT}{i}": name for i, name in enumerate(names)}
    code = code.replace(co_varnames=tuple(rename.get(v, v) for v in code.co_varnames),
                        co_consts=tuple(rename.get(c, c) if isinstance(c, str) else c
                                        for c in code.co_consts),
                        **({"co_qualname": f"{cls.__qualname__}.__init__"}
                           if hasattr(code, "co_qualname") else {}))
    defaults = tuple(f.default for f in fields if f.default is not MISSING)
    # Fields with defaults come last (checked above), as __defaults__ needs.
    init = types.FunctionType(code, {"__set": _SET}, "__init__", defaults or None)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _init_compiled(cls, fields, post_init: bool):
    """``__init__`` compiled for the class: fields with a default_factory."""
    params, body = [], []
    env = {"__set": _SET, "__factory": _FACTORY}
    for f in fields:
        if f.default_factory is not MISSING:
            env[f"__dflt_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__factory")
            body.append(f"__set(self, {f.name!r}, __dflt_{f.name}() if {f.name} is __factory "
                        f"else {f.name})")
            continue
        if f.default is not MISSING:
            env[f"__dflt_{f.name}"] = f.default
            params.append(f"{f.name}=__dflt_{f.name}")
        else:
            params.append(f.name)
        body.append(f"__set(self, {f.name!r}, {f.name})")
    if post_init:
        body.append("self.__post_init__()")
    src = (f"def __init__(self{''.join(', ' + p for p in params)}):\n"
           + "".join(f"    {line}\n" for line in body or ["pass"]))
    namespace: dict = {}
    exec(src, env, namespace)   # noqa: S102 (the names are Python identifiers of the class)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class Memo(dict):
    """A dict of remembered results that empties itself when full.

    For the in-process memos a sweep fills (texts laid out, costs, shared records): a
    process asked for ever new keys keeps only the recent ones, and a lookup is a plain
    ``dict.get``. ``keep`` stores a value, first emptying the memo once ``limit`` are held,
    and returns the value.
    """

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key, value):
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


def by_identity(maxsize: int = 64):
    """A memo for a pure function of immutable objects, keyed on which objects they are.

    For results that other caches share by reference (the one Verdict of a design's
    strategy variants, the parts of a design summary planned once): looking an object up by
    identity costs nothing, where comparing or hashing a large record does. Each entry
    keeps its arguments alive, so no id is reused while it names an entry; the oldest entry
    goes first once ``maxsize`` are held. A function that raises remembers nothing.
    """
    def wrap(func):
        memo: dict = {}

        def call(*args):
            # One argument (most memos): its id alone, no tuple to make; an int never equals
            # the tuple key of another number of arguments.
            key = id(args[0]) if len(args) == 1 else tuple(map(id, args))
            hit = memo.get(key)
            if hit is not None:
                return hit[1]
            value = func(*args)
            if len(memo) >= maxsize:
                del memo[next(iter(memo))]
            memo[key] = (args, value)
            return value

        call.cache_clear = memo.clear
        call.__wrapped__ = func
        call.__doc__ = func.__doc__
        return call

    return wrap
