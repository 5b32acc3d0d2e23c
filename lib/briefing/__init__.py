"""The briefing before meeting a candidate: who they are, where they stand, what is owed, who
met them lately, who should come along and how to frame the coalition's issues in their terms.

:mod:`content` builds it from the tables the reader may see, :mod:`framing` holds the framing
rules, :mod:`pdf` prints it on one page, :mod:`planning` turns "Plan this meeting" into a planned
meeting and a report draft, and :mod:`screen` draws it on the candidates page.
"""
