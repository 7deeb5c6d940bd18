"""The bundled Neo4j server (``tools/neo4j-server``) as a child process: for the tests, the
benchmarks and ``linkrisk neo4j import``.

``make neo4j`` builds the launcher (Neo4j 5.26 LTS community embedded in a small Java program,
Bolt on 127.0.0.1, authentication on). ``NeoServer.start`` runs it on a data directory, waits
for its one ``NEO4J_READY {json}`` line and keeps the bolt address; ``stop`` sends SIGTERM and
waits for a clean shutdown; ``bulk_import`` runs Neo4j's importer into a data directory that no
server is using. ``LINKRISK_NEO4J_LAUNCHER`` names another copy of the launcher's ``run``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository of an editable install
LAUNCHER = Path(os.environ.get("LINKRISK_NEO4J_LAUNCHER", ROOT / "tools" / "neo4j-server" / "run"))
JAR = LAUNCHER.parent / "target" / "neo4j-server.jar"
READY = "NEO4J_READY "
START_TIMEOUT = 180.0  # seconds: a cold JVM on a busy 2-core machine takes ~15-40 s
STOP_TIMEOUT = 60.0
USER = "neo4j"


class ServerFailed(RuntimeError):
    """The launcher exited or did not report ready in time; carries the tail of its output."""


def launcher_missing() -> str | None:
    """Why the launcher cannot run here, or None."""
    if not JAR.exists():
        return f"the Neo4j launcher is not built ({JAR}): run `make neo4j`"
    return None


@dataclass
class NeoServer:
    """One launcher process on ``data_dir``: ``start`` it, use ``uri``, ``stop`` it."""

    data_dir: Path
    password: str = field(default_factory=lambda: "lr-" + secrets.token_hex(12))
    port: int = 0
    page_cache: str = "256m"
    java_opts: str = "-Xms256m -Xmx1g -XX:+UseParallelGC"
    uri: str = ""
    version: str = ""
    process: subprocess.Popen[str] | None = None
    _lines: deque[str] = field(default_factory=lambda: deque(maxlen=200))

    def start(self, timeout: float = START_TIMEOUT, attempts: int = 3) -> NeoServer:
        """Start and wait for READY. With ``port=0`` the launcher picks a free port, which
        another process may take before Neo4j binds it: such a start is tried again."""
        for attempt in range(attempts):
            try:
                return self._start(timeout)
            except ServerFailed as exc:
                lost_port = self.port == 0 and "already in use" in str(exc).lower()
                if not lost_port or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> NeoServer:
        if reason := launcher_missing():
            raise ServerFailed(reason)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "NEO4J_USER": USER,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_JAVA_OPTS": self.java_opts,
        }
        args = [str(LAUNCHER), "--data-dir", str(self.data_dir), "--port", str(self.port)]
        args += ["--page-cache", self.page_cache, "--stop-on-stdin-eof"]  # dies with pytest
        self.process = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.PIPE,  # kept open: the launcher stops when it closes
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # Ctrl-C in a terminal reaches pytest, which stops us
        )
        ready = threading.Event()
        threading.Thread(target=self._read, args=(ready,), daemon=True).start()
        if not ready.wait(timeout) or not self.uri:
            tail = "\n".join(self._lines)
            self.kill()
            raise ServerFailed(f"Neo4j did not report ready in {timeout:.0f} s:\n{tail}")
        self.port = int(self.uri.rsplit(":", 1)[1])  # a restart keeps the address
        return self

    def _read(self, ready: threading.Event) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self._lines.append(line)
            if line.startswith(READY):
                info = json.loads(line[len(READY) :])
                self.uri, self.version = info["bolt"], info.get("version", "")
                ready.set()
        ready.set()  # the process ended: start() reports it

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM and wait: the launcher shuts the DBMS down cleanly and exits 0."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        code = self.process.returncode
        self.process = None
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def env(self) -> dict[str, str]:
        """The settings that point linkrisk at this server."""
        return {
            "LINKRISK_NEO4J_URI": self.uri,
            "LINKRISK_NEO4J_USER": USER,
            "LINKRISK_NEO4J_PASSWORD": self.password,
        }

    def log_tail(self) -> str:
        return "\n".join(self._lines)


def wait_until(check: object, timeout: float, step: float = 0.5) -> bool:
    """Call ``check()`` until it is truthy or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def bulk_import(data_dir: Path, arguments: list[str]) -> tuple[float, str]:
    """Run Neo4j's bulk importer (``neo4j-admin database import full``) into ``data_dir``'s
    empty database; (seconds, the importer's output). ``ServerFailed`` when it fails."""
    if reason := launcher_missing():
        raise ServerFailed(reason)
    command = [str(LAUNCHER), "--import", "--data-dir", str(data_dir), *arguments]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--multiline-fields=true"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise ServerFailed(f"the importer failed (exit {done.returncode}):\n{output[-4000:]}")
    return seconds, output
