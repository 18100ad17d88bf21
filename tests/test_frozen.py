"""hwgen.frozen.dataclass behaves as dataclasses.dataclass(frozen=True) for what hwgen uses.

Each case declares the same class twice, once with the standard decorator and once
with hwgen's, and holds the two to the same results.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import ClassVar

import pytest

from hwgen import frozen


def _both(body: str, extra: str = "") -> tuple[type, type]:
    """The class ``C`` declared by ``body`` under the standard and under hwgen's decorator."""
    out = []
    for decorator in ("dataclasses.dataclass", "frozen.dataclass"):
        ns = {"dataclasses": dataclasses, "frozen": frozen, "field": dataclasses.field}
        exec(f"@{decorator}(frozen=True)\nclass C:\n" + body + extra, ns)   # noqa: S102
        out.append(ns["C"])
    return out[0], out[1]


PLAIN = "    a: int\n    b: str = 'x'\n    c: tuple = ()\n"


def test_it_takes_the_fast_path():
    _, fast = _both(PLAIN)
    assert fast.__eq__ is frozen._eq and fast.__setattr__ is frozen._setattr


@pytest.mark.parametrize("args,kwargs", [((1,), {}), ((1, "y"), {}), ((), {"a": 2, "c": (1,)}),
                                         ((1,), {"b": "z"})])
def test_construction_equality_hash_and_repr_match(args, kwargs):
    std, fast = _both(PLAIN)
    s, f = std(*args, **kwargs), fast(*args, **kwargs)
    assert repr(s) == repr(f)
    assert hash(s) == hash(f)
    assert dataclasses.astuple(s) == dataclasses.astuple(f)
    assert dataclasses.asdict(s) == dataclasses.asdict(f)
    assert f == fast(*args, **kwargs) and not (f != fast(*args, **kwargs))
    assert f != fast(99) and f != s         # another class is never equal
    assert [x.name for x in dataclasses.fields(f)] == ["a", "b", "c"]
    assert dataclasses.replace(f, a=5) == fast(5, f.b, f.c)
    assert fast.__match_args__ == std.__match_args__
    assert copy.deepcopy(f) == f and copy.copy(f) == f


@pytest.mark.parametrize("bad", [lambda C: C(), lambda C: C(1, 2, 3, 4), lambda C: C(1, d=2),
                                 lambda C: C(1, a=2)])
def test_wrong_arguments_fail_alike(bad):
    std, fast = _both(PLAIN)
    with pytest.raises(TypeError):
        bad(std)
    with pytest.raises(TypeError):
        bad(fast)


def test_assignment_and_deletion_are_refused():
    _, fast = _both(PLAIN)
    f = fast(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del f.a
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.new = 1
    assert f.a == 1


def test_fields_left_out_of_compare_and_hash():
    body = "    a: int\n    note: dict = field(default_factory=dict, compare=False, hash=False)\n"
    std, fast = _both(body)
    assert fast(1, {"x": 1}) == fast(1, {"y": 2})
    assert hash(fast(1, {"x": 1})) == hash(std(1, {"x": 1}))
    assert fast(1).note == {} and fast(1).note is not fast(1).note   # a new dict each time


def test_post_init_runs_after_the_fields_are_set():
    body = ("    a: int\n"
            "    def __post_init__(self):\n"
            "        if self.a < 0:\n"
            "            raise ValueError('negative')\n"
            "        object.__setattr__(self, 'double', self.a * 2)\n")
    std, fast = _both(body)
    assert fast(3).double == std(3).double == 6
    with pytest.raises(ValueError):
        fast(-1)


def test_methods_the_class_defines_stay():
    body = ("    a: int\n"
            "    def __repr__(self):\n"
            "        return 'mine'\n"
            "    def __hash__(self):\n"
            "        return 7\n")
    std, fast = _both(body)
    assert repr(fast(1)) == repr(std(1)) == "mine"
    assert hash(fast(1)) == hash(std(1)) == 7


def test_a_class_with_its_own_eq_still_gets_a_field_hash():
    body = ("    a: int\n"
            "    def __eq__(self, other):\n"
            "        return True\n")
    std, fast = _both(body)
    assert fast(1) == fast(2) and std(1) == std(2)
    assert hash(fast(1)) == hash(std(1))


def test_a_subclass_compares_by_its_own_fields():
    ns = {"frozen": frozen}
    exec("@frozen.dataclass(frozen=True)\nclass A:\n    a: int\n"
         "@frozen.dataclass(frozen=True)\nclass B(A):\n    b: int = 0\n", ns)   # noqa: S102
    A, B = ns["A"], ns["B"]
    assert B(1, 2) == B(1, 2) and B(1, 2) != B(1, 3) and A(1) != B(1)
    assert repr(B(1, 2)) == "B(a=1, b=2)"
    assert [f.name for f in dataclasses.fields(B)] == ["a", "b"]


def test_other_options_go_to_the_standard_decorator():
    @frozen.dataclass(frozen=True, order=True)
    class Ordered:
        a: int

    @frozen.dataclass
    class Mutable:
        a: int

    assert Ordered(1) < Ordered(2)
    m = Mutable(1)
    m.a = 2
    assert m.a == 2 and Mutable.__eq__ is not frozen._eq


def test_the_remembered_hash_is_the_field_hash_and_is_not_pickled():
    import pickle

    from hwgen.model.design import load_design

    design = load_design()
    first = hash(design)
    assert hash(design) == first
    assert design.__dict__[frozen._HASH] == first
    # What the standard hash would be: the tuple of the hashed fields.
    key = tuple(getattr(design, f.name) for f in dataclasses.fields(design)
                if (f.compare if f.hash is None else f.hash))
    assert first == hash(key)
    assert frozen._HASH not in pickle.loads(pickle.dumps(design)).__dict__


def test_a_field_without_default_after_one_with_is_refused_alike():
    body = "    a: int = 1\n    b: int\n"
    for decorator in (dataclasses.dataclass, frozen.dataclass):
        with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
            exec("@decorator(frozen=True)\nclass C:\n" + body,   # noqa: S102
                 {"decorator": decorator})


def test_init_keeps_the_field_names_for_keywords_and_errors():
    std, fast = _both("    first: int\n    second: str = 's'\n")
    assert fast(second="x", first=2) == fast(2, "x")
    for cls in (std, fast):
        with pytest.raises(TypeError, match="missing 1 required positional argument: 'first'"):
            cls()
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            cls(1, third=3)
    assert fast.__init__.__qualname__ == "C.__init__"
    assert fast.__init__.__code__.co_varnames[:3] == ("self", "first", "second")


def _described(cls) -> list[tuple]:
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare,
             dict(f.metadata), getattr(f, "kw_only", None), f._field_type)
            for f in cls.__dataclass_fields__.values()]


FIELD_BODIES = [
    PLAIN,
    "    a: int\n    note: dict = field(default_factory=dict, compare=False, hash=False)\n",
    "    a: int = field(default=3, repr=False, metadata={'unit': 'MHz'})\n    b: list = field(default_factory=list)\n",
    "    a: 'tuple[int, ...]'\n    b: int | None = None\n",
]


@pytest.mark.parametrize("body", FIELD_BODIES)
def test_fields_are_declared_as_dataclasses_declares_them(body):
    std, fast = _both(body)
    assert frozen._declare_fields(type("Probe", (), {"__annotations__": {"x": "int"}}))
    assert _described(fast) == _described(std)
    assert fast.__match_args__ == std.__match_args__
    for name in fast.__dataclass_fields__:
        assert (name in fast.__dict__) == (name in std.__dict__)
        assert getattr(fast, name, None) == getattr(std, name, None)


def test_special_annotations_and_mistakes_are_handled_alike():
    # a module-level class: dataclasses finds ClassVar in the string through its module
    @frozen.dataclass(frozen=True)
    class Limited:
        a: int
        limit: ClassVar[int] = 3

    assert [f.name for f in dataclasses.fields(Limited)] == ["a"] and Limited(1).limit == 3
    for body, error in (("    a: list = []\n", ValueError),
                        ("    a: int\n    b = field(default=1)\n", TypeError)):
        for decorator in (dataclasses.dataclass, frozen.dataclass):
            with pytest.raises(error):
                exec("@decorator(frozen=True)\nclass C:\n" + body,   # noqa: S102
                     {"decorator": decorator, "field": dataclasses.field})


def test_a_subclass_inherits_and_overrides_fields_alike():
    out = []
    for decorator in (dataclasses.dataclass, frozen.dataclass):
        ns = {"d": decorator}
        exec("@d(frozen=True)\nclass A:\n    a: int\n    b: int = 1\n"
             "@d(frozen=True)\nclass B(A):\n    b: int = 2\n    c: str = 'c'\n", ns)   # noqa: S102
        out.append(ns["B"])
    assert _described(out[1]) == _described(out[0])
    assert out[1](0) == out[1](0, 2, "c")


def test_replace_copies_as_dataclasses_replace_does():
    """frozen.replace makes this module's records without __init__ (the fields' values, the
    changed ones replaced); the copy must equal, hash, show and behave as the one
    dataclasses.replace makes, carry neither the remembered hash nor a cached_property, and
    a class with __post_init__ or another class, or an unknown field, go through
    dataclasses.replace (its errors)."""
    _, fast = _both(PLAIN, "    @__import__('functools').cached_property\n    def twice(self):\n"
                           "        return self.a * 2\n")
    original = fast(1, "y", (2,))
    hash(original)
    assert original.twice == 2
    for changes in ({}, {"a": 5}, {"b": "z", "c": (3, 4)}):
        mine, std = frozen.replace(original, **changes), dataclasses.replace(original, **changes)
        assert list(vars(mine)) == ["a", "b", "c"]            # the fields alone, in order
        assert mine == std and hash(mine) == hash(std) and repr(mine) == repr(std)
        assert type(mine) is fast and mine is not original
        assert mine.twice == mine.a * 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            mine.a = 3
    with pytest.raises(TypeError):
        frozen.replace(original, d=1)
    ns = {"frozen": frozen}
    exec("@frozen.dataclass(frozen=True)\nclass P:\n    a: int\n"      # noqa: S102
         "    def __post_init__(self):\n        if self.a < 0:\n            raise ValueError(self.a)\n", ns)
    assert frozen.replace(ns["P"](1), a=2) == ns["P"](2)
    with pytest.raises(ValueError):
        frozen.replace(ns["P"](1), a=-1)
    std, _ = _both(PLAIN)
    assert frozen.replace(std(1), a=2) == std(2)


def test_by_identity_keys_on_which_objects_whatever_their_number():
    """One argument is keyed by its id alone, several by the tuple of their ids: each object
    (or sequence of objects) gets its own entry, equal objects that are not the same get
    their own, and the oldest goes first once ``maxsize`` are held."""
    calls = []

    @frozen.by_identity(maxsize=3)
    def f(*args):
        calls.append(args)
        return ("v",) + args

    a, b, c = [1000 + i for i in range(3)], [1000 + i for i in range(3)], object()
    assert f(a) == ("v", a) and f(a) is f(a) and len(calls) == 1
    assert f(b) == ("v", b) and len(calls) == 2                     # equal, not the same
    assert f(a, b) == ("v", a, b) and f(a, b) is f(a, b) and len(calls) == 3
    assert f() == ("v",) and len(calls) == 4                          # a evicted (oldest)
    f(a)
    assert len(calls) == 5 and f(c) == ("v", c)


def test_a_memo_empties_itself_when_full_and_keeps_the_new_value():
    from hwgen.frozen import Memo

    memo = Memo(3)
    assert [memo.keep(k, k * 10) for k in (1, 2, 3)] == [10, 20, 30]
    assert dict(memo) == {1: 10, 2: 20, 3: 30}
    assert memo.keep(4, 40) == 40          # full: emptied first, then the new value kept
    assert dict(memo) == {4: 40} and memo.get(1) is None
    memo.keep(4, 41)
    assert memo[4] == 41 and len(memo) == 1
