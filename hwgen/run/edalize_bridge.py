"""Set up and run the Vivado project through Edalize's Python API.

Why the Edalize API and not FuseSoC with the generated core: it takes 0.07 s instead
of about half a second plus a FuseSoC library (shared/reference/tools.md §3, TRIAL); it
references the build folder's files in place instead of copying them, so the relative
path from vivado/ip_repo.tcl to the DPU IP repository holds and a re-rendered build
folder is picked up without a second copy going stale; and there is one less layer
between hwgen and make. The EDAM is built from the same CoreSpec as the core file
(hwgen/emit/fusesoc_core.py), so both routes create the same project.

The work root is ``<build folder>/edalize``. File names in the EDAM are relative to it
(``../vivado/block_design.tcl``), so nothing written there holds an absolute path and
the folder can be moved to a machine with Vivado as a whole.

fusesoc and edalize are imported inside the functions that need them, so importing
this module (and ``hwgen --help``) stays fast.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hwgen.errors import OutputError, ToolMissing
from hwgen.emit.fusesoc_core import CoreSpec

WORK_DIR = "edalize"
LOG_NAME = "hwgen_run.log"
EXPORT_HOOK = "export_xsa"
# The Vivado runs whose logs hold the flow's progress (launch_runs writes them).
RUN_LOGS = ("synth_1", "impl_1")


@dataclass(frozen=True)
class Project:
    """An Edalize Vivado project set up for a build folder."""

    spec: CoreSpec
    out_dir: Path          # the build folder
    work_root: Path        # <out_dir>/edalize

    @property
    def name(self) -> str:
        return self.spec.design

    @property
    def log_path(self) -> Path:
        return self.work_root / LOG_NAME

    @property
    def command(self) -> str:
        """What to type on a machine with Vivado to run the same build."""
        return f"make -C {shlex.quote(str(self.work_root))}"


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    message: str           # Edalize's error ("'make' exited with an error: 2") or ""
    stage: str             # last stage the log showed
    errors: tuple[str, ...]  # ERROR: lines from the logs
    elapsed: float
    hwgen_checks: tuple[tuple[str, str], ...] = ()   # (check, why): checks the Tcl could not make


def edam(spec: CoreSpec, work_root: Path, out_dir: Path) -> dict:
    """Edalize's design description for ``spec``; file names relative to ``work_root``."""
    def rel(path: str) -> str:
        return Path(os.path.relpath(out_dir / path, work_root)).as_posix()

    files = [{"name": rel(f), "file_type": "tclSource"} for f in spec.tcl_sources]
    files += [{"name": rel(f), "file_type": "xdc"} for f in spec.xdc]
    # No board_part, as in the core: the project must not depend on installed board files.
    flow_options = {"part": spec.part, "jobs": spec.jobs}
    # The hook runs in the work root; its argument sends the reports and the XSA to the
    # build folder, where vivado/build.tcl would have written them too.
    export = ["vivado", "-notrace", "-mode", "batch", "-source", rel(spec.export_script),
              "-tclargs", rel(".")]
    return {
        "name": spec.design,
        "toplevel": spec.toplevel,
        "files": files,
        "flow_options": flow_options,
        "hooks": {"post_build": [{"name": EXPORT_HOOK, "cmd": export}]},
    }


def _flow(project: Project):
    try:
        from edalize.flows.vivado import Vivado
    except ImportError as exc:  # pragma: no cover - edalize is a dependency
        raise ToolMissing(f"hwgen run needs Edalize (pip install 'edalize>=0.6'): {exc}") from None
    return Vivado(edam(project.spec, project.work_root, project.out_dir), str(project.work_root))


def setup(spec: CoreSpec, out_dir: Path) -> Project:
    """Write Edalize's Makefile and project Tcl into ``<out_dir>/edalize``."""
    project = Project(spec, out_dir, out_dir / WORK_DIR)
    try:
        project.work_root.mkdir(parents=True, exist_ok=True)
        _flow(project).configure()
    except OSError as exc:
        raise OutputError(f"{exc.filename or project.work_root}: cannot write the Edalize project: "
                          f"{exc.strerror or exc}") from None
    return project


def missing_tools(env: dict | None = None) -> list[str]:
    """What the build step lacks on this machine, one phrase each (empty: nothing).

    With EDALIZE_LAUNCHER set, every Vivado command goes through the launcher (a
    container, a remote machine), so a local vivado is not required.
    """
    env = os.environ if env is None else env
    path = env.get("PATH", os.defpath)
    missing = []
    if not env.get("EDALIZE_LAUNCHER") and shutil.which("vivado", path=path) is None:
        missing.append("vivado is not on PATH")
    if shutil.which("make", path=path) is None:
        missing.append("make is not on PATH (Edalize runs Vivado through a Makefile)")
    return missing


def build(project: Project, echo, poll_s: float = 0.5, heartbeat_s: float = 300.0) -> BuildResult:
    """Run Edalize's build (make: project, bitstream, export hook) with progress lines.

    Everything Vivado prints goes to ``<work root>/hwgen_run.log``; the run logs of
    synth_1 and impl_1 are followed too, because a batch Vivado prints little while it
    waits on a run. ``echo`` gets one line per stage change (and a reminder every
    ``heartbeat_s``), never the raw log.
    """
    from hwgen.run.progress import Progress, RunLogs

    flow = _flow(project)
    start = time.monotonic()
    progress = Progress(echo, start=start, heartbeat_s=heartbeat_s)
    result: dict = {}

    with open(project.log_path, "wb") as log:
        flow.stdout = log
        flow.stderr = subprocess.STDOUT

        def work():
            try:
                flow.build()
                result["ok"] = True
            except RuntimeError as exc:   # Edalize reports make's failure this way
                result["ok"] = False
                result["message"] = str(exc)
            except Exception as exc:      # anything else must still end the wait below
                result["ok"] = False
                result["message"] = f"{type(exc).__name__}: {exc}"

        logs = RunLogs(project.log_path, [project.work_root / f"{project.name}.runs" / r / "runme.log"
                                          for r in RUN_LOGS], since=time.time())
        worker = threading.Thread(target=work, name="edalize-build", daemon=True)
        echo(f"Vivado log: {project.log_path}")
        worker.start()
        while worker.is_alive():
            worker.join(poll_s)
            for source, line in logs.read():
                progress.feed(source, line)
            progress.tick()
        for source, line in logs.read():
            progress.feed(source, line)

    ok = bool(result.get("ok"))
    progress.finish(ok)
    return BuildResult(ok=ok, message=result.get("message", ""), stage=progress.stage,
                       errors=tuple(progress.errors), elapsed=time.monotonic() - start,
                       hwgen_checks=tuple(progress.hwgen_checks))
