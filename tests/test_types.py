"""The library is typed (bot/py.typed): programs that `import bot` get checked against it."""

from __future__ import annotations

import subprocess
import sys

from pathlib import Path

from conftest import REPO_ROOT


def test_the_package_type_checks_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), "bot"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
