"""The count of an endorsement vote, case by case, exact boundaries included."""

from __future__ import annotations

import pytest

from lib.endorsements import NO_ENDORSEMENT, tally

NE = NO_ENDORSEMENT


def votes(**counts: int) -> list[str]:
    return [choice if choice != "NE" else NE for choice, n in counts.items() for _ in range(n)]


# (case, ballots, method, eligible, min_turnout, outcome, winner, runoff)
CASES = [
    ("two thirds of 9 is 6: endorsed", votes(A=6, B=3), "two_thirds", 9, 0, "endorsed", "A", ()),
    (
        "5 of 9 is short of two thirds",
        votes(A=5, B=4),
        "two_thirds",
        9,
        0,
        "no_endorsement",
        None,
        (),
    ),
    (
        "two thirds exactly with no-endorsement votes",
        votes(A=6, NE=3),
        "two_thirds",
        12,
        0,
        "endorsed",
        "A",
        (),
    ),
    (
        "no endorsement reaches two thirds",
        votes(NE=6, A=3),
        "two_thirds",
        9,
        0,
        "no_endorsement",
        None,
        (),
    ),
    (
        "three candidates, nobody at two thirds: runoff",
        votes(A=4, B=3, C=2),
        "two_thirds",
        9,
        0,
        "runoff",
        None,
        ("A", "B"),
    ),
    (
        "tie for second place: no fair runoff",
        votes(A=4, B=2, C=2, D=1),
        "two_thirds",
        9,
        0,
        "no_endorsement",
        None,
        (),
    ),
    (
        "two tied first, third behind: runoff of the two",
        votes(A=3, B=3, C=2),
        "two_thirds",
        8,
        0,
        "runoff",
        None,
        ("A", "B"),
    ),
    (
        "three tied first: vote again",
        votes(A=2, B=2, C=2),
        "majority",
        6,
        0,
        "no_endorsement",
        None,
        (),
    ),
    ("60% of 10 is 6", votes(A=6, B=4), "sixty_percent", 10, 0, "endorsed", "A", ()),
    ("59% is short", votes(A=59, B=41), "sixty_percent", 100, 0, "no_endorsement", None, ()),
    (
        "60% met but turnout below the minimum",
        votes(A=6, B=4),
        "sixty_percent",
        21,
        0.5,
        "no_endorsement",
        None,
        (),
    ),
    (
        "turnout exactly at the minimum counts",
        votes(A=6, B=4),
        "sixty_percent",
        20,
        0.5,
        "endorsed",
        "A",
        (),
    ),
    (
        "majority is more than half: 5 of 10 is not",
        votes(A=5, B=5),
        "majority",
        10,
        0,
        "no_endorsement",
        None,
        (),
    ),
    ("majority: 6 of 11", votes(A=6, B=5), "majority", 11, 0, "endorsed", "A", ()),
    (
        "majority missed, tie for second: vote again",
        votes(C=4, A=3, B=3, NE=1),
        "majority",
        11,
        0,
        "no_endorsement",
        None,
        (),
    ),
    (
        "majority missed among four: runoff",
        votes(C=4, A=3, B=2, D=1),
        "majority",
        10,
        0,
        "runoff",
        None,
        ("C", "A"),
    ),
    ("plurality: most votes wins", votes(A=4, B=3, C=3), "plurality", 10, 0, "endorsed", "A", ()),
    (
        "plurality: no endorsement has the most",
        votes(NE=4, A=3, B=3),
        "plurality",
        10,
        0,
        "no_endorsement",
        None,
        (),
    ),
    (
        "plurality: two tied for most: runoff",
        votes(A=4, B=4, C=1),
        "plurality",
        9,
        0,
        "runoff",
        None,
        ("A", "B"),
    ),
    (
        "plurality: no endorsement ties the leader",
        votes(A=4, NE=4),
        "plurality",
        8,
        0,
        "no_endorsement",
        None,
        (),
    ),
    ("consensus: all for one", votes(A=7), "consensus", 9, 0, "endorsed", "A", ()),
    ("consensus: one dissent", votes(A=7, B=1), "consensus", 9, 0, "no_endorsement", None, ()),
    (
        "consensus: one no endorsement",
        votes(A=7, NE=1),
        "consensus",
        9,
        0,
        "no_endorsement",
        None,
        (),
    ),
    ("no ballots", [], "two_thirds", 9, 0, "no_endorsement", None, ()),
    (
        "no endorsement wins a majority",
        votes(NE=6, A=5),
        "majority",
        11,
        0,
        "no_endorsement",
        None,
        (),
    ),
]


@pytest.mark.parametrize(
    ("ballots", "method", "eligible", "min_turnout", "outcome", "winner", "runoff"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_tally(
    ballots: list[str],
    method: str,
    eligible: int,
    min_turnout: float,
    outcome: str,
    winner: str | None,
    runoff: tuple[str, ...],
) -> None:
    result = tally(ballots, method, eligible=eligible, min_turnout=min_turnout)
    assert (result.outcome, result.winner, result.runoff) == (outcome, winner, runoff)
    assert sum(result.counts.values()) == len(ballots) == result.cast
    assert result.reason


def test_counts_and_turnout_are_reported() -> None:
    result = tally(votes(A=6, B=2, NE=1), "two_thirds", eligible=12)
    assert result.counts == {"A": 6, "B": 2, NE: 1}
    assert result.turnout == pytest.approx(0.75)
    assert result.threshold_met and result.turnout_met


def test_a_turnout_short_of_the_minimum_says_so() -> None:
    result = tally(votes(A=5), "sixty_percent", eligible=20, min_turnout=0.3)
    assert not result.turnout_met
    assert "25%" in result.reason and "30%" in result.reason


@pytest.mark.parametrize(
    ("ballots", "method", "eligible", "min_turnout"),
    [
        (votes(A=1), "ranked_choice", 3, 0),
        (votes(A=4), "majority", 3, 0),
        (votes(A=1), "majority", 0, 0),
        (votes(A=1), "majority", 3, 60),
    ],
    ids=["unknown method", "more ballots than voters", "nobody eligible", "turnout not a share"],
)
def test_impossible_votes_are_refused(
    ballots: list[str], method: str, eligible: int, min_turnout: float
) -> None:
    with pytest.raises(ValueError):
        tally(ballots, method, eligible=eligible, min_turnout=min_turnout)
