"""Compares an ffnc dependency report with a ground-truth report.

usage: compare-report.py REPORT TRUTH DEPENDENCY_TOL BITS_TOL

Prints one line per quantity and 'PASSED' or 'FAILED' last.
"""
import json
import sys

report, truth = (json.load(open(p)) for p in sys.argv[1:3])
dep_tol, bits_tol = float(sys.argv[3]), float(sys.argv[4])
ok = True


def check(name, got, want, tol):
    global ok
    good = got is not None and abs(got - want) <= tol
    ok &= good
    print(f"{name}: {got} vs {want} ({'ok' if good else 'off'} at {tol:g})")


for pair, values in sorted(truth["dependency"].items()):
    for key in ("mean_token_cos_dist", "flat_cos_dist"):
        got = report["dependency"].get(pair, {}).get(key)
        check(f"M[{pair}] {key}", got, values[key], dep_tol)
check("bits original", report.get("bpb_original"), truth["bpb_original"],
      bits_tol / 10)
for name, value in sorted(truth["fused"].items()):
    if "+" not in name:
        check(f"bits fused {name}", report.get("fused", {}).get(name), value,
              bits_tol)
print("PASSED" if ok else "FAILED")
