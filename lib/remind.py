"""Reminder emails from the command line, for a daily cron job (``make remind``).

    python -m lib.remind [--dry-run] [--today YYYY-MM-DD]

Each owner of follow-ups that are overdue or due within 7 days gets one message, through the
mail server in ``[smtp]`` of .streamlit/secrets.toml; the store is the one the app uses
(``TRACKER_DATABASE_URL`` overrides it). Running it again the same day sends nothing new.
``--dry-run`` prints the messages instead, and sends and records nothing.

Exit codes: 0 when every reminder due went out (or none was due); 1 when something could not be
done (the settings, the store, the mail server, or a recipient the server refused), said on
stderr, with whatever was sent before it recorded; 2 for a command line it does not understand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from lib.my_followups import reminders
from lib.sample import read_secrets
from lib.store import StoreError, open_store
from lib.text import plural


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD.") from None


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.remind",
        description="Email each owner what is overdue and what is due in the next 7 days.",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the messages instead of sending them; nothing is recorded",
    )
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day to remind for (default: today)",
    )
    return parser.parse_args(argv)


def _show(reminder: reminders.Reminder) -> str:
    return (
        f"To: {reminder.name} <{reminder.email}>\nSubject: {reminder.subject}\n\n"
        f"{reminder.body}\n{'-' * 72}"
    )


def main(argv: Sequence[str] | None = None, secrets: Mapping[str, Any] | None = None) -> int:
    arguments = _arguments(argv)
    today = arguments.today or date.today()
    secrets = read_secrets() if secrets is None else secrets
    try:
        # Checked before the store is read, so a cron job without mail settings says so at once.
        settings = None if arguments.dry_run else reminders.smtp_settings(secrets)
    except reminders.MailError as error:
        print(f"No reminders sent: {error}", file=sys.stderr)
        return 1
    try:
        store = open_store(secrets)
        plan = reminders.plan_reminders(store.read_all(), today, app_url=reminders.app_url(secrets))
        log = store.read_fresh("reminders")
    except StoreError as error:
        print(f"No reminders sent: could not read the tracker's data: {error}", file=sys.stderr)
        return 1
    if settings is None:
        pending = reminders.not_yet_sent(plan, log, today)
        for reminder in pending:
            print(_show(reminder))
        print(
            f"Dry run for {today}: {plural(len(pending), 'reminder')} would be sent"
            f" ({plural(len(plan) - len(pending), 'person', 'people')} already reminded today);"
            " nothing was sent or recorded."
        )
        return 0
    outcome = reminders.send_reminders(store, plan, settings, today)
    for reminder in outcome.sent:
        print(f"Sent to {reminder.name} <{reminder.email}>: {reminder.subject}")
    print(
        f"Reminders for {today}: {len(outcome.sent)} sent, "
        f"{plural(len(outcome.skipped), 'person', 'people')} already reminded today."
    )
    for problem in outcome.problems:
        print(problem, file=sys.stderr)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
