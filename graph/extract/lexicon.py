"""General vocabulary of the genre: ranks and titles, organisation heads, group nouns, numbers.

Only general words live here, never names or phrases of a particular document. Every list is
lower case and matched against lower-cased tokens.
"""

from __future__ import annotations

__all__ = [
    "ACRONYM_STOP",
    "DEFINITE_ORG_NOUNS",
    "GROUP_NOUNS",
    "HONORIFICS",
    "LEGAL_SUFFIXES",
    "NUMBER_WORDS",
    "ORG_HEADS",
    "ORG_INNER",
    "ORG_TYPE_NOUNS",
    "TITLES",
    "VICTIM_NOUNS",
    "initials",
    "number_value",
]

#: Ranks, titles and job titles (multi-word ones as token tuples). A title in front of a name is
#: stripped into the person's role; a title alone is never an organisation.
TITLES: frozenset[tuple[str, ...]] = frozenset(
    tuple(t.split())
    for t in """
    pc|wpc|dc|ds|di|dci|dsi|sgt|sergeant|constable|inspector|superintendent|officer
    police constable|detective constable|detective sergeant|detective inspector
    detective chief inspector|detective superintendent|detective chief superintendent
    chief inspector|chief superintendent|chief constable|deputy chief constable
    assistant chief constable|acc|dcc|commissioner|deputy commissioner|assistant commissioner
    commander|chief|chief of police|police chief|sheriff|deputy|deputy sheriff|trooper|agent
    special agent|marshal|captain|lieutenant|lt|major|colonel|general|corporal|private
    judge|district judge|u.s. district judge|magistrate|u.s. magistrate judge|recorder
    mr justice|mrs justice
    coroner|senior coroner|prosecutor|attorney|u.s. attorney|district attorney|attorney general
    assistant attorney general|deputy attorney general|solicitor general|inspector general
    director|director-general|director general|regional director|deputy director
    executive director|chief executive|chief executive officer|ceo|chair|chairman|chairwoman
    chairperson|president|vice president|vice-president|secretary|home secretary|minister
    spokesman|spokeswoman|spokesperson|leader|council leader|mayor|governor|senator
    councillor|mp|head|deputy head|headteacher|principal|bishop|archbishop|cardinal
    reverend|rev|father|dame|sir|lord|lady|baroness|baron|professor|prof|dr|doctor
    """.replace("\n", "|").split("|")
    if t.strip()
)

#: Courtesy titles: stripped from names, never a role.
HONORIFICS = frozenset(
    [
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "miss",
        "mx",
        "dr",
        "dr.",
        "dame",
        "sir",
        "lord",
        "lady",
    ]
)

#: Head words of organisation names ("South Yorkshire Police", "Civil Rights Division").
ORG_HEADS = frozenset(
    [
        "police",
        "constabulary",
        "force",
        "service",
        "services",
        "office",
        "department",
        "council",
        "court",
        "courts",
        "commission",
        "committee",
        "trust",
        "inquiry",
        "review",
        "division",
        "administration",
        "agency",
        "bureau",
        "authority",
        "authorities",
        "board",
        "ministry",
        "directorate",
        "inspectorate",
        "ombudsman",
        "tribunal",
        "panel",
        "unit",
        "squad",
        "corporation",
        "company",
        "limited",
        "ltd",
        "plc",
        "inc",
        "group",
        "association",
        "federation",
        "union",
        "society",
        "church",
        "diocese",
        "school",
        "college",
        "university",
        "hospital",
        "prison",
        "prisons",
        "parliament",
        "assembly",
        "government",
        "executive",
        "team",
        "network",
        "foundation",
        "charity",
        "institute",
        "centre",
        "center",
    ]
)

#: Lower-case words allowed inside an organisation name ("Office of the Inspector General").
ORG_INNER = frozenset(["of", "for", "the", "&"])

#: Common nouns that introduce an organisation's name: "the retailer X", "the charity X".
ORG_TYPE_NOUNS = frozenset(
    [
        "company",
        "firm",
        "retailer",
        "supermarket",
        "chain",
        "charity",
        "newspaper",
        "broadcaster",
        "bank",
        "insurer",
        "council",
        "agency",
        "watchdog",
        "regulator",
        "force",
        "department",
        "ministry",
        "club",
        "church",
        "school",
        "hospital",
        "university",
        "publisher",
        "airline",
        "operator",
        "manufacturer",
        "contractor",
        "landlord",
        "developer",
        "organisation",
        "organization",
        "group",
        "union",
        "party",
    ]
)

#: Legal and nationality words dropped when comparing organisation names.
LEGAL_SUFFIXES = frozenset(
    ["limited", "ltd", "ltd.", "plc", "inc", "inc.", "llc", "llp", "co", "co.", "corp", "corp."]
)

#: Generic nouns that, after "the" / "our" / "its", refer back to a named organisation.
DEFINITE_ORG_NOUNS = frozenset(
    [
        "force",
        "constabulary",
        "watchdog",
        "department",
        "council",
        "authority",
        "corporation",
        "company",
        "service",
        "agency",
        "bureau",
        "office",
        "division",
        "commission",
        "inquiry",
        "review",
        "trust",
        "police",
        "board",
    ]
)

#: Nouns naming unnamed sets of people that the genre counts and sanctions.
GROUP_NOUNS = frozenset(
    [
        "officer",
        "officers",
        "constable",
        "constables",
        "detective",
        "detectives",
        "staff",
        "employee",
        "employees",
        "member",
        "members",
        "complainant",
        "complainants",
        "survivor",
        "survivors",
        "victim",
        "victims",
        "child",
        "children",
        "girl",
        "girls",
        "boy",
        "boys",
        "woman",
        "women",
        "man",
        "men",
        "people",
        "person",
        "persons",
        "family",
        "families",
        "parent",
        "parents",
        "agent",
        "agents",
        "worker",
        "workers",
        "colleague",
        "colleagues",
        "manager",
        "managers",
        "official",
        "officials",
        "subpostmaster",
        "subpostmasters",
        "prisoner",
        "prisoners",
        "inmate",
        "inmates",
        "detainee",
        "detainees",
        "pupil",
        "pupils",
        "patient",
        "patients",
        "resident",
        "residents",
        "perpetrator",
        "perpetrators",
        "abuser",
        "abusers",
        "offender",
        "offenders",
        "suspect",
        "suspects",
        "client",
        "clients",
        "witness",
        "witnesses",
        "teacher",
        "teachers",
        "nurse",
        "nurses",
        "doctor",
        "doctors",
        "soldier",
        "soldiers",
        "guard",
        "guards",
        "cabinet",
        "councillors",
        "sergeants",
        "inspectors",
        "assistant",
        "assistants",
    ]
)

#: Nouns whose referents are victims or survivors: a person named beside them is never a node.
VICTIM_NOUNS = frozenset(
    [
        "victim",
        "victims",
        "survivor",
        "survivors",
        "detainee",
        "detainees",
        "inmate",
        "inmates",
        "prisoner",
        "prisoners",
        "complainant",
        "complainants",
        "girl",
        "girls",
        "boy",
        "boys",
        "child",
        "children",
        "teenager",
        "teenagers",
        "woman",
        "women",
        "man",
        "patient",
        "patients",
        "pupil",
        "pupils",
        "resident",
        "residents",
        "deceased",
    ]
)

#: All-caps tokens that are never acronyms of organisations.
ACRONYM_STOP = frozenset(
    [
        "ceo",
        "cfo",
        "coo",
        "cbe",
        "obe",
        "mbe",
        "kc",
        "qc",
        "mp",
        "pc",
        "dc",
        "ds",
        "am",
        "pm",
        "tv",
        "uk",
        "us",
        "usa",
        "eu",
    ]
)

NUMBER_WORDS = {
    "no": 0,
    "none": 0,
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "another": 1,
    "single": 1,
    "two": 2,
    "both": 2,
    "pair": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}


def number_value(word: str) -> int | None:
    """Read a count written as digits or as an English number word.

    >>> number_value("1,400"), number_value("Eight"), number_value("twenty-one"), number_value("x")
    (1400, 8, 21, None)
    """
    w = word.lower().strip()
    digits = w.replace(",", "")
    if digits.isdigit():
        return int(digits)
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    if "-" in w:
        parts = [NUMBER_WORDS.get(p) for p in w.split("-")]
        if len(parts) == 2 and None not in parts and parts[0] >= 20 and parts[1] < 10:
            return parts[0] + parts[1]
    return None


def initials(words: list[str]) -> str:
    """Initials of the capitalised words of a name.

    >>> initials("Independent Office for Police Conduct".split())
    'IOPC'
    """
    return "".join(w[0] for w in words if w[:1].isupper())
