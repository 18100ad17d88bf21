"""hwgen diff refuses a budget.json with numbers hwgen never writes, in one line."""

from __future__ import annotations

import pytest

from hwgen.folder.diff import parse_budget
from hwgen.errors import InputError

from conftest import hwgen_main


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN"])
def test_non_finite_number_is_refused(value):
    text = ('{"verdict": "pass", "resources": [{"name": "LUT", "used": %s, "available": 53200, '
            '"limit_percent": 80}]}' % value)
    with pytest.raises(InputError) as exc:
        parse_budget(text, "b/budget.json")
    # Not JSON at all (RFC 8259 has no NaN or Infinity), though Python's json reads them.
    assert exc.value.lines() == [f"b/budget.json: expected JSON written by hwgen build, got "
                                 f"unreadable JSON (expected a JSON number, got {value} (not "
                                 f"part of JSON))"]


def test_diff_of_a_folder_with_infinity_exits_2(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert hwgen_main("build", "--output", str(a)).returncode == 0
    assert hwgen_main("build", "--output", str(b)).returncode == 0
    budget = b / "budget.json"
    text = budget.read_text()
    i = text.index('"used": ') + len('"used": ')
    budget.write_text(text[:i] + "Infinity" + text[text.index(",", i):])
    r = hwgen_main("diff", str(a), str(b))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().endswith("expected a JSON number, got Infinity (not part of JSON))")
