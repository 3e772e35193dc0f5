"""Pick the knowledge-base section a question is about, or say honestly that there is none.

How a question is scored against a section (all of it prepared once, at load time):

* **coverage**: how much of the question the section explains. Each query term counts by its
  rarity across sections (IDF), so "senior" decides more than "tpm", which every section shares.
  Words the guide never uses count fully against every section: they are the sign that a question
  is about something else ("what is the salary of a *teacher*?").
* **phrase**: how close the question is to the section's nearest title, alias or example question,
  by IDF-weighted overlap in both directions, so "what is a TPM?" prefers the section whose phrase
  is exactly that over one whose phrase adds "do".
* **fuzzy**: rapidfuzz's token_sort_ratio against the same phrases. It forgives word order and
  leftover spelling noise, and unlike token_set_ratio it does not score 100 for a subset.

The decision uses the top score and its margin over the runner-up. Large knowledge bases stay
fast because only sections that share a rare term with the question are scored in full.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from bot.core import text as tx
from bot.core.markup import clean_slack_text
from bot.core.models import KnowledgeBase, Section
from bot.core.spelling import SpellingCorrector

if TYPE_CHECKING:  # typing's Literal costs import time the CLI does not need at run time
    from typing import Literal

    Status = Literal["answer", "partial", "suggest", "none"]
    Intent = Literal["question", "help", "thanks"]

#: Most words a question contributes; a rambling paste costs no more than a normal question.
MAX_QUERY_WORDS = 60
#: How many candidates a result reports.
MAX_CANDIDATES = 5
#: How many sections get the full (phrase and fuzzy) score after the cheap coverage pass.
SHORTLIST = 24

# Weights of the three signals, and the decision thresholds on the 0-100 score.
W_COVERAGE, W_PHRASE, W_FUZZY = 0.3, 0.2, 0.5
ANSWER_SCORE = 45.0
CONFIDENT_SCORE = 65.0
ANSWER_MARGIN = 3.0
#: A very high score may win by less, but a near tie is always offered as "did you mean".
CONFIDENT_MARGIN = 1.0
SUGGEST_SCORE = 40.0
#: Words the guide never uses weigh this much (relative to the rarest guide word) against a
#: question that names the TPM role: its topic is clearer, so stray words matter less.
UNKNOWN_WEIGHT_WITH_ROLE = 0.25
#: Without the role named, a question whose weight is this much in words the guide never uses
#: is about something else ("what is the population of India?").
MAX_UNKNOWN_SHARE_WITHOUT_ROLE = 0.4
#: Weight of terms found only in a section's summary, body or source, relative to its title,
#: aliases and questions, which are written to be matched.
BODY_WEIGHT = 0.5


class Candidate(NamedTuple):
    section: Section
    score: float


class MatchResult(NamedTuple):
    """What the matcher concluded about one question."""

    query: str
    cleaned: str
    status: Status  # "answer", "partial", "suggest" or "none"
    intent: Intent  # "question"; "help" for greetings and pleas for help; "thanks"
    candidates: tuple[Candidate, ...]
    #: With "partial": what the question asks that the guide does not say, as a noun phrase.
    not_covered: str = ""
    #: Further sections a two-part question asks about.
    also: tuple[Section, ...] = ()

    @property
    def section(self) -> Section | None:
        """The answering section (closest covered one for "partial"), set only when confident."""
        return self.candidates[0].section if self.status in ("answer", "partial") else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


class _Phrase(NamedTuple):
    terms: frozenset[str]
    weight: float  # sum of the terms' IDF
    sorted_text: str  # distinct terms in sorted order, for rapidfuzz


class _Query(NamedTuple):
    terms: list[str]
    weights: dict[str, float]
    total: float
    text: str
    names_role: bool
    names_other_role: bool
    unknown_share: float


class Matcher:
    """Scores questions against a knowledge base; build once, then call `match` per question."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        sections = kb.sections
        # Other jobs' names are real words to keep, not typos to repair into ours.
        vocabulary: list[str] = [*tx.STOPWORDS, *tx.SOCIAL_WORDS, *tx.OTHER_ROLES]
        strong: list[dict[str, float]] = []
        phrase_terms: list[list[list[str]]] = []
        for section in sections:
            matchable = [section.title, *section.aliases, *section.questions]
            descriptive = [section.summary, section.body, section.source]
            if section.comparison:
                comparison = section.comparison
                descriptive += [comparison.left, comparison.right]
                descriptive += [f"{r.aspect} {r.left} {r.right}" for r in comparison.rows]
            for value in (*matchable, *descriptive):
                vocabulary.extend(tx.plain_words(value))
                vocabulary.extend(tx.split_words(value))
            analysed = [tx.analyse(value) for value in matchable]
            weights = self._term_strengths(analysed, [tx.analyse(v) for v in descriptive])
            strong.append(weights)
            phrase_terms.append(analysed)

        self._speller = SpellingCorrector(vocabulary)
        count = len(sections)
        document_frequency: dict[str, int] = {}
        for weights in strong:
            for term in weights:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for term, df in document_frequency.items()
        }
        self._unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        # term -> [(section index, weight)]; very common terms are left out of candidate search.
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, weights in enumerate(strong):
            for term, weight in weights.items():
                self._postings.setdefault(term, []).append((index, weight))
        self._common = {t for t, df in document_frequency.items() if df > max(8, count // 2)}
        self._section_terms = strong
        self._phrases: list[list[_Phrase]] = [
            [
                _Phrase(
                    frozenset(terms),
                    sum(self._idf[t] for t in set(terms)),
                    " ".join(sorted(set(terms))),
                )
                for terms in analysed
                if terms
            ]
            for analysed in phrase_terms
        ]
        self._phrase_texts = [[p.sorted_text for p in phrases] for phrases in self._phrases]
        self._phrases_with_term: list[dict[str, list[int]]] = []
        for phrases in self._phrases:
            where: dict[str, list[int]] = {}
            for number, candidate in enumerate(phrases):
                for term in candidate.terms:
                    where.setdefault(term, []).append(number)
            self._phrases_with_term.append(where)

    @staticmethod
    def _term_strengths(
        matchable: list[list[str]], descriptive: list[list[str]]
    ) -> dict[str, float]:
        """How strongly each term speaks for a section: fully when a title, alias or question
        uses it (they are written to be matched), BODY_WEIGHT when only the prose does."""
        strengths = {term: BODY_WEIGHT for text in descriptive for term in text}
        strengths.update((term, 1.0) for phrase in matchable for term in phrase)
        return strengths

    # -- query side -------------------------------------------------------------------------

    def _prepare(self, cleaned: str) -> tuple[list[str], _Query]:
        # Rewrite idioms before fixing spelling (so "charge" in "in charge of" is not "fixed"),
        # and again after (so a fixed "techincal product manager" becomes the role term).
        raw_words = tx.split_words(cleaned)[:MAX_QUERY_WORDS]
        corrected = " ".join(self._speller.correct(w) for w in raw_words)
        words = [tx.canonical_word(w) for w in tx.split_words(corrected)]
        terms = list(dict.fromkeys(tx.terms(words)))
        names_role = tx.ROLE_TERM in terms or tx.PM_TERM in terms
        names_other_role = bool(tx.OTHER_ROLE_PHRASES.search(corrected)) or any(
            w in tx.OTHER_ROLES or (w.endswith("s") and w[:-1] in tx.OTHER_ROLES) for w in words
        )
        weights = {t: self._idf.get(t, self._unknown_idf) for t in terms}
        unknown = [t for t in terms if t not in self._idf]
        if names_role and unknown:
            # The question is plainly about the role; its other unknown words are chatter
            # ("long time lurker here"), so together they weigh no more than a fraction of one.
            share = self._unknown_idf * UNKNOWN_WEIGHT_WITH_ROLE / len(unknown)
            weights.update(dict.fromkeys(unknown, share))
        query = _Query(
            terms=terms,
            weights=weights,
            total=sum(weights.values()),
            text=" ".join(sorted(terms)),
            names_role=names_role,
            names_other_role=names_other_role,
            unknown_share=sum(weights[t] for t in unknown) / max(sum(weights.values()), 1e-9),
        )
        return words, query

    def _is_social(self, words: list[str], query: _Query) -> bool:
        """A greeting, thanks or plea for help, with no question about the guide in it."""
        return not query.terms or all(
            w in tx.SOCIAL_WORDS or w in tx.STOPWORDS or w == tx.DUTIES_TERM for w in words
        )

    # -- scoring ----------------------------------------------------------------------------

    def _shortlist(self, query: _Query) -> list[int]:
        """Sections sharing a rare term with the question, best coverage first."""
        rare = [t for t in query.terms if t in self._postings and t not in self._common]
        if not rare:
            rare = [t for t in query.terms if t in self._postings]
        scores: dict[int, float] = {}
        for term in rare:
            idf = self._idf[term]
            for index, weight in self._postings[term]:
                scores[index] = scores.get(index, 0.0) + idf * weight
        return sorted(scores, key=scores.__getitem__, reverse=True)[:SHORTLIST]

    def _coverage(self, index: int, query: _Query) -> float:
        weights = self._section_terms[index]
        explained = sum(w * weights.get(t, 0.0) for t, w in query.weights.items())
        return explained / query.total

    def _score(self, index: int, query: _Query) -> float:
        coverage = self._coverage(index, query)
        phrases = self._phrases[index]
        # IDF weight each phrase shares with the question, via the section's term -> phrases
        # index, so only phrases that share a term are visited.
        shared: dict[int, float] = {}
        where = self._phrases_with_term[index]
        for term in query.terms:
            for number in where.get(term, ()):
                shared[number] = shared.get(number, 0.0) + query.weights[term]
        phrase = max(
            (2 * weight / (query.total + phrases[n].weight) for n, weight in shared.items()),
            default=0.0,
        )
        # Both sides are pre-sorted, so a plain ratio equals rapidfuzz's token_sort_ratio
        # without re-splitting and re-sorting every phrase on every question.
        best = process.extractOne(query.text, self._phrase_texts[index], scorer=fuzz.ratio)
        fuzzy = best[1] if best else 0.0
        return 100 * (W_COVERAGE * coverage + W_PHRASE * phrase + W_FUZZY * fuzzy / 100)

    def rank(self, question: str) -> list[Candidate]:
        """Every plausible section with its score, best first (no decision made)."""
        _, query = self._prepare(clean_slack_text(question))
        return self._candidates(self._rank(query))

    def _rank(self, query: _Query) -> list[tuple[int, float]]:
        if not query.terms:
            return []
        scored = [(i, round(self._score(i, query), 2)) for i in self._shortlist(query)]
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored

    def _candidates(self, ranked: list[tuple[int, float]]) -> list[Candidate]:
        return [Candidate(self.kb.sections[i], score) for i, score in ranked]

    def match(self, question: str, history: Sequence[str] = ()) -> MatchResult:
        """Clean, score and decide: answer, suggest, or none (with help for social messages).

        `history` holds the ids of sections answered earlier in the same conversation."""
        cleaned = clean_slack_text(question)
        words, query = self._prepare(cleaned)
        if self._is_social(words, query):
            return MatchResult(question, cleaned, "none", "help", ())
        ranked = self._rank(query)
        status = self._decide(ranked, query)
        candidates = tuple(self._candidates(ranked[:MAX_CANDIDATES]))
        return MatchResult(question, cleaned, status, "question", candidates)

    def _decide(self, ranked: list[tuple[int, float]], query: _Query) -> Status:
        if not ranked or (query.names_other_role and not query.names_role):
            return "none"
        top = ranked[0][1]
        if not query.names_role and query.unknown_share >= MAX_UNKNOWN_SHARE_WITHOUT_ROLE:
            # No mention of the role and much of the question is words the guide never uses:
            # it is about something else that happens to share a word with the guide.
            return "none"
        margin = top - ranked[1][1] if len(ranked) > 1 else top
        if top >= ANSWER_SCORE and (
            margin >= ANSWER_MARGIN or (top >= CONFIDENT_SCORE and margin >= CONFIDENT_MARGIN)
        ):
            return "answer"
        if top >= SUGGEST_SCORE:
            return "suggest"
        return "none"
