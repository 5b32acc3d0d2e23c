"""Reminder emails, sent to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from lib import remind, sample, schema
from lib.my_followups import reminders
from lib.store.sql import PROJECT_ROOT, SqlStore

TODAY = date(2026, 12, 3)
USER = "tracker@example.org"
PASSWORD = "right-horse-battery"
SENDER = "Riverton Coalition <tracker@example.org>"

# The plain-text server accepts logins without TLS on purpose; aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


# --- the mail server -------------------------------------------------------------------------


@dataclass
class Received:
    to: list[str]
    mail: EmailMessage

    @property
    def body(self) -> str:
        return self.mail.get_content().replace("\r\n", "\n")


@dataclass
class Handler:
    """Keeps what arrives; refuses the recipients and messages it is told to."""

    received: list[Received] = field(default_factory=list)
    refuse_recipients: set[str] = field(default_factory=set)
    #: the number of messages after which the server answers 421 and hangs up
    hang_up_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address in self.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hang_up_after is not None and len(self.received) >= self.hang_up_after:
            return "421 4.3.2 Service shutting down"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def by_address(self) -> dict[str, Received]:
        return {message.to[0]: message for message in self.received}


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Accepts one user with one password, nobody else."""
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MailServer:
    handler: Handler
    port: int

    def settings(self, **changes: Any) -> reminders.SmtpSettings:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "sender": SENDER,
            "user": USER,
            "password": PASSWORD,
            "starttls": False,
            "timeout": 5.0,
        }
        return reminders.SmtpSettings(**(values | changes))

    def secrets(self, **changes: Any) -> dict[str, Any]:
        smtp = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": PASSWORD,
            "from": SENDER,
            "starttls": False,
            "timeout": 5,
        }
        return {"smtp": smtp | changes, "app": {"url": "https://tracker.example.org/"}}


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    handler = Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield MailServer(handler, port)
    finally:
        controller.stop()


# --- a coalition made for the purpose ------------------------------------------------------


def crafted_store(path: Path) -> SqlStore:
    store = SqlStore(f"sqlite:///{path}")
    store.ensure_schema()
    store.append(
        "members",
        [
            {"email": "ana@example.org", "name": "Ana Staff", "role": "staff", "active": True},
            {"email": "vic@example.org", "name": "Vic Viewer", "role": "viewer", "active": True},
            {"email": "ida@example.org", "name": "Ida Idle", "role": "advocate", "active": True},
            {"email": "gus@example.org", "name": "Gus Gone", "role": "advocate", "active": False},
        ],
    )
    store.append(
        "partners",
        [
            {
                "id": "ptn-1",
                "name": "Allies United",
                "contact_name": "Carla Contact",
                "contact_email": "carla@example.org",
            }
        ],
    )
    store.append("candidates", [{"id": "cand-1", "name": "Jo Mayor", "office": "Mayor"}])

    def commitment(key: str, owner: str, text: str, due: str, **more: Any) -> dict[str, Any]:
        row = {
            "id": key,
            "candidate_id": "cand-1",
            "text": text,
            "owner": owner,
            "follow_up_by": due,
            "status": "in_the_works",
            "visibility": "coalition",
            "created_by": "ana@example.org",
        }
        return row | more

    store.append(
        "commitments",
        [
            commitment("cmt-over", "Ana Staff", "Send the budget memo", day(-3)),
            commitment(
                "cmt-soon", "Ana Staff", "Arrange a site visit", day(5), visibility="public"
            ),
            commitment("cmt-later", "Ana Staff", "Hold a town hall", day(20)),
            commitment("cmt-kept", "Ana Staff", "An old promise", day(-1), status="kept"),
            commitment(
                "cmt-secret",
                "Ana Staff",
                "SECRET settlement terms",
                day(2),
                visibility="restricted",
            ),
            commitment("cmt-vic-secret", "Vic Viewer", "SECRET donor list", day(1))
            | {"visibility": "restricted"},
            commitment("cmt-walt", "walt@example.org", "Share the transit study", day(2)),
            commitment("cmt-gus", "gus@example.org", "Call the union hall", day(1)),
            commitment("cmt-ida", "Ida Idle", "Write the op-ed", day(30)),
            commitment(
                "cmt-carla-secret",
                "Carla Contact",
                "SECRET partner dues",
                day(0),
                visibility="restricted",
            ),
        ],
    )
    store.append(
        "actions",
        [
            {"id": "act-vic", "title": "Print the flyers", "owner": "Vic Viewer", "due": day(6)},
            {"id": "act-carla", "title": "Book the church hall", "owner": "Carla Contact"}
            | {"due": day(0), "candidate_id": "cand-1"},
            # Linked to a restricted commitment, so as confidential as it is.
            {"id": "act-secret", "title": "SECRET follow-up call", "owner": "Ana Staff"}
            | {"due": day(1), "commitment_id": "cmt-secret"},
            {"id": "act-done", "title": "Done already", "owner": "Ana Staff"}
            | {"due": day(-2), "done": True},
        ],
    )
    return store


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return crafted_store(tmp_path / "tracker.db")


def send(store: SqlStore, server: MailServer, today: date = TODAY, **settings: Any):
    plan = reminders.plan_reminders(store.read_all(), today, app_url="https://tracker.example.org")
    return reminders.send_reminders(store, plan, server.settings(**settings), today)


# --- the right messages to the right people ------------------------------------------------


def test_each_owner_gets_what_is_overdue_and_due_this_week(
    store: SqlStore, mail_server: MailServer
) -> None:
    outcome = send(store, mail_server)

    assert outcome.ok and not outcome.skipped
    received = mail_server.handler.by_address()
    assert set(received) == {
        "ana@example.org",
        "vic@example.org",
        "walt@example.org",  # an owner typed as an address, without an account
        "carla@example.org",  # a partner's contact
    }
    ana = received["ana@example.org"]
    assert ana.mail["Subject"] == "4 follow-ups due: Coalition Tracker"
    assert ana.mail["To"] == "Ana Staff <ana@example.org>"
    assert ana.mail["From"] == SENDER
    assert ana.body.startswith("Hello Ana Staff,\n")
    overdue, soon = ana.body.split("Overdue:")[1].split("Due in the next 7 days:")
    assert "Send the budget memo (Jo Mayor) overdue since 2026-11-30" in overdue
    assert "Arrange a site visit (Jo Mayor) due 2026-12-08 [In the works]" in soon
    assert "You also have 2 confidential items; open the tracker to see them." in ana.body
    assert "https://tracker.example.org/mine" in ana.body
    assert "ask an admin" in ana.body
    for gone in ("Hold a town hall", "An old promise", "Done already"):
        assert gone not in ana.body  # too far off, kept, or done

    vic = received["vic@example.org"]
    assert vic.mail["Subject"] == "1 follow-up due: Coalition Tracker"
    assert "Print the flyers" in vic.body
    # A viewer cannot open restricted records, so is not told they exist.
    assert "confidential" not in vic.body
    assert "Share the transit study" in received["walt@example.org"].body
    carla = received["carla@example.org"].body
    assert "Book the church hall (Jo Mayor) due 2026-12-03" in carla
    assert "confidential" not in carla


def test_nobody_with_nothing_due_gets_a_message(store: SqlStore, mail_server: MailServer) -> None:
    send(store, mail_server)

    addresses = {message.to[0] for message in mail_server.handler.received}
    assert "ida@example.org" not in addresses  # due in 30 days only
    assert "gus@example.org" not in addresses  # access removed
    assert len(mail_server.handler.received) == 4  # one message each, never more


def test_restricted_text_never_leaves_in_an_email(store: SqlStore, mail_server: MailServer) -> None:
    send(store, mail_server)

    for message in mail_server.handler.received:
        assert "SECRET" not in message.mail.as_string()
        assert "SECRET" not in message.body


def test_a_second_run_the_same_day_sends_nothing_new(
    store: SqlStore, mail_server: MailServer
) -> None:
    first = send(store, mail_server)
    second = send(store, mail_server)

    assert len(first.sent) == 4
    assert second.sent == [] and len(second.skipped) == 4 and second.ok
    assert len(mail_server.handler.received) == 4
    log = store.read_fresh("reminders")
    assert sorted(log["email"]) == sorted(
        ["ana@example.org", "vic@example.org", "walt@example.org", "carla@example.org"]
    )
    assert set(log["day"]) == {TODAY.isoformat()}
    ana = log[log["email"] == "ana@example.org"].iloc[0]
    assert ana["id"] == reminders.reminder_id("ANA@example.org", TODAY)
    assert set(ana["items"].split("; ")) == {"cmt-over", "cmt-soon", "cmt-secret", "act-secret"}

    tomorrow = send(store, mail_server, TODAY + timedelta(days=1))
    assert len(tomorrow.sent) == 4  # a new day, a new reminder


def test_a_failure_half_way_leaves_the_rest_to_the_next_run(
    store: SqlStore, mail_server: MailServer
) -> None:
    mail_server.handler.hang_up_after = 1

    broken = send(store, mail_server)

    assert len(broken.sent) == 1 and broken.stopped and not broken.ok
    (problem,) = broken.problems
    assert "answered (421 4.3.2 Service shutting down)" in problem
    assert "It and the rest go on the next run." in problem
    assert len(store.read_fresh("reminders")) == 1  # only what really went
    mail_server.handler.hang_up_after = None
    rest = send(store, mail_server)
    assert len(rest.sent) == 3 and len(rest.skipped) == 1
    assert len({message.to[0] for message in mail_server.handler.received}) == 4


def test_a_recipient_the_server_refuses_does_not_hold_up_the_others(
    store: SqlStore, mail_server: MailServer
) -> None:
    mail_server.handler.refuse_recipients = {"walt@example.org"}

    outcome = send(store, mail_server)

    assert len(outcome.sent) == 3 and not outcome.stopped
    assert outcome.problems == [
        f"The mail server at 127.0.0.1:{mail_server.port} refused the reminder to "
        "walt@example.org (550 5.1.1 No such mailbox here)."
    ]
    assert "walt@example.org" not in set(store.read_fresh("reminders")["email"])


def test_nothing_is_sent_when_it_could_not_be_recorded(
    store: SqlStore, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Google Sheet made before reminders existed has no tab to record them in."""
    missing = schema.normalise("reminders", pd.DataFrame(), missing_table=True)
    monkeypatch.setattr(store, "read_fresh", lambda table: missing)

    outcome = send(store, mail_server)

    assert outcome.stopped and outcome.sent == []
    assert "Nothing was sent" in outcome.problems[0]
    assert "The 'reminders' tab is missing." in outcome.problems[0]
    assert mail_server.handler.received == []


# --- settings and failures, said plainly ---------------------------------------------------


@pytest.fixture
def configured(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> SqlStore:
    """The command line pointed at the crafted store."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", store.url.render_as_string(hide_password=False))
    return store


def test_a_refused_login_is_reported_plainly_and_nothing_is_recorded(
    configured: SqlStore, mail_server: MailServer, capsys: pytest.CaptureFixture[str]
) -> None:
    secrets = mail_server.secrets(password="wrong-password")

    code = remind.main(["--today", TODAY.isoformat()], secrets=secrets)

    out, err = capsys.readouterr()
    assert code == 1
    assert (
        f"The mail server at 127.0.0.1:{mail_server.port} refused the login for user {USER}" in err
    )
    assert "check [smtp] user and password in .streamlit/secrets.toml." in err
    assert "wrong-password" not in out + err and "Traceback" not in err
    assert mail_server.handler.received == []
    assert configured.read_fresh("reminders").empty


def test_the_command_line_sends_and_says_what_it_sent(
    configured: SqlStore, mail_server: MailServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = remind.main(["--today", TODAY.isoformat()], secrets=mail_server.secrets())
    again = remind.main(["--today", TODAY.isoformat()], secrets=mail_server.secrets())

    out, err = capsys.readouterr()
    assert code == again == 0, err
    assert "Sent to Ana Staff <ana@example.org>: 4 follow-ups due: Coalition Tracker" in out
    assert "Reminders for 2026-12-03: 4 sent, 0 people already reminded today." in out
    assert "Reminders for 2026-12-03: 0 sent, 4 people already reminded today." in out
    assert PASSWORD not in out + err
    assert len(mail_server.handler.received) == 4


def test_a_server_that_is_not_there_is_named_by_host_and_port(
    configured: SqlStore, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens on it
    secrets = {
        "smtp": {"host": "127.0.0.1", "port": port, "from": SENDER, "starttls": False},
    }

    code = remind.main(["--today", TODAY.isoformat()], secrets=secrets)

    err = capsys.readouterr().err
    assert code == 1
    assert f"Could not connect to the mail server at 127.0.0.1:{port}" in err
    assert "connection was refused" in err
    assert configured.read_fresh("reminders").empty


def test_no_smtp_section_says_what_to_add(
    configured: SqlStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code = remind.main(["--today", TODAY.isoformat()], secrets={})

    err = capsys.readouterr().err
    assert code == 1
    assert "There is no [smtp] section in .streamlit/secrets.toml" in err
    for key in ("host =", "port =", "user =", "password =", "from =", "starttls ="):
        assert key in err
    assert configured.read_fresh("reminders").empty


def test_settings_that_cannot_work_are_named() -> None:
    with pytest.raises(reminders.MailError, match="smtp.host is missing"):
        reminders.smtp_settings({"smtp": {"port": 25}})
    with pytest.raises(reminders.MailError, match="smtp.from is missing"):
        reminders.smtp_settings({"smtp": {"host": "mail.example.org"}})
    with pytest.raises(reminders.MailError, match="must be numbers"):
        reminders.smtp_settings({"smtp": {"host": "h", "from": SENDER, "port": "smtp"}})
    settings = reminders.smtp_settings({"smtp": {"host": "h", "user": USER, "password": PASSWORD}})
    assert (settings.port, settings.starttls, settings.sender) == (587, True, USER)
    assert PASSWORD not in repr(settings)


def test_a_dry_run_prints_the_messages_and_sends_and_records_nothing(
    configured: SqlStore, mail_server: MailServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = remind.main(["--dry-run", "--today", TODAY.isoformat()], secrets=mail_server.secrets())

    out = capsys.readouterr().out
    assert code == 0
    assert "To: Ana Staff <ana@example.org>\nSubject: 4 follow-ups due: Coalition Tracker" in out
    assert "- Action: Print the flyers" in out
    assert "4 reminders would be sent" in out and "nothing was sent or recorded" in out
    assert "SECRET" not in out
    assert mail_server.handler.received == []
    assert configured.read_fresh("reminders").empty


def test_the_command_line_runs_on_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    loaded = SqlStore(url)
    loaded.ensure_schema()
    sample.load_sample(loaded, TODAY)
    env = {**os.environ, "TRACKER_DATABASE_URL": url}

    result = subprocess.run(
        [sys.executable, "-m", "lib.remind", "--dry-run", "--today", TODAY.isoformat()],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "To: Dana Okafor <dana.okafor@example.org>" in result.stdout
    assert "nothing was sent or recorded" in result.stdout
    assert SqlStore(url).read("reminders").empty
    bad = subprocess.run(
        [sys.executable, "-m", "lib.remind", "--today", "tomorrow"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "use YYYY-MM-DD" in bad.stderr


def test_make_remind_passes_its_arguments_on() -> None:
    result = subprocess.run(
        ["make", "-n", "remind", "ARGS=--dry-run"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "-m lib.remind --dry-run" in result.stdout


# --- the sample coalition ------------------------------------------------------------------


def test_the_sample_coalitions_reminders_keep_its_confidences(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'sample.db'}")
    store.ensure_schema()
    sample.load_sample(store, TODAY)
    tables = store.read_all()

    plan = reminders.plan_reminders(tables, TODAY)

    commitments = tables["commitments"]
    restricted = commitments.loc[commitments["visibility"] == "restricted", "text"]
    assert len(plan) == len({reminder.email for reminder in plan}) >= 5
    for reminder in plan:
        for text in restricted:
            assert text not in reminder.body
    dana = next(reminder for reminder in plan if reminder.email == "dana.okafor@example.org")
    assert "confidential items" in dana.body


# --- STARTTLS ------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1: the files, and the PEM text to trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_text(pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, pem


@pytest.fixture
def tls_server(certificate: tuple[Path, Path, str]) -> Iterator[MailServer]:
    cert_file, key_file, _ = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    handler = Handler()
    port = free_port()
    # Logins only after STARTTLS, as a real submission server has it.
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        tls_context=context,
        require_starttls=True,
    )
    controller.start()
    try:
        yield MailServer(handler, port)
    finally:
        controller.stop()


def test_starttls_encrypts_before_the_login(
    store: SqlStore, tls_server: MailServer, certificate: tuple[Path, Path, str]
) -> None:
    trusted = ssl.create_default_context(cadata=certificate[2])
    plan = reminders.plan_reminders(store.read_all(), TODAY)

    outcome = reminders.send_reminders(
        store, plan, tls_server.settings(starttls=True), TODAY, context=trusted
    )

    assert outcome.ok and len(outcome.sent) == 4
    assert len(tls_server.handler.received) == 4


def test_an_unverifiable_certificate_or_no_starttls_is_said_plainly(
    store: SqlStore, tls_server: MailServer
) -> None:
    plan = reminders.plan_reminders(store.read_all(), TODAY)

    untrusted = reminders.send_reminders(store, plan, tls_server.settings(starttls=True), TODAY)
    plain = reminders.send_reminders(store, plan, tls_server.settings(starttls=False), TODAY)

    assert untrusted.stopped and "could not be verified" in untrusted.problems[0]
    assert f"127.0.0.1:{tls_server.port}" in untrusted.problems[0]
    assert plain.stopped and "does not accept a login" in plain.problems[0]
    assert tls_server.handler.received == []
    assert store.read_fresh("reminders").empty
