"""A local sentence encoder: all-MiniLM-L6-v2, int8, run with ONNX Runtime and `tokenizers`.

Examples written by people generalise to wording nobody wrote down only when something reads
meaning rather than letters; this is that something. It runs in-process on the CPU, from weights
shipped inside the package (bot/core/sentence_model/, made once by tools/export_encoder.py), and
never touches the network. The graph already pools and normalises, so every row it returns is a
unit vector and a dot product is a cosine similarity.

onnxruntime and tokenizers are imported when the first sentence is encoded, not with this module:
`tpm-bot topics` and a question answered from the start-up cache's memory never pay for them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sentence_model")
#: Sentences encoded per call of the model when a bank is embedded: larger batches pad more.
BATCH = 32
#: Tokens read of one sentence. MiniLM was trained on 128; a long post keeps its first part and
#: its last (where the question usually is), not only its first.
MAX_TOKENS = 128

Vectors = npt.NDArray[np.float32]


class EncoderUnavailable(RuntimeError):
    """The model files or the runtime are missing: the matcher falls back to lexical reading."""


class SentenceEncoder:
    """Turns sentences into unit vectors; thread-safe, loaded on first use."""

    def __init__(self, model_dir: str = MODEL_DIR, threads: int = 1) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickled (in the start-up cache) as a reference to the process's shared encoder, so
        a matcher read from the cache loads no second copy of the model."""
        return shared_encoder, (self.model_dir,)

    @property
    def identity(self) -> str:
        """What the vectors depend on: a cache of them is valid only for the same model."""
        info = os.stat(os.path.join(self.model_dir, "model.onnx"))
        with open(os.path.join(self.model_dir, "encoder.json"), encoding="utf-8") as handle:
            model = json.load(handle).get("model", "")
        return f"{model}|{info.st_size}|{MAX_TOKENS}"

    def _load(self) -> None:
        try:
            import onnxruntime as ort  # type: ignore[import-untyped]
            from tokenizers import Tokenizer
        except ImportError as error:  # pragma: no cover - both are dependencies
            raise EncoderUnavailable(f"cannot import {error.name}") from error
        try:
            tokenizer = Tokenizer.from_file(os.path.join(self.model_dir, "tokenizer.json"))
            options = ort.SessionOptions()
            # One thread per question: Bolt answers several at once on its own threads, and
            # intra-op threads would only fight them for the two cores.
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = ort.InferenceSession(
                os.path.join(self.model_dir, "model.onnx"),
                sess_options=options,
                providers=["CPUExecutionProvider"],
            )
        except Exception as error:  # a missing or damaged model file
            raise EncoderUnavailable(f"cannot load the sentence model: {error}") from error
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._tokenizer, self._session = tokenizer, session

    def encode(self, sentences: Sequence[str]) -> Vectors:
        """One unit vector per sentence (rows), float32."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._load()
        out = np.zeros((len(sentences), 384), dtype=np.float32)
        # Sorted by length so each batch pads little.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            out[batch] = self._run([sentences[i] for i in batch])
        return out

    def _run(self, sentences: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(sentences)
        rows = [_clip(e.ids) for e in encodings]
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for n, row in enumerate(rows):
            ids[n, : len(row)] = row
            mask[n, : len(row)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        vectors: Vectors = self._session.run(None, feeds)[0]
        return vectors


def _clip(ids: list[int]) -> list[int]:
    """At most MAX_TOKENS ids, keeping [CLS] and [SEP]: a long post keeps its opening third and
    its closing two thirds, where the question usually is."""
    if len(ids) <= MAX_TOKENS:
        return ids
    inner = ids[1:-1]
    room = MAX_TOKENS - 2
    head = room // 3
    return [ids[0], *inner[:head], *inner[len(inner) - (room - head) :], ids[-1]]


_SHARED: dict[str, SentenceEncoder] = {}
_SHARED_LOCK = threading.Lock()


def shared_encoder(model_dir: str = MODEL_DIR) -> SentenceEncoder:
    """The process's one encoder for a model: every reload's matcher reuses its session rather
    than loading the model again."""
    with _SHARED_LOCK:
        encoder = _SHARED.get(model_dir)
        if encoder is None:
            encoder = _SHARED[model_dir] = SentenceEncoder(model_dir)
        return encoder
