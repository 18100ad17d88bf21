#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# System tools via apt-get when missing: dtc/fdtget (device-tree-compiler) and tclsh
# (tcl) for the generated files, dot (graphviz) and rsvg-convert (librsvg2-bin) for the
# block-design diagram, make for the Edalize projects, chromium for the page test; Python
# packages (fusesoc, edalize, pytest-xdist, playwright, the docs tools) into ./.venv, whose
# bin/ the tests put first on PATH themselves. A test whose tool is missing FAILS
# (tests/_toolguard.py). Then the documentation site (mkdocs build --strict) and pytest on
# every core (pytest-xdist); -ra lists every skip with its reason at the end. Screenshots
# of the review page land in test-artifacts/ (keep it as a CI artefact).
# Extra arguments go to pytest (e.g. -n 0 to run serially, -k NAME).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dtc >/dev/null 2>&1 && command -v fdtget >/dev/null 2>&1 || missing+=(device-tree-compiler)
command -v tclsh >/dev/null 2>&1 || missing+=(tcl)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
python3 -c "import ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check '.[test,docs]'
export PATH="$PWD/.venv/bin:$PATH"
# The documentation site: --strict turns a broken link, a page missing from the nav or a
# generated reference that fails into an error. Not -q: MkDocs then drops the warnings that
# --strict counts. Built into a temporary folder, so a checkout stays clean.
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
if ! NO_MKDOCS_2_WARNING=1 .venv/bin/python -m mkdocs build --strict --site-dir "$site/html" \
        >"$site/mkdocs.log" 2>&1; then
    grep -v '^INFO' "$site/mkdocs.log" >&2
    echo "mkdocs build --strict failed" >&2
    exit 1
fi
.venv/bin/python -m pytest -n auto -ra "$@"
