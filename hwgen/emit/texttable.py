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
