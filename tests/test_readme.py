"""The README, typed: every command of its ``sh`` blocks, in order, under a pseudo-terminal.

A person follows the README in a terminal; the other tests run with redirected output and never
type it. Here each command runs in a real pseudo-terminal (pexpect), so rich draws its progress
bars and tables as a person sees them, in a fresh directory with the default data directory.

What the test changes, and only that: the city is smaller (``--subjects 20000`` → ``SUBJECTS``)
so the run stays short, and the README's example subjects (of the 20,000-firm city) are replaced
by subjects of the small city in the same roles (a firm with owners two levels up, controllers,
listed neighbours and a group; another member of its group; part of its name). ``linkrisk
serve`` is started, asked for a page over HTTP on a free port and stopped with Ctrl-C; before
``sampling record`` the results form is filled in as the inspectors would. A command marked
``# example: <reason>`` is not run (the reason must be given).
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

README = Path(__file__).resolve().parents[1] / "README.md"
SUBJECTS = 2000  # the README's 20,000 firms take ~5 minutes on two shared cores
#: the README's example subjects (seed 7, 20,000 firms)
FIRM = "91610303MAPFRQ549E"
FIRM_NAME = "澜城骏圆金属制品有限公司"
OTHER = "91610302MAKB28WN89"
SEARCH = "骏圆金属"
GRAPHML = "骏圆.graphml"
#: commands whose progress bar a person watches (and which drew none before issue 18)
LONG = ("generate", "load", "snapshot", "train", "evaluate", "score")
BAR = "━"
TRACEBACK = "Traceback (most recent call last)"
MAX_SECONDS = 600  # one command


@dataclass(frozen=True)
class Command:
    line: str  # as in the README (continuation lines joined)
    example: str | None  # the reason it is not run, for `# example: …`


def readme_commands(text: str) -> list[Command]:
    """The commands of the README's ``sh`` code blocks, in order."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        logical = re.sub(r"\\\n\s*", " ", block)  # continuation lines
        for raw in logical.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            _, _, comment = line.partition(" #")
            reason = comment.split("example:", 1)[1].strip() if "example:" in comment else None
            commands.append(Command(line, reason))
    return commands


def test_the_readme_is_parsed_as_a_person_reads_it() -> None:
    commands = readme_commands(README.read_text(encoding="utf-8"))
    lines = [c.line for c in commands]
    assert lines[0].startswith("make demo") and commands[0].example
    create = next(c for c in lines if c.startswith("linkrisk sampling create"))
    assert "--recent-days 180" in create and "\\" not in create
    assert all(c.example for c in commands if not c.line.startswith("linkrisk"))
    assert {"linkrisk search", "linkrisk serve", "linkrisk audit"} <= {
        " ".join(shlex.split(line, comments=True)[:2]) for line in lines
    }


@dataclass(frozen=True)
class Roles:
    firm: str
    firm_name: str
    other: str
    search: str


def _roles(data_dir: Path) -> Roles:
    """Subjects of the small city in the roles the README's examples play."""
    os.environ["LINKRISK_DATA_DIR"] = str(data_dir)
    from linkrisk.config import get_settings

    get_settings.cache_clear()
    from linkrisk.graph.open import open_store
    from linkrisk.graph.queries import SnapshotQueries
    from linkrisk.graph.snapshot.arrays import load_current

    settings = get_settings()
    snapshot = load_current(settings.snapshot_dir)
    queries = SnapshotQueries(snapshot, settings=settings)
    store = open_store(settings)
    names: dict[str, int] = {}
    for batch in store.read_table("subjects", ["name"]):
        for name in batch.column("name").to_pylist():
            names[name] = names.get(name, 0) + 1
    try:
        for node in range(snapshot.n):
            sid = snapshot.sid(node)
            if not sid.startswith("91"):
                continue
            name = (store.get_subject(sid) or {}).get("name") or ""
            if names.get(name) != 1 or len(name) < 8:
                continue
            owners = queries.owners(sid, max_depth=10)
            if not owners.entries or max(e.depth for e in owners.entries) < 2:
                continue
            if not queries.controllers(sid) or not queries.surrounding_risk(sid).neighbours:
                continue
            group = queries.group(sid, limit=20)
            others = [m.sid for m in group.members if m.sid != sid and m.sid.startswith("91")]
            if others:
                return Roles(sid, name, others[0], name[2:6])
    finally:
        store.close()
        get_settings.cache_clear()
    raise AssertionError("the small city has no firm in the README's role")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill_form(path: Path) -> int:
    """What the inspectors do with the results form: a result and a date on a few rows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    result, day = header.index("检查结果"), header.index("检查日期")
    for i, row in enumerate(body[:5]):
        row[result] = "不配合检查" if i == 0 else "正常"
        row[day] = "2026年11月7日"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    return min(5, len(body))


def _run(pexpect: object, line: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    child = pexpect.spawn(  # type: ignore[attr-defined]
        "/bin/bash",
        ["-c", line],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        codec_errors="replace",
        dimensions=(50, 160),
        timeout=MAX_SECONDS,
    )
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    output = child.before or ""
    child.close()
    return child.exitstatus if child.exitstatus is not None else -1, output


def _serve(pexpect: object, line: str, cwd: Path, env: dict[str, str], port: int) -> str:
    """Start ``linkrisk serve``, wait for it to answer over HTTP, stop it as a person would."""
    child = pexpect.spawn(  # type: ignore[attr-defined]
        "/bin/bash", ["-c", line], cwd=str(cwd), env=env, encoding="utf-8", dimensions=(50, 160)
    )
    deadline = time.monotonic() + 180
    answered = None
    while time.monotonic() < deadline and child.isalive():
        try:
            answered = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.5)
    assert answered is not None and answered.status_code == 200, child.read_nonblocking(
        100_000, timeout=1
    )
    assert "swagger-ui-bundle.js" in answered.text
    child.kill(signal.SIGINT)  # Ctrl-C
    child.expect(pexpect.EOF, timeout=60)  # type: ignore[attr-defined]
    output = child.before or ""
    child.close()
    return output


def test_every_readme_command_works_as_typed_in_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    from linkrisk.web.routes import missing_vendored

    if missing_vendored():
        pytest.skip("the web assets are not built (make web): serve's /docs needs them")
    commands = readme_commands(README.read_text(encoding="utf-8"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKRISK_")}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "TERM": "xterm-256color",
        "LINKRISK_ID_HASH_KEY": "readme-test-key",
        "LINKRISK_API_PORT": str(port),
        "LINKRISK_ENV": "test",
    }
    saved = os.environ.get("LINKRISK_DATA_DIR")
    roles: Roles | None = None
    ran: list[str] = []
    try:
        for command in commands:
            if command.example is not None:
                assert len(command.example) > 10, f"an example needs its reason: {command.line}"
                continue
            line = command.line.replace("--subjects 20000", f"--subjects {SUBJECTS}")
            if roles is None and any(k in line for k in (FIRM, FIRM_NAME, SEARCH)):
                roles = _roles(tmp_path / "data")
            if roles is not None:
                for old, new in (
                    (FIRM_NAME, roles.firm_name),
                    (FIRM, roles.firm),
                    (OTHER, roles.other),
                    (SEARCH, roles.search),
                ):
                    line = line.replace(old, shlex.quote(new) if old != FIRM else new)
            words = shlex.split(line, comments=True)
            if words[:2] == ["linkrisk", "serve"]:
                output = _serve(pexpect, line, tmp_path, env, port)
                assert TRACEBACK not in output, output
                ran.append(line)
                continue
            if words[:3] == ["linkrisk", "sampling", "record"]:
                assert _fill_form(tmp_path / words[4]) > 0
            status, output = _run(pexpect, line, tmp_path, env)
            assert status == 0, f"$ {line}\n{output}"
            assert TRACEBACK not in output, f"$ {line}\n{output}"
            if words[1] in LONG:
                assert BAR in output, f"no progress bar drawn by: {line}\n{output}"
            ran.append(line)
    finally:
        if saved is None:
            os.environ.pop("LINKRISK_DATA_DIR", None)
        else:
            os.environ["LINKRISK_DATA_DIR"] = saved
    assert len(ran) == sum(1 for c in commands if c.example is None)
    assert (tmp_path / GRAPHML).exists() and (tmp_path / "pub" / "P2026-01.verify.json").exists()
