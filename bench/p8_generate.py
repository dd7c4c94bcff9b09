"""P8: a Llama with Llama-3.1-8B dimensions (d 4096, f 14336, 32 heads, 8 KV
heads, vocab 128256), 8 layers, layers 2-5 attention-free (Puzzle-style),
random weights with non-trivial norm gains.

    python3 bench/p8_generate.py OUT_DIR [PROMPT NEW]

Writes OUT_DIR/p8.onnx (PyTorch's exporter, fp32, external data) and
OUT_DIR/prompts{1,8}.npy, then times Hugging Face `generate` on the same
weights in bf16 with a static cache, whose decode step generate compiles
with torch.compile (fullgraph, CUDA graphs) at batch 1 and 8: time to first
token and decode ms/token, median of 3 runs after warm-up, into
OUT_DIR/peers.json.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import onnx
import torch
import transformers as T


def build(layers=8, attention_free=range(2, 6), dtype=torch.float32):
    """Llama-3.1-8B dimensions with `layers` layers, those in
    `attention_free` without attention, on the GPU in `dtype`."""
    config = T.LlamaConfig(hidden_size=4096, intermediate_size=14336,
                           num_hidden_layers=layers, num_attention_heads=32,
                           num_key_value_heads=8, vocab_size=128256,
                           max_position_embeddings=8192, rope_theta=500000.0)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = T.LlamaForCausalLM(config).eval().to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and p.dim() == 1:
                p.add_(0.1 * torch.randn_like(p))
    # Puzzle-style no-op attention: these layers keep only their FFN.
    for i in attention_free:
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


def export(model, path):
    """PyTorch's exporter (dynamo): the logits' graph with a dynamic batch
    and sequence length, weights as external data beside `path`.

    The exporter's own writer streams external data at about 90 MB/s; the
    graph is saved without initializers and their bytes are written here
    straight from the tensors, 4 KiB aligned, at disk speed."""
    ids = torch.randint(0, 128256, (2, 16), device="cuda")
    with torch.no_grad():
        program = torch.onnx.export(
            Logits(model).eval(), (ids,), None, input_names=["input_ids"],
            output_names=["logits"], dynamo=True, opset_version=18,
            dynamic_shapes=({0: "batch", 1: "seq"},))
    tensors = {name: value.const_value
               for name, value in program.model.graph.initializers.items()}
    program.save(path, include_initializers=False)
    proto = onnx.load(path)
    data = os.path.basename(path) + ".data"
    offset = 0
    with open(path + ".data", "wb") as f:
        for name, tensor in tensors.items():
            raw = tensor.raw
            if isinstance(raw, torch.Tensor):
                raw = raw.detach().contiguous().cpu().view(-1).view(
                    torch.uint8).numpy()
            else:
                raw = np.frombuffer(tensor.tobytes(), np.uint8)
            f.write(b"\0" * (-offset % 4096))
            offset += -offset % 4096
            f.write(memoryview(raw))
            init = onnx.TensorProto(name=name, data_type=int(tensor.dtype),
                                    dims=[int(d) for d in tensor.shape])
            init.data_location = onnx.TensorProto.EXTERNAL
            for key, value in (("location", data), ("offset", str(offset)),
                               ("length", str(raw.nbytes))):
                entry = init.external_data.add()
                entry.key, entry.value = key, value
            proto.graph.initializer.append(init)
            offset += raw.nbytes
    onnx.save(proto, path)


def time_generate(model, prompts, new):
    ids = torch.from_numpy(prompts).cuda()
    mask = torch.ones_like(ids)

    def run(n):
        torch.cuda.synchronize()
        start = time.perf_counter()
        model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n,
                       min_new_tokens=n, do_sample=False)
        torch.cuda.synchronize()
        return time.perf_counter() - start

    for _ in range(2):  # compiles prefill and decode graphs
        run(new)
    first = statistics.median(run(1) for _ in range(3))
    total = statistics.median(run(new) for _ in range(3))
    step = (total - first) / (new - 1)
    return {"first_token_ms": 1e3 * first, "decode_ms_per_token": 1e3 * step,
            "tokens_per_s_per_sequence": 1 / step,
            "tokens_per_s_total": ids.shape[0] / step}


def main():
    out = sys.argv[1]
    prompt, new = (int(a) for a in (sys.argv[2:4] or (128, 256)))
    os.makedirs(out, exist_ok=True)
    model = build()
    rng = np.random.default_rng(0)
    for batch in (1, 8):
        np.save(f"{out}/prompts{batch}.npy",
                rng.integers(0, 128256, (batch, prompt)).astype(np.int64))
    if not os.path.exists(f"{out}/p8.onnx"):
        export(model, f"{out}/p8.onnx")
    model = model.to(torch.bfloat16)
    # With a static cache, generate compiles the decode step itself
    # (fullgraph, CUDA graphs: the gpt-fast recipe).
    model.generation_config.cache_implementation = "static"
    model.generation_config.pad_token_id = 0
    peers = {"torch": torch.__version__, "transformers": T.__version__}
    for batch in (1, 8):
        prompts = np.load(f"{out}/prompts{batch}.npy")
        peers[f"compile_static_batch{batch}"] = time_generate(model, prompts,
                                                               new)
        # generate compiled its decode step (else these are eager numbers).
        peers[f"compile_static_batch{batch}"]["compiled"] = hasattr(
            model, "_compiled_call")
        print(batch, peers[f"compile_static_batch{batch}"], flush=True)
    with open(f"{out}/peers.json", "w") as f:
        json.dump(peers, f, indent=1)


if __name__ == "__main__":
    main()
