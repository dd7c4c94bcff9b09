"""W1: embedding -> 4 attention-free SwiGLU blocks (d 4096, f 14336) ->
RMSNorm -> head of 256, random weights with non-trivial norm gains,
exported by PyTorch's ONNX exporter with a dynamic sequence length.

    python3 bench/w1_export.py OUT_DIR [d f blocks]
"""
import sys

import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Block(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.norm = RMSNorm(d)
        self.gate = nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)

    def forward(self, x):
        h = self.norm(x)
        return x + self.down(nn.functional.silu(self.gate(h)) * self.up(h))


class W1(nn.Module):
    def __init__(self, d, f, blocks, vocab=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(Block(d, f) for _ in range(blocks))
        self.norm = RMSNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids):
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x))


def main():
    out = sys.argv[1]
    d, f, blocks = (int(a) for a in (sys.argv[2:5] or (4096, 14336, 4)))
    torch.manual_seed(0)
    model = W1(d, f, blocks).eval()
    ids = torch.randint(0, 256, (1, 16))
    seq = torch.export.Dim("seq", min=2, max=8192)
    with torch.no_grad():
        # PyTorch's fp32 logits at a few lengths, the reference for ffn-run.
        import numpy as np
        for t in (1, 4, 64, 512):
            ids_t = torch.randint(0, 256, (1, t))
            np.save(f"{out}/check_ids{t}.npy", ids_t.numpy())
            np.save(f"{out}/check_ref{t}.npy", model(ids_t).numpy())
        torch.onnx.export(model, (ids,), f"{out}/w1.onnx", dynamo=True,
                          input_names=["input_ids"], output_names=["logits"],
                          dynamic_shapes={"ids": {1: seq}},
                          external_data=True)


if __name__ == "__main__":
    main()
