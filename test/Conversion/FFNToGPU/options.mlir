// The pass checks its options and its input before converting anything.
// RUN: ffn-opt %s --convert-ffn-to-gpu=chip=sm_70 -verify-diagnostics
// RUN: not ffn-opt %s --convert-ffn-to-gpu=max-tokens=0 2>&1 | FileCheck %s --check-prefix=TOKENS
// RUN: ffn-opt %s --convert-ffn-to-gpu=chip=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: not ffn-opt %s --convert-ffn-to-gpu=precision=int8 2>&1 | FileCheck %s --check-prefix=PRECISION

// expected-error @below {{chip must be sm_80, sm_86, sm_89 or sm_90, got 'sm_70'}}
module {
  func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
    %table = arith.constant dense<1.0> : tensor<100x64xf32>
    %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
    return %x : tensor<?x?x64xf32>
  }
}

// TOKENS: error: max-tokens must be positive, got 0
// SM80: gpu.module @ffn_kernels [#nvvm.target<O = 3, chip = "sm_80">]
// PRECISION: for the --precision option: Cannot find option named 'int8'!
