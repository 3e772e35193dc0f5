"""Typo repair against the knowledge base's own vocabulary.

Only words the guide uses are worth repairing to, so the vocabulary is small and known at load
time. Candidates come from a delete index (every word with one letter removed points back at the
word), which makes a look-up cost a few dictionary probes whatever the vocabulary's size; rapidfuzz's
optimal-string-alignment distance then confirms the candidate, counting a swap of two neighbouring
letters ("senoir") as one edit.
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz.distance import OSA

#: Shorter words are left alone: at four letters almost every edit lands on another real word.
MIN_LENGTH = 5
#: Words at least this long may be two edits away from the intended word.
TWO_EDIT_LENGTH = 8


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class SpellingCorrector:
    """Maps a misspelt word to the nearest vocabulary word, or returns it unchanged."""

    def __init__(self, words: Iterable[str], keep: Iterable[str] = ()) -> None:
        self._frequency: Counter[str] = Counter(words)
        #: Real words near ours ("plain", "world"): left as they are, never repaired *to*.
        self._keep = frozenset(keep) - self._frequency.keys()
        index: dict[str, set[str]] = {}
        for word in self._frequency:
            if len(word) >= MIN_LENGTH - 1:
                index.setdefault(word, set()).add(word)
                for deleted in _deletes(word):
                    index.setdefault(deleted, set()).add(word)
        # Space-joined strings rather than sets: strings load several times faster than
        # thousands of small sets.
        self._index: dict[str, str] | None = {key: " ".join(sorted(v)) for key, v in index.items()}
        self._packed = b""
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        """The delete index travels packed: it is most of the start-up cache, and a question
        whose words are all known (most of them) never needs it."""
        state = self.__dict__.copy()
        if self._index is not None:
            state["_packed"] = marshal.dumps(self._index)
        state["_index"] = None
        state["_cache"] = {}
        return state

    def _candidates(self) -> dict[str, str]:
        index = self._index
        if index is None:  # two threads may both unpack it; each gets the same index
            index = self._index = marshal.loads(self._packed)
        return index

    def __contains__(self, word: str) -> bool:
        """Whether the word is one the guide (or the word list) uses: names it does not are
        things the guide says nothing about."""
        return word in self._frequency or word in self._keep

    def correct(self, word: str) -> str:
        """Return the vocabulary word `word` was probably meant to be (or `word` itself)."""
        if (
            word in self._frequency
            or word in self._keep
            or len(word) < MIN_LENGTH
            or not word.isalpha()
        ):
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        max_distance = 2 if len(word) >= TWO_EDIT_LENGTH else 1
        keys = {word} | _deletes(word)
        if max_distance == 2:
            keys |= {d2 for d1 in _deletes(word) for d2 in _deletes(d1)}
        best, best_key = word, (max_distance + 1, 0, "")
        index = self._candidates()
        for key in keys:
            for candidate in index.get(key, "").split():
                distance = OSA.distance(word, candidate, score_cutoff=max_distance)
                # Ties go to the more frequent word, then alphabetically: never to whichever
                # the set happened to yield first, which changes from run to run.
                rank = (distance, -self._frequency[candidate], candidate)
                if distance <= max_distance and rank < best_key:
                    best, best_key = candidate, rank
        if len(self._cache) < 10_000:
            self._cache[word] = best
        return best
