"""MkDocs hook: the CLI, YAML and settings references, generated from the code at build time.

The CLI reference: a page's ``::: mkdocs-click`` directive is expanded here with mkdocs-click's
own generator (the text of ``--help``, command by command), and the paragraphs click keeps
verbatim (the examples) become code blocks instead of reflowed text.

A page asks for a table with a marker line ``<!-- hwgen-schema: NAME -->`` (NAME is
``board``, ``dpu`` or ``settings``); ``on_page_markdown`` replaces it with one row per key of
``hwgen.model.records`` (key, type, default, an example from a shipped file, meaning). Types
and defaults come from the schema objects themselves, so the page cannot drift from what
hwgen accepts; the meanings are kept in ``docs/schema_notes.yaml`` beside this file, and
``tests/test_docs.py`` fails when a schema key has none (or a note names no key). Nothing
generated is committed. Run from the repository root (``mkdocs build``), which puts the
checkout's ``hwgen`` first on the import path.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = Path(__file__).resolve().with_name("schema_notes.yaml")
MARKER = re.compile(r"^<!-- hwgen-schema: ([a-z]+) -->$", re.M)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _schemas():
    from hwgen.model import records

    return {"board": records.BOARD_SCHEMA, "dpu": records.DPU_SCHEMA,
            "settings": records.SETTINGS_SCHEMA}


def _examples():
    """The shipped file each table quotes its examples from (None: settings, see below)."""
    return {"board": ROOT / "boards" / "pynq_z2.yaml", "dpu": ROOT / "dpus" / "b512.yaml",
            "settings": None}


def _extra_keys():
    """Top-level sections the loader takes out before the schema sees the file."""
    from hwgen.model import design

    return {
        "board": [("defaults", "a mapping of design settings (dpu, linux, build, budget)",
                   "none", "{dpu: {profile: B512}}")],
        "dpu": [("options", "a mapping of " + ", ".join(design._OPTION_KEYS), "none",
                 "{ram_usage: low}")],
        "settings": [],
    }


def keys(name: str) -> list[tuple[str, object]]:
    """Every dotted key of schema ``name`` with its Field, in schema order (nested records too)."""
    from hwgen.model.schema import Rec

    out: list[tuple[str, object]] = []

    def walk(rec, prefix):
        for key, field in rec.fields.items():
            dotted = prefix + key
            out.append((dotted, field))
            if isinstance(field.spec, Rec):
                walk(field.spec, dotted + ".")
    walk(_schemas()[name], "")
    return out


def all_keys(name: str) -> list[str]:
    return [k for k, _ in keys(name)] + [k for k, *_ in _extra_keys()[name]]


def _type(spec) -> str:
    from hwgen.model.schema import Rec

    if isinstance(spec, Rec):
        return "a mapping"
    return spec.expected


def _default(field) -> str:
    from hwgen.model.schema import MISSING, Rec, Size, format_size

    d = field.default
    if d is MISSING:
        return "**required**"
    if isinstance(d, Rec):
        return "all defaults"
    if d is None:
        return "none"
    if isinstance(d, bool):
        return str(d).lower()
    if isinstance(field.spec, Size) and isinstance(d, int):
        return f"0x{d:08X}" if field.spec.what == "an address" else format_size(d)
    if isinstance(d, float):
        return f"{d:g}"
    if d == "":
        return '"" (empty)'
    return str(d)


def _lookup(data, dotted):
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _example(data, dotted) -> str:
    value = _lookup(data, dotted) if data is not None else None
    if value is None or value == {}:
        return ""
    if isinstance(value, dict):
        k, v = next(iter(value.items()))
        if isinstance(v, dict):
            return ""
        return f"{{{k}: {v}{', ...' if len(value) > 1 else ''}}}"
    if isinstance(value, list):
        value = value[0]
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _cell(text: str) -> str:
    return f"`{text}`" if text and not text.startswith("**") else text


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def notes() -> dict:
    import yaml

    return yaml.safe_load(NOTES.read_text(encoding="utf-8")) or {}


def _board_defaults() -> dict[str, dict]:
    """The shipped boards' ``defaults`` sections: the settings a board changes."""
    import yaml

    out = {}
    for path in sorted((ROOT / "boards").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out[path.stem] = data.get("defaults") or {}
    return out


def table(name: str) -> str:
    """The Markdown table for schema ``name``."""
    import yaml

    meaning = notes().get(name, {})
    example_file = _examples()[name]
    data = yaml.safe_load(example_file.read_text(encoding="utf-8")) if example_file else None
    boards = _board_defaults() if name == "settings" else {}
    head = ["key", "type", "default", "example" if example_file else "shipped boards", "meaning"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, field in keys(name):
        if data is not None:
            example = _cell(_example(data, key))
        else:
            example = "; ".join(f"{b}: `{_example(d, key)}`" for b, d in boards.items()
                                if _example(d, key))
        rows.append("| " + " | ".join(_escape(c) for c in (
            f"`{key}`", _type(field.spec), _cell(_default(field)), example,
            str(meaning.get(key, "")).strip())) + " |")
    for key, kind, default, example in _extra_keys()[name]:
        rows.append("| " + " | ".join(_escape(c) for c in (
            f"`{key}`", kind, default, _cell(example), str(meaning.get(key, "")).strip())) + " |")
    source = {"board": f"`boards/{example_file.name}`" if example_file else "",
              "dpu": f"`dpus/{example_file.name}`" if example_file else ""}.get(name)
    lead = (f"Generated from `hwgen/model/records.py` when the site is built; examples from "
            f"{source}." if source else
            "Generated from `hwgen/model/records.py` when the site is built; the last but one "
            "column shows what the shipped boards' `defaults` set instead.")
    return lead + "\n\n" + "\n".join(rows) + "\n"


def _verbatim_paragraphs(lines):
    """Click's verbatim paragraphs (examples, indented lines) as fenced text, the rest as it is.

    Click keeps a paragraph as written when it follows a backspace line; mkdocs-click drops
    that marker, so a paragraph outside a code block with an indented line is taken as one.
    """
    out, paragraph, fenced = [], [], False

    def flush():
        if any(l.startswith("  ") for l in paragraph):
            out.extend(["```text", *paragraph, "```"])
        else:
            out.extend(paragraph)
        paragraph.clear()

    for line in lines:
        if line.startswith("```"):
            flush()
            fenced = not fenced
            out.append(line)
        elif fenced:
            out.append(line)
        elif not line.strip():
            flush()
            out.append(line)
        else:
            paragraph.append(line)
    flush()
    return out


def expand_cli(markdown: str) -> str:
    """The ``::: mkdocs-click`` blocks of a page, expanded into the commands' help."""
    from mkdocs_click._extension import replace_command_docs
    from mkdocs_click._processing import replace_blocks

    lines = replace_blocks(markdown.splitlines(), title="mkdocs-click",
                           replace=lambda **opts: replace_command_docs(has_attr_list=True, **opts))
    return "\n".join(_verbatim_paragraphs(list(lines))) + "\n"


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001  (MkDocs hook signature)
    if "::: mkdocs-click" in markdown:
        markdown = expand_cli(markdown)

    def replace(m):
        if m.group(1) not in _schemas():
            raise ValueError(f"{page.file.src_path}: unknown schema table {m.group(1)!r}")
        return table(m.group(1))
    return MARKER.sub(replace, markdown)
