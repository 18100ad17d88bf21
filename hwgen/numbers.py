"""Numbers from text, parsed once and strictly: the one helper for YAML, --set, reports, JSON.

Every number hwgen reads comes from text someone else wrote: a board file, a --set
argument, a Vivado report, a build folder's JSON. Python's own ``int()`` and ``float()``
are too lenient for that: they take full-width and other non-ASCII digits ('２６４１０'),
underscores in odd places, thousands of digits (ValueError past 4300, or a float that
silently becomes inf), 'nan' and 'infinity'. A wrong number is worse than a refused one
(a 400-digit WNS became +inf and counted as timing met), so here:

- digits are ASCII only, at most ``MAX_DIGITS`` of them;
- every float is finite;
- the caller gives the range its field allows;
- anything else raises ``NumberError`` with what was expected and what was found, and the
  caller, which knows where the text came from (file:line:col, the option), adds that.
"""

from __future__ import annotations

import math
import re

# No quantity hwgen handles needs more: 2**64 has 20 digits, a DDR size in bytes 11, a
# timing figure in ns ~10. The bound keeps every conversion cheap and every float exact
# enough, and a longer run of digits is damage, not data.
MAX_DIGITS = 24

_DECIMAL = re.compile(r"[+-]?[0-9]+", re.ASCII)
_REAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
# YAML 1.1 integer forms (PyYAML's resolver), underscores allowed between digits only.
_YAML_INT = re.compile(
    r"[+-]?(?:0|[1-9](?:_?[0-9])*|0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO]?[0-7](?:_?[0-7])*"
    r"|0[bB][01](?:_?[01])*)", re.ASCII)
_YAML_REAL = re.compile(
    r"[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
    r"(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
_HEX = re.compile(r"0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*", re.ASCII)

_YAML_BOOL = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


class NumberError(ValueError):
    """Text that is not the number a field takes; the message says expected and found."""


def shown(text: str) -> str:
    """``text`` for a message: at most 40 characters, its length when cut."""
    return repr(text) if len(text) <= 40 else f"{text[:37]!r}... ({len(text)} characters)"


def _digits_ok(text: str, what: str) -> None:
    digits = sum(c.isdigit() for c in text)
    if digits > MAX_DIGITS:
        raise NumberError(f"expected {what} of at most {MAX_DIGITS} digits, got {digits} digits "
                          f"({shown(text)})")


def _in_range(n, lo, hi, what: str, text: str):
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        raise NumberError(f"expected {what} from {lo if lo is not None else '-inf'} to "
                          f"{hi if hi is not None else 'inf'}, got {shown(text)}")
    return n


def parse_int(text: str, what: str = "an integer", lo: int | None = None,
              hi: int | None = None) -> int:
    """A plain decimal integer: optional sign, ASCII digits, nothing else."""
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise NumberError(f"expected {what} (ASCII digits), got {shown(str(text))}")
    _digits_ok(text, what)
    return _in_range(int(text), lo, hi, what, text)


def parse_hex(text: str, what: str = "a hexadecimal number") -> int:
    """'0x20000000' (underscores between digits allowed, as in YAML)."""
    if not _HEX.fullmatch(text):
        raise NumberError(f"expected {what} such as 0x10000000, got {shown(text)}")
    _digits_ok(text[2:], what)
    return int(text[2:].replace("_", ""), 16)


def parse_real(text: str, what: str = "a number", lo: float | None = None,
               hi: float | None = None) -> float:
    """A finite decimal number: '12.5', '-0.125', '3e2'; no 'inf', 'nan' or non-ASCII digits."""
    if not isinstance(text, str) or not _REAL.fullmatch(text):
        raise NumberError(f"expected {what} (ASCII digits), got {shown(str(text))}")
    _digits_ok(text, what)
    return _in_range(finite(float(text), what, text), lo, hi, what, text)


def finite(value: float, what: str = "a number", text: str | None = None) -> float:
    if not math.isfinite(value):
        raise NumberError(f"expected {what} that is finite, got {shown(text or str(value))}")
    return value


# --------------------------------------------------------------------------- YAML scalars
def yaml_int(text: str) -> int:
    """A YAML 1.1 integer as PyYAML reads it (0x.., 0o.., legacy 0.. octal, 0b.., 1_000),
    strictly: no base-60, digits bounded."""
    if not _YAML_INT.fullmatch(text):
        raise NumberError(f"expected an integer, got {shown(text)}")
    _digits_ok(text, "an integer")
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-").replace("_", "")
    if body[:2] in ("0x", "0X"):
        return sign * int(body[2:], 16)
    if body[:2] in ("0b", "0B"):
        return sign * int(body[2:], 2)
    if body[:2] in ("0o", "0O"):
        return sign * int(body[2:], 8)
    if len(body) > 1 and body[0] == "0":
        return sign * int(body, 8)
    return sign * int(body)


def yaml_float(text: str) -> float:
    """A finite YAML 1.1 float ('1.5', '1_000.5', '2e3'); '.inf' and '.nan' are refused."""
    if not _YAML_REAL.fullmatch(text):
        if text.lower().lstrip("+-") in (".inf", ".nan"):
            raise NumberError(f"expected a finite number, got {shown(text)}")
        raise NumberError(f"expected a number, got {shown(text)}")
    _digits_ok(text, "a number")
    return finite(float(text.replace("_", "")), "a number", text)


def yaml_bool(text: str) -> bool:
    try:
        return _YAML_BOOL[text.lower()]
    except KeyError:
        raise NumberError(f"expected true or false, got {shown(text)}") from None


# --------------------------------------------------------------------------- JSON
def json_int(text: str) -> int:
    """``json.loads(parse_int=...)``: JSON's own grammar already made it ASCII digits."""
    _digits_ok(text, "an integer")
    return int(text)


def json_float(text: str) -> float:
    _digits_ok(text, "a number")
    return finite(float(text), "a number", text)


def json_constant(text: str):
    """``json.loads(parse_constant=...)``: NaN, Infinity and -Infinity are not JSON."""
    raise NumberError(f"expected a JSON number, got {text} (not part of JSON)")
