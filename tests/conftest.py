"""Shared test helpers: an isolated home for every test, and a way to run the real `faqbot` CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bot import Matcher

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default KB's index cache, built once for the whole run.

    Building it trains the KB's learned model (a second); without this, every test that runs a
    fresh faqbot in a fresh home would build it again, as a user's first run does once.
    """
    from bot.cache import load_matcher

    cache = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        load_matcher()
    return cache / "faqbot"


@pytest.fixture(scope="session")
def default_matcher() -> Matcher:
    """The default KB's matcher, built once: it changes nothing it is asked, so tests may share it."""
    from bot import Matcher, load_kb

    return Matcher(load_kb())


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, default_index: Path
) -> Path:
    """Point HOME and the XDG directories at fresh temp dirs, so no test reads or writes the real ones.

    The cache directory starts with the default KB's index in it, as it is after a user's first
    run, except for tests marked `empty_cache`.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
        path = home / sub
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    if request.node.get_closest_marker("empty_cache") is None:
        shutil.copytree(default_index, home / "cache" / "faqbot")
    return home


def faqbot_env() -> dict[str, str]:
    """The current environment (as the autouse fixture set it), with the repo importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)  # only the repo: the default KB must be found from any cwd
    return env


def run_faqbot(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in a temp dir (never the repo) and capture its text output."""
    if cwd is None:
        cwd = Path(os.environ["HOME"])  # a fresh temp dir for each test (see isolated_home)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=input,
        text=True,
        capture_output=True,
        timeout=60,
        cwd=cwd,
        env=faqbot_env(),
        # With no input, give the child an empty, non-terminal stdin rather than ours.
        stdin=subprocess.DEVNULL if input is None else None,
    )


def write(path: Path, text: str | bytes) -> Path:
    """Write a test YAML file (text is dedented) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
