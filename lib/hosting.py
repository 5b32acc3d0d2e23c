"""Where the app runs, and whether the files it keeps on its own disk outlive a restart.

The embedded SQLite database (and the outbox of writes waiting to sync) are files on the app's
own disk. On a coalition member's laptop that disk is theirs and keeps them. On a hosted app it
often is not: Streamlit Community Cloud starts every app from a fresh copy of its repository,
and a container's own files go with the container. There the app says so on every page rather
than lose a coalition's records quietly at the next restart.

How it decides (the README's "Deploy" section says the same to coalitions):

1. **Streamlit Community Cloud**, when the app's files are under ``/mount/src/`` or the
   ``HOSTNAME`` environment variable is ``streamlit``. Nothing on that host persists.
2. **A container**, when ``/.dockerenv`` (Docker) or ``/run/.containerenv`` (Podman) exists,
   the ``container`` environment variable is set (systemd's convention, which Podman and LXC
   follow), ``KUBERNETES_SERVICE_HOST`` is set, or the process's cgroup names a container
   runtime. A file there persists when it lies on a mount of its own (a volume or a bind
   mount, as listed in ``/proc/self/mountinfo``) that is not a tmpfs; a file on the
   container's own copy-on-write layer (the root mount, of type overlay, aufs or
   fuse-overlayfs) goes when the container is replaced.
3. Otherwise **the person's own machine**, whose disk keeps what is written to it.

Every input is passed in, so each case is tested without a real host; :func:`detected` reads
the real ones once per process.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from lib.store.base import Store
from lib.store.sql import PROJECT_ROOT

_LOG = logging.getLogger(__name__)

# Community Cloud clones the repository into /mount/src/<repository> and runs `streamlit run`
# from there: its own deploy log says "The main module file does not exist:
# /mount/src/<repository>/..." (streamlit/streamlit#8414), and tracebacks of apps hosted there
# show /mount/src/<repository>/app.py beside /home/adminuser/venv/... (for example
# yoshidashingo/langchain-book#10). The path is looked at, not the working directory, so an
# app started from elsewhere is still recognised.
COMMUNITY_CLOUD_SOURCE = PurePosixPath("/mount/src")
# The host name Community Cloud gives its app containers; apps and libraries rely on it to tell
# that they are hosted there (SweatStack's Streamlit client, sweatstack/streamlit.py, checks
# HOSTNAME == "streamlit"). Streamlit documents no variable for it: STREAMLIT_SHARING_MODE and
# the like, seen in some apps, are guesses with values that disagree, so they are not used.
COMMUNITY_CLOUD_HOSTNAME = "streamlit"

CONTAINER_MARKERS = ("/.dockerenv", "/run/.containerenv")
_CONTAINER_CGROUP = re.compile(r"docker|kubepods|containerd|libpod|podman|lxc", re.IGNORECASE)
# The writable layer a container engine stacks on its image: gone with the container. A root
# of any other type (ext4 on a virtual disk, say) is a machine's disk that stays, even where a
# stray /.dockerenv says otherwise, as on some virtual machines built from container images.
CONTAINER_LAYER_TYPES = frozenset({"overlay", "aufs", "fuse.fuse-overlayfs"})
MEMORY_TYPES = frozenset({"tmpfs", "ramfs"})


class Kind(StrEnum):
    COMMUNITY_CLOUD = "Streamlit Community Cloud"
    CONTAINER = "a container"
    OWN_MACHINE = "this machine"


@dataclass(frozen=True)
class Hosting:
    """Where the app runs; for a container, also its mounts (mount point -> filesystem type)."""

    kind: Kind
    #: the signal that decided it, for the log
    because: str
    mounts: Mapping[str, str] = field(default_factory=dict)

    def keeps(self, path: Path | str) -> bool:
        """Whether a file at ``path`` (absolute) survives the app's next restart."""
        if self.kind is Kind.OWN_MACHINE:
            return True
        if self.kind is Kind.COMMUNITY_CLOUD:
            return False
        target = PurePosixPath(path)
        holding = max(
            (
                PurePosixPath(point)
                for point in self.mounts
                if PurePosixPath(point) == target or PurePosixPath(point) in target.parents
            ),
            key=lambda point: len(point.parts),
            default=PurePosixPath("/"),
        )
        kind = self.mounts.get(str(holding), "")
        if kind in MEMORY_TYPES:
            return False
        return not (holding == PurePosixPath("/") and kind in CONTAINER_LAYER_TYPES)


def parse_mountinfo(text: str) -> dict[str, str]:
    """Mount point -> filesystem type, from the text of ``/proc/self/mountinfo``.

    A later line for the same mount point wins: it was mounted over the earlier one.
    """
    mounts: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split(" ")
        # id, parent, major:minor, root, mount point, options, optional fields..., "-", type, ...
        if len(fields) < 7 or "-" not in fields[6:]:
            continue
        separator = fields.index("-", 6)
        if separator + 1 >= len(fields):
            continue
        mounts[_unescape(fields[4])] = fields[separator + 1]
    return mounts


def _unescape(point: str) -> str:
    # The kernel writes space, tab, newline and backslash in a path as octal escapes.
    return re.sub(r"\\([0-7]{3})", lambda found: chr(int(found.group(1), 8)), point)


def where_running(
    environ: Mapping[str, str],
    *,
    app_root: Path | str,
    markers: Iterable[str] = (),
    cgroup_text: str = "",
    mountinfo_text: str = "",
) -> Hosting:
    """Where the app runs, from its environment, the folder of its files, which of
    :data:`CONTAINER_MARKERS` exist, the process's cgroup and its mountinfo."""
    root = PurePosixPath(app_root)
    if COMMUNITY_CLOUD_SOURCE in root.parents:
        return Hosting(Kind.COMMUNITY_CLOUD, f"the app's files are under {COMMUNITY_CLOUD_SOURCE}")
    if environ.get("HOSTNAME", "") == COMMUNITY_CLOUD_HOSTNAME:
        return Hosting(Kind.COMMUNITY_CLOUD, "the host name is streamlit")
    present = [marker for marker in markers if marker in CONTAINER_MARKERS]
    cgroup = _CONTAINER_CGROUP.search(cgroup_text)
    if present:
        because = f"{present[0]} exists"
    elif environ.get("container"):
        because = f"the container variable is {environ['container']}"
    elif environ.get("KUBERNETES_SERVICE_HOST"):
        because = "KUBERNETES_SERVICE_HOST is set"
    elif cgroup:
        because = f"the cgroup names {cgroup.group(0)}"
    else:
        return Hosting(Kind.OWN_MACHINE, "no sign of a host or a container")
    return Hosting(Kind.CONTAINER, because, parse_mountinfo(mountinfo_text))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def read_signals() -> dict[str, object]:
    """The real inputs of :func:`where_running` other than the environment; tests replace this."""
    return {
        "app_root": PROJECT_ROOT,
        "markers": [marker for marker in CONTAINER_MARKERS if os.path.exists(marker)],
        "cgroup_text": _read("/proc/self/cgroup"),
        "mountinfo_text": _read("/proc/self/mountinfo"),
    }


@functools.cache
def detected() -> Hosting:
    """Where this process runs; looked at once, since it cannot change while it runs."""
    hosting = where_running(os.environ, **read_signals())  # type: ignore[arg-type]
    _LOG.info("Running on %s (%s).", hosting.kind, hosting.because)
    return hosting


def local_file(store: Store) -> Path | None:
    """The file a SQLite store keeps its data in; None for any other store."""
    url = getattr(store, "url", None)
    if url is None or url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def at_risk(hosting: Hosting, store: Store) -> str | None:
    """What to tell everyone, headline first, when the store is a SQLite file this host will
    not keep.

    That is the embedded default (data/tracker.db, used when nothing is configured) or any
    sqlite: URL set in the secrets or TRACKER_DATABASE_URL; a Google Sheet or a PostgreSQL
    database is never at risk, nor is a SQLite file on a container's mounted volume.
    """
    path = local_file(store)
    if path is None or hosting.keeps(path):
        return None
    if hosting.kind is Kind.COMMUNITY_CLOUD:
        return (
            "Data kept here will be lost at the next restart. The coalition's records are in a "
            "file on Streamlit Community Cloud, whose disk is wiped whenever the app restarts (a "
            "reboot, an update, waking from sleep). Connect the coalition's Google Sheet or a "
            "PostgreSQL database before anyone records anything."
        )
    return (
        "Data kept here will be lost when this container is replaced. The coalition's records "
        f"are in a file inside the container ({path.parent} is not a mounted volume), and a new "
        "container, as on an update, starts without it. Connect the coalition's Google Sheet or "
        "a PostgreSQL database, or mount a volume there."
    )


def outbox_at_risk(hosting: Hosting, path: Path) -> str | None:
    """What to add where changes wait to sync, when the file they wait in will not be kept."""
    if hosting.keeps(path.resolve()):
        return None
    return (
        "But this app's server does not keep its files across a restart: what waits here is "
        "lost if the app restarts before it is sent."
    )
