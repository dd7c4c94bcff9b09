"""The peers of ffnc on W1, timed on the GPU in one run: PyTorch eager, CUDA
graph replay and torch.compile, each of the sequential model and of its
parallel (FFN-fused) form, in bf16, with the two ceilings measured in the
same run (a 1 GiB device copy and an 8192^3 bf16 matmul).

    python3 bench/w1_peers.py OUT_DIR [tokens ...]

The weights are w1_export.py's (same seed), so the forms compute the model
ffnc compiles. The parallel form is the fused group ffnc builds: one RMS
statistic, each block's norm gain folded into its gate and up rows, the
four blocks' projections concatenated into one wide SwiGLU, one residual.
Writes OUT_DIR/peers.json; prints one line per token count.
"""
import json
import os
import sys

import torch
from triton.testing import do_bench

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from w1_export import W1  # noqa: E402


def median_ms(fn):
    return do_bench(fn, warmup=25, rep=200, return_mode="median")


def ceilings():
    n = 1 << 30
    a = torch.empty(n, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    copy_tbps = 2 * n / (median_ms(lambda: b.copy_(a)) * 1e-3) / 1e12
    m = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda")
    mm_tflops = 2 * 8192**3 / (median_ms(lambda: m @ m) * 1e-3) / 1e12
    return copy_tbps, mm_tflops


class Parallel(torch.nn.Module):
    """W1 with its blocks run as one fused FFN: x + sum_i FFN_i(x)."""

    def __init__(self, w1):
        super().__init__()
        self.embed, self.norm, self.head = w1.embed, w1.norm, w1.head
        blocks = w1.blocks
        self.eps = blocks[0].norm.eps
        gains = [b.norm.weight[None, :] for b in blocks]
        self.gate = torch.cat([b.gate.weight * g for b, g in zip(blocks, gains)])
        self.up = torch.cat([b.up.weight * g for b, g in zip(blocks, gains)])
        self.down = torch.cat([b.down.weight for b in blocks], 1)

    def forward(self, ids):
        x = self.embed(ids)
        h = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        f = torch.nn.functional
        x = x + f.linear(f.silu(f.linear(h, self.gate)) * f.linear(h, self.up),
                         self.down)
        return self.head(self.norm(x))


def graphed(fn, ids):
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn(ids)
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn(ids)
    return graph.replay


def main():
    out = sys.argv[1]
    tokens = [int(t) for t in sys.argv[2:]] or [1, 16, 128, 1024, 4096]
    torch.manual_seed(0)
    with torch.no_grad():
        seq = W1(4096, 14336, 4).eval().to("cuda", torch.bfloat16)
        par = Parallel(seq).eval()
        forms = {"seq": seq, "par": par}
        compiled = {k: torch.compile(m) for k, m in forms.items()}
        copy_tbps, mm_tflops = ceilings()
        report = {"copy_TBps": copy_tbps, "bf16_TFLOPs": mm_tflops, "rows": []}
        print(json.dumps({"copy_TBps": round(copy_tbps, 3),
                          "bf16_TFLOPs": round(mm_tflops, 1)}), flush=True)
        for t in tokens:
            ids = torch.randint(0, 256, (1, t), device="cuda")
            row = {"tokens": t}
            for name, model in forms.items():
                row[f"eager_{name}"] = median_ms(lambda: model(ids))
                row[f"graph_{name}"] = median_ms(graphed(model, ids))
                row[f"compile_{name}"] = median_ms(lambda: compiled[name](ids))
            report["rows"].append(row)
            print(json.dumps({k: round(v, 4) for k, v in row.items()}),
                  flush=True)
    with open(os.path.join(out, "peers.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
