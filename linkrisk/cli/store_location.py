"""Where the store a command reads is, said in full so that a person can tell two apart.

``make demo`` builds its store in ``demo-city/data``; a command run afterwards from the same
directory reads ``LINKRISK_DATA_DIR`` (default ``data/``). ``status`` names the store it read,
and when there is none where it looked, points at a demo store nearby and the line to set.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from linkrisk.config import Settings, get_settings

DEMO_DATA = Path("demo-city") / "data"  # where `make demo` (linkrisk demo's default) keeps it


def store_location(settings: Settings, backend: str) -> str:
    """``embedded store /abs/data/linkrisk.db`` or ``neo4j store bolt://…``."""
    if backend == "neo4j":
        return f"neo4j store {settings.neo4j_uri or '(LINKRISK_NEO4J_URI not set)'}"
    return f"embedded store {settings.db_path.resolve()} (LINKRISK_DATA_DIR={settings.data_dir})"


def export_line(data_dir: Path) -> str:
    """The shell line that makes later commands use ``data_dir``."""
    return f"export LINKRISK_DATA_DIR={shlex.quote(str(data_dir.resolve()))}"


def demo_hint(settings: Settings | None = None) -> str | None:
    """The line to set when a demo store exists here and the settings point elsewhere."""
    settings = settings or get_settings()
    demo = DEMO_DATA / "linkrisk.db"
    if demo.exists() and demo.resolve() != settings.db_path.resolve():
        where = DEMO_DATA.resolve()
        return f"the demo's store is in {where}; to use it:\n  {export_line(DEMO_DATA)}"
    return None


def no_store_hint(settings: Settings) -> str:
    """What to do when no store exists where the settings point."""
    return demo_hint(settings) or (
        "load source files with `linkrisk load DIR` (or run `make demo`) to create one"
    )
