"""Simulated hosts for lib/hosting.py: what the app would read on each, without being there."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from lib import hosting
from lib.store.sql import PROJECT_ROOT

# /proc/self/mountinfo in a Docker container with no volume: the image's overlay as the root,
# and the files Docker always binds in.
CONTAINER_MOUNTS = (
    "611 560 0:62 / / rw,relatime master:293 - overlay overlay rw,lowerdir=/var/lib/docker/l\n"
    "612 611 0:65 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "613 611 0:66 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "620 611 254:1 /docker/containers/3f/resolv.conf /etc/resolv.conf rw,relatime - ext4 "
    "/dev/vda1 rw\n"
    "621 611 254:1 /docker/containers/3f/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n"
)
# A laptop: its own disk at the root.
LAPTOP_MOUNTS = "27 1 254:0 / / rw,relatime - ext4 /dev/nvme0n1p2 rw\n"


def volume_at(path: Path, kind: str = "ext4") -> str:
    """The mountinfo line of a volume mounted at ``path``."""
    return f"700 611 254:1 /volumes/data/_data {path} rw,relatime - {kind} /dev/vda1 rw\n"


def simulate(
    monkeypatch: pytest.MonkeyPatch,
    *,
    hostname: str = "laptop",
    app_root: Path | str = PROJECT_ROOT,
    markers: Iterable[str] = (),
    mountinfo: str = LAPTOP_MOUNTS,
) -> None:
    """Make the app see this host from now on (in this process: AppTest runs the app here)."""
    monkeypatch.setenv("HOSTNAME", hostname)
    monkeypatch.delenv("container", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    signals = {
        "app_root": app_root,
        "markers": list(markers),
        "cgroup_text": "0::/\n",
        "mountinfo_text": mountinfo,
    }
    monkeypatch.setattr(hosting, "read_signals", lambda: signals)
    hosting.detected.cache_clear()
