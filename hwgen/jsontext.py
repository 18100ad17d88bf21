"""JSON text as ``json.dumps(value, indent=N)`` writes it, byte for byte, but faster.

On Python before 3.13 ``json.dumps`` with an indent runs the pure-Python encoder (a chain of
generators, one per level): design.json, budget.json and manifest.json were about a tenth of
the time of a build folder in a sweep. ``dumps_indented`` writes the same text with one
recursive function and the C string encoder ``json`` itself uses. It knows dicts with string
keys, lists, tuples, strings, ints, floats, booleans and None; for anything else (another
key type, an object ``json`` would refuse, a list containing itself) it hands the whole value
to ``json.dumps``, so the result, or the error, is always json's own.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _string

_FLOAT_REPR = float.__repr__
_INT_REPR = int.__repr__
_INF = float("inf")


class _Other(Exception):
    """A value this writer leaves to json.dumps."""


def _float(value: float) -> str:
    # as json.encoder's floatstr with allow_nan=True
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return _FLOAT_REPR(value)


def dumps_indented(value, indent: int = 2) -> str:
    """``json.dumps(value, indent=indent)`` (ASCII, no sorting, default separators)."""
    try:
        parts: list[str] = []
        _write(value, parts, "\n", " " * indent)
        return "".join(parts)
    except (_Other, RecursionError):    # RecursionError: a value containing itself
        return json.dumps(value, indent=indent)


def dumps_nested(value, depth: int, indent: int = 2) -> str | None:
    """The text ``value`` has inside ``dumps_indented``'s output as a member ``depth``
    containers deep (its first line unindented, its last line indented ``depth`` steps), so a
    container's text can be put together from its members' texts. None when ``value`` holds
    something this writer leaves to ``json.dumps``: the caller then writes the whole."""
    try:
        parts: list[str] = []
        _write(value, parts, "\n" + " " * (indent * depth), " " * indent)
        return "".join(parts)
    except (_Other, RecursionError):
        return None


def _scalar(value) -> str | None:
    """The JSON text of a plain scalar (exact types only), None for anything else."""
    t = type(value)
    if t is str:
        return _string(value)
    if t is int:
        return _INT_REPR(value)
    if t is float:
        return _float(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return None


def _write(value, out: list, newline: str, step: str) -> None:
    # Strings and ints, most values of a summary, are written in the loops below without a
    # call each (a mapping's floats, None and booleans too: a design's settings); the other
    # scalars through _scalar, anything else through _write_other.
    t = type(value)
    if t is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        sep = "{" + inner
        append = out.append
        for key, item in value.items():
            if type(key) is not str:
                if not isinstance(key, str):
                    raise _Other
            ti = type(item)
            if ti is str:
                append(sep + _string(key) + ": " + _string(item))
            elif ti is int:
                append(sep + _string(key) + ": " + _INT_REPR(item))
            elif ti is float:
                append(sep + _string(key) + ": " + _float(item))
            elif item is None:
                append(sep + _string(key) + ": null")
            elif ti is bool:
                append(sep + _string(key) + (": true" if item else ": false"))
            else:   # every plain scalar is written above
                append(sep + _string(key) + ": ")
                _write(item, out, inner, step)
            sep = "," + inner
        append(newline + "}")
    elif t is list or t is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        sep = "[" + inner
        append = out.append
        for item in value:
            ti = type(item)
            if ti is str:
                append(sep + _string(item))
            elif ti is int:
                append(sep + _INT_REPR(item))
            else:
                text = _scalar(item)
                if text is not None:
                    append(sep + text)
                else:
                    append(sep)
                    _write(item, out, inner, step)
            sep = "," + inner
        append(newline + "]")
    else:
        text = _scalar(value)
        out.append(text if text is not None else _write_other(value, out, newline, step))


def _write_other(value, out: list, newline: str, step: str) -> str:
    """Subclasses of the JSON types, as json.dumps writes them; _Other for the rest.

    Returns the text of a scalar; a container is written into ``out`` (and "" returned)."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):            # bool is handled by _scalar (True/False are singletons)
        return _INT_REPR(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple)):
        _write(list(value), out, newline, step)
        return ""
    if isinstance(value, dict):
        _write(dict(value), out, newline, step)
        return ""
    raise _Other
