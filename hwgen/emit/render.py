"""One Jinja2 environment for every generated file, with quoting filters per language.

Templates lay text out; they never decide. Every value that reaches Tcl or a device
tree goes through a filter for that language, and the filters refuse what they
cannot represent safely instead of guessing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from math import copysign
from types import BuiltinFunctionType, FunctionType
from pathlib import Path

from hwgen import __version__
from hwgen import resources
from hwgen.frozen import by_identity
from hwgen.errors import EXIT_INVALID_INPUT, HwgenError, one_line

_TCL_BARE = re.compile(r"[A-Za-z0-9_.:/+\-]+")
_DTS_SAFE = re.compile(r"[^\"\\\x00-\x1f\x7f]*")
_KCONFIG_SAFE = re.compile(r"[^\"\\$`\x00-\x1f\x7f]*")


class QuotingError(HwgenError, ValueError):
    """A value cannot be written safely for the target language (a bug upstream).

    The input checks should have refused the value already; if one slips through, the
    build stops here before any file is written, with one line instead of a traceback.
    """

    exit_code = EXIT_INVALID_INPUT

    def lines(self) -> list[str]:
        return [one_line(f"{self}; nothing was written (hwgen's input checks should have "
                         "refused this value: please report it)")]


def tcl_word(value) -> str:
    """A single Tcl word that Tcl reads back as exactly ``value``, with no substitution.

    Bare when it has no special characters; otherwise braced, which suppresses every
    substitution. A brace-quoted word cannot end early only if its braces balance and
    it has no backslashes, so anything else is refused rather than escaped cleverly.
    """
    try:
        return _tcl_word_cached(value)
    except TypeError:  # an unhashable value: quote it without the cache
        return _tcl_word(value)


# A block design quotes ~450 values, mostly the board's PS7 preset and the same names
# in every design of a sweep; quoting is pure, so each distinct value is quoted once.
# typed=True keeps 1, 1.0 and True apart. Refusals (QuotingError) are not cached.
@lru_cache(maxsize=4096, typed=True)
def _tcl_word_cached(value) -> str:
    return _tcl_word(value)


def _tcl_word(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if _TCL_BARE.fullmatch(text):
        return text
    if "\\" in text or "\n" in text or "\r" in text or "\x00" in text or not _balanced(text):
        raise QuotingError(f"refusing to write {text!r} into Tcl")
    return "{" + text + "}"


def tcl_braced(value) -> str:
    """Always braced (``{value}``), as write_bd_tcl writes CONFIG values."""
    text = tcl_word(value)
    return text if text.startswith("{") else "{" + text + "}"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


def tcl_comment(value) -> str:
    """Text for a '#' comment line: one line, no backslash (which would continue it)."""
    text = str(value)
    if "\\" in text or "\n" in text or "\r" in text:
        raise QuotingError(f"refusing to write {text!r} into a Tcl comment")
    return text


def dts_string(value) -> str:
    """A device-tree string literal, quoted."""
    text = str(value)
    if not _DTS_SAFE.fullmatch(text):
        raise QuotingError(f"refusing to write {text!r} into a device-tree string")
    return '"' + text + '"'


def dts_comment(value) -> str:
    text = str(value)
    if "*/" in text or "\n" in text:
        raise QuotingError(f"refusing to write {text!r} into a device-tree comment")
    return text


def yaml_str(value) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(str(value), ensure_ascii=True)


def yaml_comment(value) -> str:
    """Text for a YAML '#' comment: one line."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise QuotingError(f"refusing to write {text!r} into a YAML comment")
    return text


def kconfig_string(value) -> str:
    """A Kconfig string value, quoted, for ``CONFIG_X="..."`` lines.

    Kconfig would accept backslash escapes, but PetaLinux's own scripts also read the
    file; anything that needs escaping (quotes, backslashes, $, backticks, control
    characters) is refused rather than escaped.
    """
    text = str(value)
    if not _KCONFIG_SAFE.fullmatch(text):
        raise QuotingError(f"refusing to write {text!r} into a Kconfig string")
    return '"' + text + '"'


def dot_id(value) -> str:
    """A Graphviz DOT identifier, always double-quoted.

    DOT un-escapes only \\" inside quotes and leaves every other backslash for the
    label escapes (\\N, \\l ...), so a backslash is refused rather than escaped.
    """
    text = str(value)
    if "\\" in text or "\n" in text or "\r" in text or "\x00" in text:
        raise QuotingError(f"refusing to write {text!r} as a DOT identifier")
    return '"' + text.replace('"', '\\"') + '"'


# Characters Markdown may read as markup; "_" only where it could open or close emphasis
# (GitHub/GitLab leave intraword underscores alone, so clock_mhz stays readable).
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_text(value) -> str:
    """Markdown text on one line (a table cell, a list item): specials backslash-escaped."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def md_code(value) -> str:
    """A Markdown code span; a pipe is escaped so it cannot end a table cell."""
    text = str(value)
    if "`" in text or "\n" in text or "\r" in text:
        raise QuotingError(f"refusing to write {text!r} as a Markdown code span")
    return "`" + text.replace("|", "\\|") + "`"


_BREAK_AFTER = re.compile(r"([_/.])(?=[^\s])")


def html_breakable(value) -> str:
    """HTML-escaped text with a <wbr> (a line-break opportunity) after each _ / and . so a
    long identifier (m_axi_dpu_aclk, ps7/S_AXI_HP0/HP0_DDR_LOWOCM) wraps at its joints in a
    narrow table cell instead of widening the table or breaking mid-word."""
    if type(value) is str:          # exactly str: a Markup equal to it must not share its entry
        return _breakable_str(value)
    return _breakable(value)


def _breakable(value) -> str:
    import markupsafe

    return _BREAK_AFTER.sub(r"\1<wbr>", str(markupsafe.escape(value)))


# A pure function of the string; the review page of every design of a sweep breaks the same
# few hundred names (ports, nets, settings), two regular-expression passes each.
_breakable_str = lru_cache(maxsize=4096)(_breakable)


def hex32(value: int) -> str:
    return f"0x{value:08X}"


def dts_cell(value: int) -> str:
    return f"0x{value:x}"


# What Jinja2 bakes into a compiled template besides its source: the lexer settings and
# whether each filter and test is handed the environment or context (that decides the
# call the compiler writes). jinja2.Environment attribute names.
_COMPILE_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string",
                     "variable_end_string", "comment_start_string", "comment_end_string",
                     "line_statement_prefix", "line_comment_prefix", "trim_blocks",
                     "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "autoescape",
                     "optimized", "finalize", "extensions")


def compile_signature(env) -> str:
    """A digest of everything except the source that a compiled template depends on.

    Besides the settings, that is each filter's and test's code: Jinja2's optimizer
    runs a filter on constant arguments at compile time and keeps only the result, so
    the source file of every filter not from Jinja2 itself is hashed in (one file,
    hwgen/emit/render.py, for hwgen's own).
    """
    import hashlib

    import jinja2

    def passes(table):
        return sorted((name, str(getattr(f, "jinja_pass_arg", None)), _code_digest(f))
                      for name, f in table.items())

    def shown(value):
        return sorted(value) if isinstance(value, dict) else \
            str(getattr(value, "jinja_pass_arg", None)) if callable(value) else repr(value)

    parts = (jinja2.__version__, passes(env.filters), passes(env.tests),
             [(name, shown(getattr(env, name, None))) for name in _COMPILE_SETTINGS])
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _code_digest(func) -> str:
    """sha256 of the source file defining ``func``; "" for Jinja2's own (its version counts)."""
    import hashlib
    import sys

    module = getattr(func, "__module__", None) or ""
    if module.split(".")[0] == "jinja2":
        return ""
    path = getattr(sys.modules.get(module), "__file__", None)
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else "?"
    except OSError:
        return "?"


# ----------------------------------------------------------------------------- compiled templates
# The wheel carries every template compiled to a Python module (``compile_installed``, run by
# the build hook in setup.py), in this folder of the installed templates, with a manifest of
# what they were compiled from. Compiling the templates from source took about half of a
# ``hwgen build``; importing their byte-compiled modules takes a few milliseconds.
COMPILED_DIR = "_compiled"
COMPILED_MANIFEST = "manifest.json"


def _source_digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _template_names(templates: Path) -> list[str]:
    return sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*.j2")
                  if COMPILED_DIR not in p.relative_to(templates).parts)


def compile_installed(templates: Path) -> Path:
    """Compile every template under ``templates`` into ``templates/_compiled`` (the build hook).

    ``zip=None`` writes plain ``.py`` modules, which pip byte-compiles when it installs
    the wheel (a zip archive would be compiled from Python source in every process);
    ``ignore_errors=False`` stops the wheel build at a broken template. The environment
    is the run-time one (``make_environment``): Jinja2 resolves filters and folds constant
    filter calls at compile time. The manifest records each template's source sha256 and
    ``compile_signature``; ``environment()`` loads a compiled module only while both match.
    """
    import json
    import shutil

    import jinja2

    target = templates / COMPILED_DIR
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    env = make_environment(jinja2.FileSystemLoader(str(templates)))
    names = _template_names(templates)
    env.compile_templates(str(target), zip=None, ignore_errors=False,
                          filter_func=lambda name: name in names)
    manifest = {"jinja2": jinja2.__version__, "signature": compile_signature(env),
                # this file (settings and filters), for hwgen/emit/textrender.py, which
                # cannot compute the signature without importing Jinja2
                "environment": _source_digest(Path(__file__)),
                "templates": {name: _source_digest(templates / name) for name in names}}
    (target / COMPILED_MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return target


def _checked_loader(templates: Path):
    """A loader that takes each template from its compiled module while that module is current.

    A template whose source no longer matches the manifest's digest (an edited
    installation), one missing from it (a new template), or every template when the
    manifest was made under other filters, settings or another Jinja2 (``compile_signature``)
    is compiled from its source instead, as if nothing had been compiled: slower, never
    stale. Without a manifest (a source checkout, an editable install) that is every
    template. Nothing is written: what is compiled from source stays in this process.
    """
    import json

    import jinja2

    source = jinja2.FileSystemLoader(str(templates))
    folder = templates / COMPILED_DIR
    try:
        manifest = json.loads((folder / COMPILED_MANIFEST).read_text(encoding="utf-8"))
        digests = dict(manifest["templates"])
        signature = str(manifest["signature"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return source

    class CompiledFirst(jinja2.BaseLoader):
        has_source_access = False

        def __init__(self):
            self.modules = jinja2.ModuleLoader(str(folder))
            self.current: bool | None = None    # compiled under this environment's signature?

        def get_source(self, environment, template):
            return source.get_source(environment, template)

        def list_templates(self):
            return source.list_templates()

        def load(self, environment, name, globals=None):
            if self.current is None:
                self.current = compile_signature(environment) == signature
            if self.current and self.is_compiled(name):
                try:
                    return self.modules.load(environment, name, globals)
                except jinja2.TemplateNotFound:
                    pass    # its module is missing from the installation: the source has it
            return source.load(environment, name, globals)

        @staticmethod
        def is_compiled(name: str) -> bool:
            """Is the compiled module of ``name`` made from the source installed beside it?"""
            expected = digests.get(name)
            if expected is None:
                return False
            try:
                return _source_digest(templates / name) == expected
            except OSError:
                return False     # the source loader reports the missing template

    return CompiledFirst()


def make_environment(loader):
    """hwgen's Jinja2 environment over ``loader``: the settings and filters every template
    is compiled and rendered with, at build time (``compile_installed``) and at run time."""
    import jinja2

    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.template_class = _template_class()
    env.context_class = _context_class()
    env.filters.update(tcl=tcl_word, tcl_braced=tcl_braced, tcl_comment=tcl_comment,
                       dts_string=dts_string, dts_comment=dts_comment, hex32=hex32,
                       dts_cell=dts_cell, yaml_str=yaml_str, yaml_comment=yaml_comment)
    env.filters["kconfig_string"] = kconfig_string
    env.filters["dot_id"] = dot_id      # report/block_design.dot (HTML labels use |e)
    env.filters.update(md=md_text, md_code=md_code)     # report/summary.md, hwgen diff
    env.filters["e_wbr"] = html_breakable               # report/index.html table cells
    env.filters["e"] = env.filters["escape"] = _remembered_escape(env.filters["escape"])
    env.filters["wordwrap"] = _remembered_wordwrap(env)
    env.globals["remembered_config_dict"] = _remembered_macro(env, "tcl/_macros.tcl.j2", "config_dict")
    env.globals["tcl_header_rest"] = _remembered_macro(env, "tcl/_macros.tcl.j2", "header_rest", exact=True)
    env.globals["tables"] = _Macros({name: _remembered_macro(env, "report/_tables.html.j2", name, exact=True)
                                     for name in _PAGE_TABLES})
    env.globals["md_parts"] = _Macros({name: _remembered_macro(env, "report/_summary.md.j2", name,
                                                               exact=True)
                                       for name in _SUMMARY_PARTS})
    # Remembered by value, not exact: every field of a CellView or NetView is a str by
    # construction (vivado.py), and walking a PS cell's ~800 CONFIG pairs to check it would
    # cost more than the layout it saves.
    env.globals["bd_parts"] = _Macros({name: _remembered_macro(env, "tcl/_block_design_parts.tcl.j2", name)
                                       for name in ("cell", "net")})
    env.globals["dts"] = _Macros(system_user=_remembered_macro(env, "dts/_system_user.dtsi.j2", "system_user",
                                                               exact=True))
    env.globals["vitis_ai"] = _Macros(readme=_remembered_macro(env, "vitis_ai/_readme.md.j2", "readme",
                                                               exact=True))
    env.globals["hwgen_version"] = __version__
    env.hwgen_loaded = {}       # template name -> Template, for render()
    return env


class _Macros(dict):
    """Remembered macros a template calls as ``tables.budget(...)``: a dict (by name) whose
    names are also attributes. Jinja2 tries an attribute before an item, and a plain dict
    answered every such call (~20 per design) with a raised and caught AttributeError."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@lru_cache(maxsize=None)
def _template_class():
    """``jinja2.Template`` holding its globals as one plain dict instead of a ChainMap over the
    environment's. Every render builds its context from them and every ``{% import %}``
    compares their keys with the importer's; on a ChainMap both run in Python (a tenth of a
    sweep's time in Jinja2). The environment's globals are all set before any template
    loads (``make_environment``), so the copy holds the same names and values."""
    import jinja2

    class Template(jinja2.Template):
        @classmethod
        def _from_namespace(cls, environment, namespace, globals):
            return super()._from_namespace(environment, namespace, dict(globals))

    return Template


@lru_cache(maxsize=None)
def _context_class():
    """``jinja2.runtime.Context`` calling a macro or a plain function straight away.

    Every call in a template (a macro, a remembered macro, ~65 per design) goes through
    ``Context.call``, which looks for a ``pass_context``-style marker on the callable and on
    its ``__call__``: two failed attribute lookups for every callable hwgen's templates use.
    A Macro never carries the marker, and a function carries it in its ``__dict__``, so
    those two kinds are told apart by a type check and a dict lookup; anything else, or a
    marked function, goes through Jinja2's own ``call``. The rest is Jinja2's: the loop and
    block variables it passes are dropped, and a StopIteration becomes an undefined value.
    """
    import jinja2.runtime

    plain = (jinja2.runtime.Macro, FunctionType)

    class Context(jinja2.runtime.Context):
        def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own signature)
            kind = type(__obj)
            if kind not in plain or (kind is FunctionType and "jinja_pass_arg" in __obj.__dict__):
                return super().call(__obj, *args, **kwargs)
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")

    return Context


@lru_cache(maxsize=1)
def environment():
    """The one environment: templates loaded compiled where the installation has them
    (``_checked_loader``), and kept inside it across renders."""
    return make_environment(_checked_loader(resources.data_dir("templates")))


def _remembered_escape(escape):
    """Jinja2's ``escape`` (``|e``: HTML and the diagram's labels), remembering its result for
    exact str values: a sweep escapes the same few thousand names and notes in every design.
    Anything else (a Markup, which is not escaped again; a number) is escaped every time."""
    remembered = lru_cache(maxsize=4096)(escape)

    def e(value):
        return remembered(value) if type(value) is str else escape(value)

    return e


def _remembered_wordwrap(env):
    """Jinja2's own ``wordwrap`` filter, remembering its results.

    The generated files explain themselves in comment paragraphs wrapped by ``wordwrap``;
    a sweep wraps the same paragraphs in every design, and textwrap took a third of the
    time of rendering a block design. Same function, same arguments, same text.
    """
    original = env.filters["wordwrap"]   # a pass_environment filter: (env, s, ...)

    @lru_cache(maxsize=2048)
    def remembered(s, *args, **kwargs):
        return original(env, s, *args, **kwargs)

    def wordwrap(s, *args, **kwargs):
        try:
            return remembered(s, *args, **kwargs)
        except TypeError:  # an unhashable argument
            return original(env, s, *args, **kwargs)

    return wordwrap


def _remembered_macro(env, template: str, name: str, exact: bool = False):
    """The macro ``name`` of ``template``, remembering its text for the same arguments.

    A macro's text is a function of its arguments (the macro file is imported without
    context). The block design writes the board's whole PS preset (hundreds of CONFIG
    values) through ``config_dict``; in a sweep every design of a board writes the same
    blocks, so each is laid out once. Refusals (QuotingError) are not remembered.
    ``exact``: remembered only for arguments whose every value is of a kind whose equality
    means the same text (``_exact_kinds``), keyed on the kinds too, since equal values of
    different types are written differently (1 == 1.0 == True, a Markup equal to a str);
    anything else is laid out every time.
    """

    found = []

    # Looked up once: the macro file's module is made once per environment (it is imported
    # without context), and get_template's cache lookup took longer than most layouts.
    def macro():
        if not found:
            found.append(getattr(env.get_template(template).module, name))
        return found[0]

    @lru_cache(maxsize=64)
    def remembered(kinds, *args):
        return macro()(*args)

    # The same argument objects give the same text, whatever their types: the view records a
    # design's strategy variants share (the planned summary, the one verdict) are served
    # without comparing or walking them.
    @by_identity(maxsize=64)
    def call(*args):
        kinds = _exact_kinds(args) if exact else ""
        if kinds is None:
            return macro()(*args)
        try:
            return remembered(kinds, *args)
        except TypeError:
            # An unhashable argument: laid out every time. (A TypeError of the layout itself
            # is raised again by the macro; the records' hashes are not worth computing twice.)
            return macro()(*args)

    return call


def _exact_kinds(value) -> str | None:
    """The kinds of the values in ``value`` (a tuple or record, all the way down) that are not
    str, in walking order, or None if one is of a kind whose equal values can be written apart.

    Two equal arguments with the same kinds are the same text: a str equals only a str, so
    equal arguments hold their strs at the same places and their other values in the same
    order; exact ints, bools and None are written as their value; a float as its repr,
    which equal floats share but for the sign of zero (kept in the kind); a function or
    builtin equals only itself. Records are compared field by field, and a record class with
    a field left out of its comparison is refused (``_field_values``). Anything else (a
    Markup, a list, a dict) is None.
    """
    kinds = []
    stack = [value]
    pop, extend, add = stack.pop, stack.extend, kinds.append
    while stack:        # a loop, not a recursion: a block design's preset is ~500 pairs
        item = pop()
        kind = type(item)
        if kind is str:
            continue
        if kind is tuple:
            extend(item)
            continue
        code = _KINDS.get(kind)
        if code is not None:
            add(code if kind is not float or copysign(1.0, item) > 0 else "-")
            continue
        fields = _field_values(kind)
        if fields is None:
            return None
        extend(fields(item))
    return "".join(kinds)


_KINDS = {int: "i", bool: "b", type(None): "n", float: "+", FunctionType: "f", BuiltinFunctionType: "f"}


@lru_cache(maxsize=None)
def _field_values(cls):
    """A function giving the values of every field of a record class, or None when ``cls`` is
    not a record or leaves a field out of its comparison (equal records could differ there)."""
    fields = getattr(cls, "__dataclass_fields__", None)
    if fields is None or not all(f.compare for f in fields.values()):
        return None
    names = tuple(fields)
    return lambda obj: tuple(getattr(obj, n) for n in names)


# The review page's tables whose rows are display strings (report/_tables.html.j2).
# The Markdown summary's parts laid out from rows a design's strategy variants share.
_SUMMARY_PARTS = ("facts_line", "budget", "plan")
_PAGE_TABLES = ("budget", "dpu", "clocks", "files", "findings", "clock_notes", "ports", "addresses", "memory")


def render(template: str, **context) -> str:
    import jinja2

    from hwgen.errors import OutputError

    env = environment()
    try:
        # The environment's own cache takes a lock and an LRU update per lookup: a sweep renders
        # a dozen templates per design, so each loaded Template is kept here too.
        loaded = env.hwgen_loaded.get(template) or env.hwgen_loaded.setdefault(
            template, env.get_template(template))
        return loaded.render(context)
    except jinja2.TemplateNotFound as exc:
        # Also raised while rendering, by an {% import %} of a missing macro file.
        raise OutputError(f"template {exc.name or template!r} is missing from hwgen's installation "
                          f"({resources.data_dir('templates')}); reinstall hwgen") from None
    except jinja2.TemplateSyntaxError as exc:
        raise OutputError(f"template {exc.filename or template}:{exc.lineno} in hwgen's "
                          f"installation is broken ({exc.message}); reinstall hwgen") from None
