"""Build the fictional sample coalition shipped in data/sample/ (one CSV per table).

The coalition is the Riverton Forward Coalition in the fictional city of Riverton, Lake County:
four partner organisations, five policy issues and eight candidates across a nonpartisan city
council primary, a mayoral general election, a state assembly general election and one sitting
county supervisor. Every person, organisation, bill and web address is invented.

Date convention: every date is written as if today were ANCHOR (2026-11-16), and every date in
the data is built as ANCHOR + timedelta(days=...). The app shifts all dates and timestamps by
(today - anchor) when it loads the sample, so overdue items and "the next 14 days" always look
current; anchor.txt records the anchor for it. Free text avoids absolute dates, which would not
move with the shift.

Run ``python data/sample/build_sample.py`` to rewrite the CSVs; the output is deterministic
(fixed data plus ``random.Random(2026)``), and a self-check runs after writing.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere
from lib import schema

ANCHOR = date(2026, 11, 16)
OUT_DIR = Path(__file__).resolve().parent
RNG = random.Random(2026)

SAMPLE_TABLES = (
    "partners",
    "issues",
    "candidates",
    "interactions",
    "positions",
    "commitments",
    "updates",
    "actions",
    "members",
)
COLUMNS: dict[str, list[str]] = {
    table: list(schema.table(table).column_names) for table in SAMPLE_TABLES
}

DEFAULTS = {"active": "TRUE"}
STATUSES = ("not_yet_rated", "in_the_works", "stalled", "kept", "compromise", "broken")
VISIBILITIES = ("public", "coalition", "restricted")
STANCES = ("strongly_supports", "supports", "undecided", "opposes", "strongly_opposes", "unknown")
KIND_WORDS = {
    "one_on_one": "one-on-one meeting",
    "forum": "candidate forum",
    "town_hall": "town hall",
    "site_visit": "site visit",
    "call": "call",
    "email": "email exchange",
    "questionnaire": "questionnaire",
    "event": "event",
    "other": "public meeting",
}
PRIORITY_TAGS = set(schema.PRIORITY_TAGS)
STRENGTH_TAGS = set(schema.SUGGESTED_STRENGTHS)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def day(offset: int) -> date:
    """ANCHOR shifted by ``offset`` days (negative: in the past)."""
    return ANCHOR + timedelta(days=offset)


def ago(days: int) -> date:
    return day(-days)


def stamp(on: date, first_hour: int = 14, last_hour: int = 23) -> str:
    """A UTC timestamp on ``on`` (never after the anchor), with microseconds like the app's."""
    on = min(on, ANCHOR)
    moment = datetime(
        on.year,
        on.month,
        on.day,
        RNG.randint(first_hour, last_hour),
        RNG.randint(0, 59),
        RNG.randint(0, 59),
        RNG.randint(1, 999_999),
        tzinfo=UTC,
    )
    return moment.isoformat()


def reported_stamp(on: date) -> str:
    """When a report about something on ``on`` was typed in: that evening or the next day."""
    lag = RNG.choice((0, 0, 1))
    return stamp(min(on + timedelta(days=lag), ago(1)))


_issued: set[str] = set()


def new_id(prefix: str) -> str:
    """An id like the app makes (``cmt-3f9a1c2b``), drawn from the seeded RNG."""
    while True:
        candidate = f"{prefix}-{RNG.getrandbits(32):08x}"
        if candidate not in _issued:
            _issued.add(candidate)
            return candidate


def q(words: str, how: str) -> str:
    """A quote with its provenance, e.g. q("...", "verbatim, forum video")."""
    return f'"{words}" ({how})'


def tags(*names: str) -> str:
    return "; ".join(names)


def yes(flag: bool) -> str:
    return "TRUE" if flag else "FALSE"


# --------------------------------------------------------------------------------------------
# Fixed data: partners, members, issues, candidates
# --------------------------------------------------------------------------------------------

# The data tables below are laid out by hand for reading; the formatter leaves them alone.
# fmt: off

PARTNERS = {
    "biz": dict(
        name="Riverton Main Street Business Alliance",
        kind="business association",
        strengths=tags("business voices", "media relations", "policy research"),
        tax_status="501(c)(6)",
        contact_name="Carla Benedetti",
        contact_email="carla.benedetti@example.org",
        notes="Represents about 140 independent shops on Mill Street and the Eastside corridor.",
    ),
    "nurses": dict(
        name="Lake County Nurses United, Local 214",
        kind="union",
        strengths=tags("labor", "health professionals", "grassroots turnout"),
        tax_status="501(c)(5)",
        contact_name="Rafael Quintero",
        contact_email="rafael.quintero@example.org",
        notes="Registered nurses at Lake County General and two clinics; leads on safe staffing.",
    ),
    "parents": dict(
        name="Riverton Parents for Public Schools",
        kind="parent group",
        strengths=tags("parents", "educators", "youth organizing"),
        tax_status="501(c)(3)",
        contact_name="Mei-Ling Sato",
        contact_email="meiling.sato@example.org",
        notes="501(c)(3): may not endorse or oppose candidates; policy advocacy only.",
    ),
    "faith": dict(
        name="Common Ground Housing Collaborative",
        kind="nonprofit",
        strengths=tags(
            "faith leaders", "immigrant communities", "legal expertise", "grassroots turnout"
        ),
        tax_status="501(c)(3)",
        contact_name="Rev. Lucinda Ferreira",
        contact_email="lucinda.ferreira@example.org",
        notes="Faith-based developer of 300 affordable homes; runs a free tenant legal clinic. "
        "Coordinates the coalition.",
    ),
}

# name, partner, role
MEMBERS = {
    "dana.okafor@example.org": ("Dana Okafor", "faith", "admin"),
    "tomas.herrera@example.org": ("Tomás Herrera", "faith", "advocate"),
    "rafael.quintero@example.org": ("Rafael Quintero", "nurses", "staff"),
    "aaliyah.brooks@example.org": ("Aaliyah Brooks", "nurses", "advocate"),
    "meiling.sato@example.org": ("Mei-Ling Sato", "parents", "staff"),
    "siobhan.kelly@example.org": ("Siobhán Kelly", "parents", "advocate"),
    "jordan.ellison@example.org": ("Jordan Ellison", "biz", "advocate"),
    "gus.petrakis@example.org": ("Gus Petrakis", "biz", "viewer"),
}
EMAIL_OF = {name: email for email, (name, _, _) in MEMBERS.items()}
ADMIN = "dana.okafor@example.org"

ISSUES = {
    "housing": dict(
        name="Affordable housing fund",
        ask="Fund 500 units of permanently affordable housing by 2028",
        description="Give Riverton's housing trust fund a dedicated revenue source so it can "
        "finance deed-restricted homes for families earning under 60% of the area median income.",
    ),
    "counsel": dict(
        name="Tenant right to counsel",
        ask="Pass an ordinance guaranteeing a free lawyer to every Riverton tenant facing eviction",
        description="Most tenants in eviction court have no lawyer while nearly every landlord "
        "does; a city-funded program would close that gap, phased in if need be.",
    ),
    "staffing": dict(
        name="Safe nurse staffing",
        ask="Enact enforceable nurse-to-patient ratios (1:4 on medical-surgical units) at Lake "
        "County hospitals",
        description="Staffing at Lake County General has slipped to six or seven patients per "
        "nurse on some units; the ask is a state ratio law and a county contract clause.",
    ),
    "prek": dict(
        name="Universal pre-K",
        ask="Offer free full-day pre-K to every 4-year-old in Riverton by fall 2028",
        description="Riverton has about 610 public pre-K seats for 1,900 four-year-olds; the city, "
        "county and state would share the cost of closing the gap.",
    ),
    "storefront": dict(
        name="Small-business storefront fund",
        ask="Create a $5 million storefront grant and loan fund for the Mill Street and Eastside "
        "corridors",
        description="Grants and low-interest loans of up to $50,000 to fill long-vacant "
        "storefronts, paid from unallocated cannabis excise revenue.",
    ),
}

PRIMARY = 92  # days after the anchor
GENERAL = 351

CANDIDATES = {
    "marquez": dict(
        name="Inés Márquez", office="Riverton City Council", district="03", party="Nonpartisan",
        election=PRIMARY, stage="primary", incumbent=False, status="running",
        website="https://example.org/marquez-for-council",
        priorities=tags("housing", "child care", "immigration", "economy"),
        notes="Former Lake County Legal Aid housing attorney; first run for office.",
    ),
    "whitaker": dict(
        name="Tom Whitaker", office="Riverton City Council", district="03", party="Nonpartisan",
        election=PRIMARY, stage="primary", incumbent=False, status="running",
        website="https://example.org/whitaker-district3",
        priorities=tags("economy", "taxes", "public safety", "transportation"),
        notes="Owns a hardware store on Mill Street; past Business Alliance board member.",
    ),
    "raman": dict(
        name="Priya Raman", office="Riverton City Council", district="03", party="Nonpartisan",
        election=PRIMARY, stage="primary", incumbent=False, status="withdrawn",
        website="https://example.org/priya-raman",
        priorities=tags("education", "child care", "environment", "transportation"),
        notes="Withdrew after the Eastside forum; still chairs the Lincoln Elementary site "
        "council.",
    ),
    "bell": dict(
        name="Marcus Bell", office="Mayor of Riverton", district="", party="Democratic",
        election=GENERAL, stage="general", incumbent=False, status="running",
        website="https://example.org/bell-for-riverton",
        priorities=tags("jobs", "public safety", "housing", "transportation"),
        notes="City council president; policy director Nadia Ortiz is the usual contact.",
    ),
    "kowalczyk": dict(
        name="Linda Kowalczyk", office="Mayor of Riverton", district="", party="Republican",
        election=GENERAL, stage="general", incumbent=True, status="running",
        website="https://example.org/mayor-kowalczyk",
        priorities=tags("taxes", "public safety", "economy"),
        notes="Incumbent mayor seeking a second term; chief of staff Ben Sorensen handles "
        "meetings.",
    ),
    "nguyen": dict(
        name="Nguyễn Thảo", office="State Assembly", district="07", party="Democratic",
        election=GENERAL, stage="general", incumbent=False, status="running",
        website="https://example.org/nguyen-thao-assembly",
        priorities=tags("health care", "child care", "immigration", "education"),
        notes="Hospital pharmacist for twelve years; speaks Vietnamese and English.",
    ),
    "dunmore": dict(
        name="Ray Dunmore", office="State Assembly", district="07", party="Republican",
        election=GENERAL, stage="general", incumbent=True, status="running",
        website="https://example.org/dunmore-assembly",
        priorities=tags("economy", "taxes", "health care", "public safety"),
        notes="Two-term assemblymember; sits on the budget committee. District director: "
        "Kyle Brandt.",
    ),
    "halvorsen": dict(
        name="Zoë Halvorsen", office="Lake County Board of Supervisors", district="02",
        party="Independent", election=GENERAL + 371, stage="in_office", incumbent=True,
        status="in_office", website="https://example.org/lakecounty/supervisor-district-02",
        priorities=tags("health care", "transportation", "housing", "environment"),
        notes="Chairs the board's health committee; aide Ellie Marsh schedules meetings.",
    ),
}
WITHDRAWN_DAYS_AGO = {"raman": 124}

# --------------------------------------------------------------------------------------------
# Interactions: one row per candidate per meeting. `days` = days before the anchor.
# --------------------------------------------------------------------------------------------

QUESTIONNAIRE_ATTENDEES = "Campaign staff (written responses)"
EASTSIDE_FORUM = "about 150 residents at the Eastside Community Center; moderator Rev. Lucinda " \
    "Ferreira"
MAYORAL_FORUM = "about 300 residents in the Riverton High auditorium; co-hosted with the " \
    "Riverton Civic Roundtable"

INTERACTIONS = [
    # ---- Inés Márquez (City Council D03, primary) ----
    dict(
        key="M1", days=228, cand="marquez", kind="one_on_one", setting="in_person",
        partners=("faith", "parents"), by="Tomás Herrera", vis="coalition", source="firsthand",
        attendees="Inés Márquez; Paolo Reyes (campaign manager); Tomás Herrera; Siobhán Kelly",
        objectives="Introduce the coalition and its five asks; learn why she is running for the "
        "District 03 seat.",
        priorities=tags("housing", "child care", "immigration"),
        talking_points="One in four District 03 renters spends more than half of their income on "
        "rent. Common Ground's waitlist has 1,100 families for 62 units.",
        questions="Would you commit to a unit target with a date? How would you pay for a housing "
        "fund without cutting parks and libraries?",
        education="She did not know the city's housing trust fund has existed on paper for years "
        "without ever receiving a dedicated revenue source.",
        quotes=q("Housing is the first thing people bring up at every door I knock on.",
                 "verbatim"),
        takeaways="Strong interest in housing and tenant protections from her years at legal aid. "
        "Less familiar with the business side of the storefront proposal.",
        follow_up="Send the five-issue one-pager and the Maple Court eviction numbers. Invite her "
        "to the Eastside forum.",
    ),
    dict(
        key="M2", days=175, cand="marquez", kind="questionnaire", setting="virtual",
        partners=("biz", "nurses", "parents", "faith"), by="Mei-Ling Sato", vis="coalition",
        source="firsthand", attendees=QUESTIONNAIRE_ATTENDEES,
        objectives="Collect written answers to the coalition's council candidate questionnaire.",
        priorities=tags("housing", "child care", "education"),
        talking_points="The questionnaire covered all five coalition issues with yes/no questions "
        "and room to explain.",
        questions="Q3: Will you support free full-day pre-K for every 4-year-old? Q5: Would you "
        "vote for a $5 million storefront fund?",
        education="Her storefront answer assumed the money would come out of the housing budget; "
        "the proposal uses a separate revenue source.",
        quotes=q("Yes. Universal pre-K is child care, and child care is what keeps parents in the "
                 "workforce.", "verbatim, Q3"),
        takeaways="Answered every question. Yes on housing, right to counsel and pre-K; "
        "'need more information' on the storefront fund.",
        follow_up="Send the storefront fund's revenue memo so she can see it does not compete "
        "with housing.",
    ),
    dict(
        key="M3", days=140, cand="marquez", kind="forum", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="public",
        source="firsthand", attendees=f"Inés Márquez; Tom Whitaker; Priya Raman; {EASTSIDE_FORUM}",
        objectives="Record Márquez's answers at the Eastside candidate forum hosted by the "
        "coalition.",
        priorities=tags("housing", "immigration", "economy"),
        talking_points="The moderator read the 500-unit ask and the storefront ask; each candidate "
        "had 90 seconds per question.",
        questions="Will you vote to give the housing trust fund a dedicated revenue source? What "
        "would you do about vacant storefronts on Mill Street?",
        education="She confused the storefront fund with the façade improvement program the city "
        "ended several years ago.",
        quotes=q("I will be a yes on a dedicated housing fund, and I'll tell you how I'd pay for "
                 "it.", "verbatim, forum video"),
        takeaways="Repeated her housing commitment in public. On storefronts she said she was "
        "open but wanted to know who would be eligible.",
        follow_up="Post the forum video link for partners. Jordan to send her the storefront "
        "eligibility draft.",
    ),
    dict(
        key="M4", days=96, cand="marquez", kind="site_visit", setting="in_person",
        partners=("faith",), by="Tomás Herrera", vis="coalition", source="firsthand",
        attendees="Inés Márquez; Tomás Herrera; Rev. Lucinda Ferreira; six Maple Court households",
        objectives="Let her hear from tenants with eviction notices before she takes a position "
        "on right to counsel.",
        priorities=tags("housing", "immigration"),
        talking_points="Eleven of Maple Court's 48 units received notices in two months. None of "
        "the tenants has a lawyer; one firm represents the landlord in all eleven cases.",
        questions="Would you co-sponsor a right-to-counsel ordinance? Should it cover tenants "
        "regardless of immigration status?",
        education="Asked whether the program would cover commercial tenants; the coalition's "
        "draft covers residential tenants only.",
        quotes=q("Nobody should walk into housing court alone against a landlord's lawyer.",
                 "paraphrased by Tomás"),
        takeaways="Moved from general support to a firm commitment to co-sponsor if elected. "
        "Spoke with two families in Spanish without an interpreter.",
        follow_up="Send the draft ordinance and the cost figures from the legal aid pilot.",
    ),
    dict(
        key="M5", days=61, cand="marquez", kind="call", setting="virtual", partners=("biz",),
        by="Jordan Ellison", vis="coalition", source="firsthand",
        attendees="Inés Márquez; Jordan Ellison; Carla Benedetti",
        objectives="Walk her through the storefront fund's eligibility rules and revenue source.",
        priorities=tags("economy", "jobs", "immigration"),
        talking_points="The fund is paid from the city's unallocated cannabis excise revenue. "
        "Thirty-eight storefronts on the two corridors have been empty for more than a year.",
        questions="Would you back a set-aside for first-time owners? Can you join a merchants' "
        "walk on Mill Street before the primary?",
        education="Did not know the cannabis excise revenue is currently unallocated.",
        quotes=q("Once I saw it doesn't compete with housing, I'm in.", "paraphrased"),
        takeaways="Now supports the storefront fund. Suggested reserving part of it for "
        "immigrant-owned shops.",
        follow_up="Jordan to propose two dates for the Mill Street walk.",
    ),
    dict(
        key="M6", days=27, cand="marquez", kind="one_on_one", setting="in_person",
        partners=("faith", "nurses"), by="Dana Okafor", vis="restricted", source="firsthand",
        attendees="Inés Márquez; Dana Okafor; Rafael Quintero",
        objectives="Ask about her first-budget priorities and whether she would lead on right to "
        "counsel.",
        priorities=tags("housing", "health care"),
        talking_points="A landlord group is mailing District 03 voters about right to counsel; "
        "the coalition shared the legal aid pilot results as factual background.",
        questions="Would the housing fund be your first budget request? Which current council "
        "members would you work with on right to counsel?",
        education="None on the issues. She asked for campaign advice on the mailers, which the "
        "coalition declined to give as a nonpartisan group.",
        quotes="Said off the record that she will not announce budget priorities until after "
        "her endorsement interviews. (paraphrased, not for circulation)",
        takeaways="Privately committed to make the housing fund her first budget request. Asked "
        "that this stay with staff until she announces it.",
        follow_up="Keep this report restricted. Dana to check in after the endorsement "
        "interviews.",
    ),
    dict(
        key="M7", days=6, cand="marquez", kind="email", setting="virtual", partners=("parents",),
        by="Siobhán Kelly", vis="coalition", source="firsthand",
        attendees="Paolo Reyes (campaign manager); Siobhán Kelly",
        objectives="Follow up on her pre-K questionnaire answer and ask for it on her website.",
        priorities=tags("child care", "education"),
        talking_points="Shared the Lincoln Elementary waitlist: 84 four-year-olds without a seat.",
        questions="Will the campaign site include universal pre-K? Does she support phasing it "
        "in neighborhood by neighborhood?",
        education="The campaign asked whether pre-K is a city or a school district "
        "responsibility; we sent the joint-powers explainer.",
        quotes=q("Inés wants it on the site; send us language that's accurate.",
                 "verbatim, campaign manager's email"),
        takeaways="Campaign agreed to add a pre-K plank and asked for suggested wording.",
        follow_up="Siobhán to send plank language within a week.",
    ),
    # ---- Tom Whitaker (City Council D03, primary) ----
    dict(
        key="W1", days=210, cand="whitaker", kind="one_on_one", setting="in_person",
        partners=("biz",), by="Jordan Ellison", vis="coalition", source="firsthand",
        attendees="Tom Whitaker; Jordan Ellison; Gus Petrakis",
        objectives="Introduce the coalition and hear his priorities as a small-business owner.",
        priorities=tags("economy", "taxes", "public safety"),
        talking_points="The storefront fund would offer a grant plus a low-interest loan, capped "
        "at $50,000 per business.",
        questions="Would you support a dedicated housing fund? What did it cost you to open your "
        "storefront in Riverton?",
        education="Believes affordable housing lowers nearby property values; we offered the "
        "county assessor's figures for the blocks around Alder Street.",
        quotes=q("I've paid for three permit reviews for one sign. Fix that before you ask for "
                 "new money.", "verbatim"),
        takeaways="Enthusiastic about the storefront fund. Skeptical of a housing fund on cost "
        "grounds.",
        follow_up="Offer him a tour of a Common Ground building. Ask for his own permit costs.",
    ),
    dict(
        key="W2", days=174, cand="whitaker", kind="questionnaire", setting="virtual",
        partners=("biz", "nurses", "parents", "faith"), by="Mei-Ling Sato", vis="coalition",
        source="firsthand", attendees=QUESTIONNAIRE_ATTENDEES,
        objectives="Collect his written answers to the council candidate questionnaire.",
        priorities=tags("economy", "taxes", "transportation"),
        talking_points="Same five-issue questionnaire sent to every District 03 candidate.",
        questions="Q1: Will you vote for a dedicated revenue source for the housing trust fund? "
        "Q3: Will you support universal pre-K?",
        education="Answered the housing question as if the fund required a new property tax; "
        "the proposal uses hotel and cannabis tax revenue.",
        quotes=q("I do not support new taxes on homeowners to pay for housing programs.",
                 "verbatim, Q1"),
        takeaways="No on the housing fund, yes on the storefront fund; left the pre-K and "
        "right-to-counsel sections blank.",
        follow_up="Ask the campaign to complete the blank sections.",
    ),
    dict(
        key="W3", days=140, cand="whitaker", kind="forum", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="public",
        source="firsthand", attendees=f"Tom Whitaker; Inés Márquez; Priya Raman; {EASTSIDE_FORUM}",
        objectives="Record Whitaker's answers at the Eastside candidate forum.",
        priorities=tags("economy", "public safety", "jobs"),
        talking_points="Maple Court tenants asked about evictions; the Business Alliance asked "
        "about vacancies.",
        questions="Would you support free legal help for every tenant facing eviction? How would "
        "you fill vacant storefronts?",
        education="Said tenants can already get a free lawyer through legal aid; legal aid turns "
        "away about 70% of eviction cases for lack of staff.",
        quotes=q("Government lawyers for every tenant is a lawsuit factory.",
                 "verbatim, forum video"),
        takeaways="Publicly opposed right to counsel. His storefront answer drew the longest "
        "applause of the night.",
        follow_up="Invite him to Common Ground's legal clinic to see the caseload.",
    ),
    dict(
        key="W4", days=75, cand="whitaker", kind="site_visit", setting="in_person",
        partners=("biz", "faith"), by="Jordan Ellison", vis="coalition", source="firsthand",
        attendees="Tom Whitaker; Jordan Ellison; Tomás Herrera; Carla Benedetti; two Alder Street "
        "residents",
        objectives="Tour vacant Mill Street storefronts and the Alder Street affordable building "
        "in one afternoon.",
        priorities=tags("economy", "housing", "taxes"),
        talking_points="Alder Street's 40 units cost 18% less per unit than the county average, "
        "and its ground-floor space is leased to a bakery.",
        questions="What would it take for you to support a housing fund? Would you commit to a "
        "$5 million storefront fund in your platform?",
        education="Was surprised that the building pays property tax; he thought affordable "
        "housing was tax-exempt.",
        quotes=q("This isn't what I pictured. I could see more of these on Mill Street.",
                 "paraphrased"),
        takeaways="Moved from opposing to undecided on the housing fund; wants the full cost "
        "sheet. Agreed to back a storefront fund in his platform.",
        follow_up="Tomás to send the Alder Street cost sheet.",
    ),
    dict(
        key="W5", days=19, cand="whitaker", kind="call", setting="virtual", partners=("faith",),
        by="Tomás Herrera", vis="restricted", source="firsthand",
        attendees="Tom Whitaker; Tomás Herrera",
        objectives="Ask where he landed on the housing fund after reading the cost sheet.",
        priorities=tags("housing", "economy"),
        talking_points="The Business Alliance's permitting ideas could travel with the housing "
        "fund as one package.",
        questions="Would you support the fund if it came with faster permits? When would you say "
        "so publicly?",
        education="Asked whether the fund could pay for ground-floor commercial space; it cannot "
        "under the current draft.",
        quotes=q("I can live with the fund if permitting gets fixed, but I can't say that until "
                 "after my endorsement interviews.", "paraphrased, shared in confidence"),
        takeaways="Privately willing to support the fund if paired with permitting reform. Asked "
        "us not to share this before his endorsement interviews.",
        follow_up="Keep restricted and out of any public materials. Check back after the "
        "interviews.",
    ),
    # ---- Priya Raman (City Council D03, withdrew) ----
    dict(
        key="R1", days=200, cand="raman", kind="one_on_one", setting="in_person",
        partners=("parents",), by="Mei-Ling Sato", vis="coalition", source="firsthand",
        attendees="Priya Raman; Mei-Ling Sato; Siobhán Kelly",
        objectives="Learn her education priorities; she chairs the Lincoln Elementary site "
        "council.",
        priorities=tags("education", "child care", "environment"),
        talking_points="Riverton has 610 public pre-K seats for about 1,900 four-year-olds.",
        questions="Would you push the city to co-fund pre-K with the school district? Would you "
        "host a parents' listening session?",
        education="Knew the pre-K numbers well; asked for a briefing on the housing fund.",
        quotes=q("Pre-K is the reason I filed.", "verbatim"),
        takeaways="Pre-K is her central issue. Agreed to host a listening session at Lincoln "
        "Elementary.",
        follow_up="Schedule the listening session; send her the housing one-pager.",
    ),
    dict(
        key="R2", days=140, cand="raman", kind="forum", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="public",
        source="firsthand", attendees=f"Priya Raman; Inés Márquez; Tom Whitaker; {EASTSIDE_FORUM}",
        objectives="Record Raman's answers at the Eastside candidate forum.",
        priorities=tags("education", "transportation", "housing"),
        talking_points="The Parents group asked about pre-K; Common Ground asked about right to "
        "counsel.",
        questions="Do you support a right-to-counsel ordinance? Would you vote for the housing "
        "fund?",
        education="Had not yet read the right-to-counsel draft and said so.",
        quotes=q("I'm not going to pretend I've read the ordinance. I'll read it and tell you.",
                 "verbatim, forum video"),
        takeaways="Supports the housing fund and a storefront fund near transit. No position yet "
        "on right to counsel.",
        follow_up="Send her the draft ordinance and ask for a position.",
    ),
    # ---- Marcus Bell (Mayor, general) ----
    dict(
        key="B1", days=235, cand="bell", kind="one_on_one", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="coalition",
        source="firsthand",
        attendees="Marcus Bell; Nadia Ortiz (policy director); Dana Okafor; Rafael Quintero; "
        "Mei-Ling Sato; Jordan Ellison",
        objectives="Introduce all four partners and the five asks as his mayoral campaign starts.",
        priorities=tags("jobs", "public safety", "housing"),
        talking_points="Each partner presented its ask in two minutes; Common Ground led on the "
        "500-unit target.",
        questions="Will your housing plan include a unit target and a date? Would you ask the "
        "city attorney to cost out right to counsel?",
        education="Thought right to counsel needs a state law; several cities have adopted it by "
        "local ordinance.",
        quotes=q("Give me a number I can defend at a budget hearing.", "verbatim"),
        takeaways="Supports a housing fund. Undecided on right to counsel until he sees a cost "
        "estimate.",
        follow_up="Send the legal aid pilot data. Watch for his housing plan release.",
    ),
    dict(
        key="B2", days=190, cand="bell", kind="town_hall", setting="in_person",
        partners=("nurses", "faith"), by="Aaliyah Brooks", vis="public", source="firsthand",
        attendees="Marcus Bell; about 80 residents at the Westside Library; Aaliyah Brooks; "
        "Tomás Herrera",
        objectives="Ask housing and hospital staffing questions at his public-safety town hall.",
        priorities=tags("public safety", "housing", "health care"),
        talking_points="Emergency room waits at Lake County General averaged over five hours last "
        "quarter.",
        questions="Will you bring the housing trust fund to the council budget workshop? Will you "
        "sign the coalition's letter to the county on hospital staffing?",
        education="Called staffing a hospital management matter; the county funds and oversees "
        "Lake County General.",
        quotes=q("Put the trust fund on my desk and I'll put it on the agenda.",
                 "verbatim, town hall livestream"),
        takeaways="Committed in public to put the housing trust fund on the workshop agenda. "
        "Agreed to sign the staffing letter.",
        follow_up="Send the staffing letter to his council office for signature.",
    ),
    dict(
        key="B3", days=150, cand="bell", kind="questionnaire", setting="virtual",
        partners=("biz", "nurses", "parents", "faith"), by="Mei-Ling Sato", vis="coalition",
        source="firsthand", attendees=QUESTIONNAIRE_ATTENDEES,
        objectives="Collect written answers to the mayoral questionnaire.",
        priorities=tags("jobs", "education", "child care"),
        talking_points="The mayoral version added a question on the city's budget share for "
        "pre-K.",
        questions="Q3: How many pre-K seats would your first budget fund? Q4: Do you support "
        "right to counsel?",
        education="None noted; his answers used the coalition's seat numbers correctly.",
        quotes=q("My first budget will fund 300 new pre-K seats in partnership with Riverton "
                 "Unified.", "verbatim, Q3"),
        takeaways="Yes on pre-K with a seat number; 'studying' right to counsel; yes on the "
        "housing and storefront funds.",
        follow_up="Share his answers with the Parents group board.",
    ),
    dict(
        key="B4", days=110, cand="bell", kind="call", setting="virtual", partners=("faith",),
        by="Dana Okafor", vis="coalition", source="firsthand",
        attendees="Marcus Bell; Dana Okafor; Rev. Lucinda Ferreira",
        objectives="Discuss the city attorney's cost estimate for right to counsel.",
        priorities=tags("housing", "public safety"),
        talking_points="The estimate is about $3.1 million a year at full coverage; the legal aid "
        "pilot cut default evictions by a third.",
        questions="Would you hold a council study session? Would you support a phased rollout?",
        education="Asked whether costs fall after the first year; we shared the pilot's declining "
        "cost per case.",
        quotes=q("Three million is real money, but so is a family in a shelter.", "paraphrased"),
        takeaways="Still undecided but more open. Agreed to a study session.",
        follow_up="Collect tenant testimonies for the study session.",
    ),
    dict(
        key="B5", days=68, cand="bell", kind="event", setting="in_person", partners=("biz",),
        by="Jordan Ellison", vis="coalition", source="firsthand",
        attendees="Marcus Bell; about 25 Mill Street merchants; Jordan Ellison; Carla Benedetti; "
        "Gus Petrakis",
        objectives="Hear his storefront plans at the Business Alliance's merchants' breakfast.",
        priorities=tags("jobs", "economy", "transportation"),
        talking_points="Merchants raised parking and vacancies; the Alliance presented its $5 "
        "million fund design.",
        questions="Would you introduce a council resolution to design the fund? Would you come "
        "back to a monthly merchants' meeting?",
        education="Assumed the fund would need voter approval; it would not.",
        quotes=q("Empty windows on Mill Street are a public safety issue too.", "verbatim"),
        takeaways="Supports the storefront fund; will introduce a resolution directing staff to "
        "design it.",
        follow_up="Jordan to review the resolution draft when his office sends it.",
    ),
    dict(
        key="B6", days=33, cand="bell", kind="forum", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="public",
        source="firsthand", attendees=f"Marcus Bell; Linda Kowalczyk; {MAYORAL_FORUM}",
        objectives="Record Bell's answers at the mayoral forum co-hosted by the coalition.",
        priorities=tags("housing", "public safety", "jobs"),
        talking_points="Both candidates got identical questions on housing, right to counsel and "
        "storefronts.",
        questions="Do you support right to counsel? What is the revenue source for your housing "
        "plan?",
        education="None on right to counsel; his answer cited the pilot data we had sent.",
        quotes=q("I support right to counsel, phased in over three years, starting with families "
                 "with children.", "verbatim, forum video"),
        takeaways="First public support for right to counsel (phased). Promised to name the "
        "housing plan's revenue source within 30 days.",
        follow_up="Put the 30-day mark for the revenue source on the calendar.",
    ),
    dict(
        key="B7", days=9, cand="bell", kind="one_on_one", setting="in_person",
        partners=("faith", "parents"), by="Dana Okafor", vis="restricted", source="firsthand",
        attendees="Marcus Bell; Nadia Ortiz; Dana Okafor; Mei-Ling Sato",
        objectives="Hear his first-budget figures before the campaign releases them.",
        priorities=tags("housing", "child care"),
        talking_points="The coalition asked for $15 million for the housing trust fund in year "
        "one.",
        questions="What dollar figure will your first budget put in the trust fund? Can the "
        "Parents group see the pre-K section of your transition plan early?",
        education="Asked how many units $12 million would produce; we estimated about 120 with "
        "county and state match.",
        quotes="Said $12 million in year one, not for release until his campaign announces it. "
        "(paraphrased, embargoed)",
        takeaways="Private commitment of $12 million in year one, embargoed until the campaign "
        "announces it.",
        follow_up="Keep restricted. Do not share the figure with partner boards until it is "
        "public.",
    ),
    # ---- Linda Kowalczyk (Mayor, general, incumbent) ----
    dict(
        key="K1", days=232, cand="kowalczyk", kind="one_on_one", setting="in_person",
        partners=("biz",), by="Jordan Ellison", vis="coalition", source="firsthand",
        attendees="Mayor Linda Kowalczyk; Ben Sorensen (chief of staff); Jordan Ellison; "
        "Carla Benedetti",
        objectives="Present the storefront fund to the mayor's office.",
        priorities=tags("economy", "taxes", "public safety"),
        talking_points="Vacancy on the Eastside corridor rose from 9% to 17% in three years.",
        questions="Would you direct economic development staff to scope a pilot? Would you meet "
        "tenants before the council votes on the rental registry?",
        education="Described right to counsel as 'a lawyer for squatters'; the draft covers "
        "leaseholders only.",
        quotes=q("I'll back anything that fills storefronts without raising the levy.",
                 "verbatim"),
        takeaways="Strong support for the storefront fund. Strongly opposed to right to counsel.",
        follow_up="Follow up with the economic development director on a pilot scope.",
    ),
    dict(
        key="K2", days=185, cand="kowalczyk", kind="other", setting="in_person",
        partners=("faith",), by="Tomás Herrera", vis="public", source="public_record",
        attendees="Mayor Linda Kowalczyk; Riverton City Council; Tomás Herrera (public comment)",
        objectives="Record the mayor's statement on the housing trust fund at the city budget "
        "hearing.",
        priorities=tags("taxes", "economy", "housing"),
        talking_points="Tomás gave two minutes of public comment on the 500-unit ask.",
        questions="A council member asked whether the trust fund would get a revenue source this "
        "year.",
        education="Stated that the fund would need a property tax increase; the coalition's "
        "proposal uses hotel-tax revenue.",
        quotes=q("I won't sign a budget that raises property taxes for a housing fund.",
                 "verbatim, hearing minutes"),
        takeaways="Opposed the fund as proposed, but asked the budget office to model other "
        "revenue.",
        follow_up="Get the budget office's hotel-tax model when it is released.",
    ),
    dict(
        key="K3", days=130, cand="kowalczyk", kind="site_visit", setting="in_person",
        partners=("faith",), by="Tomás Herrera", vis="coalition", source="firsthand",
        attendees="Mayor Linda Kowalczyk; Ben Sorensen; Tomás Herrera; Rev. Lucinda Ferreira; "
        "Alder Street residents' council",
        objectives="Show the mayor a finished affordable building and the permit delays on the "
        "next one.",
        priorities=tags("housing", "taxes", "public safety"),
        talking_points="Alder Street phase two has waited 14 months for permits; each month adds "
        "about $40,000 in costs.",
        questions="Would you fast-track the phase two permits? Would you also visit the Eastside "
        "site?",
        education="Believed the building receives city operating subsidies; it receives none.",
        quotes=q("If it's paying its own way, I'm not going to stand in front of it.",
                 "paraphrased"),
        takeaways="Moved to undecided on the housing fund; committed to fast-track the permits.",
        follow_up="Send the permit file numbers to the chief of staff.",
    ),
    dict(
        key="K4", days=88, cand="kowalczyk", kind="email", setting="virtual",
        partners=("parents",), by="Mei-Ling Sato", vis="coalition", source="firsthand",
        attendees="Ben Sorensen (chief of staff); Mei-Ling Sato",
        objectives="Ask for the mayor's position on universal pre-K and a meeting with the city's "
        "early-learning coordinator.",
        priorities=tags("child care", "taxes"),
        talking_points="In the Parents group survey, 62% of 410 responding parents said universal "
        "pre-K would lower their child care costs.",
        questions="Does the mayor support a pre-K levy? Will she connect us with the "
        "early-learning coordinator?",
        education="The chief of staff thought the state already funds pre-K; it pays for "
        "half-day seats only.",
        quotes=q("The mayor is interested but won't commit to a levy without seeing the rate.",
                 "verbatim, chief of staff's email"),
        takeaways="Undecided on pre-K. Will set up the coordinator meeting.",
        follow_up="Send the levy rate scenarios.",
    ),
    dict(
        key="K5", days=33, cand="kowalczyk", kind="forum", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Dana Okafor", vis="public",
        source="firsthand", attendees=f"Mayor Linda Kowalczyk; Marcus Bell; {MAYORAL_FORUM}",
        objectives="Record Kowalczyk's answers at the mayoral forum co-hosted by the coalition.",
        priorities=tags("taxes", "economy", "public safety"),
        talking_points="Same questions as for Bell: housing, right to counsel, storefronts.",
        questions="Would you support a housing fund paid from the proposed hotel-tax increase? "
        "Would you expand the storefront pilot?",
        education="None on housing revenue; she cited the budget office's hotel-tax model.",
        quotes=q("If the council passes the hotel tax, I'll support putting it into housing.",
                 "verbatim, forum video"),
        takeaways="Public support for a housing fund paid from the hotel tax, if the council "
        "approves it. Still opposed to right to counsel.",
        follow_up="Track the hotel-tax ordinance at council.",
    ),
    dict(
        key="K6", days=12, cand="kowalczyk", kind="call", setting="virtual",
        partners=("biz", "faith"), by="Dana Okafor", vis="restricted", source="secondhand",
        attendees="Ben Sorensen (chief of staff); Dana Okafor; Carla Benedetti",
        objectives="Get an early look at the hotel-tax ordinance language.",
        priorities=tags("taxes", "housing"),
        talking_points="The coalition asked that at least 60% of the new revenue go to the trust "
        "fund.",
        questions="What share of the revenue would go to housing? Can we see the draft before it "
        "is filed?",
        education="Asked whether 60% was negotiable; the partners have not agreed on a floor.",
        quotes="Chief of staff said the mayor would accept 50% for housing and wants no public "
        "mention of that number yet. (paraphrased, secondhand from the mayor)",
        takeaways="Secondhand: the mayor is open to 50% of hotel-tax revenue for housing. Not for "
        "circulation.",
        follow_up="Keep restricted. Dana to get the draft language before it is filed.",
    ),
    # ---- Nguyễn Thảo (State Assembly D07, general) ----
    dict(
        key="N1", days=220, cand="nguyen", kind="one_on_one", setting="virtual",
        partners=("nurses",), by="Rafael Quintero", vis="coalition", source="firsthand",
        attendees="Nguyễn Thảo; Rafael Quintero; Aaliyah Brooks",
        objectives="Introduce the staffing ask and hear her legislative priorities.",
        priorities=tags("health care", "immigration", "child care"),
        talking_points="Medical-surgical nurses at Lake County General regularly carry six or "
        "seven patients; the ask is 1:4.",
        questions="Would safe staffing be one of your top three bills? Would you shadow a night "
        "shift?",
        education="Knows the clinical case from her pharmacy work; asked for data on the cost of "
        "hiring.",
        quotes=q("I watched nurses skip breaks for twelve years. This is personal.", "verbatim"),
        takeaways="Strong support; offered to make staffing a top-three priority.",
        follow_up="Send the cost-per-hire study.",
    ),
    dict(
        key="N2", days=180, cand="nguyen", kind="town_hall", setting="in_person",
        partners=("nurses", "parents"), by="Aaliyah Brooks", vis="public", source="firsthand",
        attendees="Nguyễn Thảo; about 60 residents at the Vietnamese Community Center; Aaliyah "
        "Brooks; Siobhán Kelly",
        objectives="Ask staffing and housing questions at her first District 07 town hall.",
        priorities=tags("health care", "housing", "immigration"),
        talking_points="Interpreters worked in Vietnamese and Spanish; residents raised rent "
        "increases near the hospital.",
        questions="Would you support state matching funds for local housing trust funds? Will you "
        "visit Lake County General?",
        education="Asked whether a state match requires a local dedicated source; under current "
        "law it does.",
        quotes=q("Nurses can't afford to live near the hospital they staff.",
                 "verbatim, town hall recording shared by the campaign"),
        takeaways="Supports the housing fund and a state match. Agreed to shadow a night shift.",
        follow_up="Rafael to arrange the night-shift visit.",
    ),
    dict(
        key="N3", days=145, cand="nguyen", kind="questionnaire", setting="virtual",
        partners=("biz", "nurses", "parents", "faith"), by="Mei-Ling Sato", vis="public",
        source="firsthand", attendees=QUESTIONNAIRE_ATTENDEES,
        objectives="Collect written answers to the Assembly questionnaire, published with both "
        "candidates' consent.",
        priorities=tags("education", "child care", "health care"),
        talking_points="The Assembly version asked about state pre-K funding and staffing ratios.",
        questions="Q2: Do you support state funding for universal pre-K? Q4: Would you vote for a "
        "1:4 medical-surgical ratio?",
        education="Her pre-K answer pointed to Head Start, which serves only low-income families.",
        quotes=q("Yes on ratios, no hesitation.", "verbatim, Q4"),
        takeaways="Supports pre-K in principle but wants a cost estimate before committing to "
        "universal coverage.",
        follow_up="Ask her campaign for its pre-K cost estimate.",
    ),
    dict(
        key="N4", days=100, cand="nguyen", kind="site_visit", setting="in_person",
        partners=("nurses",), by="Rafael Quintero", vis="coalition", source="firsthand",
        attendees="Nguyễn Thảo; Rafael Quintero; Aaliyah Brooks; the charge nurse on 4 West",
        objectives="Night-shift shadow on a medical-surgical unit at Lake County General.",
        priorities=tags("health care",),
        talking_points="During the visit two nurses covered 13 patients for three hours after a "
        "sick call.",
        questions="Will you draft a ratio bill with the union? Will you speak at the staffing "
        "rally?",
        education="Asked how hospitals would recruit enough nurses; we shared the travel-nurse "
        "cost comparison.",
        quotes=q("I've seen enough. We'll write this bill together.", "paraphrased"),
        takeaways="Committed to draft a ratio bill with the union.",
        follow_up="Set up a drafting meeting with the union's legal team.",
    ),
    dict(
        key="N5", days=52, cand="nguyen", kind="one_on_one", setting="in_person",
        partners=("parents", "faith"), by="Mei-Ling Sato", vis="coalition", source="firsthand",
        attendees="Nguyễn Thảo; Mei-Ling Sato; Tomás Herrera",
        objectives="Follow up on pre-K and housing for District 07 families.",
        priorities=tags("child care", "education", "housing"),
        talking_points="City and county could split the cost of universal pre-K with a state "
        "match.",
        questions="Would you co-author a county-state pre-K bill? Would you join a District 07 "
        "tenant meeting?",
        education="None; she had read the levy scenarios before the meeting.",
        quotes=q("Universal means universal. Not a lottery for seats.", "verbatim"),
        takeaways="Moved from support in principle to strong support for universal pre-K.",
        follow_up="Tomás to schedule the tenant meeting.",
    ),
    dict(
        key="N6", days=14, cand="nguyen", kind="event", setting="in_person",
        partners=("nurses",), by="Aaliyah Brooks", vis="coalition", source="firsthand",
        attendees="Nguyễn Thảo; about 200 nurses at the Local 214 member meeting; Aaliyah Brooks; "
        "Rafael Quintero",
        objectives="Hear her speak to union members ahead of the candidate debates.",
        priorities=tags("health care", "jobs"),
        talking_points="Members asked how she would answer hospital industry claims about cost.",
        questions="Will you bring a working nurse to your debate preparation?",
        education="Wanted more examples of hospitals that met ratios without closing units.",
        quotes=q("When they say we can't afford ratios, I'll ask what unsafe staffing costs.",
                 "verbatim"),
        takeaways="Consistent strong support; asked for a nurse to help with debate preparation.",
        follow_up="Aaliyah to send names of nurses willing to help.",
    ),
    # ---- Ray Dunmore (State Assembly D07, general, incumbent) ----
    dict(
        key="D1", days=205, cand="dunmore", kind="one_on_one", setting="in_person",
        partners=("nurses", "biz"), by="Rafael Quintero", vis="coalition", source="firsthand",
        attendees="Assemblymember Ray Dunmore; Kyle Brandt (district director); Rafael Quintero; "
        "Jordan Ellison",
        objectives="Introduce the staffing ask and the state angle on the storefront fund.",
        priorities=tags("economy", "taxes", "health care"),
        talking_points="Nurse turnover at Lake County General was 24% last year.",
        questions="Would you visit the emergency department? Could the state small-business "
        "program match a city storefront fund?",
        education="Believes ratios would close rural hospitals; the bill applies only to "
        "hospitals over 100 beds.",
        quotes=q("Mandates from the capitol don't hire nurses.", "verbatim"),
        takeaways="Opposes ratios; supportive of small-business grants. Agreed to visit the ER.",
        follow_up="Rafael to arrange the ER visit.",
    ),
    dict(
        key="D2", days=145, cand="dunmore", kind="questionnaire", setting="virtual",
        partners=("biz", "nurses", "parents", "faith"), by="Mei-Ling Sato", vis="public",
        source="firsthand", attendees=QUESTIONNAIRE_ATTENDEES,
        objectives="Collect his written answers to the Assembly questionnaire (published with "
        "consent).",
        priorities=tags("taxes", "economy", "public safety"),
        talking_points="Same Assembly questionnaire sent to both District 07 candidates.",
        questions="Q2 (pre-K): Should the state pay for pre-K for every 4-year-old? Q4 "
        "(staffing): Would you vote for enforceable nurse ratios?",
        education="Answered two of six questions and called the rest 'local matters'.",
        quotes=q("I oppose one-size-fits-all staffing mandates and new entitlement programs.",
                 "verbatim, Q2 and Q4"),
        takeaways="Opposes ratios and state-funded universal pre-K.",
        follow_up="Ask for a meeting with the Parents group on pre-K.",
    ),
    dict(
        key="D3", days=80, cand="dunmore", kind="site_visit", setting="in_person",
        partners=("nurses",), by="Rafael Quintero", vis="coalition", source="firsthand",
        attendees="Assemblymember Ray Dunmore; Rafael Quintero; Aaliyah Brooks; the ER charge "
        "nurse",
        objectives="Walk the Lake County General emergency department with nurses.",
        priorities=tags("health care", "public safety"),
        talking_points="Hallway beds were in use all evening; three patients waited over eight "
        "hours.",
        questions="Would you ask the health committee chair for a hearing? Would you share the "
        "hospital association's cost data?",
        education="Asked whether ratios count nurse aides; they do not.",
        quotes=q("I didn't expect hallway beds on a Tuesday.", "verbatim"),
        takeaways="Moved from opposed to undecided on ratios; wants a hearing that hears both "
        "sides.",
        follow_up="Rafael to follow up on the hearing request in two weeks.",
    ),
    dict(
        key="D4", days=22, cand="dunmore", kind="call", setting="virtual", partners=("nurses",),
        by="Rafael Quintero", vis="restricted", source="firsthand",
        attendees="Assemblymember Ray Dunmore; Rafael Quintero",
        objectives="Ask how he would vote on the staffing bill next session.",
        priorities=tags("health care", "jobs"),
        talking_points="The bill's authors are considering a rural-hospital exemption.",
        questions="If the exemption is added, how would you vote?",
        education="Asked which hospitals in his district the exemption would cover; we owe him "
        "the list.",
        quotes="Said off the record he would abstain rather than vote no if the exemption is "
        "added, and asked that his caucus not hear it from us. (paraphrased, off the record)",
        takeaways="Possible abstention if the exemption is added. Off the record.",
        follow_up="Staff only. Send the hospital list without referring to this call.",
    ),
    # ---- Zoë Halvorsen (County Supervisor D02, in office) ----
    dict(
        key="H1", days=226, cand="halvorsen", kind="one_on_one", setting="in_person",
        partners=("nurses", "faith"), by="Rafael Quintero", vis="coalition", source="firsthand",
        attendees="Supervisor Zoë Halvorsen; Rafael Quintero; Dana Okafor",
        objectives="Brief the supervisor on staffing at the county hospital and on the housing "
        "fund.",
        priorities=tags("health care", "transportation", "housing"),
        talking_points="The county sets the hospital's budget and can require staffing reports.",
        questions="Will you request a staffing report from the health department? Would the "
        "county co-fund affordable housing?",
        education="None on the hospital; less familiar with the city's housing trust fund.",
        quotes=q("Bring me numbers by unit, not averages.", "verbatim"),
        takeaways="Supports staffing oversight; open on housing.",
        follow_up="Send unit-level staffing data.",
    ),
    dict(
        key="H2", days=160, cand="halvorsen", kind="town_hall", setting="in_person",
        partners=("biz", "nurses", "parents", "faith"), by="Tomás Herrera", vis="public",
        source="firsthand",
        attendees="Supervisor Zoë Halvorsen; about 90 residents at the county annex; Tomás "
        "Herrera; Siobhán Kelly",
        objectives="Ask housing and pre-K questions at her county budget town hall.",
        priorities=tags("transportation", "environment", "housing"),
        talking_points="Common Ground asked about the Route 9 surplus parcel; parents asked for a "
        "county share of pre-K.",
        questions="Would you propose the Route 9 parcel for affordable housing? Will the county "
        "contribute to pre-K?",
        education="Thought the parcel was contaminated; the county's own assessment found it "
        "clean.",
        quotes=q("I'm not there yet on housing money, but the land is a different conversation.",
                 "verbatim, county video"),
        takeaways="Undecided on a housing fund but open to land. Undecided on pre-K.",
        follow_up="Send the parcel's environmental assessment.",
    ),
    dict(
        key="H3", days=90, cand="halvorsen", kind="call", setting="virtual", partners=("faith",),
        by="Dana Okafor", vis="coalition", source="firsthand",
        attendees="Supervisor Zoë Halvorsen; Dana Okafor",
        objectives="Ask for her vote on the county share of the Alder Street project.",
        priorities=tags("housing", "transportation"),
        talking_points="The county share is $1.2 million; the city and state have committed "
        "theirs.",
        questions="Will you vote yes on the Alder Street allocation?",
        education="None; she had read the staff report.",
        quotes=q("I'll vote yes, and I'll say why from the dais.", "verbatim"),
        takeaways="Now supports county funding for affordable housing.",
        follow_up="Send a thank-you after the vote.",
    ),
    dict(
        key="H4", days=40, cand="halvorsen", kind="one_on_one", setting="in_person",
        partners=("nurses", "parents"), by="Rafael Quintero", vis="restricted",
        source="firsthand", attendees="Supervisor Zoë Halvorsen; Rafael Quintero; Mei-Ling Sato",
        objectives="Discuss the county's renegotiation of the hospital operating contract.",
        priorities=tags("health care", "child care"),
        talking_points="The operating contract with the hospital's management company expires "
        "next year.",
        questions="Will the county put a staffing clause in the new contract?",
        education="None; she briefed us on the county's position.",
        quotes="Shared details of closed-session negotiations and asked that none of it be "
        "repeated. (paraphrased, confidential)",
        takeaways="Committed to push for a ratio clause; the negotiation details are "
        "confidential.",
        follow_up="Staff only. Rafael to track the term sheet without contacting the management "
        "company.",
    ),
    dict(
        key="H5", days=3, cand="halvorsen", kind="email", setting="virtual", partners=("faith",),
        by="Tomás Herrera", vis="coalition", source="firsthand",
        attendees="Ellie Marsh (Supervisor Halvorsen's aide); Tomás Herrera",
        objectives="Ask for the list of county surplus parcels under review.",
        priorities=tags("housing", "environment"),
        talking_points="The coalition is mapping parcels within half a mile of transit.",
        questions="Can you send the surplus list and the review schedule?",
        education="The aide asked what 'permanently affordable' means; we sent the "
        "deed-restriction definition.",
        quotes=q("The supervisor asked me to get you the list.", "verbatim, aide's email"),
        takeaways="List promised.",
        follow_up="Tomás to add the parcels to the housing map when the list arrives.",
    ),
]

# --------------------------------------------------------------------------------------------
# Positions: (interaction key, candidate, issue, stance, evidence, visibility, source_url).
# An interaction key of None is a public statement; then `days` gives its date.
# Visibility None means: the same as the interaction's.
# --------------------------------------------------------------------------------------------

POSITIONS = [
    # Márquez
    dict(at="M1", cand="marquez", issue="housing", stance="strongly_supports",
         evidence="Named housing her top issue at the intro meeting and said she would commit to "
         "a unit target with a date."),
    dict(at="M1", cand="marquez", issue="counsel", stance="supports",
         evidence="Said tenants need legal help in court but wanted to meet tenants before backing "
         "a specific ordinance."),
    dict(at="M2", cand="marquez", issue="prek", stance="supports",
         evidence="Questionnaire Q3: answered yes to free full-day pre-K for every 4-year-old."),
    dict(at="M3", cand="marquez", issue="housing", stance="strongly_supports",
         evidence="Eastside forum: 'I will be a yes on a dedicated housing fund.'"),
    dict(at="M3", cand="marquez", issue="storefront", stance="undecided",
         evidence="Eastside forum: open to a storefront fund but wants to know who is eligible."),
    dict(at="M4", cand="marquez", issue="counsel", stance="strongly_supports",
         evidence="After meeting Maple Court tenants, committed to co-sponsor a right-to-counsel "
         "ordinance if elected."),
    dict(at="M5", cand="marquez", issue="storefront", stance="supports",
         evidence="On a call with the Business Alliance: supports the fund now that it does not "
         "draw on housing money."),
    dict(at="M6", cand="marquez", issue="housing", stance="strongly_supports",
         evidence="Privately said the housing fund would be her first budget request."),
    # Whitaker
    dict(at="W1", cand="whitaker", issue="housing", stance="opposes",
         evidence="Intro meeting: said a housing fund costs too much and permitting should be "
         "fixed first."),
    dict(at="W1", cand="whitaker", issue="storefront", stance="strongly_supports",
         evidence="Intro meeting: called the storefront fund 'exactly what Mill Street needs'."),
    dict(at="W2", cand="whitaker", issue="housing", stance="opposes",
         evidence="Questionnaire Q1: 'I do not support new taxes on homeowners to pay for "
         "housing programs.'"),
    dict(at="W2", cand="whitaker", issue="prek", stance="unknown",
         evidence="Left the pre-K section of the questionnaire blank."),
    dict(at="W3", cand="whitaker", issue="counsel", stance="opposes",
         evidence="Eastside forum: called a lawyer for every tenant 'a lawsuit factory'."),
    dict(at="W4", cand="whitaker", issue="housing", stance="undecided",
         evidence="Alder Street tour: said he could see more such buildings but wants the full "
         "cost sheet before deciding."),
    dict(at="W4", cand="whitaker", issue="storefront", stance="strongly_supports",
         evidence="Mill Street tour: agreed to back a storefront fund in his platform."),
    dict(at="W5", cand="whitaker", issue="housing", stance="supports",
         evidence="Private call: could support the fund if paired with permitting reform; not "
         "for public use yet."),
    # Raman
    dict(at="R1", cand="raman", issue="prek", stance="strongly_supports",
         evidence="Said pre-K is the reason she filed; wants the city to co-fund it with the "
         "school district."),
    dict(at="R2", cand="raman", issue="housing", stance="supports",
         evidence="Eastside forum: said she would vote for the housing fund."),
    dict(at="R2", cand="raman", issue="counsel", stance="unknown",
         evidence="Eastside forum: said she had not read the draft ordinance and would not take a "
         "position yet."),
    dict(at="R2", cand="raman", issue="storefront", stance="supports",
         evidence="Eastside forum: backs a storefront fund, with priority for shops near transit "
         "stops."),
    # Bell
    dict(at="B1", cand="bell", issue="housing", stance="supports",
         evidence="Intro meeting: supports a housing fund and asked for 'a number I can defend'."),
    dict(at="B1", cand="bell", issue="counsel", stance="undecided",
         evidence="Intro meeting: thought right to counsel needed a state law; wants a cost "
         "estimate first."),
    dict(at=None, days=120, cand="bell", issue="housing", stance="supports", vis="public",
         url="https://example.org/bell-for-riverton/housing-plan",
         evidence="Housing plan posted on his campaign website sets a 450-unit target by 2028."),
    dict(at="B3", cand="bell", issue="prek", stance="supports",
         evidence="Questionnaire Q3: his first budget would fund 300 new pre-K seats."),
    dict(at="B4", cand="bell", issue="counsel", stance="undecided",
         evidence="Call on the city attorney's estimate: more open, but not yet decided."),
    dict(at="B5", cand="bell", issue="storefront", stance="supports",
         evidence="Merchants' breakfast: supports the fund and will introduce a design "
         "resolution."),
    dict(at="B6", cand="bell", issue="counsel", stance="supports",
         evidence="Mayoral forum: 'I support right to counsel, phased in over three years.'"),
    dict(at="B6", cand="bell", issue="housing", stance="supports",
         evidence="Mayoral forum: repeated support for a housing fund; revenue source to follow."),
    # Kowalczyk
    dict(at="K1", cand="kowalczyk", issue="storefront", stance="strongly_supports",
         evidence="Meeting in the mayor's office: will back anything that fills storefronts "
         "without raising the levy."),
    dict(at="K1", cand="kowalczyk", issue="counsel", stance="strongly_opposes",
         evidence="Meeting in the mayor's office: called right to counsel 'a lawyer for "
         "squatters'."),
    dict(at="K2", cand="kowalczyk", issue="housing", stance="opposes",
         evidence="City budget hearing minutes: will not sign a budget that raises property "
         "taxes for a housing fund."),
    dict(at="K3", cand="kowalczyk", issue="housing", stance="undecided",
         evidence="Alder Street visit: would not 'stand in front of' projects that pay their own "
         "way."),
    dict(at="K4", cand="kowalczyk", issue="prek", stance="undecided",
         evidence="Chief of staff's email: interested, but no commitment to a levy without "
         "seeing the rate."),
    dict(at=None, days=58, cand="kowalczyk", issue="storefront", stance="strongly_supports",
         vis="public", url="https://example.org/riverton-city/mayor/press/storefront-pilot",
         evidence="Mayor's office press release announces a 20-storefront grant pilot and plans "
         "to expand it."),
    dict(at="K5", cand="kowalczyk", issue="housing", stance="supports",
         evidence="Mayoral forum: would put hotel-tax revenue into housing if the council passes "
         "the increase."),
    dict(at="K5", cand="kowalczyk", issue="counsel", stance="strongly_opposes",
         evidence="Mayoral forum: repeated her opposition to right to counsel."),
    # Nguyễn
    dict(at="N1", cand="nguyen", issue="staffing", stance="strongly_supports",
         evidence="Intro call: offered to make safe staffing one of her top three bills."),
    dict(at="N2", cand="nguyen", issue="housing", stance="supports",
         evidence="District 07 town hall: supports local housing funds and a state match."),
    dict(at="N3", cand="nguyen", issue="prek", stance="supports",
         evidence="Questionnaire Q2: supports state pre-K funding but wants a cost estimate "
         "before universal coverage."),
    dict(at="N3", cand="nguyen", issue="staffing", stance="strongly_supports",
         evidence="Questionnaire Q4: 'Yes on ratios, no hesitation.'"),
    dict(at=None, days=70, cand="nguyen", issue="staffing", stance="strongly_supports",
         vis="public", url="https://example.org/riverton-ledger/opinion/nguyen-safe-staffing",
         evidence="Op-ed in the Riverton Ledger pledging to carry a ratio bill in her first "
         "session."),
    dict(at="N5", cand="nguyen", issue="prek", stance="strongly_supports",
         evidence="One-on-one: 'Universal means universal. Not a lottery for seats.'"),
    # Dunmore
    dict(at=None, days=200, cand="dunmore", issue="staffing", stance="opposes", vis="public",
         url="https://example.org/state-assembly/votes/ab-2214",
         evidence="Assembly vote record: voted no in committee on AB 2214, a hospital staffing "
         "study bill."),
    dict(at="D1", cand="dunmore", issue="staffing", stance="opposes",
         evidence="District office meeting: 'Mandates from the capitol don't hire nurses.'"),
    dict(at="D1", cand="dunmore", issue="storefront", stance="supports",
         evidence="District office meeting: supports grants that fill vacant storefronts."),
    dict(at="D2", cand="dunmore", issue="staffing", stance="opposes",
         evidence="Questionnaire Q4: opposes 'one-size-fits-all staffing mandates'."),
    dict(at="D2", cand="dunmore", issue="prek", stance="opposes",
         evidence="Questionnaire Q2: opposes 'new entitlement programs', including state-funded "
         "universal pre-K."),
    dict(at="D3", cand="dunmore", issue="staffing", stance="undecided",
         evidence="After the ER walk-through: wants a committee hearing before taking a "
         "position."),
    dict(at="D4", cand="dunmore", issue="staffing", stance="undecided",
         evidence="Off the record: would abstain rather than vote no if a rural-hospital "
         "exemption is added."),
    # Halvorsen
    dict(at="H1", cand="halvorsen", issue="staffing", stance="supports",
         evidence="Intro meeting: supports county oversight of hospital staffing, unit by unit."),
    dict(at="H2", cand="halvorsen", issue="housing", stance="undecided",
         evidence="County town hall: 'not there yet on housing money', open to surplus land."),
    dict(at="H2", cand="halvorsen", issue="prek", stance="undecided",
         evidence="County town hall: no commitment on a county share of pre-K."),
    dict(at="H3", cand="halvorsen", issue="housing", stance="supports",
         evidence="Call before the board vote: will vote yes on the county's Alder Street share."),
    dict(at="H4", cand="halvorsen", issue="staffing", stance="supports",
         evidence="Private meeting: will push for a ratio clause in the hospital operating "
         "contract."),
]

# --------------------------------------------------------------------------------------------
# Commitments. `at` = interaction key (None: a public statement made `days` before the anchor,
# described by `origin`). `due` = follow_up_by in days from the anchor (None: blank).
# `history` = the updates after the first one; each is (status, note) or, when the date
# matters, (status, note, days before the anchor). The last status is the current one.
# --------------------------------------------------------------------------------------------

COMMITMENTS = [
    # ---- Márquez ----
    dict(key="c01", at="M1", issue="housing", owner="Tomás Herrera", due=-190,
         text="Will put the 500-unit affordable housing target in her published platform.",
         history=[
             ("in_the_works", "Siobhán checked the campaign site: the housing page says 'platform "
              "coming soon'."),
             ("kept", "Platform posted on the campaign site includes the 500-unit target and the "
              "2028 date word for word."),
         ]),
    dict(key="c02", at="M1", issue="counsel", owner="Dana Okafor", due=-120,
         text="Will meet tenants facing eviction at Maple Court before taking a position on right "
         "to counsel.",
         history=[("kept", "Visit took place: she met six Maple Court households with Common "
                   "Ground staff.", 96)]),
    dict(key="c03", at="M3", issue="storefront", owner="Jordan Ellison", due=-110,
         text="Will read the Business Alliance's storefront fund proposal and send written "
         "feedback.",
         history=[
             ("in_the_works", "Jordan sent the proposal; the campaign confirmed she has it."),
             ("kept", "Written comments arrived by email, suggesting a set-aside for "
              "immigrant-owned shops."),
         ]),
    dict(key="c04", at="M4", issue="counsel", owner="Tomás Herrera", due=None,
         text="Will co-sponsor the tenant right-to-counsel ordinance if elected."),
    dict(key="c05", at="M5", issue="storefront", owner="Jordan Ellison", due=10,
         text="Will join a Mill Street merchants' walk with the Business Alliance before the "
         "primary.",
         history=[("in_the_works", "Her scheduler offered two dates; Jordan is confirming which "
                   "one the merchants can make.")]),
    dict(key="c06", at="M6", issue="housing", owner="Dana Okafor", due=60,
         text="Will name the affordable housing fund as her first budget request if elected, and "
         "tell the coalition before announcing it."),
    dict(key="c07", at="M6", issue="counsel", owner="Dana Okafor", due=-5,
         text="Will ask her former legal aid colleagues to brief the coalition on the cost per "
         "case of right to counsel.",
         history=[
             ("in_the_works", "She sent an introduction email to two legal aid attorneys and "
              "copied Dana."),
             ("stalled", "No reply from the attorneys after two reminders; the campaign says she "
              "will nudge them again."),
         ]),
    dict(key="c08", at="M7", issue="prek", owner="Siobhán Kelly", due=7,
         text="Will add a universal pre-K plank to her campaign's education page."),
    # ---- Whitaker ----
    dict(key="c09", at="W1", issue="storefront", owner="Jordan Ellison", due=-180,
         text="Will share his own store's permit and lease costs so the fund can be sized "
         "realistically.",
         history=[("kept", "He sent a one-page cost breakdown for his hardware store; it is now "
                   "in the proposal's appendix.")]),
    dict(key="c10", at="W1", issue="housing", owner="Tomás Herrera", due=-145,
         text="Will tour a Common Ground affordable building before the Eastside forum.",
         history=[
             ("in_the_works", "Tour offered for two dates; the campaign said it would pick one.",
              190),
             ("broken", "The forum took place without a tour, and the campaign stopped "
              "answering about dates. A later tour is tracked separately.", 138),
         ]),
    dict(key="c11", at="W2", issue="prek", owner="Mei-Ling Sato", due=-130,
         text="Will return the unanswered pre-K section of the questionnaire.",
         history=[
             ("stalled", "Mei-Ling sent two reminders with no response."),
             ("broken", "His campaign manager said he will not answer pre-K questions before the "
              "primary."),
         ]),
    dict(key="c12", at="W3", issue="counsel", owner="Tomás Herrera", due=-20,
         text="Will visit Common Ground's tenant legal clinic to see how evictions play out in "
         "District 03.",
         history=[
             ("in_the_works", "Clinic visit penciled in for a Thursday intake session."),
             ("stalled", "Campaign cancelled the visit the day before; no new date offered."),
         ]),
    dict(key="c13", at="W4", issue="storefront", owner="Jordan Ellison", due=60,
         text="Will publicly back a storefront grant fund of at least $5 million in his platform.",
         history=[
             ("in_the_works", "Campaign said the economy plank was being rewritten."),
             ("compromise", "Platform backs a $2.5 million fund in year one, growing 'as revenue "
              "allows'."),
         ]),
    dict(key="c14", at="W4", issue="housing", owner="Tomás Herrera", due=12,
         text="Will review the Alder Street cost sheet and say which parts of the housing fund he "
         "could support.",
         history=[("in_the_works", "Cost sheet sent; he replied that his finance volunteer is "
                   "going through it.")]),
    dict(key="c15", at="W5", issue="housing", owner="Tomás Herrera", due=45,
         text="Will support the housing fund if it is paired with faster permitting, and say so "
         "publicly after his endorsement interviews."),
    # ---- Raman ----
    dict(key="c16", at="R1", issue="prek", owner="Mei-Ling Sato", due=-170,
         text="Will host a parents' listening session on pre-K at Lincoln Elementary.",
         history=[("kept", "Session held in the Lincoln Elementary library; about 40 parents "
                   "attended.", 182)]),
    dict(key="c17", at="R2", issue="counsel", owner="Tomás Herrera", due=-120,
         text="Will read the draft right-to-counsel ordinance and share a position.",
         history=[("broken", "She withdrew from the race without sharing a position; her team "
                   "said she has no plans to comment.", 120)]),
    # ---- Bell ----
    dict(key="c18", at="B1", issue="housing", owner="Dana Okafor", due=-125,
         text="Will publish a citywide housing plan with a unit target before the general "
         "election.",
         history=[
             ("in_the_works", "Policy director Nadia Ortiz says the plan is in final edits.", 150),
             ("kept", "Housing plan posted on the campaign website with a 450-unit target by "
              "2028.", 120),
         ]),
    dict(key="c19", at="B1", issue="counsel", owner="Dana Okafor", due=-150,
         text="Will ask the city attorney's office for a cost estimate of right to counsel.",
         history=[
             ("in_the_works", "Council president's request logged with the city attorney."),
             ("kept", "City attorney's memo estimates about $3.1 million a year; his office "
              "shared it with the coalition.", 115),
         ]),
    dict(key="c20", at="B2", issue="housing", owner="Tomás Herrera", due=-45,
         text="Will put the affordable housing trust fund on the council's budget workshop "
         "agenda.",
         history=[
             ("in_the_works", "Item listed as 'pending' on the workshop calendar."),
             ("stalled", "Item pulled from two workshop agendas in a row; staff cite a pending "
              "revenue forecast."),
         ]),
    dict(key="c21", at="B2", issue="staffing", owner="Aaliyah Brooks", due=-150,
         text="Will sign the coalition's letter to the county on safe staffing at Lake County "
         "General.",
         history=[
             ("stalled", "Letter sent to his council office twice; no signature yet."),
             ("broken", "Letter delivered to the county without his signature; his office said "
              "it was a county matter."),
         ]),
    dict(key="c22", at="B3", issue="prek", owner="", due=None,
         text="Will fund 300 new pre-K seats in his first budget as mayor."),
    dict(key="c23", at="B4", issue="counsel", owner="Dana Okafor", due=None,
         text="Will hold a council study session on right to counsel.",
         history=[
             ("in_the_works", "Clerk's office says a study session is being scheduled."),
             ("compromise", "Instead of a study session, a 20-minute item at the housing "
              "committee, with five minutes of tenant testimony."),
         ]),
    dict(key="c24", at="B5", issue="storefront", owner="Jordan Ellison", due=9,
         text="Will introduce a council resolution directing staff to design a storefront grant "
         "program.",
         history=[("in_the_works", "Resolution drafted and on the tentative council agenda; "
                   "Jordan has seen the draft.")]),
    dict(key="c25", at="B5", issue="storefront", owner="Jordan Ellison", due=-40,
         text="Will attend the Mill Street merchants' monthly meeting to hear about vacancies.",
         history=[("kept", "He attended the monthly meeting and stayed for the full Q&A.")]),
    dict(key="c26", at="B6", issue="counsel", owner="Tomás Herrera", due=30,
         text="Will support a right-to-counsel ordinance phased in over three years, starting "
         "with families with children."),
    dict(key="c27", at="B6", issue="housing", owner="Dana Okafor", due=3,
         text="Will name the revenue source for his housing plan within 30 days.",
         history=[("in_the_works", "Campaign says its budget adviser is reviewing the revenue "
                   "section.")]),
    dict(key="c28", at="B7", issue="housing", owner="Dana Okafor", due=75,
         text="Will put $12 million for the housing trust fund in his first budget proposal."),
    dict(key="c29", at="B7", issue="prek", owner="", due=20,
         text="Will let the Parents group review the pre-K section of his transition plan before "
         "it is released."),
    # ---- Kowalczyk ----
    dict(key="c30", at="K1", issue="storefront", owner="Jordan Ellison", due=-160,
         text="Will direct the economic development office to scope a storefront grant pilot.",
         history=[
             ("in_the_works", "Economic development director confirmed the request in writing."),
             ("kept", "Economic development office released a pilot scope covering 20 "
              "storefronts.", 60),
         ]),
    dict(key="c31", at="K1", issue="counsel", owner="Tomás Herrera", due=-170,
         text="Will meet tenants before the council votes on the rental registry amendment.",
         history=[("broken", "Council voted on the amendment; no meeting with tenants took place "
                   "beforehand.")]),
    dict(key="c32", at="K2", issue="housing", owner="Dana Okafor", due=-120,
         text="Will ask the budget office to model a housing fund paid from existing hotel-tax "
         "revenue.",
         history=[
             ("in_the_works", "Budget office confirmed the request at the finance committee."),
             ("kept", "Budget office memo models about $8 million a year from the hotel tax; "
              "presented at the finance committee."),
         ]),
    dict(key="c33", at="K3", issue="housing", owner="Tomás Herrera", due=None,
         text="Will fast-track permits for Alder Street phase two.",
         history=[
             ("in_the_works", "Permit review moved to the priority queue."),
             ("stalled", "Fire review held the file for five weeks."),
             ("compromise", "Building permit issued six weeks faster than usual, but the fee "
              "waiver she mentioned was not granted."),
         ]),
    dict(key="c34", at="K3", issue="housing", owner="Tomás Herrera", due=-30,
         text="Will visit Common Ground's Eastside site.",
         history=[("stalled", "Her scheduler has not answered three requests.")]),
    dict(key="c35", at="K4", issue="prek", owner="Mei-Ling Sato", due=-70,
         text="Will connect the Parents group with the city's early-learning coordinator.",
         history=[("kept", "Meeting with the coordinator held; Mei-Ling and two parents "
                   "attended.")]),
    dict(key="c36", at="K4", issue="prek", owner="Mei-Ling Sato", due=-40,
         text="Will say whether she supports a pre-K levy before the ballot filing deadline.",
         history=[
             ("in_the_works", "Chief of staff said a statement was being drafted."),
             ("broken", "Filing deadline passed with no statement; her office said she does not "
              "comment on possible ballot measures."),
         ]),
    dict(key="c37", at="K5", issue="housing", owner="Dana Okafor", due=25,
         text="Will support a housing fund paid from the hotel-tax increase, if the council "
         "approves the increase."),
    dict(key="c38", at=None, days=58, origin="the mayor's press release", cand="kowalczyk",
         issue="storefront", owner="Jordan Ellison", due=40, vis="public",
         text="Will expand the storefront pilot to the Mill Street corridor in next year's budget.",
         history=[("in_the_works", "Budget instructions to departments mention Mill Street but "
                   "no dollar amount yet.")]),
    dict(key="c39", at="K6", issue="housing", owner="Dana Okafor", due=5,
         text="Will have her chief of staff share the draft hotel-tax ordinance with the "
         "coalition before it is filed.",
         history=[("in_the_works", "Chief of staff says the draft is with the city attorney.")]),
    # ---- Nguyễn ----
    dict(key="c40", at="N1", issue="staffing", owner="Rafael Quintero", due=-190,
         text="Will make safe staffing ratios one of her three legislative priorities.",
         history=[("kept", "Campaign's priorities page lists safe staffing ratios second of "
                   "three.")]),
    dict(key="c41", at="N2", issue="staffing", owner="Rafael Quintero", due=-150,
         text="Will shadow a night shift at Lake County General.",
         history=[
             ("in_the_works", "Hospital approved the visit; Rafael set a date with the 4 West "
              "charge nurse.", 130),
             ("kept", "She shadowed the 4 West night shift with Rafael and Aaliyah.", 100),
         ]),
    dict(key="c42", at="N2", issue="housing", owner="Tomás Herrera", due=120,
         text="Will support state matching funds for local housing trust funds.",
         history=[
             ("in_the_works", "Campaign said the housing plank was being drafted."),
             ("compromise", "Platform supports a state match, but only for cities over 100,000 "
              "residents, which leaves out the county's smaller towns."),
         ]),
    dict(key="c43", at="N3", issue="prek", owner="Mei-Ling Sato", due=-40,
         text="Will publish a cost estimate for statewide universal pre-K.",
         history=[
             ("in_the_works", "Policy aide said the estimate was half done."),
             ("stalled", "The policy aide left the campaign and no one has picked it up."),
         ]),
    dict(key="c44", at=None, days=70, origin="her Riverton Ledger op-ed", cand="nguyen",
         issue="staffing", owner="Rafael Quintero", due=None, vis="public",
         text="Will carry a safe staffing ratio bill in her first legislative session if "
         "elected."),
    dict(key="c45", at="N4", issue="staffing", owner="Aaliyah Brooks", due=None,
         text="Will speak at the nurses' union rally on hospital staffing.",
         history=[
             ("in_the_works", "Confirmed as a speaker on the rally program."),
             ("compromise", "A scheduling conflict kept her away; she sent a recorded video that "
              "was played at the rally."),
         ]),
    dict(key="c46", at="N5", issue="prek", owner="Siobhán Kelly", due=90,
         text="Will co-author a county-state universal pre-K bill if elected."),
    dict(key="c47", at="N5", issue="housing", owner="Tomás Herrera", due=6,
         text="Will join a Common Ground tenant meeting in District 07.",
         history=[("in_the_works", "Tenant association proposed an evening meeting; the campaign "
                   "is checking her calendar.")]),
    dict(key="c48", at="N6", issue="staffing", owner="Aaliyah Brooks", due=2,
         text="Will bring a working nurse from Lake County General into her debate preparation.",
         history=[("in_the_works", "Campaign asked for two names; Aaliyah has one volunteer "
                   "confirmed.")]),
    # ---- Dunmore ----
    dict(key="c49", at="D1", issue="staffing", owner="Rafael Quintero", due=-100,
         text="Will visit the Lake County General emergency department with the nurses' union.",
         history=[
             ("in_the_works", "District director proposed two evenings.", 150),
             ("kept", "He walked the emergency department with Rafael and Aaliyah.", 80),
         ]),
    dict(key="c50", at="D1", issue="storefront", owner="Jordan Ellison", due=-20,
         text="Will ask the state small-business office whether its grant program can match a "
         "city storefront fund.",
         history=[
             ("in_the_works", "District director says the question went to the state office."),
             ("compromise", "He forwarded the question but did not request a match; the state "
              "replied that matching is offered only in rural counties."),
         ]),
    dict(key="c51", at="D2", issue="prek", owner="Siobhán Kelly", due=-90,
         text="Will meet the Parents group about pre-K before the state budget vote.",
         history=[
             ("stalled", "Three scheduling requests unanswered."),
             ("broken", "The budget vote happened and the meeting was never scheduled."),
         ]),
    dict(key="c52", at="D3", issue="staffing", owner="Rafael Quintero", due=-10,
         text="Will ask the Assembly health committee chair for a hearing on staffing ratios.",
         history=[
             ("in_the_works", "He says he raised it with the chair's staff."),
             ("stalled", "Committee calendar released with no staffing hearing; his office has "
              "no update."),
         ]),
    dict(key="c53", at="D4", issue="staffing", owner="", due=120,
         text="Will abstain rather than vote no on the staffing bill if the rural-hospital "
         "exemption is added."),
    dict(key="c54", at="D3", issue="staffing", owner="Aaliyah Brooks", due=-50,
         text="Will share the hospital association's staffing cost data with the union.",
         history=[("broken", "His office said the data was given to him in confidence and will "
                   "not be passed on.")]),
    # ---- Halvorsen ----
    dict(key="c55", at="H1", issue="staffing", owner="Rafael Quintero", due=-150,
         text="Will request a unit-by-unit staffing report on Lake County General from the county "
         "health department.",
         history=[
             ("in_the_works", "Her request is on the health committee's work plan."),
             ("kept", "Report presented at the health committee: two medical-surgical units run "
              "at 1:6."),
         ]),
    dict(key="c56", at="H2", issue="housing", owner="Tomás Herrera", due=30,
         text="Will propose the Route 9 surplus parcel for affordable housing.",
         history=[
             ("in_the_works", "She asked county staff for a surplus designation report."),
             ("stalled", "Public works requested the parcel for a road yard expansion."),
             ("compromise", "Board designated half of the Route 9 parcel for housing; the other "
              "half goes to the road yard."),
         ]),
    dict(key="c57", at="H2", issue="prek", owner="Siobhán Kelly", due=-100,
         text="Will put a county share for pre-K on the next board budget workshop agenda.",
         history=[
             ("in_the_works", "Her aide said the item was being written up."),
             ("broken", "Workshop agenda published without pre-K; her office said the county "
              "will wait for the city."),
         ]),
    dict(key="c58", at="H3", issue="housing", owner="Dana Okafor", due=-75,
         text="Will vote to fund the county's $1.2 million share of the Alder Street project.",
         history=[("kept", "Board approved the $1.2 million on a 4-1 vote; she voted yes and "
                   "spoke in favor.")]),
    dict(key="c59", at="H4", issue="staffing", owner="Rafael Quintero", due=11,
         text="Will press for a nurse staffing ratio clause in the county's new hospital operating "
         "contract.",
         history=[("in_the_works", "She told Rafael the clause is in the county's draft term "
                   "sheet.")]),
    dict(key="c60", at="H5", issue="housing", owner="", due=13,
         text="Will send the coalition the list of county surplus parcels under review."),
]

# --------------------------------------------------------------------------------------------
# Actions: (title, owner, due in days from the anchor, done, candidate, interaction, commitment)
# --------------------------------------------------------------------------------------------

ACTIONS = [
    ("Send the Márquez campaign suggested pre-K plank language", "Siobhán Kelly", 5, False,
     "marquez", "M7", "c08"),
    ("Confirm the Mill Street walk date with the Márquez campaign", "Jordan Ellison", 3, False,
     "marquez", "M5", "c05"),
    ("Chase the legal aid attorneys for the right-to-counsel cost briefing", "Dana Okafor", -5,
     False, "marquez", "M6", "c07"),
    ("Send Whitaker the Alder Street cost sheet", "Tomás Herrera", -70, True, "whitaker", "W4",
     "c14"),
    ("Offer Whitaker a new date for the tenant legal clinic visit", "Tomás Herrera", -12, False,
     "whitaker", "W3", "c12"),
    ("Send Raman a thank-you for the Lincoln Elementary session", "Mei-Ling Sato", -180, True,
     "raman", "R1", "c16"),
    ("Review the draft storefront resolution from Bell's office", "Jordan Ellison", 6, False,
     "bell", "B5", "c24"),
    ("Ask the Bell campaign for the housing plan's revenue section", "Dana Okafor", 2, False,
     "bell", "B6", "c27"),
    ("Collect tenant testimonies for the housing committee item", "Tomás Herrera", -100, True,
     "bell", "B4", "c23"),
    ("Circulate the city attorney's right-to-counsel cost memo to partners", "Dana Okafor", -110,
     True, "bell", "", "c19"),
    ("Send a fourth request to the mayor's scheduler for the Eastside visit", "Tomás Herrera",
     -25, False, "kowalczyk", "K3", "c34"),
    ("Get the draft hotel-tax ordinance from the mayor's chief of staff", "Dana Okafor", 4, False,
     "kowalczyk", "K6", "c39"),
    ("Prepare a Mill Street vacancy map for the budget conversation", "Jordan Ellison", 20, False,
     "kowalczyk", "K5", "c38"),
    ("Send the Nguyễn campaign names of nurses for debate preparation", "Aaliyah Brooks", 1,
     False, "nguyen", "N6", "c48"),
    ("Book the District 07 tenant meeting with Nguyễn", "Tomás Herrera", 6, False, "nguyen",
     "N5", "c47"),
    ("Find out who now owns the campaign's pre-K cost estimate", "Mei-Ling Sato", -30, False,
     "nguyen", "N3", "c43"),
    ("Arrange Dunmore's emergency department visit", "Rafael Quintero", -90, True, "dunmore",
     "D1", "c49"),
    ("Call Dunmore's office about the health committee hearing", "Rafael Quintero", -8, False,
     "dunmore", "D3", "c52"),
    ("Send Dunmore's office the list of hospitals the rural exemption would cover",
     "Rafael Quintero", -15, True, "dunmore", "D4", ""),
    ("Send Supervisor Halvorsen a thank-you for the Alder Street vote", "Dana Okafor", -80, True,
     "halvorsen", "H3", "c58"),
    ("Track the hospital contract term sheet for the ratio clause", "Rafael Quintero", 11, False,
     "halvorsen", "H4", "c59"),
    ("Add the county surplus parcels to the housing map", "Tomás Herrera", 13, False,
     "halvorsen", "H5", "c60"),
    ("Publish the Assembly questionnaire answers on the coalition website", "Mei-Ling Sato",
     -135, True, "", "", ""),
    ("Book the room and interpreters for the next candidate forum", "Siobhán Kelly", 25, False,
     "", "", ""),
    ("Update the partner contact list before the primary", "Dana Okafor", -3, False, "", "", ""),
    ("Draft the right-to-counsel questions for the mayoral forum", "Tomás Herrera", -36, True, "",
     "", ""),
]


# fmt: on

# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def build() -> dict[str, list[dict[str, str]]]:
    setup_day = ago(250)
    partner_ids = {key: new_id("ptn") for key in PARTNERS}
    issue_ids = {key: new_id("iss") for key in ISSUES}
    candidate_ids = {key: new_id("cand") for key in CANDIDATES}

    partners = [
        dict(
            id=partner_ids[key],
            **spec,
            created_at=stamp(setup_day),
            updated_at=stamp(setup_day + timedelta(days=RNG.randint(1, 60))),
        )
        for key, spec in PARTNERS.items()
    ]
    issues = [
        dict(
            id=issue_ids[key],
            **spec,
            active="TRUE",
            created_at=stamp(setup_day),
            updated_at=stamp(setup_day + timedelta(days=RNG.randint(0, 20))),
        )
        for key, spec in ISSUES.items()
    ]
    members = [
        dict(email=email, name=name, partner_id=partner_ids[partner], role=role, active="TRUE")
        for email, (name, partner, role) in MEMBERS.items()
    ]

    interactions, interaction_by_key = [], {}
    for spec in INTERACTIONS:
        on = ago(spec["days"])
        created = reported_stamp(on)
        row = dict(
            id=new_id("int"),
            date=on.isoformat(),
            candidate_id=candidate_ids[spec["cand"]],
            kind=spec["kind"],
            setting=spec["setting"],
            partner_ids="; ".join(partner_ids[p] for p in spec["partners"]),
            reported_by=spec["by"],
            attendees=spec["attendees"],
            objectives=spec["objectives"],
            candidate_priorities=spec["priorities"],
            talking_points=spec["talking_points"],
            questions_asked=spec["questions"],
            education_needed=spec["education"],
            quotes=spec["quotes"],
            takeaways=spec["takeaways"],
            follow_up=spec["follow_up"],
            visibility=spec["vis"],
            source=spec["source"],
            created_at=created,
            created_by=EMAIL_OF[spec["by"]],
            updated_at=created,
        )
        if RNG.random() < 0.2:  # some reports were tidied up a little later
            row["updated_at"] = stamp(min(on + timedelta(days=RNG.randint(2, 9)), ago(1)))
        interactions.append(row)
        interaction_by_key[spec["key"]] = (spec, row)

    candidates = []
    for key, spec in CANDIDATES.items():
        mine = [s for s, _ in interaction_by_key.values() if s["cand"] == key]
        first_seen = ago(max(s["days"] for s in mine) + RNG.randint(3, 10))
        last_seen = ago(WITHDRAWN_DAYS_AGO.get(key, min(s["days"] for s in mine)))
        candidates.append(
            dict(
                id=candidate_ids[key],
                name=spec["name"],
                office=spec["office"],
                district=spec["district"],
                party=spec["party"],
                election_date=day(spec["election"]).isoformat(),
                stage=spec["stage"],
                incumbent=yes(spec["incumbent"]),
                website=spec["website"],
                priorities=spec["priorities"],
                status=spec["status"],
                notes=spec["notes"],
                created_at=stamp(first_seen),
                created_by=ADMIN,
                updated_at=stamp(last_seen),
            )
        )

    positions = []
    for spec in POSITIONS:
        if spec["at"]:
            ispec, irow = interaction_by_key[spec["at"]]
            on, interaction_id, author = ago(ispec["days"]), irow["id"], irow["created_by"]
            visibility = spec.get("vis") or irow["visibility"]
        else:
            on, interaction_id, author = ago(spec["days"]), "", ADMIN
            visibility = spec["vis"]
        positions.append(
            dict(
                id=new_id("pos"),
                candidate_id=candidate_ids[spec["cand"]],
                issue_id=issue_ids[spec["issue"]],
                stance=spec["stance"],
                as_of=on.isoformat(),
                evidence=spec["evidence"],
                interaction_id=interaction_id,
                source_url=spec.get("url", ""),
                visibility=visibility,
                created_at=reported_stamp(on),
                created_by=author,
            )
        )

    commitments, updates, commitment_ids = [], [], {}
    for spec in COMMITMENTS:
        if spec["at"]:
            ispec, irow = interaction_by_key[spec["at"]]
            made_days, cand = ispec["days"], ispec["cand"]
            interaction_id, visibility = irow["id"], spec.get("vis") or irow["visibility"]
            origin = f"the {KIND_WORDS[ispec['kind']]}"
            author = irow["created_by"]
        else:
            made_days, cand, interaction_id = spec["days"], spec["cand"], ""
            visibility, origin, author = spec["vis"], spec["origin"], ADMIN
        made_on = ago(made_days)
        commitment_id = new_id("cmt")
        commitment_ids[spec["key"]] = commitment_id
        owner_email = EMAIL_OF.get(spec["owner"], author)

        created = reported_stamp(made_on)
        history = [
            (
                "not_yet_rated",
                f"Recorded from {origin}.",
                made_days,
                author,
                created,
            )
        ]
        later = spec.get("history", [])
        if later and len(later[0]) == 3:
            days_list = [entry[2] for entry in later]
        else:  # spread the check-ins over the time since the commitment was made
            days_list = sorted(RNG.sample(range(1, made_days - 1), len(later)), reverse=True)
        for (status, note, *_), days_before in zip(later, days_list, strict=True):
            checker = RNG.choice((owner_email, owner_email, ADMIN))
            history.append((status, note, days_before, checker, stamp(ago(days_before))))
        for status, note, days_before, checker, at in history:
            updates.append(
                dict(
                    id=new_id("upd"),
                    commitment_id=commitment_id,
                    date=ago(days_before).isoformat(),
                    status=status,
                    note=note,
                    created_at=at,
                    created_by=checker,
                )
            )
        commitments.append(
            dict(
                id=commitment_id,
                candidate_id=candidate_ids[cand],
                issue_id=issue_ids[spec["issue"]],
                interaction_id=interaction_id,
                text=spec["text"],
                made_on=made_on.isoformat(),
                status=history[-1][0],
                owner=spec["owner"],
                follow_up_by="" if spec["due"] is None else day(spec["due"]).isoformat(),
                visibility=visibility,
                created_at=created,
                created_by=author,
                updated_at=history[-1][4],
            )
        )

    actions = []
    for title, owner, due, done, cand, at, commitment in ACTIONS:
        due_on = day(due)
        if at:
            opened = ago(interaction_by_key[at][0]["days"])
        else:
            opened = min(due_on - timedelta(days=RNG.randint(7, 21)), ago(2))
        created = reported_stamp(opened)
        finished = min(due_on - timedelta(days=RNG.randint(0, 3)), ago(1))
        actions.append(
            dict(
                id=new_id("act"),
                title=title,
                owner=owner,
                partner_id=partner_ids[MEMBERS[EMAIL_OF[owner]][1]],
                due=due_on.isoformat(),
                done=yes(done),
                candidate_id=candidate_ids[cand] if cand else "",
                interaction_id=interaction_by_key[at][1]["id"] if at else "",
                commitment_id=commitment_ids[commitment] if commitment else "",
                created_at=created,
                created_by=EMAIL_OF[owner],
                updated_at=stamp(max(finished, opened)) if done else created,
            )
        )

    by_date = {
        "interactions": "date",
        "positions": "as_of",
        "commitments": "made_on",
        "updates": "created_at",
        "actions": "due",
    }
    tables = dict(
        partners=partners,
        issues=issues,
        candidates=candidates,
        interactions=interactions,
        positions=positions,
        commitments=commitments,
        updates=updates,
        actions=actions,
        members=members,
    )
    for name, column in by_date.items():
        tables[name].sort(key=lambda row, column=column: row[column])
    return tables


def write(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, rows in tables.items():
        with (OUT_DIR / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            for row in rows:
                # Columns the contract gained later (an archive flag) start out as their default.
                writer.writerow(
                    {
                        column: str(row.get(column, DEFAULTS.get(column, "")))
                        for column in COLUMNS[name]
                    }
                )
    (OUT_DIR / "anchor.txt").write_text(ANCHOR.isoformat() + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Self-check: reads the CSVs back and asserts the rules the sample promises.
# --------------------------------------------------------------------------------------------


def read_back() -> dict[str, list[dict[str, str]]]:
    tables = {}
    for name, columns in COLUMNS.items():
        with (OUT_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == columns, f"{name}: header {reader.fieldnames}"
            tables[name] = list(reader)
    return tables


def self_check() -> dict[str, int]:
    t = read_back()
    anchor = ANCHOR.isoformat()
    assert (OUT_DIR / "anchor.txt").read_text().strip() == anchor

    counts = {name: len(rows) for name, rows in t.items()}
    assert counts["partners"] == 4 and counts["issues"] == 5 and counts["candidates"] == 8
    assert 38 <= counts["interactions"] <= 45, counts
    assert counts["commitments"] == 60 and 22 <= counts["actions"] <= 28
    assert 6 <= counts["members"] <= 8

    ids = defaultdict(set)
    prefixes = dict(
        partners="ptn",
        issues="iss",
        candidates="cand",
        interactions="int",
        positions="pos",
        commitments="cmt",
        updates="upd",
        actions="act",
    )
    for name, prefix in prefixes.items():
        for row in t[name]:
            assert re.fullmatch(rf"{prefix}-[0-9a-f]{{8}}", row["id"]), row["id"]
            assert row["id"] not in ids[name], row["id"]
            ids[name].add(row["id"])
    emails = {row["email"] for row in t["members"]}
    names = {row["name"] for row in t["members"]}
    assert len(emails) == counts["members"]
    assert {row["role"] for row in t["members"]} == {"viewer", "advocate", "staff", "admin"}

    date_re = re.compile(r"\d{4}-\d{2}-\d{2}")
    for name, rows in t.items():
        for row in rows:
            for column, value in row.items():
                if column in ("created_at", "updated_at"):
                    moment = datetime.fromisoformat(value)
                    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
                    assert moment.date() <= ANCHOR, (name, column, value)
                elif (
                    column in ("date", "as_of", "made_on", "due", "follow_up_by", "election_date")
                    and value
                ):
                    assert date_re.fullmatch(value), (name, column, value)
                if column == "created_by":
                    assert value in emails, value
                if column in ("active", "incumbent", "done"):
                    assert value in ("TRUE", "FALSE")

    for row in t["partners"]:
        assert set(row["strengths"].split("; ")) <= STRENGTH_TAGS, row["strengths"]
        assert row["tax_status"] in ("501(c)(3)", "501(c)(4)", "501(c)(5)", "501(c)(6)", "other")
    for row in t["members"]:
        assert row["partner_id"] in ids["partners"]
    for row in t["candidates"]:
        assert set(row["priorities"].split("; ")) <= PRIORITY_TAGS, row["priorities"]
        assert row["election_date"] > anchor

    # Interactions: dates, links, vocabulary, visibility mix, no repeated sentences.
    interaction = {row["id"]: row for row in t["interactions"]}
    per_candidate = Counter(row["candidate_id"] for row in t["interactions"])
    assert set(per_candidate) == ids["candidates"]
    sentences = Counter()
    for row in t["interactions"]:
        assert ago(240).isoformat() <= row["date"] < anchor
        assert row["kind"] in KIND_WORDS and row["setting"] in ("in_person", "virtual")
        assert row["source"] in ("firsthand", "secondhand", "public_record")
        assert all(p in ids["partners"] for p in row["partner_ids"].split("; "))
        assert row["reported_by"] in names
        assert set(row["candidate_priorities"].split("; ")) <= PRIORITY_TAGS
        assert "(verbatim" in row["quotes"] or "(paraphrased" in row["quotes"], row["quotes"]
        for column in (
            "objectives",
            "talking_points",
            "questions_asked",
            "education_needed",
            "takeaways",
            "follow_up",
        ):
            assert row[column], (row["id"], column)
            sentences.update(s for s in re.split(r"(?<=[.?!])\s+", row[column]) if s)
    repeated = [s for s, n in sentences.items() if n > 1 and len(s) > 30]
    assert not repeated, repeated
    visibility = Counter(row["visibility"] for row in t["interactions"])
    assert 0.2 <= visibility["public"] / counts["interactions"] <= 0.3, visibility
    assert 0.1 <= visibility["restricted"] / counts["interactions"] <= 0.2, visibility

    # Positions: links, dates, coverage, shifts, unobserved pairs.
    observed = defaultdict(list)
    for row in t["positions"]:
        assert row["candidate_id"] in ids["candidates"] and row["issue_id"] in ids["issues"]
        assert row["stance"] in STANCES and row["visibility"] in VISIBILITIES
        if row["interaction_id"]:
            linked = interaction[row["interaction_id"]]
            assert linked["date"] == row["as_of"] and linked["candidate_id"] == row["candidate_id"]
        else:
            assert row["source_url"].startswith("https://example.org/")
        observed[row["candidate_id"], row["issue_id"]].append((row["as_of"], row["stance"]))
    for candidate in ids["candidates"]:
        assert sum(1 for c, _ in observed if c == candidate) >= 3, candidate
    shifts = sum(
        1
        for history in observed.values()
        if len({stance for _, stance in history if stance != "unknown"}) > 1
    )
    assert shifts >= 5, shifts
    assert len(observed) < counts["candidates"] * counts["issues"]
    assert sum(row["visibility"] == "restricted" for row in t["positions"]) >= 3
    assert sum(bool(row["source_url"]) for row in t["positions"]) >= 3

    # Commitments and their updates.
    status_counts = Counter(row["status"] for row in t["commitments"])
    assert all(status_counts[status] >= 5 for status in STATUSES), status_counts
    assert 3 <= sum(not row["owner"] for row in t["commitments"]) <= 5
    history = defaultdict(list)
    for row in t["updates"]:
        assert row["status"] in STATUSES and row["note"]
        history[row["commitment_id"]].append(row)
    soon = day(14).isoformat()
    overdue = upcoming = later = blank = 0
    for row in t["commitments"]:
        assert row["candidate_id"] in ids["candidates"] and row["issue_id"] in ids["issues"]
        assert row["visibility"] in VISIBILITIES
        assert not row["owner"] or row["owner"] in names
        if row["interaction_id"]:
            linked = interaction[row["interaction_id"]]
            assert linked["date"] == row["made_on"]
            assert linked["candidate_id"] == row["candidate_id"]
        steps = sorted(history[row["id"]], key=lambda u: (u["date"], u["created_at"]))
        assert steps and len(steps) <= 4, row["id"]
        assert steps[0]["status"] == "not_yet_rated" and steps[0]["date"] == row["made_on"]
        assert steps[0]["note"].startswith("Recorded from ")
        assert steps[-1]["status"] == row["status"]
        assert all(row["made_on"] <= s["date"] <= anchor for s in steps)
        assert [s["date"] for s in steps] == sorted(s["date"] for s in steps)
        due = row["follow_up_by"]
        assert not due or due > row["made_on"], row["id"]
        if not due:
            blank += 1
        elif due < anchor:
            overdue += row["status"] in ("not_yet_rated", "in_the_works", "stalled")
        elif due <= soon:
            upcoming += 1
        else:
            later += 1
    assert set(history) <= ids["commitments"]
    assert overdue >= 3 and upcoming >= 5 and later >= 5 and 2 <= blank <= 8
    assert sum(row["visibility"] == "restricted" for row in t["commitments"]) >= 4

    # Actions.
    for row in t["actions"]:
        assert row["owner"] in names and row["partner_id"] in ids["partners"]
        assert not row["candidate_id"] or row["candidate_id"] in ids["candidates"]
        assert not row["interaction_id"] or row["interaction_id"] in ids["interactions"]
        assert not row["commitment_id"] or row["commitment_id"] in ids["commitments"]
        assert row["created_at"][:10] <= row["due"] or row["done"] == "TRUE", row["id"]
    late = sum(r["due"] < anchor and r["done"] == "FALSE" for r in t["actions"])
    next_two_weeks = sum(anchor <= r["due"] <= soon for r in t["actions"])
    assert late >= 3 and next_two_weeks >= 3
    assert sum(r["done"] == "TRUE" for r in t["actions"]) >= 5

    counts["shifts"] = shifts
    return counts


def main() -> None:
    write(build())
    counts = self_check()
    print("Wrote", ", ".join(f"{name} {n}" for name, n in counts.items() if name != "shifts"))
    print(f"Self-check passed ({counts['shifts']} candidate/issue stance shifts).")


if __name__ == "__main__":
    main()
