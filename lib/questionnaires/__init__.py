"""Candidate questionnaires: the same questions to every candidate in a race, answered through a
private link, compared side by side and published as a nonpartisan voter guide."""

from lib.questionnaires.importing import read_answers

__all__ = ["read_answers"]
