"""A Llama with Llama-3.1-8B dimensions (d 4096, f 14336, 32 layers, 32
heads, 8 KV heads, vocab 128256) whose layers 20-29 are attention-free
(Puzzle-style), random weights with non-trivial norm gains, exported by
PyTorch's ONNX exporter (dynamo) with external data, in fp32 or bf16: the
model of p8_generate.py at full depth.

    python3 bench/l8b_export.py OUT_DIR fp32|bf16

Writes OUT_DIR/l8b.onnx and OUT_DIR/l8b.onnx.data, and prints the export's
wall time.
"""
import sys
import time

import torch

from p8_generate import build, export


def main():
    out, precision = sys.argv[1], sys.argv[2]
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]
    start = time.perf_counter()
    export(build(layers=32, attention_free=range(20, 30), dtype=dtype),
           f"{out}/l8b.onnx")
    print(f"export {precision}: {time.perf_counter() - start:.1f} s",
          flush=True)


if __name__ == "__main__":
    main()
