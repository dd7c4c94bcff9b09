"""Exports the architecture test set: small random-weight Hugging Face models
(hidden size 64, vocab 512) through PyTorch's ONNX exporter (dynamo, opset
18) with a dynamic batch and sequence length, and PyTorch's fp32 outputs on
a batch of 4 sequences of 16 tokens as the references.

    python3 scripts/export-models.py OUT_DIR [NAME...]

Writes OUT_DIR/NAME.onnx, NAME.input_ids.npy, NAME.ref.npy (and for bert
NAME.attention_mask.npy and NAME.token_type_ids.npy: padded rows of 16, 12,
9 and 5 tokens) and prints onnxruntime's largest difference from PyTorch.
Needs torch, transformers, onnx and onnxruntime.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime
import torch
import transformers as T

# The benchmarks' wrapper: a causal LM's logits from its input ids.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from p8_generate import Logits  # noqa: E402

HID = 64
SMALL = dict(hidden_size=HID, intermediate_size=HID * 11 // 4,
             num_hidden_layers=4, num_attention_heads=4,
             num_key_value_heads=2, vocab_size=512,
             max_position_embeddings=128)


def build(name):
    if name == "llama":
        return T.LlamaForCausalLM(T.LlamaConfig(**SMALL))
    if name == "qwen2":
        return T.Qwen2ForCausalLM(T.Qwen2Config(**SMALL))
    if name == "mistral":
        return T.MistralForCausalLM(T.MistralConfig(**SMALL))
    if name == "gemma":  # Gemma's head dim of 256, GeGLU, scaled embedding
        return T.GemmaForCausalLM(T.GemmaConfig(head_dim=256, **SMALL))
    if name == "phi3":
        return T.Phi3ForCausalLM(T.Phi3Config(pad_token_id=0, **SMALL))
    if name == "gpt2":
        return T.GPT2LMHeadModel(T.GPT2Config(
            n_embd=HID, n_layer=4, n_head=4, vocab_size=512, n_positions=128))
    if name == "bert":
        return T.BertModel(T.BertConfig(
            hidden_size=HID, num_hidden_layers=4, num_attention_heads=4,
            intermediate_size=4 * HID, vocab_size=512,
            max_position_embeddings=128))
    raise KeyError(name)


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state


def export(name, out):
    torch.manual_seed(0)
    model = build(name).eval()
    with torch.no_grad():  # norm gains away from 1, so folding shows
        for n, p in model.named_parameters():
            if "norm" in n and p.dim() == 1:
                p.add_(0.1 * torch.randn_like(p))
    inputs = {"input_ids": torch.randint(0, 512, (4, 16))}
    if name == "bert":
        lengths = torch.tensor([16, 12, 9, 5])
        inputs["attention_mask"] = (torch.arange(16)[None, :] <
                                    lengths[:, None]).long()
        inputs["token_type_ids"] = (torch.arange(16)[None, :] >=
                                    lengths[:, None] // 2).long()
        module = Encoder(model)
    else:
        module = Logits(model)
    with torch.no_grad():
        ref = module(**inputs).numpy()
    path = f"{out}/{name}.onnx"
    dims = {0: "batch", 1: "seq"}
    torch.onnx.export(module, tuple(inputs.values()), path,
                      input_names=list(inputs), output_names=["out"],
                      dynamo=True, opset_version=18,
                      dynamic_shapes=tuple(dims for _ in inputs))
    # One file: the weights are small.
    onnx.save(onnx.load(path, load_external_data=True), path,
              save_as_external_data=False)
    if os.path.exists(path + ".data"):
        os.remove(path + ".data")
    feeds = {k: v.numpy() for k, v in inputs.items()}
    for k, v in feeds.items():
        np.save(f"{out}/{name}.{k}.npy", v)
    np.save(f"{out}/{name}.ref.npy", ref)
    session = onnxruntime.InferenceSession(
        path, providers=["CPUExecutionProvider"])
    got = session.run(None, feeds)[0]
    print(f"{name}: onnxruntime vs PyTorch max abs "
          f"{float(np.abs(got - ref).max()):.3g}", flush=True)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or ["llama", "qwen2", "mistral", "gemma",
                                  "phi3", "gpt2", "bert"]:
        export(name, out)


if __name__ == "__main__":
    main()
