"""hwgen.emit.texttable.wrap returns a line that fits as it is without loading textwrap;
whatever the text, its lines are textwrap's."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from hwgen.emit.texttable import wrap

# Words, runs of every kind of blank textwrap knows (and two it does not), at any length.
_TEXT = st.lists(st.one_of(st.text(alphabet="ab-/.é", min_size=1, max_size=12),
                           st.sampled_from([" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\xa0", "\u2028"])),
                 max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, width=st.integers(20, 120), indent=st.sampled_from(["", "  ", "    "]),
       first=st.sampled_from([None, "", "  warning: ", "- "]))
def test_wrap_is_textwraps_wrap(text, width, indent, first):
    start = indent if first is None else first
    want = textwrap.wrap(text, width=width, initial_indent=start, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [start.rstrip()]
    assert wrap(text, width, indent, first) == want


def test_a_line_that_fits_does_not_load_textwrap():
    code = ("import sys\nfrom hwgen.emit.texttable import wrap\n"
            "assert wrap('PASS: a short line', 100, '  ') == ['  PASS: a short line']\n"
            "print('textwrap' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
