// RUN: ffn-opt %s --split-input-file -verify-diagnostics

func.func @dims() {
  // expected-error @below {{dims entries must be integers, "batch" or "seq", got "tokens"}}
  %ids = ffnrt.input 0 "ids" {dims = ["tokens"]} : memref<?xi64>
  return
}

// -----

func.func @negative_dim() {
  // expected-error @below {{dims must not be negative, got -1}}
  %o = ffnrt.output 0 "o" {dims = [-1]} : memref<?xf32>
  return
}

// -----

func.func @limit() {
  // expected-error @below {{value_limit must not be negative}}
  %ids = ffnrt.input 0 "ids" {dims = ["batch"], value_limit = -2} : memref<?xi64>
  return
}

// -----

func.func @output_type() {
  // expected-error @below {{must be 1D memref of 32-bit float or 64-bit signless integer values}}
  %o = ffnrt.output 0 "o" {dims = [4]} : memref<?xbf16>
  return
}

// -----

func.func @no_sources() {
  // expected-error @below {{expects one or two sources, got 0}}
  %w = ffnrt.weight [] : memref<?xf32>
  return
}

// -----

func.func @interleave_shapes() {
  // expected-error @below {{interleaved sources must have the same shape, got 'tensor<4x8xf32>' and 'tensor<8x4xf32>'}}
  %w = ffnrt.weight [dense<1.0> : tensor<4x8xf32>, dense<1.0> : tensor<8x4xf32>] : memref<?xf32>
  return
}

// -----

func.func @transpose_vector() {
  // expected-error @below {{only a matrix can be transposed}}
  %w = ffnrt.weight [dense<1.0> : tensor<8xf32>] transpose : memref<?xf32>
  return
}

// -----

func.func @transpose_rank3() {
  // expected-error @below {{transposed or interleaved sources must be vectors or matrices, got rank 3}}
  %w = ffnrt.weight [dense<1.0> : tensor<2x4x8xf32>] transpose : memref<?xf32>
  return
}

// -----

func.func @buffer_rank() {
  // expected-error @below {{must be 1D memref of any type values}}
  %a = ffnrt.alloc {bytes = 16} : memref<4x4xf32>
  return
}

// -----

func.func @table_shape() {
  // expected-error @below {{static dim 2 of the result differs from the value's}}
  %t = ffnrt.table dense<0.5> : tensor<1x8x4xf32> -> tensor<1x?x8xf32>
  return
}

// -----

func.func @table_rank() {
  // expected-error @below {{value 'tensor<8x4xf32>' does not fit result 'tensor<1x?x4xf32>'}}
  %t = ffnrt.table dense<0.5> : tensor<8x4xf32> -> tensor<1x?x4xf32>
  return
}

// -----

func.func @extent_div() {
  // expected-error @below {{div must be positive, got 0}}
  %e = ffnrt.extent tokens ceildiv 0 : index
  return
}

// -----

func.func @extent_negative() {
  // expected-error @below {{mul and add must not be negative}}
  %e = ffnrt.extent tokens * -2 : index
  return
}

// -----

func.func @extent_type() {
  // expected-error @below {{result #0 must be index or 32-bit signless integer}}
  %e = ffnrt.extent tokens : i64
  return
}

// -----

func.func @flags() {
  // expected-error @below {{attribute 'value' failed to satisfy constraint}}
  %f = "ffnrt.flags"() {value = 3 : i32} : () -> i32
  return
}

// -----

gpu.module @k {
  gpu.func @f() kernel {
    gpu.return
  }
}
func.func @tokens() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{ffnrt.tokens must be array<i64: min, max> with 0 <= min <= max or max = 0}}
  gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) {ffnrt.tokens = array<i64: 9, 4>}
  return
}

// -----

gpu.module @k {
  gpu.func @f() kernel {
    gpu.return
  }
}
func.func @layer() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{ffnrt.layer must be a string}}
  gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) {ffnrt.layer = 3 : i64}
  return
}

// -----

// expected-error @below {{ffnrt.precision must be "bf16", "fp16" or "fp32"}}
func.func @precision() attributes {ffnrt.precision = "int8"} {
  return
}

// -----

// expected-error @below {{unknown ffnrt attribute "ffnrt.speed"}}
func.func @unknown() attributes {ffnrt.speed = 1 : i64} {
  return
}
