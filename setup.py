"""The wheel's build hook: hwgen's templates compiled by Jinja2, and its shipped YAML data
loaded, into the wheel.

Everything else about the package is declared in pyproject.toml; this file only adds
one step to setuptools' ``build_py`` and keeps setuptools' own working folders apart
from hwgen's. ``pip install .`` runs it; nothing here runs when hwgen does.

- After ``build_py`` has copied the package and its data into the build folder,
  ``hwgen.emit.render.compile_installed`` (imported from that build folder, so it is the
  code and templates being shipped) compiles every template into
  ``hwgen/templates/_compiled/`` with a manifest of the source digests. At run time
  hwgen loads a compiled module only while its template's source still matches
  (hwgen/emit/render.py ``_checked_loader``); an editable install skips this step and
  compiles from source.
- The same way, ``hwgen.model.loader.compile_shipped`` writes every shipped YAML file
  (boards/, dpus/, parts/, families/, models/) as a Python module of its loaded data and
  marks into ``hwgen/<kind>/_compiled/``, with the source's sha256; ``load_file`` uses a
  module only while that digest matches the file beside it.
- setuptools works in ``build/`` and writes ``<name>.egg-info`` into the project root by
  default. ``build/`` is where ``hwgen build`` writes design folders, so setuptools gets
  ``.pybuild/`` instead, for both (.gitignore lists it).
"""

from __future__ import annotations

import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGING_DIR = ".pybuild"


class BuildPyCompilingTemplates(build_py):
    """setuptools' build_py, then the templates compiled inside the build folder."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return    # an editable install runs the checkout: templates compile from source
        compile_templates(os.path.abspath(self.build_lib))


def compile_templates(build_lib: str) -> None:
    """Compile ``build_lib``'s templates with ``build_lib``'s own hwgen, then forget it."""
    from pathlib import Path

    saved_path, saved = list(sys.path), {k: v for k, v in sys.modules.items()
                                         if k == "hwgen" or k.startswith("hwgen.")}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, build_lib)
    try:
        import hwgen

        if Path(hwgen.__file__).resolve().parent != Path(build_lib, "hwgen").resolve():
            raise RuntimeError(f"compiling templates: imported {hwgen.__file__}, not the build's")
        from hwgen.emit.render import compile_installed
        from hwgen.model.loader import compile_shipped
        from hwgen.resources import DATA_KINDS

        target = compile_installed(Path(build_lib, "hwgen", "templates"))
        print(f"compiled hwgen's templates into {target}")
        for kind in DATA_KINDS:
            written = compile_shipped(Path(build_lib, "hwgen", kind))
            print(f"compiled {len(written)} shipped YAML files of hwgen/{kind}")
    finally:
        sys.path[:] = saved_path
        for name in [k for k in sys.modules if k == "hwgen" or k.startswith("hwgen.")]:
            del sys.modules[name]
        sys.modules.update(saved)


os.makedirs(PACKAGING_DIR, exist_ok=True)
setup(
    cmdclass={"build_py": BuildPyCompilingTemplates},
    options={"build": {"build_base": PACKAGING_DIR},
             "egg_info": {"egg_base": PACKAGING_DIR}},
)
