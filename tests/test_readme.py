"""README.md's shell blocks work as written on a fresh copy of the repository.

Every ```sh block of the README is extracted and each command is run verbatim, in order, in one
bash session inside a fresh copy of the tracked files (so `source .venv/bin/activate` carries
over to the commands after it, as it does for a reader). A command's trailing comment may say
what to expect instead of exit status 0; nothing is skipped silently:

- `# exit N ...`: the command must exit N (for example 1 for a design over budget);
- `# needs: TOOL (exit 3 here)`: an hwgen command that needs TOOL (vivado) must stop with exit 3
  "tool missing" on this machine, which has none of AMD's tools;
- `# needs: TOOL` on a command that *is* an AMD tool (petalinux-config, vai_c_xir): not runnable
  here; the test asserts the program is absent from PATH, so the mark cannot hide a command
  that could run;
- `# ci: ...`: the CI entry itself (`bash scripts/test.sh`, which runs this test): the test
  asserts `.ci/run` runs exactly that command instead of recursing into it.

The quick-start line creates `.venv` and runs `pip install .` from the package index, as a
reader's machine does; it takes a while (about a minute on two cores).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# What `# needs: X` may name, and the programs that belong to it.
TOOLS = {"vivado": {"vivado"}, "petalinux": {"petalinux-config", "petalinux-build"},
         "vitis-ai": {"vai_c_xir", "xdputil"}}


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Fenced blocks as (info string, lines)."""
    out, info, buf = [], None, []
    for line in text.splitlines():
        if line.startswith("```"):
            if info is None:
                info, buf = line[3:].strip(), []
            else:
                out.append((info, buf))
                info = None
        elif info is not None:
            buf.append(line)
    assert info is None, "README.md has an unclosed code block"
    return out


def commands(text: str) -> list[tuple[str, str]]:
    """(command, trailing comment) of every line of every ```sh block, continuations joined."""
    out = []
    for info, lines in blocks(text):
        if info != "sh":
            continue
        joined, pending = [], ""
        for line in lines:
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            joined.append(pending + line)
            pending = ""
        for line in joined:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            command, _, comment = line.partition("  #")
            if not comment:
                command, _, comment = line.partition(" # ")
            out.append((command.strip(), comment.strip()))
    return out


def expectation(command: str, comment: str):
    """('run', code) or ('absent', program) or ('ci', None) for one README command."""
    if comment.startswith("ci:"):
        return "ci", None
    m = re.match(r"needs: ([\w-]+)", comment)
    if m:
        tool = m.group(1)
        assert tool in TOOLS, f"{command}: unknown tool {tool!r} in '# needs:'"
        program = command.split()[0]
        if program in TOOLS[tool]:
            return "absent", program
        assert program == "hwgen" and "exit 3" in comment, \
            f"{command}: a '# needs: {tool}' hwgen command must say '(exit 3 here)'"
        return "run", 3
    m = re.match(r"exit (\d+)", comment)
    return "run", int(m.group(1)) if m else 0


def test_readme_is_a_front_door():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, len(lines)
    text = "\n".join(lines)
    for heading in ("## Prerequisites", "## Quick start", "## From YAML to a running DPU"):
        assert heading in text
    steps = re.findall(r"^\*\*(\d)\. ", text, flags=re.M)
    assert steps == ["1", "2", "3", "4", "5"]


def test_no_command_hides_outside_an_sh_block():
    for info, lines in blocks(README.read_text(encoding="utf-8")):
        if info == "sh":
            continue
        assert info in ("", "yaml", "text"), f"code block ```{info}: mark shell blocks ```sh"
        assert not any(re.match(r"\s*(\$ )?(hwgen|bash|python3|pip|vivado|petalinux-|vai_c)", l)
                       for l in lines), f"a command outside an ```sh block: {lines}"


def test_expectations_are_read_as_written():
    assert expectation("hwgen check --dpu B4096", "exit 1: does not fit") == ("run", 1)
    assert expectation("hwgen run -o x", "needs: vivado (exit 3 here)") == ("run", 3)
    assert expectation("vai_c_xir -x a", "needs: vitis-ai") == ("absent", "vai_c_xir")
    assert expectation("bash scripts/test.sh", "ci: what .ci/run runs") == ("ci", None)
    assert expectation("hwgen build", "") == ("run", 0)
    for bad in (("hwgen run", "needs: vivado"), ("make", "needs: cuda")):
        try:
            expectation(*bad)
        except AssertionError:
            continue
        raise AssertionError(f"{bad} was accepted")


def _fresh_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def test_every_readme_command_runs_as_written(tmp_path):
    cmds = commands(README.read_text(encoding="utf-8"))
    assert len(cmds) >= 12, cmds
    copy = _fresh_copy(tmp_path / "hwgen")
    script, checks = ["cd " + str(copy)], []
    for i, (command, comment) in enumerate(cmds):
        kind, arg = expectation(command, comment)
        if kind == "ci":
            ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
            assert command in [l.strip() for l in ci], f".ci/run does not run {command!r}"
        elif kind == "absent":
            assert shutil.which(arg) is None, \
                f"{arg} is on PATH: this test does not run AMD's tools; run {command!r} by hand"
        else:
            script.append(f"{command} >{tmp_path}/out.{i} 2>&1; echo \"{i} $?\" >>{tmp_path}/codes")
            checks.append((i, command, arg))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    subprocess.run(["bash", "-c", "\n".join(script)], env=env, timeout=1200, check=False)
    codes = dict(line.split() for line in (tmp_path / "codes").read_text().splitlines())
    failures = []
    for i, command, want in checks:
        got = int(codes.get(str(i), -1))
        if got != want:
            out = (tmp_path / f"out.{i}").read_text(errors="replace")[-1500:]
            failures.append(f"{command!r}: exit {got}, README says {want}\n{out}")
    assert failures == [], "\n\n".join(failures)
    # the quick start's build and step 2 produced what the README says
    assert (copy / "build" / "pynq_z2" / "vivado" / "build.tcl").is_file()
    assert (copy / "build" / "pynq_z2" / "vitis-ai" / "arch.json").is_file()
