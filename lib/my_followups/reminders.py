"""Reminder emails: each owner of follow-ups gets one short message a day listing what is overdue
and what is due within the week, sent through the coalition's own mail server.

Planning is a pure function of the tables; sending records each message in the ``reminders``
table as soon as it has gone, so a second run on the same day, or a retry after a failure half
way, sends nobody the same reminder twice.

An email leaves the tracker for good: whatever a recipient's role, a message lists only what
the whole coalition may see, and restricted follow-ups are counted, never described.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import pandas as pd

from lib import access, coalition, owners, schema, visibility
from lib.export import one_line
from lib.my_followups.items import SOON_DAYS, describe, due_soon, items_for
from lib.store import SECRETS_FILE, Store, StoreError

DEFAULT_NAME = "Coalition Tracker"
DEFAULT_TIMEOUT = 30.0
# One plain address: a cell holding two addresses, or a name, is not one to send to.
_PART = r'[^@\s<>()\[\],;:"\\]+'
_ADDRESS = re.compile(rf"{_PART}@{_PART}\.{_PART}")
SMTP_EXAMPLE = (
    "[smtp]\n"
    'host = "smtp.example.org"\n'
    "port = 587\n"
    'user = "tracker@example.org"\n'
    'password = "the mailbox password or an app password"\n'
    'from = "Coalition Tracker <tracker@example.org>"\n'
    "starttls = true"
)


@dataclass(frozen=True)
class Reminder:
    """One message to one person."""

    email: str
    name: str
    subject: str
    body: str
    #: every follow-up the message is about, restricted ones included (kept in the log only)
    item_ids: tuple[str, ...]


# --- planning --------------------------------------------------------------------------------


def recipients(tables: Mapping[str, pd.DataFrame]) -> list[owners.Person]:
    """Active members and partner contacts, then anyone an owner cell names by email address."""
    everyone = owners.people(tables["members"], tables["partners"])
    known = {person.email.lower() for person in everyone}
    members = tables["members"]
    # Someone whose access was removed is no longer chased, even where a cell still names them.
    removed = set(members.loc[~members["active"], "email"].str.strip().str.lower()) - known
    extra: list[owners.Person] = []
    typed = pd.concat([tables["commitments"]["owner"], tables["actions"]["owner"]])
    for owner in sorted(set(typed)):
        person = owners.person_for(owner, everyone)
        if person is None:
            continue
        address = person.email.lower()
        if address not in known and address not in removed:
            known.add(address)
            extra.append(person)
    return [*everyone, *extra]


def plan_reminders(
    tables: Mapping[str, pd.DataFrame],
    today: date,
    *,
    app_url: str = "",
    days: int = SOON_DAYS,
) -> list[Reminder]:
    """The reminders due today: one per person with something overdue or due within ``days``,
    nobody else. ``tables`` are the store's, unfiltered; each message is filtered here."""
    everyone = recipients(tables)
    coalition_view = visibility.visible_tables(tables, visibility.COALITION)
    name = one_line(coalition.settings_of(dict(tables)).coalition_name).strip() or DEFAULT_NAME
    plans = []
    for person in everyone:
        shown = due_soon(items_for(coalition_view, person, everyone, today), today, days)
        shown = shown[shown["visibility"].isin(visibility.COALITION)]
        member = access.member_for(person.email, tables["members"])
        hidden: list[str] = []
        if member is not None:
            # What the member may open in the tracker but an email may not describe.
            theirs = items_for(access.visible_for(tables, member), person, everyone, today)
            seen = due_soon(theirs, today, days)
            hidden = [key for key in seen["id"] if key not in set(shown["id"])]
        if shown.empty and not hidden:
            continue
        plans.append(
            Reminder(
                email=person.email,
                name=person.name,
                subject=_subject(len(shown) + len(hidden), name),
                body=_body(person, shown, len(hidden), name, app_url, days),
                item_ids=(*shown["id"], *hidden),
            )
        )
    return plans


def _subject(count: int, name: str) -> str:
    return f"{count} follow-up{'' if count == 1 else 's'} due: {name}"


def _body(
    person: owners.Person,
    shown: pd.DataFrame,
    hidden: int,
    name: str,
    app_url: str,
    days: int,
) -> str:
    lines = [f"Hello {one_line(person.name)},", ""]
    where = "in the Coalition Tracker" if name == DEFAULT_NAME else f"for {name}"
    lines.append(f"Here is what you have to follow up on {where}.")
    overdue = shown[shown["overdue"]]
    soon = shown[~shown["overdue"]]
    for heading, items in (("Overdue:", overdue), (f"Due in the next {days} days:", soon)):
        if items.empty:
            continue
        lines += ["", heading]
        lines += [f"- {one_line(describe(item))}" for _, item in items.iterrows()]
    if hidden:
        noun = "item" if hidden == 1 else "items"
        lines += [
            "",
            f"You also have {hidden} confidential {noun}; open the tracker to see them."
            if not shown.empty
            else f"You have {hidden} confidential {noun} due; open the tracker to see them.",
        ]
    url = one_line(app_url).strip().rstrip("/")
    if url:
        lines += ["", f"Your follow-ups in the tracker: {url}/mine"]
    lines += [
        "",
        "You get this reminder because these follow-ups name you as their owner. To stop "
        "getting these reminders, ask an admin of the coalition.",
    ]
    return "\n".join(lines) + "\n"


def app_url(secrets: Mapping[str, Any]) -> str:
    """The tracker's address from ``[app] url``, or "" when it is not set."""
    section = secrets.get("app")
    return str(section.get("url", "")).strip() if isinstance(section, Mapping) else ""


# --- once a day ------------------------------------------------------------------------------


def reminder_id(email: str, day: date) -> str:
    """The same id for the same person on the same day, so a retried log row is recognised."""
    digest = hashlib.sha256(f"{email.strip().lower()}{day.isoformat()}".encode()).hexdigest()
    return f"{schema.table('reminders').id_prefix}-{digest[:12]}"


def already_sent(log: pd.DataFrame, today: date) -> frozenset[str]:
    """The addresses (lower case) already reminded on ``today``."""
    return frozenset(log.loc[log["day"] == today.isoformat(), "email"].str.strip().str.lower())


def not_yet_sent(plan: Sequence[Reminder], log: pd.DataFrame, today: date) -> list[Reminder]:
    """The planned reminders nobody has sent today (by address, or by the row's own id)."""
    done = already_sent(log, today)
    ids = set(log["id"])

    def sent(reminder: Reminder) -> bool:
        return reminder.email.strip().lower() in done or reminder_id(reminder.email, today) in ids

    return [reminder for reminder in plan if not sent(reminder)]


def log_row(reminder: Reminder, today: date) -> dict[str, object]:
    return {
        "id": reminder_id(reminder.email, today),
        "email": reminder.email.strip().lower(),
        "day": today,
        "items": list(reminder.item_ids),
        "sent_at": schema.now_stamp(),
    }


# --- mail ------------------------------------------------------------------------------------


class MailError(Exception):
    """Something about the mail server or its settings, said so that a person can fix it."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)  # never shown, not even in a traceback
    starttls: bool = True
    timeout: float = DEFAULT_TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(secrets: Mapping[str, Any]) -> SmtpSettings:
    """``[smtp]`` from the secrets, checked; raises :class:`MailError` naming what to fix."""
    section = secrets.get("smtp")
    if section is None:
        raise MailError(
            f"There is no [smtp] section in {SECRETS_FILE}, so no reminder can be sent. Add "
            f"your mail server's settings:\n\n{SMTP_EXAMPLE}\n\n"
            "Try `make remind ARGS=--dry-run` to see the messages without sending them."
        )
    if not isinstance(section, Mapping):
        raise MailError(f"[smtp] in {SECRETS_FILE} must be a table of settings:\n\n{SMTP_EXAMPLE}")
    host = str(section.get("host", "")).strip()
    if not host:
        raise MailError(f"smtp.host is missing in {SECRETS_FILE}; set it to the mail server.")
    starttls = section.get("starttls", True)
    if not isinstance(starttls, bool):
        starttls = schema.parse_bool(str(starttls))
        if starttls is None:
            raise MailError(f"smtp.starttls in {SECRETS_FILE} must be true or false.")
    try:
        port = int(section.get("port", 587 if starttls else 25))
        timeout = float(section.get("timeout", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        raise MailError(f"smtp.port and smtp.timeout in {SECRETS_FILE} must be numbers.") from None
    user = str(section.get("user", "")).strip()
    sender = str(section.get("from", "")).strip() or (user if "@" in user else "")
    if not sender:
        raise MailError(
            f"smtp.from is missing in {SECRETS_FILE}; set it to the address reminders come "
            'from, such as "Coalition Tracker <tracker@example.org>".'
        )
    return SmtpSettings(
        host=host,
        port=port,
        sender=sender,
        user=user,
        password=str(section.get("password", "")),
        starttls=starttls,
        timeout=timeout,
    )


def message(reminder: Reminder, sender: str) -> EmailMessage:
    """The reminder as a plain-text email; raises ValueError for an address that is not one."""
    mail = EmailMessage()
    mail["From"] = sender
    address = reminder.email.strip()
    if not _ADDRESS.fullmatch(address):
        raise ValueError(f"{address!r} is not an email address")
    local, domain = address.split("@")
    mail["To"] = Address(one_line(reminder.name), local, domain)
    mail["Subject"] = reminder.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    mail.set_content(reminder.body)
    return mail


def connect(settings: SmtpSettings, context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """A logged-in connection to the mail server; raises :class:`MailError` on any failure."""
    try:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(_explain(error, settings)) from None
    try:
        if settings.starttls:
            server.starttls(context=context or ssl.create_default_context())
        if settings.user:
            server.login(settings.user, settings.password)
    except (OSError, smtplib.SMTPException) as error:
        server.close()
        raise MailError(_explain(error, settings)) from None
    return server


def _explain(error: BaseException, settings: SmtpSettings) -> str:
    """What went wrong with the mail server, in words; never the password."""
    where = settings.where
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _reply(error.smtp_code, error.smtp_error)
        return (
            f"The mail server at {where} refused the login for user {settings.user}{reply}: "
            f"check [smtp] user and password in {SECRETS_FILE}."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        if "STARTTLS" in str(error):
            return (
                f"The mail server at {where} does not offer STARTTLS; check smtp.port (587 is "
                f"usual), or set starttls = false in {SECRETS_FILE} if it is on your own network."
            )
        return (
            f"The mail server at {where} does not accept a login (no SMTP AUTH) on this "
            f"connection; it may need starttls = true, or no user, in {SECRETS_FILE}."
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return (
            f"The mail server at {where} refused the sender address {settings.sender}"
            f"{_reply(error.smtp_code, error.smtp_error)}: check smtp.from in {SECRETS_FILE}."
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"The mail server at {where} closed the connection unexpectedly ({error})."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server at {where} answered{_reply(error.smtp_code, error.smtp_error)}."
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"The mail server at {where} presented a certificate that could not be verified "
            f"({error.verify_message}); check smtp.host in {SECRETS_FILE}."
        )
    if isinstance(error, ssl.SSLError):
        return f"The encrypted connection to the mail server at {where} failed ({error})."
    if isinstance(error, ConnectionRefusedError):
        return (
            f"Could not connect to the mail server at {where}: the connection was refused. "
            f"Check smtp.host and smtp.port in {SECRETS_FILE}."
        )
    if isinstance(error, TimeoutError):
        return (
            f"The mail server at {where} did not answer within {settings.timeout:g} seconds. "
            f"Check smtp.host and smtp.port in {SECRETS_FILE}, and that this machine may reach it."
        )
    if isinstance(error, socket.gaierror):
        return f"The mail server's name {settings.host} could not be found ({error.strerror})."
    return f"Could not talk to the mail server at {where} ({error})."


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f" ({code} {one_line(said).strip()})" if said else f" ({code})"


@dataclass
class Outcome:
    """What a run did: the reminders sent (and recorded), those already sent today, and the
    problems, each said in words; ``stopped`` when the run could not go on."""

    sent: list[Reminder] = field(default_factory=list)
    skipped: list[Reminder] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def send_reminders(
    store: Store,
    plan: Sequence[Reminder],
    settings: SmtpSettings,
    today: date,
    *,
    context: ssl.SSLContext | None = None,
    connector: Callable[[SmtpSettings, ssl.SSLContext | None], smtplib.SMTP] = connect,
) -> Outcome:
    """Send each planned reminder nobody has sent today, recording each one as it goes.

    A message the server refuses for its recipient alone is reported and the others still go;
    anything else stops the run, and the rest wait for the next one. Nothing is recorded for a
    message that was not sent."""
    log = store.read_fresh("reminders")  # a run a minute ago must count, not a cached read
    pending = not_yet_sent(plan, log, today)
    outcome = Outcome(skipped=[reminder for reminder in plan if reminder not in pending])
    if not pending:
        return outcome
    unwritable = _unwritable(log)
    if unwritable:
        # A message that cannot be recorded would go again on every run.
        outcome.problems.append(
            f"Nothing was sent: each reminder is recorded in the reminders table, which cannot "
            f"be written ({unwritable}) Open Settings → Data and sheet and create the missing "
            "tabs and columns, then run this again."
        )
        outcome.stopped = True
        return outcome
    try:
        server = connector(settings, context)
    except MailError as error:
        outcome.problems.append(str(error))
        outcome.stopped = True
        return outcome
    try:
        for reminder in pending:
            try:
                mail = message(reminder, settings.sender)
            except ValueError as error:
                outcome.problems.append(f"Not sent to {reminder.name}: {error}.")
                continue
            try:
                server.send_message(mail)
            except (OSError, smtplib.SMTPException) as error:
                refusal = _refusal(error)
                if refusal is not None:
                    outcome.problems.append(
                        f"The mail server at {settings.where} refused the reminder to "
                        f"{reminder.email}{refusal}."
                    )
                    continue
                outcome.problems.append(
                    f"Stopped at the reminder to {reminder.email}: "
                    f"{_explain(error, settings)} It and the rest go on the next run."
                )
                outcome.stopped = True
                break
            try:
                store.append("reminders", [log_row(reminder, today)])
            except StoreError as error:
                outcome.problems.append(
                    f"The reminder to {reminder.email} was sent but could not be recorded "
                    f"({error}), so the next run may send it again. Stopped here."
                )
                outcome.stopped = True
                break
            outcome.sent.append(reminder)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return outcome


def _unwritable(log: pd.DataFrame) -> str:
    """Why rows cannot be added to the log (a missing tab or columns), or ""."""
    for problem in schema.problems_of(log):
        if problem.row is None and problem.column is None:
            return problem.message
    return ""


def _refusal(error: BaseException) -> str | None:
    """The server's reply when it refused one message for good (a mailbox it does not know, a
    message it will not take), or None when the trouble is the connection's, not the message's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = [_reply(code, text) for code, text in error.recipients.values()]
        return replies[0] if replies else ""
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return _reply(error.smtp_code, error.smtp_error)
    return None
