"""Plain-text templates run from their compiled modules without importing Jinja2.

Importing Jinja2 (its compiler, lexer, parser and their imports) costs a process about
as much as everything else ``hwgen check`` does beyond Python, click and PyYAML, and
``check`` renders one small template, ``verdict.txt.j2``. The wheel carries that
template compiled by Jinja2 itself (hwgen/emit/render.py ``compile_installed``); its
code calls the Jinja2 runtime for only a handful of things: the render variables, an
attribute of a value, ``str``, string joining and the ``{% set %}`` bookkeeping. This
module runs such compiled code with a runtime of its own for exactly those names, so
the text shape still lives in the template and the code that lays it out is Jinja2's.

Jinja2 itself renders the template (``render.render``) whenever this module cannot
vouch for the result:

- the installation has no compiled module of the template (a source checkout, an
  editable install), or it is not current: the template's source digest, the source of
  ``render.py`` (the environment's settings and filters, which Jinja2 folds into
  compiled code) and the Jinja2 version must all be those the wheel was built with;
- the compiled code uses any name outside ``_ROOT_NAMES`` (a filter, a test, a loop
  variable, a macro, an include, an item lookup, a global such as ``range``...);
- while rendering, a variable or an attribute is undefined, or anything raises: Jinja2
  renders the template again from the start and says what it says.

``tests/test_textrender.py`` holds the two paths to the same bytes.
"""

from __future__ import annotations

import builtins
import re
import types
from functools import lru_cache
from pathlib import Path

from hwgen import resources

# What the root function of a template this module runs may name: its variables through
# the context, attributes through the environment, the output joined and the set-tags'
# bookkeeping. Jinja2 3.x writes exactly these for text, attributes, if/for/set.
_ROOT_NAMES = frozenset({"environment", "resolve_or_missing", "undefined", "Undefined", "concat",
                         "getattr", "vars", "exported_vars", "add", "str"})
# What the module level of a compiled template names besides what it imports from
# jinja2.runtime (its header line).
_MODULE_NAMES = frozenset({"jinja2.runtime", "name", "root", "blocks", "debug_info"})


class _Jinja2Needed(Exception):
    """Something only Jinja2's own runtime can answer (an undefined value, ...)."""


class _Missing:
    """Jinja2's ``missing``: what the context gives for a name it does not have."""

    __slots__ = ()

    def __repr__(self):
        return "missing"


missing = _Missing()


def _undefined(*args, **kwargs):
    raise _Jinja2Needed


class _Environment:
    """The three things such code asks of ``environment``."""

    __slots__ = ()
    concat = staticmethod("".join)
    undefined = staticmethod(_undefined)

    @staticmethod
    def getattr(obj, attribute):
        """``jinja2.Environment.getattr``: the attribute, else the item, else undefined."""
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            raise _Jinja2Needed from None


_ENVIRONMENT = _Environment()


class _Context:
    """``jinja2.runtime.Context`` for such code: the template's own variables, then the
    render variables (Jinja2's globals are not here: a template using one is Jinja2's)."""

    __slots__ = ("parent", "vars", "exported_vars")

    def __init__(self, parent: dict):
        self.parent = parent
        self.vars: dict = {}
        self.exported_vars: set = set()

    def resolve_or_missing(self, key):
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return missing


def _import_runtime(name, globals=None, locals=None, fromlist=(), level=0):
    """The compiled module's one import, ``from jinja2.runtime import ...``, answered here:
    ``missing`` and ``Undefined`` are this module's, every other name a placeholder that
    ``_usable`` has made sure the code never uses."""
    if name != "jinja2.runtime" or level != 0:
        raise _Jinja2Needed
    given = {n: None for n in fromlist or ()}
    given.update(missing=missing, Undefined=_undefined)
    return types.SimpleNamespace(**given)


_BUILTINS = dict(vars(builtins), __import__=_import_runtime)


def _usable(code: types.CodeType) -> bool:
    """Is ``code`` (a compiled template module) made of only what this module can run?"""
    imported = set()
    for const in code.co_consts:
        if isinstance(const, tuple) and all(isinstance(c, str) for c in const):
            imported.update(const)      # the import's name list (and any other string tuple)
    if not set(code.co_names) <= _MODULE_NAMES | imported:
        return False
    functions = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    if [f.co_name for f in functions] != ["root"]:
        return False                    # macros, blocks, helper functions: Jinja2's
    root = functions[0]
    return (set(root.co_names) <= _ROOT_NAMES
            and not any(isinstance(c, types.CodeType) for c in root.co_consts))


def _jinja2_version() -> str | None:
    """The installed Jinja2's version, read from its package without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("jinja2")
        text = Path(spec.origin).read_text(encoding="utf-8")
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return None
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return found.group(1) if found else None


@lru_cache(maxsize=None)
def _manifest(folder: Path) -> dict | None:
    """The manifest of the templates compiled into ``folder``, when this installation's
    environment is the one they were compiled under (same render.py, same Jinja2); else None."""
    import json

    from hwgen.emit import render

    try:
        manifest = json.loads((folder / render.COMPILED_MANIFEST).read_text(encoding="utf-8"))
        if manifest["environment"] != render._source_digest(Path(render.__file__)):
            return None
        if manifest["jinja2"] != _jinja2_version():
            return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@lru_cache(maxsize=None)
def compiled_root(templates: Path, template: str):
    """The root render function of ``template``'s compiled module under ``templates``, when
    this module can run it; else None (Jinja2 renders it)."""
    import hashlib

    from hwgen.emit import render
    from hwgen.model.loader import _ReadOnlyLoader

    manifest = _manifest(templates / render.COMPILED_DIR)
    if manifest is None:
        return None
    try:
        if manifest["templates"][template] != render._source_digest(templates / template):
            return None
        # jinja2.ModuleLoader's file name for the template
        module = templates / render.COMPILED_DIR / (
            "tmpl_" + hashlib.sha1(template.encode("utf-8")).hexdigest() + ".py")
        name = "_hwgen_text_template"
        code = _ReadOnlyLoader(name, str(module)).get_code(name)   # pip's .pyc, nothing written
    except (OSError, KeyError, TypeError, ImportError, SyntaxError, ValueError):
        return None
    if code is None or not _usable(code):
        return None
    namespace = {"__builtins__": _BUILTINS, "__name__": name}
    try:
        exec(code, namespace)
    except Exception:   # noqa: BLE001 - whatever it is, Jinja2 loads the template itself
        return None
    if namespace.get("blocks") != {} or not callable(namespace.get("root")):
        return None
    namespace["environment"] = _ENVIRONMENT
    return namespace["root"]


def run(root, context: dict) -> str:
    """The text of a root render function for ``context``; _Jinja2Needed (or whatever the
    values raise) when Jinja2 must render it."""
    return "".join(root(_Context(context)))


def render_text(template: str, **context) -> str:
    """``render.render(template, **context)``'s text, without Jinja2 when this module can
    run the template's compiled code (see the module's docstring)."""
    root = compiled_root(resources.data_dir("templates"), template)
    if root is not None:
        try:
            return run(root, context)
        except Exception:   # noqa: BLE001 - Jinja2 renders it again and says what it says
            pass
    from hwgen.emit.render import render

    return render(template, **context)
