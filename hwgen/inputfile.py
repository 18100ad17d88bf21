"""Opening a file someone else named: regular files only, every read bounded by bytes read.

A size limit checked with ``stat().st_size`` does not hold: /dev/zero, a symbolic link to
it and /proc files report 0 bytes and never end, and opening a FIFO named ``board.yaml``
blocks forever. So every file hwgen reads (--board, --dpu, --model, --utilization,
--timing, a build folder's JSON) is opened here: without blocking, checked with fstat on
the open descriptor (no race with a rename in between), refused unless it is a regular
file, and read only up to its limit plus one byte.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat


class ReadRefused(Exception):
    """The file cannot be read as input; the message (no file name) says why."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    # A device or FIFO is "not a regular file" whatever the caller expected.
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path, expected: str = "a regular file") -> io.BufferedReader:
    """``path`` opened for binary reading; ReadRefused unless it is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ReadRefused("no such file") from None
    except IsADirectoryError:
        raise ReadRefused(f"is a directory, expected {expected}") from None
    except OSError as exc:
        raise ReadRefused(f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            plain = stat.S_ISDIR(mode) or expected == "a regular file"
            raise ReadRefused(f"is {_kind(mode)}, expected {expected}"
                              + ("" if plain else " (a regular file)"))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, limit: int, expected: str = "a regular file") -> bytes:
    """The whole of regular file ``path``; ReadRefused when it holds more than ``limit`` bytes
    (counted as read, not as the file system claims)."""
    with open_regular(path, expected) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise ReadRefused(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ReadRefused(f"file is larger than {_size(limit)}, the limit for hwgen inputs")
    return data


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n >> 10} KiB"


# --------------------------------------------------------------------------- JSON
MAX_JSON_DEPTH = 64      # hwgen's own JSON nests 5 levels; the interpreter's limit is ~1000
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def strict_json(raw: bytes | str):
    """JSON as RFC 8259 defines it, from someone else: ValueError (one line) otherwise.

    - nesting bounded (MAX_JSON_DEPTH), checked before the parser recurses;
    - numbers through hwgen.numbers: bounded digits, finite, no NaN/Infinity (Python's
      json module accepts those and writes them back, making invalid JSON);
    - strings must be valid Unicode: a lone surrogate ("\\ud800") cannot be printed or
      encoded, so it is refused here rather than crashing whatever writes it out;
    - control characters are kept in the data (they are valid JSON); every writer of
      text escapes them (hwgen.errors.one_line).
    """
    from hwgen import numbers

    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    depth = 0
    for m in _BRACKETS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels (line {line})")
        elif c in "]}":
            depth -= 1
    try:
        data = json.loads(text, parse_int=numbers.json_int, parse_float=numbers.json_float,
                          parse_constant=numbers.json_constant)
    except numbers.NumberError as exc:
        raise ValueError(str(exc)) from None
    _no_surrogates(data)
    return data


def _no_surrogates(value) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"a string holds a lone surrogate ({value[:40]!r}), not Unicode "
                             "text") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_surrogates(k)
            _no_surrogates(v)
    elif isinstance(value, list):
        for v in value:
            _no_surrogates(v)
