"""The compiled-template cache between runs (render._bytecode_cache): fast, never stale, optional."""

from __future__ import annotations

import jinja2

from hwgen.emit import render


def _env(templates, cache):
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=cache,
                              undefined=jinja2.StrictUndefined, auto_reload=False)


def _compiles(env, name):
    """How many times Jinja2 compiled source while loading ``name``."""
    count = 0
    original = env.compile

    def counting(*args, **kwargs):
        nonlocal count
        count += 1
        return original(*args, **kwargs)

    env.compile = counting
    env.get_template(name)
    return count


def test_second_run_loads_compiled_code_and_an_edit_is_recompiled(tmp_path, monkeypatch):
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.j2").write_text("one {{ x }}")
    assert _compiles(_env(templates, render._bytecode_cache()), "a.j2") == 1
    assert len(list((tmp_path / "cache").iterdir())) == 1
    second = _env(templates, render._bytecode_cache())      # a new process, in effect
    assert _compiles(second, "a.j2") == 0
    assert second.get_template("a.j2").render(x=1) == "one 1"
    (templates / "a.j2").write_text("two {{ x }}")
    third = _env(templates, render._bytecode_cache())
    assert _compiles(third, "a.j2") == 1
    assert third.get_template("a.j2").render(x=1) == "two 1"


def test_empty_setting_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv(render.CACHE_ENV, "")
    assert render.cache_dir() is None
    assert render._bytecode_cache() is None


def test_caching_is_off_unless_asked_for(monkeypatch, tmp_path):
    # hwgen writes nothing outside the build folder by default (README "Safety").
    monkeypatch.delenv(render.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert render.cache_dir() is None
    assert render._bytecode_cache() is None
    render.render  # noqa: B018  (importable without touching any folder)
    assert list(tmp_path.iterdir()) == []


def test_folder_that_cannot_be_made_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(render.CACHE_ENV, str(blocker / "cache"))
    assert render._bytecode_cache() is None


def test_write_failure_still_renders(tmp_path, monkeypatch):
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))

    def disk_full(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", disk_full)
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.j2").write_text("ok")
    assert _env(templates, render._bytecode_cache()).get_template("a.j2").render() == "ok"


def test_folder_writable_by_others_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv(render.CACHE_ENV, str(folder))
    assert render._bytecode_cache() is None


def test_corrupt_cache_file_is_recompiled(tmp_path, monkeypatch):
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.j2").write_text("v={{ x }}")
    _env(templates, render._bytecode_cache()).get_template("a.j2")
    (cached,) = (tmp_path / "cache").iterdir()
    data = cached.read_bytes()
    cached.write_bytes(data[: len(data) // 2])          # cut off mid-code
    env = _env(templates, render._bytecode_cache())
    assert _compiles(env, "a.j2") == 1
    assert env.get_template("a.j2").render(x=2) == "v=2"


def _env_with(templates, **filters):
    env = _env(templates, None)
    env.filters.update(filters)
    env.bytecode_cache = render._bytecode_cache(render.compile_signature(env))
    return env


def test_code_compiled_under_other_filters_is_not_reused(tmp_path, monkeypatch):
    # Jinja2 writes into compiled code whether a filter is handed the environment; code
    # compiled before a filter changed that must not be loaded after (the key differs).
    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.j2").write_text("{{ v | f }}")

    def plain(s):
        return s + "1"

    first = _env_with(templates, f=plain)
    assert first.get_template("a.j2").render(v="x") == "x1"
    second = _env_with(templates, f=jinja2.pass_environment(lambda env, s: s + "2"))
    assert render.compile_signature(first) != render.compile_signature(second)
    assert _compiles(second, "a.j2") == 1
    assert second.get_template("a.j2").render(v="x") == "x2"
    again = _env_with(templates, f=plain)
    assert _compiles(again, "a.j2") == 0                # the first's signature: reused
    assert again.get_template("a.j2").render(v="y") == "y1"


def test_filter_code_change_is_not_served_from_the_cache(tmp_path, monkeypatch):
    # Jinja2 folds a filter applied to a constant into the compiled code, so a filter
    # whose code changed (a new hwgen version) must invalidate what was compiled with it.
    import importlib
    import sys

    monkeypatch.setenv(render.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.j2").write_text("{{ 'x' | f }}")
    module = tmp_path / "_hwgen_filters_under_test.py"
    module.write_text("def f(s):\n    return s + 'old'\n")
    mod = importlib.import_module("_hwgen_filters_under_test")
    try:
        assert _env_with(templates, f=mod.f).get_template("a.j2").render() == "xold"
        module.write_text("def f(s):\n    return s + 'new!'\n")
        importlib.invalidate_caches()
        mod = importlib.reload(mod)
        env = _env_with(templates, f=mod.f)
        assert _compiles(env, "a.j2") == 1
        assert env.get_template("a.j2").render() == "xnew!"
    finally:
        sys.modules.pop("_hwgen_filters_under_test", None)


def test_signature_is_stable_between_processes():
    import subprocess
    import sys

    code = "from hwgen.emit import render; print(render.compile_signature(render.environment()))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert runs == {render.compile_signature(render.environment()) + "\n"}
