"""Pick the knowledge-base section a question is about, or say honestly that there is none.

A question is read before it is scored:

* **clauses**: a message is split into clauses; clauses about the asker ("I'm a SWE with 4 years
  of experience") count for less than the question itself, so background does not pull the
  answer towards whatever it happens to mention.
* **words**: Slack markup is gone, Indian English and Hinglish ("kaise bante hain", "CTC",
  "fresher") are rewritten through the maintained word list (bot/core/lexicon.yaml), spelling is
  repaired against the guide's own vocabulary, and chatter words are dropped.
* **what is asked** (pay, duties, path, comparison, level) is told apart from what it is about:
  sections whose own example questions ask the same thing get a bonus.

How a question is scored against a section (all of it prepared once, at load time):

* **coverage**: how much of the question the section explains. Each query term counts by its
  rarity across sections (IDF), so "senior" decides more than "tpm", which every section shares.
  Words the guide never uses count fully against every section: they are the sign that a question
  is about something else ("what is the salary of a *teacher*?").
* **phrase**: how close the question is to the section's nearest title, alias or example question,
  by IDF-weighted overlap in both directions.
* **fuzzy**: rapidfuzz's token_sort_ratio against the same phrases. It forgives word order and
  leftover spelling noise.

With the sentence encoder on (the default), each section's score is one blend of that lexical
score and the encoder's evidence from the nearest labelled examples (bot/core/bank.py), with the
weight and thresholds tools/calibrate.py derived (bot/core/calibration.json).

The decision uses the top score and its margin over the runner-up, then the word list's "gaps":
a question asking for something the guide lacks (pay abroad, a duration, a cost, a company or city
the guide never names) gets `partial`, naming what is missing (`not_covered`) and pointing at the
closest covered section, or `none` when nothing close is covered. "TPM" as Trusted Platform Module
or Total Productive Maintenance is declined; the technical *program* manager gets a partial answer
that says which role the guide is about. A message that asks two covered things answers both
(`also`), and an elliptical follow-up ("and for directors?") is read together with the sections
answered before it in the conversation (`history`).

Each rule here was measured on and off (tools/ablate_rules.py, whose WORTH table says what each
is worth); rules that cost nothing with the encoder and nothing without it were removed. Those
marked "words alone" earn their place only with the encoder off (TPM_BOT_ENCODER=off).
"""

from __future__ import annotations

import functools
import gc
import math
import os
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from rapidfuzz import fuzz, process

from bot.core import text as tx
from bot.core.bank import Evidence, ExampleBank, VectorStore
from bot.core.calibration import Calibration, load_calibration
from bot.core.markup import clean_slack_text
from bot.core.models import KnowledgeBase, Section
from bot.core.parts import asked_part, list_of
from bot.core.spelling import SpellingCorrector
from bot.core.uncovered import Uncovered

if TYPE_CHECKING:  # typing's Literal costs import time the CLI does not need at run time
    from typing import Literal

    Status = Literal["answer", "partial", "suggest", "none"]
    Intent = Literal["question", "help", "thanks"]

#: The maintained word list, shipped as package data and parsed when a matcher is built.
LEXICON_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lexicon.yaml")

#: Most words a question contributes; a rambling paste costs no more than a normal question.
MAX_QUERY_WORDS = 60
#: Sentences whose vectors are remembered (a follow-up or a two-part question reads its parts
#: again while being decided).
SENTENCES_REMEMBERED = 256
#: How far (cosine) the encoder's reading of a whole message must favour a section that neither
#: part answers before a two-part split is taken back.
SPLIT_DOUBT = 0.08
#: How many candidates a result reports.
MAX_CANDIDATES = 5
#: How many sections get the full (phrase and fuzzy) score after the cheap coverage pass.
SHORTLIST = 16
#: ... plus this many of the encoder's best sections that the words alone did not shortlist.
SEMANTIC_SHORTLIST = 5
#: Decisions kept for questions asked again word for word (suggested prompts, "/tpm salary", a
#: popular question in a busy channel): a repeat costs a dictionary lookup, not a reading.
RECENT_QUESTIONS = 1024
#: Up to this many sections, every section's phrase index is made at build time (and so is in
#: the start-up cache); above it, each is made when the section is first scored.
EAGER_SECTIONS = 1000

# Weights of the three signals, and the decision thresholds on the 0-100 score.
W_COVERAGE, W_PHRASE, W_FUZZY = 0.3, 0.2, 0.5
ANSWER_SCORE = 45.0
CONFIDENT_SCORE = 65.0
ANSWER_MARGIN = 3.0
#: A very high score may win by less, but a near tie is always offered as "did you mean".
CONFIDENT_MARGIN = 1.0
#: A question of one word with less weight than this (used by most sections) gets a suggestion.
GENERIC_IDF = 0.8
SUGGEST_SCORE = 40.0
#: The lexical matcher's thresholds, in the encoder's calibrated form.
_LEXICAL = Calibration(
    0.0, ANSWER_SCORE, ANSWER_MARGIN, CONFIDENT_SCORE, CONFIDENT_MARGIN, SUGGEST_SCORE, 1.01, 0.0
)
#: Points for a section whose own phrases ask what the question asks (pay, level, ...), times
#: the share of its phrases that do.
ASPECT_BONUS = 12.0
#: Words the guide never uses weigh this much (relative to the rarest guide word) against a
#: question that names the TPM role: its topic is clearer, so stray words matter less.
UNKNOWN_WEIGHT_WITH_ROLE = 0.25
#: ... but each of them weighs at least this much, so that a question naming the role and
#: several things the guide never mentions is not answered as if it were only about the role.
UNKNOWN_EACH_WITH_ROLE = 0.1
#: Words alone (no encoder), without the role named, a question whose weight is this much in
#: words the guide never uses is about something else ("what is the population of India?").
MAX_UNKNOWN_SHARE_WITHOUT_ROLE = 0.4
#: Extra aspect share for a section whose title names the qualifier the question names ("what
#: is a *senior* TPM responsible for?" is about the senior level before it is about duties).
SUBJECT_SHARE = 1.5
#: Factor on the score of a section that is not about the one level a question names.
SUBJECT_OTHERS = 0.93
#: Weight of terms found only in a section's summary, body or source, relative to its title,
#: aliases and questions, which are written to be matched.
BODY_WEIGHT = 0.5
#: Weight of words in a clause about the asker rather than the question.
BACKGROUND_WEIGHT = 0.3
#: Most that all background words together weigh, relative to the question's own words.
BACKGROUND_MAX_SHARE = 0.5
#: Weight of the previous answer's title words when reading an elliptical follow-up.
CONTEXT_WEIGHT = 0.5
#: The term every way of asking for a comparison becomes ("vs", "difference", ...).
COMPARE_TERM = "compar"
#: What every number in a question becomes for the word list's phrases ("in nnn years").
NUMBER = "nnn"
#: The term "how much" becomes (text.py), which otherwise speaks for the pay section.
HOW_MUCH = "howmuch"
#: Trigger keys for the two senses of "TPM" that are not gaps.
DECLINE, PROGRAM = -1, -2
#: A follow-up is short; longer messages stand on their own.
FOLLOW_UP_MAX_TERMS = 3

_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+\b")
#: A step named by its number: "step 2", "step #3", "the first step", "pehla step".
_ORDINALS = {
    "first": 1, "1st": 1, "pehla": 1, "pehli": 1,
    "second": 2, "2nd": 2, "dusra": 2, "doosra": 2, "dusri": 2,
    "third": 3, "3rd": 3, "teesra": 3, "tisra": 3, "teesri": 3,
}  # fmt: skip
_STEP_NUMBER = re.compile(
    r"\bstep\s*(?:no\.?\s*|#\s*)?(\d)\b|\b(" + "|".join(_ORDINALS) + r")\s+step\b"
)
_TITLE_STEP = re.compile(r"step\s+(\d)\b")
#: A word right after "in", "at", "from" or "based in" names a place or company as surely as a
#: capital letter does: "salary in berlin" asks what "salary in Berlin" asks.
_AFTER_PLACE_WORD = re.compile(r"\b(?:in|at|from|near)\s+([a-z][a-z]+)\b")
#: Short forms written with a full stop before the word they qualify ("sr. TPM", "vs. PM"): the
#: stop is not the end of a sentence (words alone: 1 dev 1-9 in-domain).
_DOTTED = re.compile(r"\b(sr|jr|snr|mr|mrs|ms|dr|vs|approx|avg)\.(?=\s)", re.IGNORECASE)
#: "(technical)", "(not sr)": a short aside in brackets belongs to its sentence.
_SHORT_ASIDE = re.compile(r"\(\s*([\w'-]+(?:\s+[\w'-]+){0,2})\s*\)")
_CLAUSE_BREAK = re.compile(r"(?<=[?!.;:])\s+|\s*[,()]\s*|\s+-+\s+|\s+but\s+")
_QUESTION_START = frozenset(
    """
    what whats what's how hows how's howmuch is are am can could should would do does did will
    which who whom why when where any tell explain kya kaise kitna kitni kitne kyun kaun konsa
    """.split()
)
_PART_JOINERS = frozenset(["and", "also", "aur", "plus"])
#: Joiners that start a second question whatever follows ("... aur salary kitni hai"); plain
#: "and" does so only before a question word, since "PM and TPM" is one thing.
_STRONG_JOINERS = frozenset(["also", "aur", "plus"])
#: Words after which "also" qualifies a verb ("does it also", "can I also", "they also").
_ADVERB_BEFORE = frozenset(
    "it they i we you he she does do did is are was were can could will would should may "
    "might must has have had".split()
)
_FOLLOW_UP_OPENERS = (
    " and ",
    " aur ",
    " what about ",
    " how about ",
    " what of ",
    " same for ",
    " for ",
    " also ",
    " then ",
    " ok and ",
    " so what about ",
)
#: Question words that, with the role alone, make a whole question ("what is a TPM").
_DEFINING = frozenset(["what", "who", "whats", "what's", "define", "meaning", "explain"])
_FOLLOW_UP_REFERENCES = frozenset(
    "that it this those them they their one there usme isme uska iska uske iske unka inka ye yeh woh "
    "inko unko inhe unhe isse usse unke inke unki inki iski uski itna itni itne utna wahan "
    "yahi wahi".split()
)


def _mean_evidence(alone: Evidence, together: Evidence) -> Evidence:
    """Two readings' evidence as one: each section's mean (a section one reading does not list
    counts at that reading's lowest), the nearer of the two nearest examples."""
    first, second = dict(alone.sections), dict(together.sections)
    low_first = alone.sections[-1][1] if alone.sections else 0.0
    low_second = together.sections[-1][1] if together.sections else 0.0
    merged = {
        i: (first.get(i, low_first) + second.get(i, low_second)) / 2 for i in {*first, *second}
    }
    ranked = sorted(merged.items(), key=lambda pair: pair[1], reverse=True)
    nearer = alone if alone.nearest >= together.nearest else together
    return Evidence(ranked, nearer.nearest, nearer.nearest_label)


#: Where a message plainly holds another question: a question mark with more after it, "+",
#: numbered items, "separately", "unrelated, but", "also" after a pause, "and"/"aur" after a
#: pause, or a new sentence that opens with a question word.
_QUESTION_BREAK = re.compile(
    r"""(?P<item>(?:^|\s|(?P<item_mark>\?+)\s*)\(?(?:\d|[a-c])\s?[).:]\s)
    | (?P<mark>\?+)\s+(?=\S)
    | (?P<plus>\s[+&]\s | ;\s+)
    | (?P<turn>[,.;:]?\s+(?:separately|(?:totally\s+)?unrelated(?:\s+to\s+[^,?.]{1,40})?,?(?:\s+but)?
        |additionally|btw|p\.?s\.?
        |on\s+(?:another|a\s+separate|a\s+different)\s+(?:note|matter|topic)
        |diff(?:erent)?\s+q(?:uestion)?|new\s+question|chalo\s+chhodo|anyways?
        |one\s+more\s+(?:thing|q|question)|another\s+(?:thing|q|question))\b[,:]?)
    | [,.;]\s*also\b[,:]?
    | [,.;]\s+(?:and|aur)\s+
    | \s(?:and|aur)\s+(?=(?:kya|what|whats|how|who|which|why|when|where|is|are|do|does|can)\b)
    | ,\s+(?=(?:what|whats|what's|how|who|which|why|when|where)\b)
    | \.\s+(?=(?:what|whats|how|who|which|why|when|where|is|are|can|could|does|do|kya|kitna|kitni|kitne)\b)
    """,
    re.X | re.I,
)
_LEADING_JOINER = re.compile(
    r"^\W*(?:and|aur|also|plus|q|separately|(?:totally\s+)?unrelated,?(?:\s+but)?|additionally"
    r"|btw|p\.?s|on\s+(?:another|a\s+separate|a\s+different)\s+(?:note|matter|topic)"
    r"|diff(?:erent)?\s+q(?:uestion)?|new\s+question|chalo\s+chhodo|anyways?"
    r"|one\s+more\s+(?:thing|q|question)|another\s+(?:thing|q|question))\b\W*",
    re.I,
)
#: Words that say a new subject starts ("thanks. on a separate note, ...", "diff q: ...").
_FRESH_START = re.compile(
    r"\b(?:separately|unrelated|on\s+(?:another|a\s+separate|a\s+different)\s+(?:note|matter"
    r"|topic)|diff(?:erent)?\s+q(?:uestion)?|new\s+question|chalo\s+chhodo|anyways?)\b",
    re.I,
)
#: How a question or a request opens ("what ...", "wats ...", "please describe ...").
_ASKING_OPENERS = frozenset(
    "tell explain describe please kindly share give list define elaborate suggest wat wats "
    "whts wht hw".split()
)
#: The last sentence of a piece (after a full stop, "!" or a colon).
_LAST_SENTENCE = re.compile(r"[.!:]\s+([^.!:]+)$")
#: Hindi question words, which come late in a sentence.
_HINDI_ASKING = frozenset(
    "kya kaise kaisa kaisi kitna kitni kitne kaun kaunsa kaunse kaunsi konsa konse kab kahan "
    "kyun kyu batao bataiye batana samjhao".split()
)
#: Most questions a reply answers at once.
MAX_PARTS = 3
#: Words by which one question of a message leans on an earlier one ("... and the pay at that
#: level?"): then it is read with the sections the earlier ones were answered with.
_PART_REFERENCES = frozenset("that it this those them they their such usme uska uske unka".split())
#: What the guide lacks, said of a part of a message that matches nothing in it.
_OTHER_QUESTION = "your other question"


def question_parts(cleaned: str) -> list[str]:
    """The questions a message plainly holds, two words or more each. What only tells (the
    story before a question) is left out: a part counts when a question mark ends it, it
    opens as a question or a request, or it is an item of a list ("1)", "+")."""
    pieces: list[tuple[str, bool, bool, bool]] = []  # text, asked, listed, numbered
    at = 0
    listed_next = numbered_next = False
    for found in _QUESTION_BREAK.finditer(cleaned):
        text = cleaned[at : found.start()]
        listed = listed_next or bool(found.group("plus"))
        asked = bool(found.group("mark") or found.group("item_mark")) or text.rstrip().endswith("?")
        pieces.append((text, asked, listed, numbered_next))
        listed_next = bool(found.group("item") or found.group("plus") or found.group("turn"))
        numbered_next = bool(found.group("item"))
        at = found.end()
    tail = cleaned[at:]
    pieces.append((tail, tail.rstrip().endswith("?"), listed_next, numbered_next))
    parts: list[str] = []
    for text, asked, listed, numbered in pieces:
        listed = listed or text.lstrip().startswith(("&", "+"))  # "what's a TPM? & the pay?"
        joiner = _LEADING_JOINER.match(text.strip().lstrip("&+"))
        # "... also anything on interview rounds", "and additionally the scope of ...": a word
        # that adds a question (more than "and") makes what follows one.
        listed = listed or bool(joiner and set(joiner.group().lower().split()) - {"and", "aur"})
        text = _LEADING_JOINER.sub("", text.strip().lstrip("&+")).strip(" ,;:-")
        words = text.lower().split()
        opener = words[0].strip("'\"*_") if words else ""
        # Hindi asks at the end ("TPM kya hota hai", "salary kitni hai"): a question word
        # anywhere in the part.
        opens = (
            opener in _QUESTION_START
            or opener in _ASKING_OPENERS
            or bool(_HINDI_ASKING.intersection(w.strip("?,.!") for w in words))
        )
        if len(words) < 3 and not opens and not numbered:
            # "... on a regular basis? only engineers?": a short afterthought to the question
            # before it, not a question of its own.
            if parts:
                parts[-1] = f"{parts[-1]} {text}"
            continue
        if not (asked or listed or opens):
            # "Story time: ... Two qs: what's the overall path ...": the question after the
            # asker's story, where a sentence or a colon ends it.
            last = _LAST_SENTENCE.search(text)
            if last and last.group(1).split()[0].lower() in _QUESTION_START:
                parts.append(last.group(1))
            continue
        parts.append(text)
    return parts


class Candidate(NamedTuple):
    section: Section
    score: float


class MatchResult(NamedTuple):
    """What the matcher concluded about one question."""

    query: str
    cleaned: str
    status: Status  # "answer", "partial", "suggest" or "none"
    intent: Intent  # "question", "help" (greetings, pleas for help) or "thanks"
    candidates: tuple[Candidate, ...]
    #: What the guide lacks, read after "The guide doesn't cover ": set for "partial", and for
    #: "none" when the question is about another meaning of "TPM".
    not_covered: str = ""
    #: Further sections a two-part question asks about (with "answer" or "partial").
    also: tuple[Section, ...] = ()
    #: What read the question: "encoder" (examples and words) or "lexical" (words alone).
    engine: str = "lexical"

    @property
    def section(self) -> Section | None:
        """The answering section: set for an answer and for a partial answer's closest topic."""
        if self.status in ("answer", "partial") and self.candidates:
            return self.candidates[0].section
        return None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


class _Phrase(NamedTuple):
    terms: frozenset[str]
    weight: float  # sum of the terms' IDF
    sorted_text: str  # distinct terms in sorted order, for rapidfuzz


# Plain classes with __slots__ rather than NamedTuples for internal records: a NamedTuple class
# is generated with eval when the module is imported, which every cached `tpm-bot ask` pays.


class _Gap:
    __slots__ = ("about", "asks", "not_covered", "section", "told")

    def __init__(
        self,
        about: tuple[str, ...],
        asks: str,
        not_covered: str,
        section: str | None,
        told: bool = False,
    ) -> None:
        self.about = about  # padded canonical phrases, any of which triggers the gap
        self.asks = asks  # the aspect the question must ask, or "" for any
        #: Also triggered by what the asker says about themselves ("I'm a fresher, can I become
        #: a TPM?"), when the question asks `asks`.
        self.told = told
        self.not_covered = not_covered
        self.section = section  # closest covered section id; None: the best match; "": decline


class _Lexicon:
    """The parts of lexicon.yaml the matcher consults per question, in canonical form."""

    __slots__ = (
        "acknowledgement",
        "after",
        "after_last",
        "asks",
        "background",
        "before",
        "decline",
        "gaps",
        "help_words",
        "named",
        "program",
        "requests",
        "social",
        "subjects",
        "thanks_words",
        "triggers",
    )

    def __init__(
        self,
        help_words: frozenset[str],
        thanks_words: frozenset[str],
        background: tuple[str, ...],
        asks: dict[str, frozenset[str]],
        subjects: frozenset[str],
        gaps: tuple[_Gap, ...],
        triggers: dict[str, tuple[tuple[str, int], ...]],
        named: str,
        program: str,
        acknowledgement: frozenset[str],
        requests: frozenset[str],
        decline: str = "",
        after: tuple[str, ...] = (),
        before: tuple[str, ...] = (),
        after_last: str = "",
    ) -> None:
        self.after_last = after_last  # what a follow-up past the end of a sequence is told
        self.after = after  # padded phrases asking what comes after a topic
        self.before = before  # ... and what comes before it
        self.requests = requests  # terms that only ask for more of the earlier answer
        self.social = help_words | thanks_words | acknowledgement  # every word of a social message
        self.acknowledgement = acknowledgement  # small words of a thank-you ("that was")
        self.named = named  # what a partial answer says about a name the guide never uses
        self.program = program  # what it says to a question about technical program managers
        self.decline = decline  # what it says to a question about another meaning of "TPM"
        self.help_words = help_words
        self.thanks_words = thanks_words
        self.background = background  # padded clause starts
        self.asks = asks  # aspect -> terms and words
        self.subjects = subjects  # qualifiers that say which section a question is about
        self.gaps = gaps
        #: first word -> (padded phrase, what it triggers): DECLINE, PROGRAM or a gap's index
        self.triggers = triggers


class _Query(NamedTuple):
    terms: list[str]
    weights: dict[str, float]
    total: float
    text: str
    names_role: bool
    compares_pm: bool  # names the product manager and the TPM, and asks how they compare
    names_other_role: bool
    unknown_share: float
    asks: frozenset[str]
    subjects: frozenset[str]  # qualifiers the question names ("senior")
    names: tuple[str, ...]  # proper names the guide never uses
    focus: str  # padded canonical words of the question's own clauses, for gap look-up
    told: str = " "  # padded canonical words of what the asker says about themselves
    sentence: str = ""  # what the sentence encoder reads: the message, or this part of it
    context: str = ""  # a follow-up's subject, which the encoder also reads it with


class _Prepared:
    __slots__ = ("aspects", "phrases", "texts", "where")

    def __init__(
        self,
        phrases: list[_Phrase],
        texts: list[str],
        where: dict[str, list[int]],
        aspects: dict[str, float],
    ) -> None:
        self.phrases = phrases
        self.texts = texts  # each phrase's sorted_text, for rapidfuzz
        self.where = where  # term -> numbers of the phrases that use it
        self.aspects = aspects  # share of the phrases asking each aspect


class _Clause:
    __slots__ = ("asked", "background", "names", "words")

    def __init__(
        self,
        words: list[str],
        background: bool,
        names: tuple[str, ...] = (),
        asked: bool = False,
    ) -> None:
        self.words = words  # canonical words, spelling repaired
        self.background = background
        self.names = names  # proper names the guide never uses ("Flipkart", "Pune")
        self.asked = asked  # ends with "?" or opens with a question word


class _Decision:
    __slots__ = ("not_covered", "ranked", "status")

    def __init__(self, status: Status, ranked: list[tuple[int, float]], not_covered: str = ""):
        self.status = status
        self.ranked = ranked
        self.not_covered = not_covered


def load_lexicon(path: str = LEXICON_PATH) -> dict[str, Any]:
    """The raw word list. YAML is imported here, at build time, never on a cached start-up;
    with libyaml's parser where PyYAML has it (a tenth of the pure-Python parser's time)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader) or {}


#: Words before another job's name that make it someone the TPM works with, not the subject:
#: "tasks for developers", "working alongside engineers", "from developer to TPM".
_COLLABORATION = frozenset("for with to alongside between and from like among across into".split())
_ARTICLES = frozenset(["a", "an", "the", "other", "our", "my", "their"])
#: The jobs the guide names as a TPM's collaborators; other jobs stay the subject wherever they
#: stand ("the career ladder for a teacher").
_COLLABORATORS = frozenset(["engineer", "developer", "designer", "marketer", "programmer"])


def _other_role_is_subject(words: list[str], index: int) -> bool:
    """Whether words[index] names another job as what the question is about."""
    word = words[index]
    if word not in tx.OTHER_ROLES and not (word.endswith("s") and word[:-1] in tx.OTHER_ROLES):
        return False
    if word.rstrip("s") not in _COLLABORATORS:
        return True
    back = index - 1
    while back >= 0 and words[back] in _ARTICLES:
        back -= 1
    return back < 0 or words[back] not in _COLLABORATION


def _file_stamp(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_size}|{stat.st_mtime_ns}"


def _word_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value or ()]


class Matcher:
    """Scores questions against a knowledge base; build once, then call `match` per question."""

    def __init__(
        self,
        kb: KnowledgeBase,
        lexicon: dict[str, Any] | None = None,
        vectors: VectorStore | None = None,
    ) -> None:
        """`vectors` turns the sentence encoder on (its examples embedded through that store);
        without it the matcher reads words alone (TPM_BOT_ENCODER=off)."""
        # Building allocates millions of small objects and none of them form cycles, so the
        # cyclic collector would only rescan them over and over (a third of the build time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(kb, lexicon)
        finally:
            if collecting:
                # No gc.freeze() here: freezing also pins whatever cyclic garbage the process
                # holds at that moment, forever, and a server rebuilds on every reload (30
                # reloads grew `serve` by 59 MB). The next collection walks the new objects
                # once, in the background of whatever runs next.
                gc.enable()
        self._bank = ExampleBank.build(kb, vectors) if vectors is not None else None
        self._encoder = vectors.encoder if vectors is not None else None
        self._calibration = load_calibration() if vectors is not None else None
        self._start_remembering()

    @property
    def engine(self) -> str:
        """ "encoder" when examples are read by the sentence encoder, else "lexical"."""
        return "lexical" if self._bank is None else "encoder"

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Refuse a start-up cache built from another version of the word list.

        The cache is keyed by the knowledge files and the code, not by lexicon.yaml, so an edited
        word list is caught here; the ValueError makes the cache rebuild the matcher.
        """
        stamp = state.get("_lexicon_stamp")
        if stamp is not None and stamp != _file_stamp(LEXICON_PATH):
            raise ValueError("the word list changed since this matcher was cached")
        self.__dict__.update(state)
        self._start_remembering()

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the decisions remembered for repeated questions, which belong to
        this process."""
        state = self.__dict__.copy()
        state.pop("_recent", None)
        state.pop("_evidence", None)
        return state

    def _start_remembering(self) -> None:
        # lru_cache is thread-safe and bounded; a new matcher (a reload) starts empty, so a
        # remembered decision never outlives the knowledge it was made from. The caches wrap
        # plain functions holding a weak reference, never bound methods: a cache on a bound
        # method would keep the old matcher alive after a reload swapped it out.
        this = weakref.ref(self)

        def decide(cleaned: str, history: tuple[str, ...]) -> MatchResult:
            matcher = this()
            assert matcher is not None
            return matcher._match_cleaned(cleaned, history)

        def evidence(sentence: str) -> Evidence:
            matcher = this()
            assert matcher is not None and matcher._encoder is not None
            assert matcher._bank is not None
            return matcher._bank.evidence(matcher._encoder.encode([sentence])[0])

        self._recent = functools.lru_cache(maxsize=RECENT_QUESTIONS)(decide)
        #: The encoder's evidence per section for a sentence, best first.
        self._evidence = functools.lru_cache(maxsize=SENTENCES_REMEMBERED)(evidence)

    def _build(self, kb: KnowledgeBase, lexicon: dict[str, Any] | None) -> None:
        self.kb = kb
        self._lexicon_stamp = _file_stamp(LEXICON_PATH) if lexicon is None else None
        raw = load_lexicon() if lexicon is None else lexicon
        self._text = tx.Normaliser(
            words={str(k): str(v) for k, v in (raw.get("words") or {}).items()},
            phrases={str(k): str(v) for k, v in (raw.get("phrases") or {}).items()},
            filler=frozenset(_word_list(raw.get("filler"))),
        )
        self._lexicon = self._read_lexicon(raw)
        self._asking_terms = frozenset().union(*self._lexicon.asks.values())
        sections = kb.sections
        # Other jobs' names and the word list's words are real words to keep, not typos to
        # repair into ours.
        vocabulary = Counter([*tx.STOPWORDS, *tx.OTHER_ROLES, *self._lexicon_vocabulary(raw)])
        strong: list[dict[str, float]] = []
        phrase_terms: list[list[list[str]]] = []
        for section in sections:
            matchable = [section.title, *section.aliases, *section.questions]
            descriptive = [section.summary, section.body, section.source]
            if section.comparison:
                comparison = section.comparison
                descriptive += [comparison.left, comparison.right]
                descriptive += [f"{r.aspect} {r.left} {r.right}" for r in comparison.rows]
            words, analysed = self._text.analyse_many(matchable)
            vocabulary.update(words)
            # The prose only counts as a set of terms, so it is read in one go.
            described = [self._analyse("\n".join(descriptive), vocabulary)]
            weights = self._term_strengths(analysed, described)
            strong.append(weights)
            phrase_terms.append(analysed)

        self._speller = SpellingCorrector(vocabulary, _word_list(raw.get("real_words")))
        count = len(sections)
        document_frequency = Counter(chain.from_iterable(strong))
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for term, df in document_frequency.items()
        }
        self._unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        # term -> [(section index, weight)]; very common terms are left out of candidate search.
        postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, weights in enumerate(strong):
            for term, weight in weights.items():
                postings[term].append((index, weight))
        self._postings = dict(postings)
        self._common = {t for t, df in document_frequency.items() if df > max(8, count // 2)}
        self._section_terms = strong
        self._title_terms = [list(dict.fromkeys(analysed[0])) for analysed in phrase_terms]
        # The qualifiers ("senior", "mid") each title names: what the section is about.
        subjects = self._lexicon.subjects
        self._subjects = [
            subjects.intersection(self._text.split_words(s.title))
            if any(q in s.title.lower() for q in subjects)
            else frozenset()
            for s in sections
        ]
        # Each section's phrase index is made the first time the section is scored: a large
        # knowledge base is built quickly, and a question only ever scores its shortlist.
        self._phrase_terms = phrase_terms
        self._prepared: dict[int, _Prepared] = {}
        if count <= EAGER_SECTIONS:
            for index in range(count):
                self._prepare(index)
        self._index_of = {s.id: i for i, s in enumerate(sections)}
        self._uncovered = Uncovered(kb)
        self._added = frozenset(i for i, s in enumerate(sections) if s.id in kb.added)
        # The knowledge base's `next` order, both ways, for "and after that?" / "before that?".
        self._after = {i: self._index_of[s.next] for i, s in enumerate(sections) if s.next}
        self._before = {n: i for i, n in self._after.items()}
        self._step_numbers = {
            i: found.group(1)
            for i, s in enumerate(sections)
            if (found := _TITLE_STEP.match(s.title.lower()))
        }

    # -- build ------------------------------------------------------------------------------

    def _prepare(self, index: int) -> _Prepared:
        """A section's phrases, their term index and its aspect profile (made once)."""
        prepared = self._prepared.get(index)
        if prepared is None:
            analysed = self._phrase_terms[index]
            phrases = self._phrases_of(analysed)
            where: defaultdict[str, list[int]] = defaultdict(list)
            for number, candidate in enumerate(phrases):
                for term in candidate.terms:
                    where[term].append(number)
            prepared = _Prepared(
                phrases,
                [p.sorted_text for p in phrases],
                dict(where),
                self._aspect_profile(analysed),
            )
            self._prepared[index] = prepared
        return prepared

    def _phrases_of(self, analysed: list[list[str]]) -> list[_Phrase]:
        idf = self._idf.__getitem__
        phrases = []
        for terms in analysed:
            if terms:
                distinct = frozenset(terms)
                phrases.append(
                    _Phrase(distinct, sum(map(idf, distinct)), " ".join(sorted(distinct)))
                )
        return phrases

    @staticmethod
    def _term_strengths(
        matchable: list[list[str]], descriptive: list[list[str]]
    ) -> dict[str, float]:
        """How strongly each term speaks for a section: fully when a title, alias or question
        uses it (they are written to be matched), BODY_WEIGHT when only the prose does."""
        strengths = {term: BODY_WEIGHT for text in descriptive for term in text}
        strengths.update((term, 1.0) for phrase in matchable for term in phrase)
        return strengths

    def _analyse(self, value: str, vocabulary: Counter[str]) -> list[str]:
        """A knowledge-base text's terms; its words join the spelling vocabulary on the way."""
        words, terms = self._text.analyse_words(value)
        vocabulary.update(words)
        return terms

    def _canonical(self, phrase: str) -> str:
        """A word-list phrase in the same canonical form as a question's words, padded."""
        return f" {' '.join(self._text.canonical_words(self._text.split_words(phrase)))} "

    def _read_lexicon(self, raw: dict[str, Any]) -> _Lexicon:
        social = raw.get("social") or {}
        senses = raw.get("senses") or {}
        # Both stems and plain words: some asks are small words ("why") that are not terms.
        asks = {
            str(name): frozenset(
                t for w in _word_list(words) for t in (*self._text.analyse(w), w.lower())
            )
            for name, words in (raw.get("asks") or {}).items()
        }
        gaps = []
        for entry in raw.get("gaps") or ():
            section = entry.get("section")
            gaps.append(
                _Gap(
                    about=tuple(self._canonical(str(a)) for a in entry.get("about") or ()),
                    asks=str(entry.get("asks") or ""),
                    not_covered=str(entry.get("not_covered") or ""),
                    section=None if section is None else ("" if section == "none" else section),
                    told=bool(entry.get("told")),
                )
            )
        background = str(raw.get("background") or "").replace("\n", " ")
        return _Lexicon(
            help_words=frozenset(_word_list(social.get("help"))),
            thanks_words=frozenset(_word_list(social.get("thanks"))),
            background=tuple(f" {b.strip()} " for b in background.split("|") if b.strip()),
            asks=asks,
            subjects=frozenset(
                w for s in _word_list(raw.get("subjects")) for w in self._text.split_words(s)
            ),
            gaps=tuple(gaps),
            triggers=self._trigger_index(senses, gaps),
            named=str(raw.get("named") or "anything specific to {name}"),
            program=str(senses.get("program_note") or "the technical program manager role"),
            decline=str(senses.get("decline_note") or ""),
            acknowledgement=frozenset(_word_list(social.get("acknowledgement"))),
            requests=frozenset(
                t for w in _word_list(raw.get("requests")) for t in self._text.analyse(w)
            ),
            after=self._phrase_list(raw.get("after")),
            after_last=str(raw.get("after_last") or 'anything after "{title}"'),
            before=self._phrase_list(raw.get("before")),
        )

    def _phrase_list(self, value: Any) -> tuple[str, ...]:
        """A word-list entry of phrases separated by "|", each canonical and padded."""
        return tuple(self._canonical(p) for p in str(value or "").split("|") if p.strip())

    def _trigger_index(
        self, senses: dict[str, Any], gaps: list[_Gap]
    ) -> dict[str, tuple[tuple[str, int], ...]]:
        """Every sense and gap phrase filed under its first word, so a question only tries the
        phrases that can start at one of its words."""
        found: dict[str, list[tuple[str, int]]] = {}
        entries = [(self._canonical(p), DECLINE) for p in senses.get("decline") or ()]
        entries += [(self._canonical(p), PROGRAM) for p in senses.get("program") or ()]
        entries += [(phrase, n) for n, gap in enumerate(gaps) for phrase in gap.about]
        for phrase, key in entries:
            if phrase.strip():
                found.setdefault(phrase.split()[0], []).append((phrase, key))
        return {word: tuple(items) for word, items in found.items()}

    def _triggered(self, focus: str) -> set[int]:
        """What the word list's phrases found in a question's own words."""
        triggers = self._lexicon.triggers
        hits: set[int] = set()
        for word in triggers.keys() & set(focus.split()):
            hits.update(key for phrase, key in triggers[word] if phrase in focus)
        return hits

    @staticmethod
    def _lexicon_vocabulary(raw: dict[str, Any]) -> list[str]:
        """Every word the word list knows, so spelling repair leaves it alone."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    walk(str(key))
                    walk(inner)
            elif isinstance(value, list | tuple):
                for inner in value:
                    walk(inner)
            elif value is not None:
                found.extend(tx.plain_words(str(value)))

        walk({k: v for k, v in raw.items() if k != "real_words"})  # kept, not repair targets
        return found

    def _aspect_profile(self, analysed: list[list[str]]) -> dict[str, float]:
        """Share of a section's own phrases asking each aspect: what the section answers."""
        phrases = [p for p in analysed if p]
        if not phrases:
            return {}
        asks = self._lexicon.asks
        every = frozenset().union(*asks.values())
        hits = dict.fromkeys(asks, 0)
        for phrase in phrases:
            if every.isdisjoint(phrase):
                continue
            for name, terms in asks.items():
                if not terms.isdisjoint(phrase):
                    hits[name] += 1
        return {name: hit / len(phrases) for name, hit in hits.items()}

    # -- reading the question ---------------------------------------------------------------

    def _clauses(self, cleaned: str) -> list[_Clause]:
        """The message's clauses, spelling repaired and canonical, each marked as background
        (about the asker) or not."""
        clauses: list[_Clause] = []
        marks: list[bool] = []  # whether each clause is itself a question
        for piece, raw_words in self._within_budget(cleaned):
            corrected = [self._speller.correct(w) for w in raw_words]
            if corrected != raw_words:  # a repaired word may complete a phrase: read it again
                corrected = self._text.split_words(" ".join(corrected))
            words = self._text.canonical_words(corrected)
            padded = f" {' '.join(tx.plain_words(piece))} "
            asked = piece.rstrip().endswith("?")
            background = not asked and padded.startswith(self._lexicon.background)
            opening = [w for w in words[:3] if w not in _PART_JOINERS][:1]
            marks.append(asked or bool(opening and opening[0] in _QUESTION_START))
            clauses.append(_Clause(words, background, self._proper_names(piece), marks[-1]))
        leans = any(
            m and _FOLLOW_UP_REFERENCES.intersection(c.words)
            for c, m in zip(clauses, marks, strict=True)
        )
        if any(marks) and "?" in cleaned and not leans:
            # The asker marked the question; the other clauses are what they told us around it
            # ("can someone list what a TPM does? preparing for a role change"), unless the
            # question leans on them ("from a tier 2 city like Indore, will they cut my
            # salary?": -1 dev 1-9 unanswerable with the encoder, -2 without, when dropped).
            # The rule is worth 42 dev 1-9 and 3 dev 10 in-domain questions. A comparison named
            # before the question is its topic, not a story ("principal TPM vs senior TPM -
            # what's the difference?").
            clauses = [
                _Clause(c.words, c.background or not (m or "compare" in c.words), c.names, m)
                for c, m in zip(clauses, marks, strict=True)
            ]
        if not any(self._asks_something(c.words) for c in clauses if not c.background):
            # Nothing is asked outside the background ("i'd like to become a TPM. how would you
            # suggest i go about it?"): the background is the question.
            clauses = [_Clause(c.words, False, c.names, c.asked) for c in clauses]
        return clauses

    def _within_budget(self, cleaned: str) -> list[tuple[str, list[str]]]:
        """The pieces of the message worth reading, in order, with their words.

        A long post is mostly the asker's story, and its question often comes last ("...so my
        question is: how do I become a TPM from here?"). When the words run past the budget,
        the pieces that ask (a "?") are kept first, then the opening piece, then the others
        from the end backwards, so the question is never the part cut off.
        """
        text = _DOTTED.sub(r"\1", cleaned) if "." in cleaned else cleaned  # most have none
        if "(" in text:
            text = _SHORT_ASIDE.sub(r" \1 ", text)
        pieces = [
            (piece, words[:MAX_QUERY_WORDS])
            for piece in _CLAUSE_BREAK.split(text)
            if (words := self._text.split_words(piece))
        ]
        if sum(len(words) for _, words in pieces) <= MAX_QUERY_WORDS:
            return pieces
        asking = [n for n, (piece, _) in enumerate(pieces) if piece.rstrip().endswith("?")]
        rest = [0, *range(len(pieces) - 1, 0, -1)]
        chosen: set[int] = set()
        budget = MAX_QUERY_WORDS
        for n in [*reversed(asking), *rest]:
            if budget <= 0:
                break
            if n not in chosen:
                chosen.add(n)
                budget -= len(pieces[n][1])
        return [pieces[n] for n in sorted(chosen)]

    def _proper_names(self, piece: str) -> tuple[str, ...]:
        """Capitalised words the guide never uses: companies, cities, countries, courses. A
        question about one of them asks for something specific the guide does not have."""
        names: list[str] = []
        found = [(m.start(), m.group()) for m in _CAPITALISED.finditer(piece)]
        found += [(m.start(1), m.group(1).capitalize()) for m in _AFTER_PLACE_WORD.finditer(piece)]
        for _, word in sorted(found):
            low = word.lower()
            if low in tx.OTHER_ROLES or word.capitalize() in names:
                continue  # another job ("switching from QA"), or a name already found
            if low in self._speller or low in self._text.stopwords or not low.isalpha():
                continue  # a guide word or a word of the word list ("SWE")
            # (Exceptions for a greeted name, a capitalised typo and an abbreviation measured
            # 0 on every set, encoder on and off: tools/ablate_rules.py.)
            names.append(word)
        return tuple(names)

    def _names_role(self, clauses: Sequence[_Clause]) -> bool:
        return any(tx.ROLE_TERM in self._text.terms(c.words) for c in clauses)

    def _has_content(self, words: list[str]) -> bool:
        """Whether words name anything the guide knows beyond the role itself."""
        return any(t in self._idf and t != tx.ROLE_TERM for t in self._text.terms(words))

    def _query(
        self,
        clauses: Sequence[_Clause],
        context: Sequence[str] = (),
        asks: frozenset[str] = frozenset(),
    ) -> _Query:
        """Weighted terms of the clauses (background discounted) plus any context terms."""
        weights: dict[str, float] = {}
        focus: list[str] = []
        unknown: list[str] = []
        background: set[str] = set()  # terms met only in background clauses
        for clause in clauses:
            factor = BACKGROUND_WEIGHT if clause.background else 1.0
            if clause.background:
                background.update(self._text.terms(clause.words))
            if not clause.background:
                focus.extend(clause.words)
            for term in self._text.terms(clause.words):
                idf = self._idf.get(term)
                if idf is None:
                    if clause.background or term in self._asking_terms:
                        # The asker's own story says nothing; nor does a word the word list
                        # knows as a way of asking ("promoted") that the guide happens not to
                        # use: what it asks is read separately, and it is no sign of a topic
                        # the guide lacks.
                        continue
                    unknown.append(term)
                    idf = self._unknown_idf
                weights[term] = max(weights.get(term, 0.0), idf * factor)
        focus_terms = set(self._text.terms(focus))
        subjects = self._lexicon.subjects.intersection(focus)
        if not subjects:
            # "I'm joining as a *mid-level TPM*, what will my responsibilities be?": the level the
            # asker holds (a qualifier right before the role) is what the question is about.
            subjects = frozenset(
                w
                for c in clauses
                if c.background
                for w, after in zip(c.words, c.words[1:], strict=False)
                if after == tx.ROLE_TERM and w in self._lexicon.subjects
            )
            for subject in subjects:
                for term in self._text.terms([subject]):
                    if term in self._idf:
                        weights[term] = self._idf[term]
                        focus_terms.add(term)
                        background.discard(term)
        self._cap_background(weights, focus_terms)
        path = self._lexicon.asks.get("path", frozenset())
        if (
            {tx.ROLE_TERM, tx.PM_TERM} <= focus_terms
            and COMPARE_TERM in self._idf
            and not path & (focus_terms | set(focus))
        ):
            # Naming both roles asks how they differ ("do PMs code like TPMs?"), unless it asks
            # about getting from one to the other ("is a PM role useful before becoming a TPM?").
            # Words alone: 6 dev 1-9 in-domain.
            weights.setdefault(COMPARE_TERM, self._idf[COMPARE_TERM])
        measures_other = self._drop_measure_word(focus, weights)
        for term in context:
            if term not in weights and term in self._idf:
                weights[term] = self._idf[term] * CONTEXT_WEIGHT
        terms = list(weights)
        names_role = tx.ROLE_TERM in terms or tx.PM_TERM in terms
        # Only the question's own clauses: "I'm a developer, what do TPMs earn?" is about TPMs.
        names_other_role = bool(tx.OTHER_ROLE_PHRASES.search(" ".join(focus))) or any(
            _other_role_is_subject(focus, i) for i in range(len(focus))
        )
        unknown = list(dict.fromkeys(unknown))
        if names_role and unknown:
            # The question is plainly about the role; its other unknown words are mostly chatter
            # ("long time lurker here"), so together they weigh a fraction of one, yet each
            # still counts a little ("do TPMs use Jira or Asana?" is not about the role alone).
            each = max(UNKNOWN_EACH_WITH_ROLE, UNKNOWN_WEIGHT_WITH_ROLE / len(unknown))
            weights.update(dict.fromkeys(unknown, self._unknown_idf * each))
        total = sum(weights.values())
        focus_terms.update(t for t in weights if t == COMPARE_TERM)
        focus_terms.update(focus)
        if measures_other:
            focus_terms.discard(HOW_MUCH)
        own_asks = frozenset(n for n, t in self._lexicon.asks.items() if t & focus_terms)
        if len(subjects) == 1:
            # "what changes now that I'm a *senior* TPM?" asks about that level, not about levels
            # in general: the qualifier says which level, so it is not a question about levels;
            # "what does a senior TPM do differently?" compares it with the others, which is
            # what that level's own section describes.
            own_asks -= {"level"}
            if tx.PM_TERM not in weights and COMPARE_TERM in weights:
                own_asks -= {"comparison"}
                total -= weights.pop(COMPARE_TERM)
                terms.remove(COMPARE_TERM)
        return _Query(
            terms=terms,
            weights=weights,
            total=total,
            # Fuzzy matching compares the question itself, not the asker's story around it.
            text=" ".join(sorted(t for t in terms if t in focus_terms or t not in background)),
            names_role=names_role,
            compares_pm=COMPARE_TERM in weights and {tx.PM_TERM, tx.ROLE_TERM} <= focus_terms,
            names_other_role=names_other_role,
            unknown_share=sum(weights[t] for t in unknown) / max(total, 1e-9),
            asks=own_asks | frozenset(asks),
            subjects=subjects,
            names=tuple(n for c in clauses if not c.background for n in c.names),
            # Numbers become one placeholder, so the word list can say "nnn years".
            focus=f" {' '.join(NUMBER if w.isdigit() else w for w in focus)} ",
            told=" "
            + " ".join(
                NUMBER if w.isdigit() else w for c in clauses if c.background for w in c.words
            )
            + " ",
            sentence=" ".join(w for c in clauses for w in c.words),
        )

    @staticmethod
    def _cap_background(weights: dict[str, float], focus_terms: set[str]) -> None:
        """A long story around a short question must not outweigh it: the background's words
        together weigh at most BACKGROUND_MAX_SHARE of the question's own (words alone: 1 dev 10
        in-domain)."""
        own = sum(w for t, w in weights.items() if t in focus_terms)
        story = {t: w for t, w in weights.items() if t not in focus_terms}
        total = sum(story.values())
        if own and total > BACKGROUND_MAX_SHARE * own:
            scale = BACKGROUND_MAX_SHARE * own / total
            weights.update((t, w * scale) for t, w in story.items())

    def _drop_measure_word(self, focus: list[str], weights: dict[str, float]) -> bool:
        """ "How much coding ..." measures coding, not pay: the how-much term only speaks for
        the pay section when what follows is pay or nothing at all."""
        if HOW_MUCH not in weights or HOW_MUCH not in focus:
            return False
        at = focus.index(HOW_MUCH)
        following = self._text.terms(focus[at + 1 : at + 3])
        pay = self._lexicon.asks.get("pay", frozenset())
        # Something else the guide knows ("how much coding") or never mentions ("kitni chhutti",
        # how much leave) is measured, not pay.
        if any(t not in pay and t != tx.ROLE_TERM for t in following):
            del weights[HOW_MUCH]
            return True
        return False

    def _social_intent(self, clauses: Sequence[_Clause]) -> Intent | None:
        """ "help" or "thanks" for a message with no question in it, else None."""
        words = [w for c in clauses for w in c.words]
        lexicon = self._lexicon
        social, stop = lexicon.social, self._text.stopwords
        if any(w not in social and w not in stop for w in words):
            return None
        return "thanks" if lexicon.thanks_words.intersection(words) else "help"

    # -- scoring ----------------------------------------------------------------------------

    def _shortlist(self, query: _Query) -> list[int]:
        """Sections sharing a rare term with the question, best coverage first."""
        rare = [t for t in query.terms if t in self._postings and t not in self._common]
        if not rare:
            rare = [t for t in query.terms if t in self._postings]
        scores: dict[int, float] = {}
        for term in rare:
            idf = query.weights[term]
            for index, weight in self._postings[term]:
                scores[index] = scores.get(index, 0.0) + idf * weight
        return sorted(scores, key=scores.__getitem__, reverse=True)[:SHORTLIST]

    def _score(self, index: int, query: _Query) -> float:
        weights = self._section_terms[index]
        wanted = query.weights
        # Only the terms both share add anything; the set operation finds them in C.
        coverage = sum(wanted[t] * weights[t] for t in wanted.keys() & weights.keys()) / query.total
        prepared = self._prepared.get(index) or self._prepare(index)
        phrases = prepared.phrases
        # IDF weight each phrase shares with the question, via the section's term -> phrases
        # index, so only phrases that share a term are visited.
        shared: dict[int, float] = {}
        where = prepared.where
        for term, weight in query.weights.items():
            for number in where.get(term, ()):
                shared[number] = shared.get(number, 0.0) + weight
        total, phrase = query.total, 0.0
        for number, weight in shared.items():
            value = 2 * weight / (total + phrases[number].weight)
            if value > phrase:
                phrase = value
        # Both sides are pre-sorted, so a plain ratio equals rapidfuzz's token_sort_ratio
        # without re-splitting and re-sorting every phrase on every question.
        best = process.extractOne(query.text, prepared.texts, scorer=fuzz.ratio)
        fuzzy = best[1] if best else 0.0
        score = 100 * (W_COVERAGE * coverage + W_PHRASE * phrase + W_FUZZY * fuzzy / 100)
        aspect = prepared.aspects
        share = 0.0
        for asked in query.asks:
            share = max(share, aspect.get(asked, 0.0))
        if query.subjects and query.subjects & self._subjects[index]:
            share += SUBJECT_SHARE
        # The bonus shrinks as the score nears 100, so scores stay on one 0-100 scale and a
        # perfect textual match is never overtaken by the aspect alone.
        score += share * ASPECT_BONUS * (100 - score) / 100
        if len(query.subjects) == 1 and not query.subjects & self._subjects[index]:
            # One level named: a section about another level, or about none, is a step behind
            # one about that level, even when both match its words perfectly.
            score *= SUBJECT_OTHERS
        return score

    def _rank(self, query: _Query) -> list[tuple[int, float]]:
        """Sections by score, best first. With the encoder, each score is one blend of the
        lexical score and the encoder's nearest-example evidence (both 0-100), over the
        sections either one shortlists."""
        if not query.terms:
            return []
        lexical = {i: self._score(i, query) for i in self._shortlist(query)}
        if self._bank is None or self._calibration is None or not query.sentence:
            scored = [(i, round(score, 2)) for i, score in lexical.items()]
        else:
            found = self._evidence(query.sentence)
            if query.context:
                found = _mean_evidence(found, self._evidence(f"{query.context}: {query.sentence}"))
            evidence = self._uncovered.sections_only(found.sections)
            semantic = dict(evidence)
            floor = evidence[-1][1] if evidence else 0.0
            for index, _ in evidence[:SEMANTIC_SHORTLIST]:
                if index not in lexical:
                    lexical[index] = self._score(index, query)
            weight = self._calibration.encoder_weight
            # Words the guide never uses count against an answer, unless the wording is as close
            # to an example as examples are to each other: then they are how people ask it.
            doubt = 1.0
            if found.nearest < self._calibration.familiar:
                doubt -= self._calibration.unknown_penalty * query.unknown_share
            scored = [
                (
                    i,
                    round(
                        doubt * ((1 - weight) * score + weight * 100 * semantic.get(i, floor)), 2
                    ),
                )
                for i, score in lexical.items()
            ]
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored

    def _candidates(self, ranked: list[tuple[int, float]]) -> tuple[Candidate, ...]:
        return tuple(Candidate(self.kb.sections[i], s) for i, s in ranked[:MAX_CANDIDATES])

    # -- deciding ---------------------------------------------------------------------------

    def match(self, question: str, history: Sequence[str] = ()) -> MatchResult:
        """Clean, read and decide: answer, partial, suggest or none (social messages get the help
        or thanks intent). `history` holds the ids of sections answered earlier in the same
        conversation, oldest first; an elliptical follow-up is read against the latest."""
        result: MatchResult = self._recent(clean_slack_text(question), tuple(history))
        return result._replace(query=question, engine=self.engine)

    def _match_cleaned(
        self, cleaned: str, history: tuple[str, ...], split_questions: bool = True
    ) -> MatchResult:
        question = cleaned
        clauses = self._clauses(cleaned)
        whole = cleaned  # what the encoder reads of a question that stands alone
        intent = self._social_intent(clauses)
        previous = self._previous(history)
        follow_up = previous is not None and (
            self._is_follow_up(clauses) or self._points_back_at_subject(cleaned, previous)
        )
        # "pehla wala" points into the list just shown: not a plea for help.
        part = asked_part(cleaned, self.kb, history) if history and intent != "thanks" else None
        # "what about in the US?" is all small words, but after an answer it is a question.
        if part is None and (intent == "thanks" or (intent == "help" and not follow_up)):
            return MatchResult(question, cleaned, "none", intent, ())
        if part is not None:
            # "the middle one", "uske upar?": a place in the list the conversation stands in.
            index = self._index_of[part.id]
            ranked = [(i, s) for i, s in self._rank(self._query(clauses)) if i != index]
            return self._result(
                question, cleaned, _Decision("answer", [(index, ANSWER_SCORE), *ranked])
            )
        if follow_up and previous is not None:
            decision = self._follow_up(clauses, previous, cleaned)
            return self._result(question, cleaned, decision)
        several = self._several(question, cleaned) if split_questions else None
        if several is not None:
            return several
        for split in (self._parts, self._split_by_asks):
            parts = split(clauses)
            if len(parts) > 1:
                two_part = self._two_part(question, cleaned, clauses, parts)
                if two_part is not None:
                    return two_part
        query = self._query(clauses)  # read once, for the step and for the decision
        _, step = self._step(clauses, None)
        if step is None and not query.names_other_role:
            step = self._numbered_step(cleaned)  # not a pilot's first step
        if step is not None:
            # "what's above senior TPM?" names a level and asks for the one after it.
            ranked = self._rank(query)
            rest = [(i, s) for i, s in ranked if i != step]
            return self._result(
                question, cleaned, _Decision("answer", [(step, ANSWER_SCORE), *rest])
            )
        decision = self._decide(query._replace(sentence=whole))
        if (
            previous is not None
            and decision.status == "suggest"
            and decision.ranked
            and (
                decision.ranked[0][0] == previous
                or self.kb.sections[decision.ranked[0][0]].id in self._list_around(previous)
            )
        ):
            # A near miss whose first choice is the topic the conversation stands on, or in its
            # list ("elaborate the point about balancing customer needs" after the duties).
            decision = _Decision("answer", decision.ranked)
        if previous is not None and decision.status == "none" and not decision.not_covered:
            # Nothing on its own, in a conversation: it may be about the earlier topic without
            # saying so ("apart from fixed, any bonus or ESOPs also?" after the pay).
            leaning = self._follow_up(clauses, previous, cleaned, implicit=True)
            if leaning.status in ("answer", "partial"):
                decision = leaning
        return self._result(question, cleaned, decision)

    def _several(self, question: str, cleaned: str) -> MatchResult | None:
        """Each question of a message that plainly holds more than one, read on its own (the
        encoder reads each whole question), answered together: up to MAX_PARTS sections, and
        what the guide lacks for any part said. None when the message is one question, or its
        parts come to one section."""
        texts = question_parts(cleaned)
        if len(texts) == 1 and texts[0] != cleaned and _FRESH_START.search(cleaned):
            # "Thanks. On a separate note, what ...?": one new question after a courtesy; it
            # leans on nothing before it.
            return self._match_cleaned(texts[0], (), split_questions=False)._replace(
                query=question, cleaned=cleaned
            )
        if len(texts) < 2:
            return None
        results = []
        role = self._names_role(self._clauses(cleaned))
        earlier: tuple[str, ...] = ()  # "... senior TPM? and the pay at that level?"
        for text in texts:
            if not self._asks_something(self._text.split_words(text)) and not text.endswith("?"):
                continue  # "I am a software engineer." tells; it does not ask
            if role and not self._names_role(self._clauses(text)):
                # "TPM salary? and the avg in india": the role the message names holds for
                # each of its questions.
                text = f"TPM: {text}"
            leans = _PART_REFERENCES.intersection(self._text.split_words(text.lower()))
            result = self._match_cleaned(text, earlier if leans else (), split_questions=False)
            if result.intent == "question":
                results.append(result)
                if result.section is not None:
                    earlier = (*earlier, result.section.id)
        answered = [r for r in results if r.status in ("answer", "partial") and r.section]
        shown = [s for r in answered if r.section for s in (r.section, *r.also)]
        sections = list(dict.fromkeys(shown))[:MAX_PARTS]
        lacking = [
            # A part about the role that matches nothing the guide holds is said to be missing
            # too; without the role named, such a part may be the message's real subject.
            r.not_covered or _OTHER_QUESTION
            for r in results
            if r.status != "answer" and (r.not_covered or (role and r.status == "none"))
        ]
        if not sections or len(sections) + len(lacking) < 2:
            return None
        first = answered[0]
        return first._replace(
            query=question,
            cleaned=cleaned,
            status="partial" if lacking else first.status,
            not_covered="; ".join(dict.fromkeys(lacking)),
            also=tuple(sections[1:]),
        )

    def _two_part(
        self,
        question: str,
        cleaned: str,
        clauses: Sequence[_Clause],
        parts: list[list[_Clause]],
    ) -> MatchResult | None:
        """Both answers when the parts are answered by different sections, else None."""
        role = [tx.ROLE_TERM] if self._names_role(clauses) else []
        # Each part is read by its words alone: the encoder, given a part's bare words, was
        # measured to pick worse than the words do (tools/calibrate.py's questions).
        decisions = [self._decide(self._query(part, role)._replace(sentence="")) for part in parts]
        answered = [d for d in decisions if d.status in ("answer", "partial")]
        sections = list(dict.fromkeys(d.ranked[0][0] for d in answered))
        if len(sections) < 2:
            return None
        if self._calibration is not None:
            # The whole message, read by the encoder, is plainly about a third section: the
            # split was at an "and" inside one question ("dealing with designers and marketing
            # folks vs just the dev team?"), not between two.
            whole = self._evidence(cleaned)
            read = self._uncovered.sections_only(whole.sections)
            if read and whole.nearest >= self._calibration.familiar:
                top, top_evidence = read[0]
                parts_best = max((e for i, e in read if i in sections), default=0.0)
                if top not in sections and top_evidence - parts_best >= SPLIT_DOUBT:
                    return None
        also = tuple(self.kb.sections[i] for i in sections[1:])
        first = answered[0]
        lacking = next((d for d in answered if d.status == "partial"), None)
        if lacking is not None and first.status != "partial":
            # "staff engineer vs senior TPM - who earns more?": what one part lacks is said
            # first, whichever part it is.
            first = _Decision("partial", first.ranked, lacking.not_covered)
        return self._result(question, cleaned, first, also)

    def _asked(self, words: list[str]) -> frozenset[str]:
        """What (pay, duties, path, ...) some words ask for."""
        found = set(words) | set(self._text.terms(words))
        return frozenset(name for name, ask in self._lexicon.asks.items() if ask & found)

    def _split_by_asks(self, clauses: Sequence[_Clause]) -> list[list[_Clause]]:
        """Two questions without a question word between them ("salary and levels?", "what do
        TPMs do and earn"): split at an "and" or a comma when each side asks something
        different."""
        own = [c for c in clauses if not c.background]
        pieces = [c.words for c in own]
        words = [w for piece in pieces for w in piece]
        ends = [sum(len(p) for p in pieces[: n + 1]) for n in range(len(pieces))]
        bounds = set(ends[:-1])
        bounds.update(i for i, w in enumerate(words) if w == "and")
        for at in sorted(bounds):
            left, right = words[:at], words[at + 1 if words[at : at + 1] == ["and"] else at :]
            left_asks, right_asks = self._asked(left), self._asked(right)
            story = not any(c.asked for c, end in zip(own, ends, strict=True) if end <= at)
            if story and _FOLLOW_UP_REFERENCES.intersection(right):
                continue  # a story, then a question about it ("...what would it take?")
            if left_asks and right_asks and not left_asks & right_asks:
                return [[_Clause(left, False)], [_Clause(right, False)]]
        return []

    def _result(
        self,
        question: str,
        cleaned: str,
        decision: _Decision,
        also: tuple[Section, ...] = (),
    ) -> MatchResult:
        return MatchResult(
            question,
            cleaned,
            decision.status,
            "question",
            self._candidates(decision.ranked),
            decision.not_covered if decision.status in ("partial", "none") else "",
            also if decision.status in ("answer", "partial") else (),
        )

    def _decide(self, query: _Query, target: int | None = None) -> _Decision:
        """The decision for one reading of a question: the plain ranking, then the word list's
        other senses of "TPM" and the gaps the guide has."""
        ranked = self._rank(query)
        note = self._not_covered(query)
        if note:
            # A maintainer marked this question, or one worded like it, as not in the guide.
            return _Decision("none", ranked, note)
        hits = self._triggered(query.focus)
        # What the asker says about themselves, read once for both uses below.
        told = self._triggered(query.told) if query.told.strip() else set()
        if DECLINE in told:
            # Another meaning of "TPM" said in passing counts ("BitLocker wants a recovery key
            # after a BIOS update, did the TPM get cleared?"). Words alone: 1 off-topic.
            hits.add(DECLINE)
        if DECLINE in hits:
            return _Decision("none", ranked, self._lexicon.decline)
        if PROGRAM in hits:
            # Technical *program* manager: say which role the guide is about, and give the
            # closest topic (-7 dev 1-9 unanswerable, -1 dev 10 unanswerable without it).
            return self._partial(ranked, None, self._lexicon.program, target)
        if query.names_other_role and not query.names_role:
            return _Decision("none", ranked)
        status = self._plain_status(ranked, query)
        if status == "answer" and ranked[0][0] in self._added:
            # A team's own section answers it ("when are TPMs on call?"): what the word list
            # says the guide lacks is about the shipped guide, not about what a team added
            # (issue 17 item 6; the sets have no team files).
            return _Decision(status, ranked)
        gap = self._gap(query, hits, told)
        if gap is None and query.names and status in ("answer", "suggest"):
            # Something named that the guide never mentions: answer what it does cover.
            named = self._lexicon.named.format(name=" or ".join(dict.fromkeys(query.names)))
            return self._partial(ranked, None, named, target)
        if gap is None:
            return _Decision(status, ranked)
        if gap.section == "":
            # Something the guide plainly leaves out, with nothing close ("how many hours a week
            # does a TPM work?"): say what, rather than only that it is not covered.
            return _Decision("none", ranked, gap.not_covered)
        if target is None and not (query.names_role or status in ("answer", "suggest")):
            # A follow-up settled on a topic (target) is about the role, named or not.
            return _Decision("none", ranked)
        return self._partial(ranked, gap.section, gap.not_covered, target)

    def _not_covered(self, query: _Query) -> str:
        """The note of a team's `not_covered:` entry this question matches (bot.core.uncovered)."""
        if not self._uncovered.notes or not query.sentence:
            return ""
        found = self._evidence(query.sentence) if self._bank is not None else None
        return self._uncovered.note(query.sentence, found)

    def _gap(self, query: _Query, hits: set[int], told: set[int]) -> _Gap | None:
        """The first gap (in word-list order) the question triggers and asks for; `told` are
        the triggers in what the asker says about themselves, which count for `told` gaps."""
        gaps = self._lexicon.gaps
        hits = hits | {
            h
            for h in told
            if h >= 0 and gaps[h].told and gaps[h].asks and gaps[h].asks in query.asks
        }
        for index in sorted(h for h in hits if h >= 0):
            gap = gaps[index]
            if gap.asks == "comparison" and query.compares_pm:
                # "pm vs tpm, which suits me? 6 yrs SDE": the guide's own comparison (0 on the
                # sets; kept for test_comparing_pm_and_tpm_is_the_guides_own_comparison_...).
                continue
            if not gap.asks or gap.asks in query.asks:
                if "{found}" not in gap.not_covered:
                    return gap
                # Name what the asker named ("how a TPM compares with a data scientist").
                found = next((p.strip() for p in gap.about if p in query.focus), "")
                named = gap.not_covered.replace("{found}", found or "that role")
                if found[:1] in ("a", "e", "i", "o", "u"):  # "an engineering manager"
                    named = named.replace(f" a {found}", f" an {found}")
                return _Gap(gap.about, gap.asks, named, gap.section)
        return None

    def _partial(
        self,
        ranked: list[tuple[int, float]],
        section_id: str | None,
        not_covered: str,
        target: int | None = None,
    ) -> _Decision:
        """A partial answer: the closest covered section first (an explicit target, the gap's
        own section, else the best match), the rest of the ranking after it."""
        index = target
        if index is None and section_id is not None:
            index = self._index_of.get(section_id)
        if index is None and ranked:
            index = ranked[0][0]
        if index is None:
            return _Decision("none", ranked)
        top = ranked[0][1] if ranked else 0.0
        rest = [(i, s) for i, s in ranked if i != index]
        return _Decision("partial", [(index, top), *rest], not_covered)

    def _plain_status(self, ranked: list[tuple[int, float]], query: _Query) -> Status:
        if not ranked:
            return "none"
        top = ranked[0][1]
        if (
            self._calibration is None
            and not query.names_role
            and query.unknown_share >= MAX_UNKNOWN_SHARE_WITHOUT_ROLE
        ):
            # Words alone: no mention of the role and much of the question is words the guide
            # never uses, so it is about something else that shares a word with the guide
            # (+14 dev 1-9 off-topic with the encoder off; with it on, the calibrated unknown-
            # word penalty does this and the rule was worth nothing).
            return "none"
        if (
            len(query.terms) == 1
            and query.terms[0] != tx.ROLE_TERM
            and self._idf.get(query.terms[0], 0.0) < GENERIC_IDF
            and not query.asks
        ):
            # One word that most sections use ("manager", "product") says too little to pick
            # one of them: offer the nearest instead of answering. A word that asks something
            # ("become", "salary") says enough.
            return "suggest" if top >= SUGGEST_SCORE else "none"
        margin = top - ranked[1][1] if len(ranked) > 1 else top
        # A reading without a sentence (a follow-up's fragment) was scored by its words alone.
        limits = (self._calibration if query.sentence else None) or _LEXICAL
        if top >= limits.answer and (
            margin >= limits.margin
            or (top >= limits.confident and margin >= limits.confident_margin)
        ):
            return "answer"
        if top >= limits.suggest:
            return "suggest"
        return "none"

    def _numbered_step(self, cleaned: str) -> int | None:
        """The section a question names by its number in a sequence ("what's step 2?", "the
        first step to become a TPM"): the one whose title starts "Step 2" (knowledge data, so a
        team's own numbered steps work the same), when exactly one does."""
        found = _STEP_NUMBER.search(cleaned.lower())
        if found is None:
            return None
        number = found.group(1) or str(_ORDINALS[found.group(2)])
        matches = [i for i, n in self._step_numbers.items() if n == number]
        return matches[0] if len(matches) == 1 else None

    # -- two-part questions and follow-ups --------------------------------------------------

    def _parts(self, clauses: Sequence[_Clause]) -> list[list[_Clause]]:
        """The message split into separate questions: at a joiner ("and", "aur", "also")
        followed by a question word, and between clauses that each start a question."""
        parts: list[list[_Clause]] = [[]]
        asking = False  # whether the part being read holds a question, not only a story
        for clause in clauses:
            if clause.background:
                continue
            current: list[str] = []
            words = clause.words
            while words and words[0] in _PART_JOINERS:  # "? and do I need ..." starts anew
                words = words[1:]
            for i, word in enumerate(words):
                splits = (
                    word in _PART_JOINERS
                    and i + 1 < len(words)
                    and (word in _STRONG_JOINERS or words[i + 1] in _QUESTION_START)
                    # "does it also exist for hardware?": "also" inside a clause, not a joiner
                    and not (i and words[i - 1] in _ADVERB_BEFORE)
                    and self._asks_something(current)
                )
                if splits:
                    parts[-1].append(_Clause(current, False))
                    parts.append([])
                    current = []
                    continue
                current.append(word)
            starts_question = bool(words) and words[0] in _QUESTION_START
            # "Data analyst for 5 years here. What would it take to get there?": a question that
            # points back ("there", "it") at a story before it asks about that story.
            about_story = not asking and bool(_FOLLOW_UP_REFERENCES.intersection(words))
            if starts_question and parts[-1] and not about_story:
                parts.append([])
                asking = False
            if current:
                parts[-1].append(_Clause(current, False))
            asking = asking or clause.asked
        return [p for p in parts if self._asks_something([w for c in p for w in c.words])]

    def _asks_something(self, words: list[str]) -> bool:
        """Whether words could stand as a question of their own: they name something the guide
        knows beyond the role, or ask what the role is ("TPM kya hota hai")."""
        if self._has_content(words):
            return True
        return tx.ROLE_TERM in self._text.terms(words) and bool(_DEFINING.intersection(words))

    def _previous(self, history: Sequence[str]) -> int | None:
        for section_id in reversed(history):
            index = self._index_of.get(section_id)
            if index is not None:
                return index
        return None

    def _is_follow_up(self, clauses: Sequence[_Clause]) -> bool:
        """An elliptical message that leans on what was asked before: "and for directors?",
        "what about senior?", "how long does that take?"."""
        words = [w for c in clauses if not c.background for w in c.words]
        terms = [t for t in self._text.terms(words) if t != tx.ROLE_TERM]
        if len(terms) > FOLLOW_UP_MAX_TERMS:
            return False
        padded = f" {' '.join(words)} "
        return (
            padded.startswith(_FOLLOW_UP_OPENERS)
            or bool(_FOLLOW_UP_REFERENCES.intersection(words))
            or any(phrase in padded for phrase in (*self._lexicon.after, *self._lexicon.before))
        )

    def _points_back_at_subject(self, cleaned: str, previous: int) -> bool:
        """A longer question that points back at a level just answered ("to whom does that role
        typically report?") and names no level of its own: a follow-up about that level."""
        if not self._subjects[previous]:
            return False
        words = tx.plain_words(cleaned)  # as typed: "that role" is not yet "tpm"
        return bool(_FOLLOW_UP_REFERENCES.intersection(words)) and not (
            self._lexicon.subjects.intersection(words)
        )

    def _list_around(self, index: int) -> set[str]:
        """The sections of the list a section is the overview of, or a part of."""
        overview, parts, _ = list_of(self.kb, self.kb.sections[index])
        return {overview.id, *(p.id for p in parts)} if parts else set()

    def _step(self, clauses: Sequence[_Clause], previous: int | None) -> tuple[int, int | None]:
        """For a question asking what comes after or before a topic ("and after that?" after
        step 1, "what's above senior?", "and the one below that?"): the section it asks about
        (the level it names, else the earlier answer) and the one after or before it in the
        knowledge base's `next` order, None when there is none; (-1, None) when it does not
        ask that, or names no level and has no earlier answer."""
        words = [w for c in clauses if not c.background for w in c.words]
        padded = f" {' '.join(words)} "
        forward = any(phrase in padded for phrase in self._lexicon.after)
        if not forward and not any(phrase in padded for phrase in self._lexicon.before):
            return -1, None
        named = [i for i, subjects in enumerate(self._subjects) if subjects & set(words)]
        base = named[0] if len(named) == 1 else previous
        if base is None:
            return -1, None
        return base, (self._after if forward else self._before).get(base)

    def _follow_up(
        self, clauses: Sequence[_Clause], previous: int, cleaned: str = "", implicit: bool = False
    ) -> _Decision:
        """Read a follow-up with the previous answer's topic and what it asked. An `implicit`
        one does not point back ("any bonus or ESOPs also?"): it is read with the earlier topic,
        but with nothing of its own it is not taken as more of that topic (measured on the dev
        conversations: the guide could not answer most such messages)."""
        # A fragment ("and for directors?") says little to the encoder on its own: its words and
        # the conversation decide.
        own = self._query(clauses)._replace(sentence="")
        own_ranked = self._rank(own)
        base, following = self._step(clauses, previous)
        if following is not None:
            rest = [(i, s) for i, s in own_ranked if i != following]
            return _Decision("answer", [(following, ANSWER_SCORE), *rest])
        if base >= 0:
            # Nothing comes next in the guide: what it lacks after that topic ("what comes after
            # director or VP") is a gap of the word list, read as "after <that topic>".
            asked = f" after {' '.join(self._text.split_words(self.kb.sections[base].title))} "
            gap = self._gap(own._replace(focus=asked), self._triggered(asked), set())
            if gap is not None and gap.section:
                return self._partial(own_ranked, gap.section, gap.not_covered)
            section = self.kb.sections[base]
            if base in self._before:
                # The last step of a sequence ("and after that?" after step 3): say it is the
                # last, rather than give the same answer again as if it were the next.
                note = self._lexicon.after_last.format(title=section.title)
                return self._partial(own_ranked, section.id, note)
        own_status = self._plain_status(own_ranked, own)
        inherited = frozenset(
            name for name, share in self._prepare(previous).aspects.items() if share >= 0.3
        )
        context = self._query(clauses, self._title_terms[previous], inherited)._replace(sentence="")
        # What the earlier answer was about counts for the gaps too: "how much do they earn?"
        # after the senior level asks for senior pay.
        title = self._text.split_words(self.kb.sections[previous].title)
        context = context._replace(focus=f"{context.focus}{' '.join(title)} ")
        if self._calibration is not None and cleaned:
            # The encoder reads the follow-up twice, alone and with the subject it leans on
            # ("Mid-level Technical Product Manager: ye kisko report karte hai?"), and takes the
            # mean: alone, a fragment says little; with the subject, it is pulled to that subject.
            context = context._replace(sentence=cleaned, context=self.kb.sections[previous].title)
        target: int | None = None
        close = [i for i, score in own_ranked if score >= own_ranked[0][1] - ANSWER_MARGIN]
        named = [i for i, _ in own_ranked[:3] if own.subjects & self._subjects[i]]
        if named and own.asks - {"level"}:
            # It names a level and asks something of its own ("aur senior ki salary?", "what
            # does a senior one do?"): it stands on its own, gaps included, so a level the guide
            # gives no pay for is said so and the earlier topic does not pull it back.
            alone = self._decide(own)
            if alone.status in ("answer", "partial"):
                return alone
            target = None
        elif named:
            # It names a level among its best candidates ("what about senior?"): that level.
            target = named[0]
        elif (
            not own_ranked
            or own_ranked[0][1] < SUGGEST_SCORE
            or set(own.terms) <= self._lexicon.requests
        ):
            # Nothing of its own ("what does that mean?" only asks for more of the same; the
            # requests: words alone, 1 follow-up).
            if implicit:
                return _Decision("none", own_ranked)
            target = previous
        elif context.sentence:
            # The encoder's two readings (alone and with the subject) and the words decide; a
            # near tie between the subject it leans on and another section stays with the
            # subject.
            decision = self._decide(context)
            close_ids = [i for i, _ in decision.ranked[:2]]
            # Nothing else stands out and the guide is not known to lack it ("why is that
            # knowledge so crucial?"): it asks for more of the subject it leans on.
            more_of_the_same = decision.status == "none" and not decision.not_covered
            if not more_of_the_same and (decision.status != "suggest" or previous not in close_ids):
                return decision
            if implicit:
                return decision
            target = previous
        elif previous in close:  # words alone from here (5 and 3 dev 1-9 follow-ups)
            target = previous  # a near tie that the conversation settles
        elif own_status == "answer":
            target = own_ranked[0][0]
        decision = self._decide(context, target)
        if decision.status == "partial" or target is None:
            return decision
        top = decision.ranked[0][1] if decision.ranked else ANSWER_SCORE
        rest = [(i, s) for i, s in decision.ranked if i != target]
        return _Decision("answer", [(target, max(top, ANSWER_SCORE)), *rest])
