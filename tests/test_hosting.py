"""lib/hosting.py: telling a hosted app from a person's own machine, and which files outlive a
restart, from the signals each host gives (passed in: no real host needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib import hosting
from lib.hosting import Kind, where_running
from lib.store.sql import SqlStore
from tests.hosts import CONTAINER_MOUNTS, LAPTOP_MOUNTS, volume_at

APP = Path("/home/ana/coalition-tracker")
DATA = APP / "data" / "tracker.db"


def test_the_app_folder_under_mount_src_is_community_cloud() -> None:
    found = where_running({}, app_root="/mount/src/coalition-tracker")
    assert found.kind is Kind.COMMUNITY_CLOUD
    assert not found.keeps("/mount/src/coalition-tracker/data/tracker.db")


def test_the_host_name_streamlit_is_community_cloud() -> None:
    found = where_running({"HOSTNAME": "streamlit"}, app_root=APP)
    assert found.kind is Kind.COMMUNITY_CLOUD


def test_a_folder_merely_named_like_it_is_not_community_cloud() -> None:
    assert where_running({}, app_root="/home/ana/mount/src/app").kind is Kind.OWN_MACHINE
    assert where_running({"HOSTNAME": "streamlit-dev"}, app_root=APP).kind is Kind.OWN_MACHINE


def test_a_laptop_keeps_its_files() -> None:
    found = where_running({"HOSTNAME": "ana-laptop"}, app_root=APP, mountinfo_text=LAPTOP_MOUNTS)
    assert found.kind is Kind.OWN_MACHINE
    assert found.keeps(DATA)


@pytest.mark.parametrize(
    ("environ", "markers", "cgroup"),
    [
        ({}, ["/.dockerenv"], ""),
        ({}, ["/run/.containerenv"], ""),
        ({"container": "podman"}, [], ""),
        ({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, [], ""),
        ({}, [], "12:memory:/docker/3f2a9c\n"),
        ({}, [], "0::/kubepods/besteffort/pod1/3f2a9c\n"),
    ],
)
def test_each_sign_of_a_container_is_recognised(
    environ: dict[str, str], markers: list[str], cgroup: str
) -> None:
    found = where_running(
        environ,
        app_root="/app",
        markers=markers,
        cgroup_text=cgroup,
        mountinfo_text=CONTAINER_MOUNTS,
    )
    assert found.kind is Kind.CONTAINER
    assert not found.keeps("/app/data/tracker.db")


def test_a_container_keeps_what_is_on_a_volume_and_loses_the_rest() -> None:
    found = where_running(
        {},
        app_root="/app",
        markers=["/.dockerenv"],
        mountinfo_text=CONTAINER_MOUNTS + volume_at(Path("/app/data")),
    )
    assert found.keeps("/app/data/tracker.db")
    assert found.keeps("/app/data")
    assert not found.keeps("/app/database/tracker.db")  # a sibling, not under the volume
    assert not found.keeps("/tmp/tracker.db")


def test_a_volume_on_a_parent_folder_keeps_the_files_under_it() -> None:
    found = where_running(
        {},
        app_root="/app",
        markers=["/.dockerenv"],
        mountinfo_text=CONTAINER_MOUNTS + volume_at(Path("/app")),
    )
    assert found.keeps("/app/data/tracker.db")


def test_a_tmpfs_on_the_data_folder_is_not_kept() -> None:
    found = where_running(
        {},
        app_root="/app",
        markers=["/.dockerenv"],
        mountinfo_text=CONTAINER_MOUNTS + volume_at(Path("/app/data"), kind="tmpfs"),
    )
    assert not found.keeps("/app/data/tracker.db")


def test_a_machine_whose_root_is_a_real_disk_keeps_its_files_despite_a_dockerenv() -> None:
    # Some virtual machines are built from container images and keep their /.dockerenv.
    found = where_running({}, app_root=APP, markers=["/.dockerenv"], mountinfo_text=LAPTOP_MOUNTS)
    assert found.kind is Kind.CONTAINER
    assert found.keeps(DATA)


def test_mountinfo_paths_with_spaces_are_read() -> None:
    mounts = hosting.parse_mountinfo(
        "36 35 98:0 / /srv/coalition\\040data rw,noatime master:1 shared:2 - ext4 /dev/sdb rw\n"
        "not a mountinfo line\n"
    )
    assert mounts == {"/srv/coalition data": "ext4"}


def test_only_a_sqlite_file_the_host_will_not_keep_is_at_risk(tmp_path: Path) -> None:
    cloud = where_running({"HOSTNAME": "streamlit"}, app_root=APP)
    laptop = where_running({}, app_root=APP)
    sqlite = SqlStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    postgres = SqlStore("postgresql://tracker:secret@db.example.org/tracker")
    assert "Streamlit Community Cloud" in (hosting.at_risk(cloud, sqlite) or "")
    assert hosting.at_risk(laptop, sqlite) is None
    assert hosting.at_risk(cloud, postgres) is None


def test_the_container_warning_names_the_folder_to_mount(tmp_path: Path) -> None:
    found = where_running(
        {}, app_root="/app", markers=["/.dockerenv"], mountinfo_text=CONTAINER_MOUNTS
    )
    risk = hosting.at_risk(found, SqlStore(f"sqlite:///{tmp_path / 'tracker.db'}"))
    assert risk is not None
    assert str(tmp_path) in risk
    assert "mounted volume" in risk


def test_the_outbox_is_warned_about_where_its_file_is_not_kept(tmp_path: Path) -> None:
    cloud = where_running({"HOSTNAME": "streamlit"}, app_root=APP)
    laptop = where_running({}, app_root=APP)
    assert hosting.outbox_at_risk(cloud, tmp_path / "outbox.db")
    assert hosting.outbox_at_risk(laptop, tmp_path / "outbox.db") is None


def test_the_real_host_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def signals() -> dict[str, object]:
        calls.append(1)
        return {"app_root": APP}

    monkeypatch.setattr(hosting, "read_signals", signals)
    hosting.detected.cache_clear()
    assert hosting.detected() is hosting.detected()
    assert len(calls) == 1
