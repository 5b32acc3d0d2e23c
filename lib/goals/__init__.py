"""Coalition goals (an issue, a measurable target and a date) and framing rules: progress in
:mod:`lib.goals.counting`, checking and saving what admins type in :mod:`lib.goals.edit`."""

from lib.goals.counting import (
    BEHIND,
    MET,
    MISSED,
    ON_TRACK,
    STATE_LABELS,
    UNREADABLE,
    GoalProgress,
    expected_by,
    progress,
    progress_in,
    whole_number,
)

__all__ = [
    "BEHIND",
    "MET",
    "MISSED",
    "ON_TRACK",
    "STATE_LABELS",
    "UNREADABLE",
    "GoalProgress",
    "expected_by",
    "progress",
    "progress_in",
    "whole_number",
]
