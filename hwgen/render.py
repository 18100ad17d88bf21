"""One Jinja2 environment for every generated file, with quoting filters per language.

Templates lay text out; they never decide. Every value that reaches Tcl or a device
tree goes through a filter for that language, and the filters refuse what they
cannot represent safely instead of guessing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from . import __version__, resources
from .errors import EXIT_INVALID_INPUT, HwgenError, one_line

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


def hex32(value: int) -> str:
    return f"0x{value:08X}"


def dts_cell(value: int) -> str:
    return f"0x{value:x}"


@lru_cache(maxsize=1)
def environment():
    """The one environment; compiled templates are cached inside it across renders."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(tcl=tcl_word, tcl_braced=tcl_braced, tcl_comment=tcl_comment,
                       dts_string=dts_string, dts_comment=dts_comment, hex32=hex32,
                       dts_cell=dts_cell, yaml_str=yaml_str, yaml_comment=yaml_comment)
    env.filters["kconfig_string"] = kconfig_string
    env.filters["dot_id"] = dot_id      # report/block_design.dot (HTML labels use |e)
    env.filters.update(md=md_text, md_code=md_code)     # report/summary.md, hwgen diff
    env.globals["hwgen_version"] = __version__
    return env


def render(template: str, **context) -> str:
    import jinja2

    from .errors import OutputError

    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateNotFound as exc:
        # Also raised while rendering, by an {% import %} of a missing macro file.
        raise OutputError(f"template {exc.name or template!r} is missing from hwgen's installation "
                          f"({resources.data_dir('templates')}); reinstall hwgen") from None
    except jinja2.TemplateSyntaxError as exc:
        raise OutputError(f"template {exc.filename or template}:{exc.lineno} in hwgen's "
                          f"installation is broken ({exc.message}); reinstall hwgen") from None
