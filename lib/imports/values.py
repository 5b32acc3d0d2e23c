"""Reading the words people type for statuses, stances, confidentiality and kinds of meeting.

Each column of choices gets a value map (source text → the contract's value) that a page shows
and lets the user correct; what is suggested here is only a starting point. A text with no
suggestion maps to ``None``, and the rows holding it wait until the user says what it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lib import schema
from lib.names import fold_name
from lib.questionnaires.importing import is_non_answer

#: value map name -> the contract's choices it maps to
CHOICES: dict[str, schema.Choices] = {
    "status": schema.COMMITMENT_STATUS,
    "stance": schema.STANCE,
    "visibility": schema.VISIBILITY,
    "kind": schema.INTERACTION_KIND,
    "setting": schema.SETTING,
    "stage": schema.STAGE,
    "candidate_status": schema.CANDIDATE_STATUS,
}
#: value maps whose cells may hold several values, one per line (one per commitment)
SEVERAL_PER_CELL = frozenset({"status"})

_TICKS = "✔|✓|✅|☑|✔️|☑️"
_CROSSES = "✗|✘|❌|✖|❎"
_YES = f"yes|y|true|x|{_TICKS}".split("|")
_NO = ["no", "n", "false"]
# Spellings, "|"-separated, of each value; "Leaning yes" reads as supports, for want of a
# "leaning" step on the contract's scale.
_SYNONYMS: dict[str, dict[str, str]] = {
    "status": {
        "kept": "done|yes|y|kept|complete|completed|fulfilled|delivered|achieved|promise kept|"
        + _TICKS,
        "in_the_works": "in progress|in the works|working on it|underway|under way|ongoing|"
        "started|progressing",
        "stalled": "stalled|stuck|on hold|delayed|paused|blocked",
        "broken": "broken|promise broken|failed|reneged|backed out|" + _CROSSES,
        "compromise": "compromise|partial|partially|partly|partially kept|watered down",
        "not_yet_rated": "not yet rated|not rated|new|tbd|to be determined|open|not yet|pending|"
        "unknown",
    },
    "stance": {
        "strongly_supports": "strongly supports|strongly support|strong support|strong yes|"
        "definitely yes|champion",
        "supports": "yes|y|support|supports|supportive|for|in favor|in favour|favor|favors|pro|"
        "agree|leaning yes|lean yes|leans yes|likely yes|probably yes|leaning support|" + _TICKS,
        "undecided": "undecided|unsure|not sure|maybe|neutral|mixed|unclear|on the fence|"
        "uncommitted|no position",
        "opposes": "no|n|oppose|opposes|against|con|disagree|leaning no|lean no|leans no|"
        "likely no|probably no|" + _CROSSES,
        "strongly_opposes": "strongly oppose|strongly opposes|strong no|definitely no|"
        "strongly against",
        "unknown": "unknown|not asked|?|dont know|do not know",
    },
    "visibility": {
        "restricted": "confidential|private|restricted|staff only|internal only|sensitive|"
        "off the record|do not share|dont share|secret",
        "coalition": "coalition|members|coalition only|members only|internal|not confidential|"
        "share with coalition|coalition members",
        "public": "public|on the record|ok to share publicly|shareable publicly",
    },
    "kind": {
        "one_on_one": "meeting|1:1|1 on 1|one on one|in person meeting|sit down|coffee|"
        "office visit",
        "forum": "forum|candidate forum|debate|panel",
        "town_hall": "town hall|townhall",
        "site_visit": "site visit|tour|visit",
        "call": "call|phone|phone call|zoom|video call|video|virtual meeting|teams",
        "email": "email|e-mail|letter",
        "questionnaire": "questionnaire|survey",
        "event": "event|fundraiser|rally|reception|house party",
        "other": "other",
    },
    "setting": {
        "in_person": "in person|face to face|office|on site",
        "virtual": "virtual|zoom|online|phone|video|remote|teams",
    },
}


def value_key(text: str) -> str:
    """A cell value as compared with a value map: case, accents, spacing and punctuation aside,
    except for a value that is nothing but symbols ("✔", "?")."""
    return fold_name(text) or "".join(str(text).split())


def _lookup(group: str) -> dict[str, str]:
    table = {value_key(spelling): value for spelling, value in CHOICES[group].lookup().items()}
    for value, spellings in _SYNONYMS.get(group, {}).items():
        table.update({value_key(spelling): value for spelling in spellings.split("|")})
    return table


def stance_words_beyond_yes_no() -> set[str]:
    """Words that say a stance and little else ("Leaning yes", "Oppose"): a column of them is
    a column of stances, where a column of yes and no could be any question."""
    return set(_lookup("stance")) - {value_key(word) for word in (*_YES, *_NO)}


def mostly(values: Iterable[str], words: set[str]) -> bool:
    """Whether three in five of the filled values are among ``words``."""
    filled = [value_key(value) for value in values if not is_non_answer(value)]
    return bool(filled) and sum(value in words for value in filled) * 5 >= len(filled) * 3


def suggest_value(group: str, text: str, header: str = "") -> str | None:
    """The contract value suggested for a cell of a column of choices, or ``None``."""
    key = value_key(text)
    if group == "visibility" and key in {value_key(word) for word in (*_YES, *_NO)}:
        return _yes_no_visibility(key in {value_key(word) for word in _YES}, header)
    return _lookup(group).get(key)


def _yes_no_visibility(yes: bool, header: str) -> str | None:
    """What yes or no means depends on the question: "Confidential?" or "Public?"."""
    folded = fold_name(header)
    if re.search(r"confidential|private|restricted|sensitive|secret|off the record", folded):
        return "restricted" if yes else "coalition"
    if re.search(r"\bpublic\b", folded):
        return "public" if yes else "coalition"
    if re.search(r"\bshar", folded):
        return "coalition" if yes else "restricted"
    return None


def cell_items(text: str) -> list[str]:
    """The items of a cell holding several, one per line or separated by ";"."""
    return [item.strip() for item in re.split(r"[;\n\r]+", text) if item.strip()]


def suggest_values(
    columns: Iterable[tuple[str, str, Iterable[str]]],
    keep: Mapping[str, Mapping[str, str | None]] | None = None,
) -> dict[str, dict[str, str | None]]:
    """A value map per group from ``columns`` ((header, value map, cells) of each column of
    choices): every distinct text, with its suggested value. A map given in ``keep`` (the
    user's) is kept as it is, and texts it lacks are added as ``None`` unless they are the
    contract's own spelling ("Promise kept"): what the user did not map is never guessed."""
    found: dict[str, dict[str, str | None]] = {
        group: dict(given) for group, given in (keep or {}).items()
    }
    for header, group, cells in columns:
        given = (keep or {}).get(group)
        values = found.setdefault(group, {})
        known = {value_key(text) for text in values}
        for cell in cells:
            for text in cell_items(cell) if group in SEVERAL_PER_CELL else [cell]:
                if is_non_answer(text) or value_key(text) in known:
                    continue
                known.add(value_key(text))
                if given is None:
                    values[text] = suggest_value(group, text, header)
                else:
                    values[text] = CHOICES[group].lookup().get(schema.fold(text))
    return found
