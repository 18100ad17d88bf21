"""hwgen.jsontext.dumps_indented writes exactly what json.dumps(value, indent=n) writes."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwgen.jsontext import dumps_indented

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text())
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.lists(inner, max_size=3).map(tuple)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_values, st.sampled_from([0, 1, 2, 4]))
def test_same_text_as_json_dumps(value, indent):
    assert dumps_indented(value, indent) == json.dumps(value, indent=indent)


class Flag(enum.IntEnum):
    ON = 1


@pytest.mark.parametrize("value", [
    {"a": [], "b": {}, "c": [[]], "d": [{}]},
    {"é": "ü\u2028\x00\"\\", "n": -0.0, "big": 10 ** 30, "f": 1e-7, "g": 1e16, "h": math.pi},
    [float("nan"), float("inf"), -float("inf")],
    {"flag": Flag.ON, "t": (1, (2, 3))},
    {1: "int key", "s": 1},          # a key json converts: left to json.dumps
    {(1, 2): "tuple key"},           # a key json refuses: json's own error
    {"x": object()},                 # a value json refuses: json's own error
])
def test_edge_cases_and_refusals(value):
    try:
        expected = json.dumps(value, indent=2)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            dumps_indented(value, 2)
    else:
        assert dumps_indented(value, 2) == expected


def test_a_value_containing_itself_gets_jsons_own_error():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented({"a": loop}, 2)
