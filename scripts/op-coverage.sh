#!/usr/bin/env bash
# Regenerates docs/op-coverage.md from ONNX's node tests:
#   bash scripts/op-coverage.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FFNC_BUILD_DIR:-$root/build}"
bash "$root/scripts/dev.sh" build >&2
table="$(mktemp)"
summary="$("$build/bin/onnx-node-test" \
  --expected-failures "$root/test/ONNX/expected-failures.txt" \
  --markdown "$table" /usr/share/libonnx-testdata/data/node | tail -n 1)"
{
  cat <<'HEADER'
# ONNX operator coverage

ONNX's own operator tests (`/usr/share/libonnx-testdata/data/node`, from
Debian's libonnx-testdata) run through the importer and the CPU reference
executor, once as imported and once after raising, and are compared with
ONNX's tolerances (relative 1e-3, absolute 1e-7). A test passes only when
both runs match on every data set. "Not supported" means the frontend
rejects one of the test's operators (or its opset) with the error that lists
unsupported constructs; "(several ops)" collects the tests whose model has
more than one operator type, mostly ONNX's expanded function bodies (which
carry no `value_info`, so they also exercise the importer's type inference).

Regenerate with `bash scripts/op-coverage.sh`. The lit test
`test/ONNX/node-tests.test` fails when a test fails that
`test/ONNX/expected-failures.txt` does not list, or when a listed one passes.

HEADER
  echo "Result: $summary."
  echo
  cat "$table"
  cat <<'FOOTER'

## Why the failing tests fail

Every failing test is listed with its reason in
[test/ONNX/expected-failures.txt](../test/ONNX/expected-failures.txt); the
reasons fall in two groups:

- **bfloat16 stored as uint16.** The `Cast`/`CastLike` bfloat16 tests store
  bfloat16 data in `uint16` tensors; the importer takes the declared type.
- **Strings, optionals and sequences** are not supported types.

The node tests of And, Or, Not, Cos, Sin, Range and ConstantOfShape all
target opsets below 13, which the importer rejects, so they count as not
supported here. The exported models in test/models exercise And, Not, Cos,
Sin and Range at opset 18 (test/Reference/fixtures.test), and
test/Reference/ops-at-opset-18.test checks Or and ConstantOfShape against
hand-computed results.

Operators outside the supported list are rejected at import with one error
that names every unsupported node; see [frontend.md](frontend.md).
FOOTER
} > "$root/docs/op-coverage.md"
rm -f "$table"
echo "wrote docs/op-coverage.md: $summary" >&2
