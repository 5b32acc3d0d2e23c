"""Counting an endorsement vote, by the rules the group agreed before it voted.

A pure function of the ballots, so the count can be checked by anyone, outside the app too.
Each ballot is a candidate id or ``"no_endorsement"``. Thresholds are shares of the ballots cast,
"no endorsement" ballots included: a member who chose no endorsement took part. Ties are never
broken by the order of names or ids, since every candidate must be treated alike; a tie the
rules cannot settle ends without an endorsement and says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

NO_ENDORSEMENT = "no_endorsement"
#: the share of ballots cast a candidate needs, by method (plurality and consensus aside)
THRESHOLDS: dict[str, Fraction] = {
    "two_thirds": Fraction(2, 3),
    "sixty_percent": Fraction(3, 5),
}
METHODS = ("two_thirds", "sixty_percent", "majority", "plurality", "consensus")
METHOD_LABELS = {
    "two_thirds": "Two-thirds of the votes cast",
    "sixty_percent": "60% of the votes cast",
    "majority": "A simple majority (more than half) of the votes cast",
    "plurality": "The most votes (plurality)",
    "consensus": "Consensus (every vote for the same candidate)",
}
OUTCOMES = ("endorsed", "no_endorsement", "runoff")


@dataclass(frozen=True)
class Tally:
    outcome: str  # one of OUTCOMES
    winner: str | None
    runoff: tuple[str, ...]  # the two candidate ids of a runoff, or ()
    counts: dict[str, int]  # ballots per choice, "no_endorsement" included, most first
    cast: int
    eligible: int
    turnout: float  # ballots cast / eligible voters
    turnout_met: bool
    threshold_met: bool
    reason: str  # the outcome in one sentence


def tally(ballots: Sequence[str], method: str, *, eligible: int, min_turnout: float = 0.0) -> Tally:
    """The outcome of a vote: ``endorsed`` (``winner`` set), ``no_endorsement``, or ``runoff``
    between the two leading candidates when nobody reached the threshold and more than two
    candidates received votes. ``eligible`` is how many members may vote; ``min_turnout`` the
    share of them (0 to 1) that must vote for the result to stand."""
    if method not in METHODS:
        raise ValueError(f"Unknown voting method {method!r}; use one of {', '.join(METHODS)}.")
    if eligible < 1:
        raise ValueError("At least one member must be eligible to vote.")
    if len(ballots) > eligible:
        raise ValueError(f"{len(ballots)} ballots were cast but only {eligible} may vote.")
    if not 0 <= min_turnout <= 1:
        raise ValueError("The minimum turnout is a share between 0 and 1, such as 0.5.")
    counts = Counter(str(ballot) for ballot in ballots)
    cast = len(ballots)
    turnout = cast / eligible
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    result = _Result(ordered, cast, eligible, turnout)
    if cast == 0:
        return result.no_endorsement("Nobody voted.", turnout_met=min_turnout == 0)
    if Fraction(cast, eligible) < Fraction(str(min_turnout)):
        return result.no_endorsement(
            f"Turnout was {turnout:.0%}, below the {min_turnout:.0%} the rules require.",
            turnout_met=False,
        )
    candidates = {choice: n for choice, n in ordered.items() if choice != NO_ENDORSEMENT}
    refusals = counts.get(NO_ENDORSEMENT, 0)
    if method == "consensus":
        if len(candidates) == 1 and not refusals:
            (winner,) = candidates
            return result.endorsed(winner, "Every vote was for the same candidate.")
        return result.no_endorsement("The votes were not unanimous, so there is no consensus.")
    if method == "plurality":
        return _plurality(result, candidates, refusals)
    if method == "majority":
        reaches = [c for c, n in candidates.items() if Fraction(n, cast) > Fraction(1, 2)]
        refused = Fraction(refusals, cast) > Fraction(1, 2)
        needed = "more than half of the votes"
    else:
        share = THRESHOLDS[method]
        reaches = [c for c, n in candidates.items() if Fraction(n, cast) >= share]
        refused = Fraction(refusals, cast) >= share
        needed = f"{METHOD_LABELS[method][0].lower()}{METHOD_LABELS[method][1:]}"
    if len(reaches) == 1:  # two candidates can both pass a threshold only if it is below half
        return result.endorsed(reaches[0], f"The candidate received {needed}.")
    if refused:
        return result.no_endorsement(f"'No endorsement' received {needed}.", threshold=True)
    return _runoff_or_none(result, candidates, needed)


@dataclass(frozen=True)
class _Result:
    counts: dict[str, int]
    cast: int
    eligible: int
    turnout: float

    def _make(self, outcome: str, winner: str | None, runoff: tuple[str, ...], **more) -> Tally:
        return Tally(
            outcome=outcome,
            winner=winner,
            runoff=runoff,
            counts=dict(self.counts),
            cast=self.cast,
            eligible=self.eligible,
            turnout=self.turnout,
            turnout_met=more.get("turnout_met", True),
            threshold_met=more.get("threshold", False),
            reason=more["reason"],
        )

    def endorsed(self, winner: str, reason: str) -> Tally:
        return self._make("endorsed", winner, (), threshold=True, reason=reason)

    def no_endorsement(
        self, reason: str, *, turnout_met: bool = True, threshold: bool = False
    ) -> Tally:
        return self._make(
            "no_endorsement", None, (), turnout_met=turnout_met, threshold=threshold, reason=reason
        )

    def runoff(self, first: str, second: str, reason: str) -> Tally:
        return self._make("runoff", None, (first, second), reason=reason)


def _plurality(result: _Result, candidates: dict[str, int], refusals: int) -> Tally:
    if not candidates:
        return result.no_endorsement("Every vote was for no endorsement.", threshold=True)
    top = max(candidates.values())
    leaders = [choice for choice, n in candidates.items() if n == top]
    if refusals > top:
        return result.no_endorsement("'No endorsement' received the most votes.", threshold=True)
    if refusals == top:
        return result.no_endorsement(
            "'No endorsement' tied with the leading candidate, so no candidate has the most votes."
        )
    if len(leaders) == 1:
        return result.endorsed(leaders[0], "The candidate received the most votes.")
    if len(leaders) == 2:
        return result.runoff(*leaders, "Two candidates tied for the most votes.")
    return result.no_endorsement(
        f"{len(leaders)} candidates tied for the most votes; a runoff needs two, so vote again."
    )


def _runoff_or_none(result: _Result, candidates: dict[str, int], needed: str) -> Tally:
    nobody = f"No candidate received {needed}"
    if len(candidates) <= 2:
        return result.no_endorsement(f"{nobody}, and there is nobody else to run off against.")
    ranked = sorted(candidates.values(), reverse=True)
    first, second, third = ranked[0], ranked[1], ranked[2]
    if second == third:
        tied = sum(n == second for n in ranked)
        place = "first" if first == second else "second"
        return result.no_endorsement(
            f"{nobody}, and {tied} candidates tied for {place} place, so the top two cannot be "
            "told apart: vote again."
        )
    top_two = [choice for choice, n in candidates.items() if n >= second][:2]
    return result.runoff(*top_two, f"{nobody}: a runoff between the top two.")
