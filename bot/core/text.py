"""Words in, comparable terms out: the one text pipeline shared by the knowledge base and queries.

Both sides must go through exactly the same steps, otherwise "salaries" in a question would never
meet "salary" in a section. The steps are: lower-case, split into words, rewrite abbreviations and
multi-word names to one canonical term (so "tech PM", "technical product manager" and "TPM" are one
thing), drop filler words, and strip common English endings.
"""

from __future__ import annotations

import functools
import itertools
import re

#: The role this bot is about. Every question mentions it, so it tells sections apart poorly but
#: tells on-topic from off-topic questions well.
ROLE_TERM = "tpm"
#: The neighbouring role, product manager, which the guide compares with the TPM.
PM_TERM = "pm"
#: Stands for the main verb "do" in "what does a TPM do?", which asks about duties.
DUTIES_TERM = "duty"

_WORD = re.compile(r"[a-z0-9₹]+(?:[.'’][a-z0-9]+)*")

# Multi-word rewrites, applied to the lower-cased text before splitting. Order matters: longer
# names first. These are general English and career abbreviations; section-specific words belong
# in a section's aliases, where non-programmers can edit them.
_PHRASE_RULES: list[tuple[str, str]] = [
    # A "non-technical product manager" is a product manager, not a TPM.
    (r"\bnon[- ]?tech(?:nical)?[- ]?product[- ]?manag(?:er|ers|ement)\b", " pm "),
    (r"\btechnical[- ]?product[- ]?manag(?:er|ers|ement)\b", " tpm "),
    (
        r"\btech(?:nical|nicl|ncal|inal)?\.? ?(?:pm|pms|product ?manager|product ?managers)\b",
        " tpm ",
    ),
    (r"\bt\.p\.m\.?", " tpm "),
    (r"\bproduct[- ]?manag(?:er|ers|ement)\b", " pm "),
    (r"\bp\.m\.?(?=\s|$)", " pm "),
    (r"\bvice[- ]president\b", " vp "),
    (r"\bmid[- ]?(?:level|lvl|senior)\b", " mid "),
    (r"\bday[- ]to[- ]day\b", " daily "),
    (r"\bcross[- ]?functional\b", " crossfunctional "),
    (r"\bc[- ]?(?:level|suite)\b", " executive "),
    (r"\bstock[- ]options?\b", " stock "),
    (r"\b(?:in charge of|accountable for|the owner of)\b", " own "),
    (
        r"\b(?:get|gets|getting|got|break|breaking|move|moving|switch|switching|transition|"
        r"transitioning|pivot|pivoting|shift|shifting) ?(?:in|into|to|towards)\b",
        " become ",
    ),
]

# One-word rewrites, applied after splitting.
_WORDS: dict[str, str] = {
    "tpms": ROLE_TERM,
    "tpm's": ROLE_TERM,
    "pms": PM_TERM,
    "pm's": PM_TERM,
    "sr": "senior",
    "snr": "senior",
    "sr.": "senior",
    "seniors": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mgmt": "management",
    "eng": "engineering",
    "engg": "engineering",
    "dev": "developer",
    "tech": "technical",
    "devs": "developer",
    "comp": "compensation",
    "sal": "salary",
    "lpa": "lakh",
    "lakhs": "lakh",
    "inr": "rupee",
    "₹": "rupee",
    "certs": "certification",
    "cert": "certification",
    "certificate": "certification",
    "certificates": "certification",
    "reqs": "requirement",
    "exp": "experience",
    "yrs": "year",
    "dir": "director",
    # Every way of asking for a comparison is one term.
    **dict.fromkeys(
        (
            "diff difference differences different differ differs vs v vs. versus compare "
            "compared comparing comparison distinction distinguish separates"
        ).split(),
        "compare",
    ),
    "w": "with",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thanks",
    "tks": "thanks",
    "info": "information",
    "ai": "ai",
    "ml": "machine",
}

# Words that carry no topic: question scaffolding, pronouns, chat filler. Kept broad, because a
# word that is neither filler nor known to the guide is read as a sign of another topic.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above actually after again against all almost also am an and any anyone anybody
    anything are aren't as ask asking at be because been before being below between both but
    by can can't cannot could couldn't curious did didn't does doesn't doing don't down during
    each either else even ever every exactly explain few for from further get gets getting
    give go going got guys had hadn't has hasn't have haven't having he he'd he'll he's hello
    her here here's hers herself hey hi him himself his how how's however i i'd i'll i'm i've
    if in into is isn't it it's its itself just kind kinda know let let's like look lot lots
    many may me might mine more most much must mustn't my myself need needs no nor not now of
    off often on once one ones only or other others ought our ours ourselves out over please
    pretty quick quite rather really right said say says she she'd she'll she's should
    shouldn't so some somebody someone something sort still such sure tell than thank thanks
    that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've thing things think this those though through to too under until up upon us
    usually very via want wanna was wasn't way we we'd we'll we're we've well were weren't
    what what's whats when when's where where's whether which while who who's whom whose
    will with within without won't would wouldn't yeah yes yet you you'd good best great
    nice top right better you'll you're you've your yours yourself yourselves anyway basically
    generally typically question questions help wondering hmm ok okay pls please folks team's
    someone's also etc e.g i.e really gonna gotta im ive dont doesnt whats hows thats theres
    youre does do
    """.split()
)

#: Occupations other than the two this guide is about. A question that names one of them and
#: not the TPM is about that job ("what does a pilot earn?"), even when its other words are ours.
OTHER_ROLES: frozenset[str] = frozenset(
    """
    accountant actor actress analyst architect artist astronaut athlete attorney baker banker
    barber barista bartender biologist carpenter cashier chef chemist cleaner clerk coach cook
    dancer dentist designer developer dietitian doctor driver economist electrician engineer
    farmer firefighter fisherman gardener geologist hairdresser historian janitor journalist
    judge lawyer librarian lifeguard marketer mathematician mechanic midwife model musician
    nurse optician painter paramedic pharmacist photographer physician physicist pilot plumber
    poet policeman politician postman professor programmer psychologist receptionist recruiter
    researcher salesman salesperson scientist secretary singer soldier statistician surgeon
    tailor teacher technician therapist tutor veterinarian waiter welder writer youtuber
    influencer consultant auditor cto ceo cfo coo
    qa sdet
    """.split()
)
#: Two-word job titles that name a different role even though each word is one of ours.
OTHER_ROLE_PHRASES = re.compile(
    r"\b(?:project|program|programme|account|sales|marketing|hr|office|hotel|restaurant|"
    r"store|shop|bank|construction|operations|engineering|property|event|retail) managers?\b"
)

_SUFFIXES = (
    "ership",
    "ibilities",
    "ibility",
    "ible",
    "abilities",
    "ability",
    "able",
    "ities",
    "ity",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ers",
    "ed",
    "es",
    "er",
    "s",
)


#: Stems already worked out. Building the index for a large knowledge base stems millions of
#: words drawn from a far smaller vocabulary, so remembering them is most of the build's speed.
_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """Strip common endings so inflections meet ("managing", "manager" and "manages" -> "manag").

    Deliberately crude: both the guide and the question go through it, so consistency matters,
    not linguistics.
    """
    known = _STEMS.get(word)
    if known is None:
        known = _stem(word)
        if len(_STEMS) < 200_000:
            _STEMS[word] = known
    return known


def _stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "ies":
                return word[:-3] + "y"
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            if suffix.startswith("er") and word.endswith("eer"):
                break  # career, engineer: the -er is part of the word
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                word = word[:-1]
            else:
                word = word[: -len(suffix)]
            break
    # "become" and "becoming", "manage" and "managing": drop the silent e both sides keep.
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def plain_words(text: str) -> list[str]:
    """Lower-case and split into words, with no rewriting: the surface the spelling fixer sees."""
    return _WORD.findall(text.lower().replace("’", "'"))


@functools.cache
def _phrase_rules() -> list[tuple[re.Pattern[str], str]]:
    """The rewrites, compiled the first time a text may need them: most questions never do,
    and compiling them is a tenth of a command-line question's start-up."""
    return [(re.compile(p), r) for p, r in _PHRASE_RULES]


@functools.cache
def _phrase_screen() -> re.Pattern[str]:
    """One search that tells whether any rewrite applies at all: most texts of a large
    knowledge base that pass the word check match none, and one search costs far less than
    trying every rewrite. Compiling it costs as much again as the rewrites, so it is only
    made once SCREEN_AFTER texts have needed the rewrites (a knowledge base being indexed,
    or a server's traffic), never for a single question."""
    return re.compile("|".join(f"(?:{p})" for p, _ in _PHRASE_RULES))


#: Texts passing the word check before the one-search screen is worth compiling.
SCREEN_AFTER = 50
_checked = itertools.count(1)


def rewrite_phrases(text: str) -> str:
    """Apply the multi-word rewrites to a text that may need them (see _may_need_phrases)."""
    if next(_checked) > SCREEN_AFTER and not _phrase_screen().search(text):
        return text  # no rewrite matches, so none can match after another either
    for pattern, replacement in _phrase_rules():
        text = pattern.sub(replacement, text)
    return text


_PHRASE_VERBS = (
    "get gets getting got break breaking move moving switch switching transition transitioning "
    "pivot pivoting shift shifting"
).split()
#: The words a match of a _PHRASE_RULES pattern can start with (exactly), and the starts of words
#: that can begin one: a text with neither in any of its words (or parts of words between
#: apostrophes and full stops) needs no pattern at all. Keep in step with _PHRASE_RULES.
_PHRASE_WORDS = frozenset(
    [
        "mid",
        "day",
        "cross",
        "stock",
        "vice",
        "product",
        "c",
        "charge",  # in charge of
        "accountable",
        "owner",  # the owner of
        *_PHRASE_VERBS,
        *(v + p for v in _PHRASE_VERBS for p in ("in", "into", "to", "towards")),
    ]
)
_PHRASE_STARTS = (
    "tech",
    "t.p.m",
    "p.m",
    "midlevel",
    "midlvl",
    "midsenior",
    "crossfunctional",
    "productmanag",
    "clevel",
    "csuite",
)
#: Words known to start like a match, and words known not to: a text is checked with set
#: operations (a large knowledge base has far fewer distinct words than words, and one regex
#: search per text costs more).
_STARTING_WORDS: set[str] = set()
_PLAIN_WORDS: set[str] = set()
#: Rewrites that are plain word sequences, applied with the word list's phrases (by first word)
#: rather than as patterns.
BUILT_IN_PHRASES = {"how much": "howmuch"}


def _may_start_phrase(word: str) -> bool:
    if word in _PHRASE_WORDS or word.startswith(_PHRASE_STARTS):
        return True
    if "." not in word and "'" not in word and "’" not in word:
        return False
    return any(
        part in _PHRASE_WORDS or part.startswith(_PHRASE_STARTS)
        for part in re.split(r"[.'’]", word)[1:]
    )


def _may_need_phrases(words: list[str]) -> bool:
    """Whether any _PHRASE_RULES pattern could match these words (never False when one could)."""
    distinct = set(words)
    if not distinct.isdisjoint(_STARTING_WORDS):
        return True
    found = False
    for word in distinct.difference(_PLAIN_WORDS):
        if _may_start_phrase(word):
            _STARTING_WORDS.add(word)
            found = True
        elif len(_PLAIN_WORDS) < 400_000:
            _PLAIN_WORDS.add(word)
    return found


_DUTY_FOLLOWERS = frozenset(
    """
    all daily every each on at in exactly actually really there here typically usually
    """.split()
)
_ASKER = frozenset(["i", "we", "you", "me", "my", "our"])
#: A word no text contains, put between texts analysed in one go (`analyse_many`): no rewrite,
#: phrase or duty reading crosses it, and it is its own term.
SEPARATOR = "0sep0"
_SEPARATOR = frozenset([SEPARATOR])


def _main_verb_do(words: list[str], index: int) -> bool:
    """True when "do"/"does" at `index` asks about someone's duties ("what does a TPM do all
    day?", "what a senior TPM does").

    Not when it is an auxiliary ("how do I ...") or the asker's own plan ("what should I do?").
    """
    if index + 1 < len(words) and words[index + 1] not in _DUTY_FOLLOWERS | _SEPARATOR:
        return False
    for back in range(index - 1, -1, -1):
        if words[back] == SEPARATOR:
            return False
        if words[back] in ("do", "does", "did") or (
            words[back] == "what" and words[index] == "does"
        ):
            return not _ASKER.intersection(words[back + 1 : index])
    return False


class _TermMemo(dict[str, str]):
    """word -> its matching term, or "" for filler and bare numbers: the per-word half of
    `Normaliser.terms`, worked out once per distinct word. Not pickled (it refills itself)."""

    __slots__ = ("stopwords",)

    def __init__(self, stopwords: frozenset[str]) -> None:
        super().__init__()
        self.stopwords = stopwords

    def __missing__(self, word: str) -> str:
        term = "" if word in self.stopwords or word.isdigit() else stem(word)
        if len(self) < 200_000:
            self[word] = term
        return term

    def __reduce__(self) -> tuple[type[_TermMemo], tuple[frozenset[str]]]:
        return (_TermMemo, (self.stopwords,))


class Normaliser:
    """The text pipeline with the maintained word list (bot/core/lexicon.yaml) folded in.

    Built once with the matcher and pickled with it, so the word list is parsed at build time,
    never on a cached start-up. The knowledge base and questions both go through it.
    """

    __slots__ = ("filler", "memo", "phrases", "rewritten", "stopwords", "words")

    phrases: dict[str, tuple[tuple[str, str], ...]]

    def __init__(
        self,
        words: dict[str, str] | None = None,
        phrases: dict[str, str] | None = None,
        filler: frozenset[str] = frozenset(),
    ) -> None:
        self.words: dict[str, str] = {**_WORDS, **(words or {})}
        # Padded so that a phrase only matches whole words; longest first so that
        # "kaise bante hain" wins over "bante hain"; filed under their first word, so a text
        # only tries the phrases that can start at one of its words.
        by_head: dict[str, list[tuple[str, str]]] = {}
        every = {**BUILT_IN_PHRASES, **(phrases or {})}
        for k, v in sorted(every.items(), key=lambda kv: -len(kv[0])):
            head = k.split()[0] if k.split() else k
            by_head.setdefault(head, []).append((f" {k} ", f" {v} "))
        self.phrases = {head: tuple(found) for head, found in by_head.items()}
        self.filler = filler
        self.stopwords: frozenset[str] = STOPWORDS | filler
        self.memo = _TermMemo(self.stopwords)
        #: Words that send a text down the full pipeline: rewritten words and the first words
        #: of rewritten phrases.
        self.rewritten = frozenset([*self.words, *self.phrases])

    def split_words(self, text: str) -> list[str]:
        """Lower-case and split into words, after rewriting word-list phrases, abbreviations and
        multi-word names to single terms."""
        return self._rewrite(plain_words(text))

    def _rewrite(self, words: list[str]) -> list[str]:
        text = f" {' '.join(words)} "
        found = self.phrases.keys() & words
        if found:
            # In reading order when there are several.
            heads = found if len(found) == 1 else dict.fromkeys(w for w in words if w in found)
            for head in heads:
                for phrase, replacement in self.phrases[head]:
                    if phrase in text:
                        text = text.replace(phrase, replacement)
            pieces = text.split()
        else:
            pieces = words
        get = self.words.get
        pieces = list(map(get, pieces, pieces))
        text = " ".join(pieces)
        if _may_need_phrases(pieces):
            text = rewrite_phrases(text)
        return text.split()  # every piece is already a word: rewrites only put words in

    def canonical_words(self, words: list[str]) -> list[str]:
        """Rewrite abbreviations and variants (after spelling repair) to canonical words."""
        out: list[str] = []
        for word in words:
            out.extend(self.words.get(word, word).split())
        return out

    def terms(self, words: list[str]) -> list[str]:
        """Map canonical words to matching terms: drop filler, stem, and mark duty questions."""
        term = self.memo.__getitem__
        if "do" not in words and "does" not in words:  # the common case, without the loop
            return list(filter(None, map(term, words)))
        duty = {i for i, w in enumerate(words) if w in ("do", "does") and _main_verb_do(words, i)}
        if not duty:
            return list(filter(None, map(term, words)))
        # Filler and bare numbers ("1)", "2)" number a list) have the empty term.
        return [
            DUTIES_TERM if i in duty else t
            for i, t in enumerate(map(term, words))
            if t or i in duty
        ]

    def analyse(self, text: str) -> list[str]:
        """The whole pipeline for text whose spelling we trust (the knowledge base itself)."""
        return self.analyse_words(text)[1]

    def analyse_words(self, text: str) -> tuple[list[str], list[str]]:
        """A trusted text's words (for the spelling vocabulary) and its terms.

        Most of a large knowledge base's prose needs no rewriting at all; that is checked with
        three cheap set and regex tests, and such text skips straight to stemming.
        """
        words = plain_words(text)
        plain = self.rewritten.isdisjoint(words) and not _may_need_phrases(words)
        if plain:
            return words, self.terms(words)
        # split_words has already rewritten every word, so canonical_words would change nothing.
        split = self._rewrite(words)
        return split, self.terms(split)

    def analyse_many(self, texts: list[str]) -> tuple[list[str], list[list[str]]]:
        """`analyse_words` for several trusted texts at once (one pass costs far less than one
        per text): all their words, and each text's terms."""
        words, terms = self.analyse_words(f" {SEPARATOR} ".join(texts))
        # Cut the terms at the separators with string operations rather than a loop.
        out = [part.split() for part in " ".join(terms).split(SEPARATOR)]
        if len(out) != len(texts):  # a text contained the separator itself: one by one
            return words, [self.analyse(text) for text in texts]
        return [w for w in words if w != SEPARATOR], out
