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
# The tests write about 35,000 files (some 250 MB) of build folders, recordings and wheels.
# On a RAM file system they cost about a tenth of the suite's time less than on a disk (82
# against 90 s on two cores, docs/performance.md), so they go to /dev/shm when it has a GiB
# to spare (a container's default 64 MB has not; then the system's temporary folder is used).
# The folder is removed when the tests pass and kept, with its path said, when they fail.
testtmp=""
shm_free_kib="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')" || shm_free_kib=0
if [ "${shm_free_kib:-0}" -gt 1048576 ] && [ -w /dev/shm ]; then
    testtmp="$(mktemp -d /dev/shm/hwgen-tests.XXXXXX)"
fi
status=0
if [ -z "$testtmp" ]; then
    .venv/bin/python -m pytest -n auto -ra "$@" || status=$?
    exit "$status"
fi
TMPDIR="$testtmp" .venv/bin/python -m pytest -n auto -ra --basetemp "$testtmp/pytest" "$@" || status=$?
if [ "$status" -eq 0 ]; then
    rm -rf "$testtmp"
else
    echo "the tests' files are kept in $testtmp" >&2
fi
exit "$status"
