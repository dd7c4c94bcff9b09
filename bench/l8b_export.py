"""A Llama with Llama-3.1-8B dimensions (d 4096, f 14336, 32 layers, 32
heads, 8 KV heads, vocab 128256) whose layers 20-29 are attention-free
(Puzzle-style), random weights with non-trivial norm gains, exported by
PyTorch's ONNX exporter (dynamo) with external data, in fp32 or bf16.

    python3 bench/l8b_export.py OUT_DIR fp32|bf16

Writes OUT_DIR/l8b.onnx and OUT_DIR/l8b.onnx.data, and prints the export's
wall time.
"""
import sys
import time

import torch
import transformers as T


def build(dtype):
    config = T.LlamaConfig(hidden_size=4096, intermediate_size=14336,
                           num_hidden_layers=32, num_attention_heads=32,
                           num_key_value_heads=8, vocab_size=128256,
                           max_position_embeddings=8192, rope_theta=500000.0)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = T.LlamaForCausalLM(config).eval().to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and p.dim() == 1:
                p.add_(0.1 * torch.randn_like(p))
    for i in range(20, 30):
        layer = model.model.layers[i]

        def forward(hidden_states, *args, _layer=layer, **kwargs):
            return hidden_states + _layer.mlp(
                _layer.post_attention_layernorm(hidden_states))

        layer.forward = forward
    return model


class Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model(input_ids=input_ids, use_cache=False).logits


def main():
    out, precision = sys.argv[1], sys.argv[2]
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]
    start = time.perf_counter()
    model = build(dtype)
    ids = torch.randint(0, 128256, (1, 16), device="cuda")
    with torch.no_grad():
        torch.onnx.export(Logits(model).eval(), (ids,), f"{out}/l8b.onnx",
                          input_names=["input_ids"], output_names=["logits"],
                          dynamo=True, opset_version=18,
                          dynamic_shapes=({1: "seq"},), external_data=True)
    print(f"export {precision}: {time.perf_counter() - start:.1f} s",
          flush=True)


if __name__ == "__main__":
    main()
