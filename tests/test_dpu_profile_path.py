"""A DPU profile named by a setting, as a path the file system refuses to look at."""

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
