"""The documentation site says what the code does: the CLI reference is `--help`, the YAML and
settings references are the schema, and `mkdocs build --strict` fails on a broken link.

The generated pages are produced at site-build time (docs/hooks.py, mkdocs-click); these tests
run the same generators and compare them with click's own help and hwgen's schema objects.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hwgen.cli import main
from hwgen.model import records
from hwgen.model.schema import Rec

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _hooks():
    spec = importlib.util.spec_from_file_location("hwgen_docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _norm(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- CLI reference
def _cli_markdown() -> str:
    """docs/cli.md as the site's hook expands it (mkdocs-click, examples as code blocks)."""
    return _hooks().expand_cli((DOCS / "cli.md").read_text(encoding="utf-8"))


def _sections(markdown_text: str) -> dict[str, str]:
    """Command name ('' for the group) -> its section of the generated page."""
    out, name, buf = {}, None, []
    for line in markdown_text.splitlines():
        m = re.match(r"#{2,3} hwgen(?: (\S+))?(?: \{.*\})?$", line)
        if m:
            if name is not None:
                out[name] = "\n".join(buf)
            name, buf = m.group(1) or "", []
        elif name is not None:
            buf.append(line)
    if name is not None:
        out[name] = "\n".join(buf)
    return out


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, args + ["--help"], prog_name="hwgen",
                                terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def _options_block(text: str) -> str:
    """The option list of a --help text (after 'Options:'), whitespace-normalised."""
    _, _, rest = text.partition("Options:")
    rest = rest.split("Commands:")[0]
    return _norm(rest)


def _mismatches(sections: dict[str, str]) -> list[str]:
    problems = []
    commands = sorted(main.commands)
    missing = sorted(set(commands) - set(sections))
    if missing:
        problems.append(f"commands without a section in docs/cli.md: {missing}")
    for name in [""] + commands:
        if name not in sections:
            continue
        section = sections[name]
        helptext = _help([name] if name else [])
        usage = re.search(r"Usage: (.*)", helptext).group(1).strip()
        if usage not in section:
            problems.append(f"hwgen {name}: usage {usage!r} not in the page")
        md_options = section.split("**Options:**", 1)[-1].split("**Subcommands**")[0]
        if _options_block(helptext) != _norm(md_options.replace("```text", "").replace("```", "")):
            problems.append(f"hwgen {name}: options differ from --help")
        described = (main.commands[name] if name else main).help.replace("\b", "")
        if _norm(described) not in _norm(section.replace("```text", "").replace("```", "")):
            problems.append(f"hwgen {name}: description differs from the command's help")
    return problems


def test_cli_reference_is_the_help():
    sections = _sections(_cli_markdown())
    assert _mismatches(sections) == []
    # every command is documented, not just the ones that happen to match
    assert set(main.commands) <= set(sections)


def test_cli_reference_check_can_fail():
    sections = _sections(_cli_markdown())
    stale = dict(sections)
    stale["check"] = stale["check"].replace("--utilization RPT", "--utilisation RPT")
    stale["build"] = stale["build"].replace("Over budget", "Over the budget")
    del stale["list"]
    problems = _mismatches(stale)
    assert any("hwgen check: options differ" in p for p in problems)
    assert any("hwgen build: description differs" in p for p in problems)
    assert any("'list'" in p for p in problems)


def test_timing_help_says_it_needs_utilization():
    assert "needs --utilization" in _norm(_help(["check"]))
    result = CliRunner().invoke(main, ["check", "--timing", "t.rpt"], prog_name="hwgen")
    assert result.exit_code == 2
    assert "--timing: needs --utilization" in result.output


# --------------------------------------------------------------------------- schema references
def _schema_keys(rec: Rec, prefix: str = "") -> list[str]:
    out = []
    for key, field in rec.fields.items():
        out.append(prefix + key)
        if isinstance(field.spec, Rec):
            out += _schema_keys(field.spec, prefix + key + ".")
    return out


SCHEMAS = {"board": records.BOARD_SCHEMA, "dpu": records.DPU_SCHEMA,
           "settings": records.SETTINGS_SCHEMA}
PAGES = {"board": "board-yaml.md", "dpu": "dpu-profile.md", "settings": "settings.md"}


def _rows(table: str) -> dict[str, list[str]]:
    rows = {}
    for line in table.splitlines():
        m = re.match(r"\| `([^`]+)` \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in re.split(r"(?<!\\)\|", m.group(2))]
    return rows


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_reference_covers_every_key(name):
    hooks = _hooks()
    page = (DOCS / PAGES[name]).read_text(encoding="utf-8")
    assert f"<!-- hwgen-schema: {name} -->" in page, f"docs/{PAGES[name]} lost its generated table"
    rows = _rows(hooks.table(name))
    for key in _schema_keys(SCHEMAS[name]):
        assert key in rows, f"{name}: {key} missing from the generated reference"
        _type, default, _example, meaning = rows[key]
        assert meaning, f"{name}: {key} has no meaning in docs/schema_notes.yaml"
    notes = hooks.notes()[name]
    stale = sorted(set(notes) - set(hooks.all_keys(name)))
    assert stale == [], f"docs/schema_notes.yaml names keys the {name} schema does not have"


def test_settings_reference_defaults_are_the_schema():
    """The default column is what validating an empty settings mapping gives."""
    from hwgen.model.schema import Ctx, format_size, validate

    rows = _rows(_hooks().table("settings"))
    settings = validate(records.SETTINGS_SCHEMA, {}, Ctx(lambda path, at_key=False: (None, "")))
    for key in _schema_keys(records.SETTINGS_SCHEMA):
        if "." not in key:
            continue
        group, name = key.split(".")
        value = getattr(getattr(settings, group), name)
        shown = rows[key][1].strip("`")
        if value is None:
            assert shown == "none", key
        elif isinstance(value, bool):
            assert shown == str(value).lower(), key
        elif isinstance(value, float):
            assert shown == f"{value:g}", key
        elif isinstance(value, int) and key in ("linux.cma", "linux.cma_alignment", "linux.min_free"):
            assert shown == format_size(value), key
        elif isinstance(value, int) and key == "dpu.control_base":
            assert int(shown, 16) == value, key
        elif value == "":
            assert shown.startswith('""'), key
        else:
            assert shown == str(value), key


def test_schema_reference_notices_a_new_key():
    """A key added to the schema without a note makes the coverage test fail."""
    from hwgen.model.schema import Field, Int

    hooks = _hooks()
    extra = Rec(dict, **records.SETTINGS_SCHEMA.fields, extra_key=Field(Int(0, 1), default=0))
    original = hooks._schemas
    hooks._schemas = lambda: {**original(), "settings": extra}
    try:
        rows = _rows(hooks.table("settings"))
    finally:
        hooks._schemas = original
    assert "extra_key" in rows and rows["extra_key"][3] == ""


# --------------------------------------------------------------------------- the site
def _mkdocs(site: Path, docs_dir: Path | None = None) -> subprocess.CompletedProcess:
    config = ROOT / "mkdocs.yml"
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    if docs_dir is not None:
        text = config.read_text(encoding="utf-8").replace("docs_dir: docs",
                                                          f"docs_dir: {docs_dir}")
        text = text.replace("  - docs/hooks.py", f"  - {DOCS / 'hooks.py'}")
        config = docs_dir.parent / "mkdocs.yml"
        config.write_text(text, encoding="utf-8")
    args += ["--config-file", str(config)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_site_builds_strict_and_a_broken_link_fails(tmp_path):
    import shutil

    ok = _mkdocs(tmp_path / "site")
    assert ok.returncode == 0, ok.stderr
    cli = (tmp_path / "site" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "hwgen check" in cli and "--utilization" in cli
    settings = (tmp_path / "site" / "settings" / "index.html").read_text(encoding="utf-8")
    assert "dpu.fclk_tolerance_ppm" in settings and "hwgen-schema" not in settings

    broken = tmp_path / "src" / "docs"
    shutil.copytree(DOCS, broken)
    with open(broken / "review.md", "a", encoding="utf-8") as f:
        f.write("\nSee [the missing page](no-such-page.md).\n")
    bad = _mkdocs(tmp_path / "site2", broken)
    assert bad.returncode != 0
    assert "no-such-page.md" in bad.stderr
