"""``linkrisk serve`` as a real child process on a free loopback port, for the live tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], cwd: Path, timeout: float = 120.0) -> Iterator[str]:
    """Start the API with ``env`` and yield its base URL once ``/healthz`` answers."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "linkrisk"), "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "1"]
    log = cwd / f"serve-{port}.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"the API exited ({child.returncode}):\n{log.read_text()}")
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API did not answer in {timeout} s:\n{log.read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
