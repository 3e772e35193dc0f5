"""Naming a part of the last answer: "the middle one", "the second step", "uske upar?".

An overview section lists its parts in order (the knowledge's `parts`: the levels from mid to
director, the three steps, the four duties). After such an answer, or after one of its parts,
people point into the list instead of asking afresh: by position ("the last one", "2nd",
"option 4", "teesra?"), by extreme ("the top one", "sabse neeche"), or by moving along it
("next", "the one before", "uske upar", "after the roadmap stuff"). A message made only of such
words (and the small words around them) is read here; anything more is a question of its own
and goes to the matcher.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.models import KnowledgeBase, Section
from bot.core.text import plain_words

#: Messages longer than this are questions of their own.
MAX_WORDS = 14

_POSITIONS = {
    **dict.fromkeys(["first", "1st", "pehla", "pehli", "pahla", "pehila"], 0),
    **dict.fromkeys(["second", "2nd", "doosra", "dusra", "doosri", "dusri"], 1),
    **dict.fromkeys(["third", "3rd", "teesra", "tisra", "teesri", "tisri"], 2),
    **dict.fromkeys(["fourth", "4th", "chautha", "chauthi"], 3),
    **dict.fromkeys(["fifth", "5th"], 4),
}
#: The ends of the list; parts run from the bottom of a ladder (or the first step) up.
_LOWEST = frozenset(
    "bottom lowest starting entry initial earliest base junior-most shuru shuruaat".split()
)
_HIGHEST = frozenset("last final top highest aakhri akhri antim topmost peak senior-most".split())
_MIDDLE = frozenset("middle beech center centre between in-between".split())
#: Numbers said as words count after a word that numbers ("step two", "option three").
_NUMBER_WORDS = {"one": 0, "two": 1, "three": 2, "four": 3, "five": 4, "teen": 2}
#: Letters that number a list ("b wala samjhao"); "a" is an article unless it stands alone.
_LETTERS = {"b": 1, "c": 2, "d": 3, "e": 4}
_NUMBERING = frozenset("step level option number no point item duty part stage #".split())
#: Moving along the list from where the conversation stands.
_FORWARD = frozenset(
    """next then after afterwards baad subsequent following follows follow followed succeeding
    succeeds aage beyond ahead agla agli agle successor""".split()
)
_BACKWARD = frozenset(
    """before b4 previous prev preceding precedes precede preceded pehle earlier prior back
    pichla pichhla pichli pichhli predecessor""".split()
)
#: Up and down: along a ladder (the levels) up is the next rung; in any other list, up is the
#: item shown above ("the responsibility right above that one").
_UP = frozenset("above upar upper higher up".split())
_DOWN = frozenset("below beneath underneath neeche niche nichhe under lower down".split())
#: "sabse upar" is the top, not the next one up; "the most junior" is the bottom.
_MOST = frozenset(["sabse", "most"])
_FILLER = frozenset(
    """
    the a an one ones and aur what whats what's wats wat is was are were kya hai hain tha thi
    uske iske usse isse unke inke us is it its this that them they those who whos who's kaun
    kon kaunsa kaunsi sa si wala wali wale ok okay so pls please plz kindly tell me more on
    about expand elaborate explain describe detail details step steps level levels duty duties
    part parts responsibility responsibilities stage stages phase tier role position rung one
    thing things stuff item items point points bullet which comes come coming list listed in
    of just right very do does did from start go move to option number no ke ki ka ko hota
    hoti hote bata batao bataiye batana samjhao s how called name named title you your
    mentioned said gave shown now hmm cool got great nice alright sure yes yeah haan achha
    acha theek thik toh phir fir baare mein me bare look like mean means involve involves
    cover covers say says guide there here can could would i we my one's # ek se jao chalo
    pe par
    immediately directly just again skip n wut wat whts these ye yeh scope also bhi unse inse
    unki inki hierarchy ladder should hear know
    """.split()
)


#: Words that say what kind of list is meant ("the level above", "the step before").
_LIST_NOUNS = {
    **dict.fromkeys(["level", "levels", "rung", "tier", "seniority"], "level"),
    **dict.fromkeys(["step", "steps", "stage", "stages"], "step"),
    **dict.fromkeys(["duty", "duties", "responsibility", "responsibilities"], "dut respons"),
}


def list_of(kb: KnowledgeBase, section: Section) -> tuple[Section, list[Section], int | None]:
    """The overview a section is, or is a part of, its parts, and the section's place."""
    if section.parts:
        return section, [p for p in (kb.get(i) for i in section.parts) if p is not None], None
    overview = kb.overview_of(section.id)
    if overview is not None:
        parts = [p for p in (kb.get(i) for i in overview.parts) if p is not None]
        return overview, parts, [p.id for p in parts].index(section.id)
    return section, [], None


def _fits(overview: Section, parts: list[Section], stems: list[str]) -> bool:
    """Whether a list is the kind the message names (its titles or names say so)."""
    text = " ".join([overview.title, *overview.aliases, *(p.title for p in parts)]).lower()
    return any(stem in text for stem in stems)


def _part_list(
    kb: KnowledgeBase, history: Sequence[str], noun: str = ""
) -> tuple[Section | None, list[Section], int | None]:
    """The list the conversation stands in, and its place in it: that of the latest answer
    (the parts of an overview, with no place yet, or the list its part belongs to), with its
    overview. A message that names the kind of list ("the level above") finds the latest list of
    that kind."""
    sections = [s for s in (kb.get(i) for i in reversed(history)) if s is not None]
    for section in sections:
        overview, parts, place = list_of(kb, section)
        if not noun:
            return overview, parts, place
        if parts and _fits(overview, parts, noun.split()):
            return overview, parts, place
    return None, [], None


def _named(word: str, parts: list[Section]) -> int | None:
    """The one part whose title has a word starting with `word` ("roadmap", "senior", "tech")."""
    if len(word) < 3:
        return None
    found = [
        index
        for index, part in enumerate(parts)
        if any(w.startswith(word) for w in plain_words(part.title))
    ]
    return found[0] if len(found) == 1 else None


def asked_part(text: str, kb: KnowledgeBase, history: Sequence[str]) -> Section | None:
    """The part of the conversation's list that `text` points at, or None when it does not
    point at one (or points past either end: the matcher then says the list stops there)."""
    words = plain_words(text)
    if not words or len(words) > MAX_WORDS:
        return None
    nouns = [_LIST_NOUNS[w] for w in words if w in _LIST_NOUNS]
    overview, parts, place = _part_list(kb, history, nouns[0] if nouns else "")
    if overview is None or not parts:
        return None
    ladder = _fits(overview, parts, _LIST_NOUNS["level"].split())
    position: int | None = None
    step = 0
    named: int | None = None
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in _POSITIONS:
            position = _POSITIONS[word]
        elif word.isdigit():
            position = int(word) - 1
        elif word in _LETTERS and (index == 0 or before in _NUMBERING):
            position = _LETTERS[word]  # "b wala", "option c"
        elif word in _NUMBER_WORDS and before in _NUMBERING:
            position = _NUMBER_WORDS[word]
        elif word in _HIGHEST or (word in ("upar", "above", "up", "senior") and before in _MOST):
            position = len(parts) - 1
        elif word in _LOWEST or (
            word in ("neeche", "niche", "below", "junior") and before in _MOST
        ):
            position = 0
        elif word in _MIDDLE:
            position = len(parts) // 2 if len(parts) % 2 else None
            if position is None:
                return None
        elif word in _FORWARD:
            step = 1
        elif word in _BACKWARD:
            step = -1
        elif word in _UP:
            step = 1 if ladder else -1
        elif word in _DOWN:
            step = -1 if ladder else 1
        elif word in _MOST or word in _FILLER:
            continue
        elif (found := _named(word, parts)) is not None and named in (None, found):
            named = found
        else:
            return None  # a word of its own: a question, not a pointer
    if position is not None:
        return parts[position] if 0 <= position < len(parts) else None
    if step:
        base = named if named is not None else place
        if base is None:
            return parts[0] if step > 0 else None
        target = base + step
        return parts[target] if 0 <= target < len(parts) else None
    if named is not None:
        return parts[named]  # "the roadmap part, what's that about?"
    return None
