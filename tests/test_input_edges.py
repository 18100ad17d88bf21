"""Inputs at the edges of what Python and the file system accept: one line, never a traceback."""

from __future__ import annotations

import errno
import os


def test_a_profile_path_too_long_for_the_file_system_is_one_line_naming_the_setting(cli, tmp_path):
    name = "a" * (os.pathconf(str(tmp_path), "PC_NAME_MAX") + 1) + ".yaml"
    code, _, stderr = cli("check", "--set", f"dpu.profile={tmp_path / name}")
    lines = stderr.strip().splitlines()
    assert code == 2, stderr
    assert len(lines) == 1 and "Traceback" not in stderr
    assert lines[0].startswith("--set dpu.profile=")
    assert ": dpu.profile: expected a shipped DPU name or a .yaml file" in lines[0]
    assert lines[0].endswith(f": {os.strerror(errno.ENAMETOOLONG)}")


def test_a_size_with_more_digits_than_python_converts_is_refused_as_a_size(cli):
    digits = "9" * 5000     # over CPython's 4300-digit int() limit
    code, _, stderr = cli("check", "--set", f"linux.cma={digits}M")
    lines = stderr.strip().splitlines()
    assert code == 2, stderr
    assert len(lines) == 1 and "Traceback" not in stderr
    assert ": linux.cma: expected a CMA size (4M to 64G, a multiple of 1 MiB), got a string" in lines[0]
