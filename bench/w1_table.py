"""Prints W1's side-by-side table from one run's measurements: ffnc's
medians (OUT_DIR/ffnc.json, written by w1-bench.sh) and the peers'
(OUT_DIR/peers.json, from w1_peers.py), with achieved weight bandwidth and
matmul rate against the ceilings measured in the same run.

    python3 bench/w1_table.py OUT_DIR
"""
import json
import os
import sys

D, F, BLOCKS, VOCAB = 4096, 14336, 4, 256


def main():
    out = sys.argv[1]
    ffnc = json.load(open(os.path.join(out, "ffnc.json")))
    peers = json.load(open(os.path.join(out, "peers.json")))
    copy, mm = peers["copy_TBps"], peers["bf16_TFLOPs"]
    weights = 2 * (BLOCKS * 3 * D * F + 2 * VOCAB * D)
    print(f"Ceilings, measured in this run: copy {copy:.2f} TB/s, "
          f"bf16 matmul {mm:.0f} TFLOP/s.\n")
    print("| tokens | ffnc unfused | ffnc fused | eager seq | eager par | "
          "graphs seq | graphs par | compile seq | compile par | "
          "fused vs compile par | fused TB/s (% copy) | fused TFLOP/s "
          "(% matmul) |")
    print("|" + "---|" * 13)
    for row in peers["rows"]:
        t = row["tokens"]
        mine = ffnc[str(t)]
        fused = mine["fused"]
        flops = 2 * t * (BLOCKS * 3 * D * F + VOCAB * D)
        tbps = weights / (fused * 1e-3) / 1e12
        tflops = flops / (fused * 1e-3) / 1e12
        cells = [t, mine["unfused"], fused] + [
            row[f"{kind}_{form}"] for kind in ("eager", "graph", "compile")
            for form in ("seq", "par")]
        print("| " + " | ".join(
            str(c) if isinstance(c, int) else f"{c:.3f}" for c in cells) +
            f" | {fused / row['compile_par']:.2f}x"
            f" | {tbps:.2f} ({100 * tbps / copy:.0f}%)"
            f" | {tflops:.0f} ({100 * tflops / mm:.0f}%) |")


if __name__ == "__main__":
    main()
