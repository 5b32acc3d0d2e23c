"""Endorsements, for coalitions that may make them (never a 501(c)(3)): races, a fair process,
research, the vote and its announcement. ``tally`` counts a vote by the rules agreed beforehand."""

from lib.endorsements.tally import NO_ENDORSEMENT, Tally, tally

__all__ = ["NO_ENDORSEMENT", "Tally", "tally"]
