"""The example bank: every labelled question as a vector, and what the nearest ones say.

The encoder's evidence for a section is how close the question is to that section's nearest
examples (the mean of its best EVIDENCE_K similarities among the question's NEIGHBOURS nearest
examples), so one stray look-alike weighs less than several agreeing ones.

Vectors are kept by the content of the sentence (a hash of the text the encoder reads), never by
position: the shipped bank's vectors ship with the package (sentence_model/vectors.npz, made by
tools/calibrate.py), and a team's examples are embedded once and kept in the cache folder, so an
edited team file re-embeds only the sentences it changed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from bot.core.encoder import MODEL_DIR, SentenceEncoder, Vectors
from bot.core.markup import clean_slack_text
from bot.core.models import KnowledgeBase

#: Examples looked at per question; the per-section evidence is read from these alone, so a
#: question costs the same whether the bank has 2,000 examples or 200,000.
NEIGHBOURS = 40
#: Similarities averaged per section.
EVIDENCE_K = 3
#: A question this close to one example is that example asked again ("who does a TPM work
#: with" is a section's own question): its section's evidence is that similarity, unaveraged.
SAME_SENTENCE = 0.97
#: A section whose one close example stands alone (a team's new section, a rare wording) is not
#: drowned by its further ones: its evidence is at least that example's similarity less this.
NEAREST_DISCOUNT = 0.1
SHIPPED_VECTORS = os.path.join(MODEL_DIR, "vectors.npz")
#: Above this many examples, a question is compared with the examples of the
#: PREFILTER_SECTIONS sections whose mean example is nearest, not with all of them.
LARGE_BANK = 20_000
PREFILTER_SECTIONS = 200


def sentence_key(sentence: str) -> str:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=12).hexdigest()


def bank_sentences(kb: KnowledgeBase) -> tuple[list[str], list[int]]:
    """What the encoder reads of the knowledge base, and the section index each belongs to.

    Questions marked `not_covered:` come last, labelled past the sections (the k-th entry is
    `len(kb.sections) + k`): bot.core.uncovered reads such a label as "not in the guide"."""
    index_of = {s.id: n for n, s in enumerate(kb.sections)}
    sentences: list[str] = []
    labels: list[int] = []
    seen: set[str] = set()

    def add(text: str, section: int) -> None:
        sentence = clean_slack_text(text)
        if sentence and sentence.lower() not in seen:
            seen.add(sentence.lower())
            sentences.append(sentence)
            labels.append(section)

    for n, section in enumerate(kb.sections):
        for text in (section.title, *section.aliases, *section.questions):
            add(text, n)
    for example in kb.examples:
        add(example.text, index_of[example.section])
    for n, gap in enumerate(kb.not_covered):
        for text in gap.questions:
            add(text, len(kb.sections) + n)
    return sentences, labels


class VectorStore:
    """Sentence vectors by content key: the shipped ones plus those cached in `cache_dir`."""

    def __init__(self, encoder: SentenceEncoder, cache_dir: str = "") -> None:
        self.encoder = encoder
        self.cache_path = ""
        if cache_dir:
            tag = sentence_key(encoder.identity)
            self.cache_path = os.path.join(cache_dir, f"vectors-{tag}.npz")
        self.known: dict[str, Vectors] = dict(_shipped())
        self._changed = False
        self.known.update(_read(self.cache_path))

    def vectors(self, sentences: Sequence[str]) -> Vectors:
        """A row per sentence; only sentences never seen before are encoded."""
        keys = [sentence_key(s) for s in sentences]
        missing = [n for n, key in enumerate(keys) if key not in self.known]
        if missing:
            fresh = self.encoder.encode([sentences[n] for n in missing])
            for n, vector in zip(missing, fresh, strict=True):
                self.known[keys[n]] = vector.astype(np.float16)
            self._changed = True
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.known[k] for k in keys]).astype(np.float32)

    def save(self, keep: Iterable[str] = ()) -> None:
        """Write what was encoded to the cache (never a failure: the cache is an optimisation).
        Only the `keep` keys (this knowledge base's) are written, so the file does not grow."""
        if not self.cache_path or not self._changed:
            return
        wanted = set(keep)
        shipped = _shipped()
        entries = {k: v for k, v in self.known.items() if k in wanted and k not in shipped}
        _write(self.cache_path, entries)


@functools.cache
def _shipped() -> dict[str, Vectors]:
    """The package's own vectors, read once per process: every reload would otherwise read and
    allocate them again (tools/calibrate.py replaces the file; a running process keeps its
    copy, which is still right for every sentence it covers, since keys are content hashes)."""
    return _read(SHIPPED_VECTORS)


def _read(path: str) -> dict[str, Vectors]:
    if not path or not os.path.exists(path):
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return {}


def _write(path: str, entries: dict[str, Vectors]) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        keys = np.array(sorted(entries), dtype="U24")
        vectors = (
            np.stack([entries[k] for k in keys.tolist()])
            if len(keys)
            else np.zeros((0, 384), dtype=np.float16)
        )
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, keys=keys, vectors=vectors.astype(np.float16))
        os.replace(temporary, path)
    except OSError:
        pass


def write_shipped(entries: dict[str, Vectors], path: str = SHIPPED_VECTORS) -> None:
    """The shipped bank's vectors (tools/calibrate.py)."""
    _write(path, entries)


class Evidence(NamedTuple):
    """What the nearest examples say about one question."""

    #: (section index, mean similarity of its nearest examples), best first.
    sections: list[tuple[int, float]]
    #: Similarity of the one nearest example: how familiar the wording is.
    nearest: float
    #: The label of that nearest example (a section index, or past them: a not-covered entry).
    nearest_label: int = -1


class ExampleBank:
    """The labelled examples as a matrix, ready for nearest-neighbour look-ups."""

    def __init__(self, vectors: Vectors, labels: Sequence[int], sections: int) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.labels = np.asarray(labels, dtype=np.int32)
        self.sections = sections
        self._centroids: Vectors | None = None
        if len(self.labels) > LARGE_BANK:
            # A large bank is searched in two steps: the sections whose mean example is
            # nearest, then those sections' own examples, so a question reads a few thousand
            # rows rather than every example of 10,000 sections.
            self._order = np.argsort(self.labels, kind="stable")
            self._starts = np.searchsorted(self.labels[self._order], np.arange(sections + 1))
            sums = np.zeros((sections, self.vectors.shape[1]), dtype=np.float32)
            np.add.at(sums, self.labels, self.vectors)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self._centroids = sums / np.maximum(norms, 1e-9)

    @classmethod
    def build(cls, kb: KnowledgeBase, store: VectorStore) -> ExampleBank:
        sentences, labels = bank_sentences(kb)
        bank = cls(store.vectors(sentences), labels, len(kb.sections) + len(kb.not_covered))
        store.save(sentence_key(s) for s in sentences)
        return bank

    def evidence(self, vector: Vectors) -> Evidence:
        """Sections by the encoder's evidence for them, best first (section index, 0-1), and
        the similarity of the single nearest example."""
        if not len(self.labels):
            return Evidence([], 0.0)
        # einsum rather than `@`: a matrix-vector product this small gains nothing from BLAS's
        # threads, which only fight the listener threads (and each other) for the cores.
        rows, labels = self._candidates(vector)
        similarity = np.einsum(
            "ij,j->i", self.vectors if rows is None else self.vectors[rows], vector
        )
        take = min(NEIGHBOURS, len(similarity))
        nearest = np.argpartition(-similarity, take - 1)[:take]
        nearest = nearest[np.argsort(-similarity[nearest])]
        found: dict[int, list[float]] = {}
        for n in nearest.tolist():
            scores = found.setdefault(int(labels[n]), [])
            if len(scores) < EVIDENCE_K:
                scores.append(float(similarity[n]))
        # A section with fewer than K neighbours here counts its missing ones at the last
        # similarity seen, a fair floor for what lies further out.
        floor = float(similarity[nearest[-1]])
        evidence = [
            (
                section,
                s[0]
                if s[0] >= SAME_SENTENCE
                else max(
                    (sum(s) + floor * (EVIDENCE_K - len(s))) / EVIDENCE_K, s[0] - NEAREST_DISCOUNT
                ),
            )
            for section, s in found.items()
        ]
        evidence.sort(key=lambda pair: pair[1], reverse=True)
        return Evidence(evidence, float(similarity[nearest[0]]), int(labels[int(nearest[0])]))

    def _candidates(self, vector: Vectors) -> tuple[Any, Any]:
        """The rows worth comparing (None: all of them) and their section labels."""
        if self._centroids is None:
            return None, self.labels
        closeness = np.einsum("ij,j->i", self._centroids, vector)
        take = min(PREFILTER_SECTIONS, len(closeness))
        sections = np.argpartition(-closeness, take - 1)[:take]
        rows = np.concatenate(
            [self._order[self._starts[n] : self._starts[n + 1]] for n in sections.tolist()]
        )
        return rows, self.labels[rows]
