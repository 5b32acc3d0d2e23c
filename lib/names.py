"""Matching names typed by hand (candidates, partner organisations, issues) to the tracker's own.

Sheets brought in from elsewhere spell the same person "Rep. José Núñez", "jose  nunez" and
"JOSE NUNEZ". Every importer folds names the same way here, so a name matched by one import is
matched by the others.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import pandas as pd

# Titles dropped from the start of a candidate's name, as folded token sequences, longest first.
_TITLES = tuple(
    sorted(
        (
            tuple(title.split())
            for title in (
                "rep",
                "representative",
                "state rep",
                "state representative",
                "sen",
                "senator",
                "state senator",
                "councilmember",
                "council member",
                "councilman",
                "councilwoman",
                "councillor",
                "councilor",
                "mayor",
                "dr",
                "mr",
                "ms",
                "mrs",
                "mx",
                "hon",
                "honorable",
                "the honorable",
                "judge",
                "commissioner",
                "assemblymember",
                "assembly member",
                "assemblyman",
                "assemblywoman",
                "delegate",
                "supervisor",
            )
        ),
        key=len,
        reverse=True,
    )
)


def cell_text(value: object) -> str:
    """A cell as text: NaN, None and pandas' missing markers are blank, anything else is str."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:  # NaN, numpy's included
        return ""
    return str(value)


def fold_name(text: object) -> str:
    """Accents, case, apostrophes and punctuation dropped; words separated by single spaces:
    "Lake County Nurses United, Local 214" and "lake county nurses united local 214" agree."""
    decomposed = unicodedata.normalize("NFKD", cell_text(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    bare = re.sub(r"['’`]", "", bare)
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def candidate_key(name: str) -> str:
    """``name`` folded for matching: "Rep. José Núñez" and "jose nunez" give the same key.

    Accents, case, punctuation, spacing and leading titles ("Rep.", "Council Member", "The
    Honorable Judge", ...) are dropped, since sheets typed by hand vary in exactly these. A
    title is never dropped when it is all that is left of the name.
    """
    tokens = fold_name(name).split()
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLES:
            if len(tokens) > len(title) and tuple(tokens[: len(title)]) == title:
                tokens = tokens[len(title) :]
                stripped = True
                break
    return " ".join(tokens)


def ids_by_key(records: pd.DataFrame, key: Callable[[str], str] = fold_name) -> dict[str, set[str]]:
    """Folded name -> the ids of the records (columns ``id`` and ``name``) that fold to it."""
    found: dict[str, set[str]] = {}
    for record_id, name in zip(records["id"], records["name"], strict=True):
        folded = key(cell_text(name))
        if folded:
            found.setdefault(folded, set()).add(str(record_id))
    return found


def match_names(
    names: Iterable[str], records: pd.DataFrame, key: Callable[[str], str] = fold_name
) -> dict[str, str | None]:
    """Each name mapped to the id of the one record (columns ``id``, ``name``) it names.

    A name maps to ``None`` when no record folds to its key, and also when two or more do:
    guessing between them could file a record under the wrong one.
    """
    known = ids_by_key(records, key)
    matches: dict[str, str | None] = {}
    for name in names:
        found = known.get(key(name), set())
        matches[name] = next(iter(found)) if len(found) == 1 else None
    return matches


def match_candidates(names: Iterable[str], candidates: pd.DataFrame) -> dict[str, str | None]:
    """Each source name mapped to the id of the candidate it names, by :func:`candidate_key`.

    ``candidates`` has columns ``id`` and ``name``. A name maps to ``None`` when no candidate
    folds to its key, so the page can offer to add it, and also when two or more candidates
    fold to that key: guessing between them could file answers under the wrong person.
    """
    return match_names(names, candidates, candidate_key)
