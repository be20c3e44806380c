"""General vocabulary of the genre: ranks and titles, organisation heads, group nouns, numbers.

Only general words live here, never names or phrases of a particular document. Every list is
lower case and matched against lower-cased tokens.
"""

from __future__ import annotations

__all__ = [
    "ACRONYM_STOP",
    "DEFINITE_ORG_NOUNS",
    "FEMALE_TITLES",
    "GROUP_NOUNS",
    "HONORIFICS",
    "LEGAL_SUFFIXES",
    "MALE_TITLES",
    "MEMBER_NOUNS",
    "NUMBER_WORDS",
    "ORG_HEADS",
    "ORG_INNER",
    "ORG_TYPE_NOUNS",
    "POLICE_RANKS",
    "POST_NOMINALS",
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
    special agent|special agent in charge|marshal|captain|lieutenant|lt|major|colonel|general
    corporal|private
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

#: Head words of organisation names ("Westshire Police", "Roads Safety Division").
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
        "academy",
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

#: Lower-case words allowed inside an organisation name ("Office of the Chief Coroner").
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
        "school",
        "college",
        "university",
        "hospital",
        "charity",
        "church",
        "bank",
        "unit",
        "squad",
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

#: Letters after a name (honours, offices): "Simon Hale KC" is the person "Simon Hale".
POST_NOMINALS = frozenset(
    ["kc", "qc", "mp", "msp", "obe", "cbe", "mbe", "kbe", "dbe", "jp", "frs", "phd"]
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

    >>> number_value("2,300"), number_value("Eight"), number_value("twenty-one"), number_value("x")
    (2300, 8, 21, None)
    """
    w = word.lower().strip()
    digits = w.replace(",", "")
    if digits.isdecimal():  # int() reads decimal digits; "²" and "፱" are digits but no numbers
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

    >>> initials("Regional Office for Fire Safety".split())
    'ROFS'
    """
    return "".join(w[0] for w in words if w[:1].isupper())


# --------------------------------------------------------------------------------------------
# Allegation vocabulary (issue 3, used by graph.extract.allegations): general words of claims,
# wrongs, failings and harms. Lemmas, lower case.
# --------------------------------------------------------------------------------------------

#: Nouns that name a claim of wrongdoing: "allegations against X", "complaints involving X".
CLAIM_NOUNS = frozenset(
    [
        "allegation",
        "complaint",
        "claim",
        "accusation",
        "charge",
        "grievance",
        "case",
        "lawsuit",
        "suit",
    ]
)
#: Verbs that frame their object or their clause as an accusation, with the preposition that
#: introduces the wrong: "accused of", "charged with", "suspected of", "indicted for".
ACCUSATION_VERBS = {
    "accuse": {"of"},
    "charge": {"with"},
    "suspect": {"of"},
    "indict": {"for", "on"},
    "arrest": {"for", "on", "over"},
    "sue": {"for", "over"},
    "prosecute": {"for", "over"},
    "investigate": {"for", "over"},
    "probe": {"for", "over"},
    "blame": {"for"},
    "criticise": {"for", "over"},
    "criticize": {"for", "over"},
}
#: Adverbs that deny a finding and leave only the accusation: "wrongly convicted of".
WRONGFUL_ADVERBS = frozenset(["wrongly", "wrongfully", "falsely", "unjustly", "unlawfully"])
#: Adverbs and adjectives that mark a statement as alleged, not established.
ALLEGED_WORDS = frozenset(["allegedly", "alleged", "reportedly", "purportedly", "suspected"])
#: Verbs and adjectives by which a text withdraws a claim ("fabricated the allegations").
DISCREDITING_WORDS = frozenset(
    [
        "fabricate",
        "invent",
        "withdraw",
        "retract",
        "recant",
        "false",
        "fabricated",
        "unfounded",
        "baseless",
        "malicious",
    ]
)
#: Nouns of crimes and wrongs, named as deeds: "the fraud committed by X", "his alleged
#: bribery".
WRONGDOING_NOUNS = frozenset(
    [
        "abuse",
        "assault",
        "attack",
        "brutality",
        "bribery",
        "corruption",
        "crime",
        "cruelty",
        "discrimination",
        "embezzlement",
        "exploitation",
        "extortion",
        "fraud",
        "harassment",
        "misconduct",
        "misuse",
        "murder",
        "negligence",
        "offence",
        "offense",
        "offending",
        "perjury",
        "rape",
        "theft",
        "violence",
        "wrongdoing",
    ]
)
#: Nouns of failing: "failures by X", "X's failings", "failures to record calls".
FAILURE_NOUNS = frozenset(["failure", "failing", "shortcoming", "lapse", "neglect"])
#: Adjectives of duty that, negated, state a failing: "managers were not diligent".
DUTY_ADJECTIVES = frozenset(
    ["proactive", "aware", "adequate", "sufficient", "diligent", "thorough", "competent"]
)
#: Group nouns of people who hold a duty and can fail in it ("officers failed to ..."), unlike
#: relatives, witnesses or the public.
DUTY_HOLDERS = frozenset(
    [
        "officer",
        "officers",
        "constable",
        "constables",
        "detective",
        "detectives",
        "sergeant",
        "sergeants",
        "inspector",
        "inspectors",
        "staff",
        "employee",
        "employees",
        "official",
        "officials",
        "manager",
        "managers",
        "agent",
        "agents",
        "worker",
        "workers",
        "teacher",
        "teachers",
        "nurse",
        "nurses",
        "doctor",
        "doctors",
        "guard",
        "guards",
        "member",
        "members",
        "councillors",
        "police",
        "force",
        "leadership",
        "executives",
        "directors",
    ]
)
#: Nouns of harm an actor is said to have caused: "X's decisions caused hardship".
HARM_NOUNS = frozenset(
    [
        "bankruptcy",
        "damage",
        "death",
        "distress",
        "harm",
        "hardship",
        "injury",
        "loss",
        "miscarriage",
        "ruin",
        "suffering",
        "suicide",
        "trauma",
    ]
)
#: Heads of the outcome phrases whose "for" / "of" names the proven or sanctioned wrong
#: ("a case to answer for", "convicted of", "dismissed for"): the wrong there is an Outcome's
#: ground, not a new allegation.
OUTCOME_GROUNDS = frozenset(
    [
        "answer",
        "acquit",
        "acquittal",
        "clear",
        "conviction",
        "convict",
        "dismiss",
        "dismissal",
        "exonerate",
        "fine",
        "guilty",
        "jail",
        "imprison",
        "plead",
        "sanction",
        "sentence",
        "discipline",
    ]
)


# --------------------------------------------------------------------------------------------
# Statement and membership vocabulary (issue 3, used by graph.extract.statements, .clauses and
# .affiliations): courtesy titles that tell a person's grammatical gender, police ranks.
# --------------------------------------------------------------------------------------------

#: Courtesy titles and ranks used only of women / of men: "she" never refers to a "Mr X".
FEMALE_TITLES = frozenset(
    ["mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "baroness", "madam", "wpc"]
)
MALE_TITLES = frozenset(["mr", "mr.", "sir", "lord", "baron"])
#: Police ranks (as in :data:`TITLES`): a person holding one, in a document about one police
#: force and not placed elsewhere, is an officer of that force.
POLICE_RANKS: frozenset[tuple[str, ...]] = frozenset(
    tuple(t.split())
    for t in """
    pc|wpc|dc|ds|di|dci|dsi|sgt|sergeant|constable|inspector|superintendent
    police constable|detective constable|detective sergeant|detective inspector
    detective chief inspector|detective superintendent|detective chief superintendent
    chief inspector|chief superintendent|chief constable|deputy chief constable
    assistant chief constable|acc|dcc|police chief|chief of police|trooper|patrolman
    officer|police officer|detective|lieutenant|lt|captain|deputy sheriff|sheriff
    """.replace("\n", "|").split("|")
    if t.strip()
)
#: Nouns (besides :data:`TITLES`) for holding a place in an organisation: "X was a member /
#: an employee / the founder of ORG". "X was the subject / the victim of ORG's inquiry" is none.
MEMBER_NOUNS = frozenset(
    """
    member employee founder co-founder cofounder partner owner staff worker volunteer trustee
    governor head leader manager lawyer solicitor barrister counsel adviser advisor consultant
    executive official officer spokesman spokeswoman spokesperson representative editor reporter
    correspondent journalist analyst economist scientist researcher teacher engineer pilot nurse
    host presenter broadcaster agent employer investigator auditor accountant clerk treasurer
    comptroller controller administrator coordinator supervisor dean provost chancellor rector
    ambassador envoy attache delegate aide assistant associate deputy commander coach captain
    physician surgeon architect designer programmer producer writer columnist photographer
    """.split()
)
