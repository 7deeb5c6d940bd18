"""The import contracts of ``pyproject.toml`` ([tool.importlinter]) hold, and they can fail.

The layers are loaders → graph → models → sampling → api / cli / web, plus the rules of each
package's ``__init__``. A change that imports upwards fails the build here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the package found in ``root`` (its own copy, not the installed one)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    return subprocess.run(
        [*command, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_layers_hold() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("graph/store.py", "import linkrisk.models.tiers", "Layers"),
        ("models/tiers.py", "import linkrisk.sampling.draw", "Layers"),
        ("loaders/pipeline.py", "import linkrisk.graph.embedded.store", "Loaders see the graph"),
        ("graph/neo4j/rows.py", "import linkrisk.graph.embedded.rows", "independent"),
        ("sampling/prf.py", "import fastapi", "Only api and cli speak HTTP"),
    ],
)
def test_a_planted_violation_fails(
    tmp_path: Path, module: str, planted: str, contract: str
) -> None:
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(ROOT / "linkrisk", copy / "linkrisk", ignore=shutil.ignore_patterns("vendor"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "linkrisk" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # planted\n")
    run = lint_imports(copy)
    assert run.returncode != 0
    broken = run.stdout.split("Broken contracts", 1)[1]
    assert contract in broken and planted.split()[-1] in broken
