"""Aligned plain-text tables for the commands' terminal output."""

from __future__ import annotations


def table(rows, right=frozenset()) -> list[str]:
    """Rows aligned in columns (the first row is the header); columns in ``right`` are
    right-aligned (numbers); trailing blanks dropped."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  ".join(cells).rstrip())
    return out


# Terminal output a person reads stays within this many columns (longer sentences wrap).
WIDTH = 100
# The whitespace textwrap turns into spaces (textwrap._whitespace, all but the space itself).
_TEXTWRAP_SPACE = frozenset("\t\n\x0b\x0c\r")


def wrap(text: str, width: int = WIDTH, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` wrapped at ``width`` columns: the first line starts with ``first`` (default
    ``indent``), the rest with ``indent``; words longer than a line are never cut (paths)."""
    first = indent if first is None else first
    # Most sentences fit on their line: then textwrap would return the line as it is, and
    # loading it (~1 ms of a `hwgen check`) buys nothing. The test is exactly the case where
    # textwrap changes nothing: no tab, newline or other blank it turns into a space, no blank
    # at the start, nothing str.strip() removes at the end (textwrap drops such a last word)
    # and the whole line within the width.
    if text and len(first) + len(text) <= width and text[0] != " " and not text[-1].isspace() \
            and not _TEXTWRAP_SPACE.intersection(text):
        return [first + text]
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def command_lines(args, width: int = WIDTH - 6) -> list[str]:
    """Command-line arguments within ``width`` columns, each line but the last ending in a
    backslash so the lines still paste into a shell; an option stays beside its value."""
    words: list[str] = []
    for a in args:
        if words and words[-1].startswith("--") and " " not in words[-1] and not a.startswith("--"):
            words[-1] += " " + a
        else:
            words.append(a)
    lines = [""]
    for w in words:
        if lines[-1] and len(lines[-1]) + 1 + len(w) > width:
            lines[-1] += " \\"
            lines.append("  " + w)
        else:
            lines[-1] = f"{lines[-1]} {w}" if lines[-1] else w
    return lines
