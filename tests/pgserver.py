"""A throwaway PostgreSQL server on loopback, for the test session and the load test."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NotInstalled(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3])
    )
    if not found:
        raise NotInstalled(
            "PostgreSQL is not installed, so the store contract suite cannot run on it. "
            "Install it with: apt-get install postgresql (.ci/run does this)."
        )
    return Path(found[-1]).parent


@contextmanager
def running() -> Iterator[str]:
    """Start a private server in a temporary directory; yields its SQLAlchemy base URL."""
    bindir = _bindir()
    home = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    data = home / "data"
    # initdb refuses to run as root, so a root run hands the server to the postgres user.
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(home, user="postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [
            *as_owner,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_owner,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(home / "server.log"),
            "-o",
            f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)
