// Weight matmuls, MLPs and FFN blocks: one `linear` launch per projection
// over weights stored [n, k], the gated MLP's gate and up interleaved in one
// launch, the block's residual add fused into its down projection.
// RUN: ffn-opt %s --convert-ffn-to-gpu=chip=sm_80 --split-input-file | FileCheck %s
// RUN: ffn-opt %s --convert-ffn-to-gpu --split-input-file | FileCheck %s --check-prefix=HOPPER
// RUN: ffn-opt %s --convert-ffn-to-gpu=precision=fp32 --split-input-file | FileCheck %s --check-prefix=FP32
// RUN: ffn-opt %s --convert-ffn-to-gpu=max-tokens=8 --split-input-file | FileCheck %s --check-prefix=DECODE

// A plan for at most 8 tokens needs no tensor-core launches.
// DECODE-NOT: launch_func {{.*}}@gemm_mma

// CHECK-LABEL: func.func @ffn_plan()
// CHECK-SAME: ffnrt.max_batch = 0 : i64, ffnrt.max_seq = 0 : i64, ffnrt.max_tokens = 4096 : i64, ffnrt.precision = "bf16"
// CHECK: %[[IDS:.*]] = ffnrt.input 0 "input_ids" {dims = ["batch", "seq"], value_limit = 100 : i64} : memref<?xi64>
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64} : memref<?xbf16>
// A [k, n] weight is stored transposed; a [n, k] one (transpose_weight) as it is.
// CHECK: %[[Y:.*]] = ffnrt.alloc {bytes = 786432 : i64} : memref<?xbf16>
// CHECK: %[[W:.*]] = ffnrt.weight [dense<5.000000e-01> : tensor<64x96xf32>] transpose : memref<?xbf16>
// CHECK: %[[NONE:.*]] = ffnrt.flags #ffnrt.epilogue<none>
// CHECK: %[[IDENT:.*]] = ffnrt.flags #ffnrt.activation<identity>
// Two output rows per warp, four warps per CTA: ceil(48 / 4) CTAs across.
// CHECK: %[[GX:.*]] = arith.constant 12 : index
// CHECK: %[[GY:.*]] = ffnrt.extent tokens ceildiv 4 : index
// Up to 8 tokens the GEMV runs; past them, tensor cores: 64 tokens by 128
// weight rows per CTA, the same arguments.
// CHECK: gpu.launch_func  @ffn_kernels::@linear blocks in (%[[GX]], %[[GY]], %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[X]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[Y]] : memref<?xbf16>, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32, %[[NONE]] : i32, %[[IDENT]] : i32) {ffnrt.tokens = array<i64: 0, 8>}
// CHECK: %[[MY:.*]] = ffnrt.extent tokens ceildiv 64 : index
// CHECK: gpu.launch_func  @ffn_kernels::@gemm_mma blocks in (%[[MY]], %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[X]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[Y]] : memref<?xbf16>, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32, %[[NONE]] : i32, %[[IDENT]] : i32) {ffnrt.tokens = array<i64: 9, 0>}
// CHECK: %[[WT:.*]] = ffnrt.weight [dense<2.500000e-01> : tensor<96x64xf32>] : memref<?xbf16>
// CHECK: %[[B:.*]] = ffnrt.weight [dense<1.000000e+00> : tensor<96xf32>] : memref<?xbf16>
// CHECK: %[[BIAS:.*]] = ffnrt.flags #ffnrt.epilogue<bias>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} args(%[[X]] : memref<?xbf16>, %[[WT]] : memref<?xbf16>, %[[B]] : memref<?xbf16>, %[[WT]] : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32, %[[BIAS]] : i32, %{{.*}} : i32)
// CHECK: gpu.module @ffn_kernels [#nvvm.target<O = 3, chip = "sm_80">]
// CHECK: gpu.func @linear(
// CHECK-NOT: gpu.func @gemm_wgmma

// On Hopper the tensor-core launch is wgmma fed by TMA: tensor maps over x
// (capacity 4096 rows, boxes of 128 tokens) and the weight (96 rows, boxes
// of 256), 128 tokens by 256 weight rows per CTA, 288 threads and the
// shared-memory ring; the kernels are built for sm_90a.
// HOPPER-LABEL: func.func @ffn_plan()
// HOPPER: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64} : memref<?xbf16>
// HOPPER: %[[W:.*]] = ffnrt.weight [dense<5.000000e-01> : tensor<64x96xf32>] transpose : memref<?xbf16>
// HOPPER: gpu.launch_func  @ffn_kernels::@linear {{.*}} {ffnrt.tokens = array<i64: 0, 8>}
// HOPPER: %[[TX:.*]] = ffnrt.tensor_map %[[X]] {box_cols = 64 : i64, box_rows = 128 : i64, cols = 64 : i64, rows = 4096 : i64} : memref<?xbf16>
// HOPPER: %[[TW:.*]] = ffnrt.tensor_map %[[W]] {box_cols = 64 : i64, box_rows = 256 : i64, cols = 64 : i64, rows = 96 : i64} : memref<?xbf16>
// HOPPER: %[[MY:.*]] = ffnrt.extent tokens ceildiv 128 : index
// HOPPER: %[[SMEM:.*]] = arith.constant 197696 : i32
// HOPPER: gpu.launch_func  @ffn_kernels::@gemm_wgmma blocks in (%[[MY]], %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})  dynamic_shared_memory_size %[[SMEM]] args(%[[TX]] : !llvm.ptr, %[[TW]] : !llvm.ptr, %[[W]] : memref<?xbf16>, {{.*}}) {ffnrt.tokens = array<i64: 9, 0>}
// HOPPER: gpu.module @ffn_kernels [#nvvm.target<O = 3, chip = "sm_90a">]
// HOPPER: gpu.func @gemm_wgmma(
// The other cases lower alike.
// HOPPER-LABEL: func.func @ffn_plan()
// HOPPER-LABEL: func.func @ffn_plan()

// fp32 has no tensor-core path: the GEMV serves every call.
// FP32: ffnrt.weight [dense<5.000000e-01> : tensor<64x96xf32>] transpose : memref<?xf32>
// FP32-NOT: ffnrt.tokens
// FP32-NOT: @gemm_mma
// FP32: ffnrt.precision = "fp32"
func.func @main(%ids: tensor<?x?xi64> {ffn.name = "input_ids"}) -> (tensor<?x?x96xf32>, tensor<?x?x96xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x96xf32>
  %wt = arith.constant dense<0.25> : tensor<96x64xf32>
  %b = arith.constant dense<1.0> : tensor<96xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %0 = ffn.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x96xf32>) -> tensor<?x?x96xf32>
  %1 = ffn.matmul %x, %wt bias(%b) transpose_weight : (tensor<?x?x64xf32>, tensor<96x64xf32>, tensor<96xf32>) -> tensor<?x?x96xf32>
  return %0, %1 : tensor<?x?x96xf32>, tensor<?x?x96xf32>
}

// -----

// A pre-norm gated block: norm into z, gate and up in one launch (rows
// interleaved, act(g) * u in the epilogue, so 176 warps for 176 outputs),
// then the down projection with the residual.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[OUT:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[G:.*]] = ffnrt.weight [dense<1.500000e+00> : tensor<64xf32>] : memref<?xbf16>
// CHECK: %[[Z:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[RMS:.*]] = ffnrt.flags #ffnrt.norm<rms>
// CHECK: gpu.launch_func  @ffn_kernels::@norm {{.*}} args(%[[X]] : memref<?xbf16>, %[[G]] : memref<?xbf16>, %[[G]] : memref<?xbf16>, %[[Z]] : memref<?xbf16>, %{{.*}} : i32, %{{.*}} : f32, %[[RMS]] : i32)
// CHECK: %[[H:.*]] = ffnrt.alloc {bytes = 1441792 : i64}
// CHECK: %[[GU:.*]] = ffnrt.weight [dense<1.250000e-01> : tensor<64x176xf32>, dense<2.500000e-01> : tensor<64x176xf32>] transpose : memref<?xbf16>
// CHECK: %[[GATED:.*]] = ffnrt.flags #ffnrt.epilogue<gated>
// CHECK: %[[SILU:.*]] = ffnrt.flags #ffnrt.activation<silu>
// CHECK: %[[GX:.*]] = arith.constant 44 : index
// CHECK: gpu.launch_func  @ffn_kernels::@linear blocks in (%[[GX]], {{.*}} args(%[[Z]] : memref<?xbf16>, %[[GU]] : memref<?xbf16>, {{.*}}, %[[H]] : memref<?xbf16>, {{.*}}, %[[GATED]] : i32, %[[SILU]] : i32)
// CHECK: %[[D:.*]] = ffnrt.weight [dense<5.000000e-01> : tensor<176x64xf32>] transpose : memref<?xbf16>
// CHECK: %[[RES:.*]] = ffnrt.flags #ffnrt.epilogue<residual>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} args(%[[H]] : memref<?xbf16>, %[[D]] : memref<?xbf16>, %[[D]] : memref<?xbf16>, %[[X]] : memref<?xbf16>, %[[OUT]] : memref<?xbf16>, {{.*}}, %[[RES]] : i32, %{{.*}} : i32)
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %g = arith.constant dense<1.5> : tensor<64xf32>
  %wg = arith.constant dense<0.125> : tensor<64x176xf32>
  %wu = arith.constant dense<0.25> : tensor<64x176xf32>
  %wd = arith.constant dense<0.5> : tensor<176x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %y = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

// A plain MLP with biases: up with bias and GELU, down with bias and no
// residual; a gated bias pairs the gate's with zeros when only up has one.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[UB:.*]] = ffnrt.weight [dense<1.000000e-01> : tensor<256xf32>] : memref<?xbf16>
// CHECK: %[[EB:.*]] = ffnrt.flags #ffnrt.epilogue<bias>
// CHECK: %[[GELU:.*]] = ffnrt.flags #ffnrt.activation<gelu>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} %[[UB]] : memref<?xbf16>, {{.*}} %[[EB]] : i32, %[[GELU]] : i32)
// CHECK: gpu.launch_func  @ffn_kernels::@linear
// CHECK: ffnrt.weight [dense<0.000000e+00> : tensor<256xf32>, dense<1.000000e-01> : tensor<256xf32>] : memref<?xbf16>
// CHECK: ffnrt.flags #ffnrt.epilogue<bias|gated>
// CHECK: ffnrt.flags #ffnrt.activation<gelu_tanh>
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %w1 = arith.constant dense<0.5> : tensor<64x256xf32>
  %b1 = arith.constant dense<0.1> : tensor<256xf32>
  %w2 = arith.constant dense<0.25> : tensor<256x64xf32>
  %b2 = arith.constant dense<0.2> : tensor<64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %0 = ffn.mlp %x up(%w1) up_bias(%b1) down(%w2) down_bias(%b2) act <gelu> : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  %1 = ffn.mlp %x gate(%w1) up(%w1) up_bias(%b1) down(%w2) act <gelu_tanh> : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>) -> tensor<?x?x64xf32>
  return %0, %1 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// -----

// A weight of few rows and a long k: from 9 to 256 tokens, k is split into
// slices (4 of 512 here) whose f32 partial sums @splitk_reduce adds before
// the epilogue (4 x 256 tokens x 64 rows of f32 partials); above 256
// tokens the plain GEMM runs.
// Up to 8 tokens the GEMV's 8 CTAs would leave the GPU idle: it splits k
// too (2 slices of 1024, 2 x 8 tokens x 64 rows of partials) and the plain
// GEMV is not launched.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[GWS:.*]] = ffnrt.alloc {bytes = 4096 : i64} : memref<?xf32>
// CHECK: %[[GSPLITS:.*]] = arith.constant 2 : index
// CHECK: gpu.launch_func  @ffn_kernels::@linear_partial blocks in (%{{.*}}, %{{.*}}, %[[GSPLITS]]) {{.*}} args(%{{.*}} : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %[[GWS]] : memref<?xf32>, {{.*}}, %c1024_i32 : i32) {ffnrt.tokens = array<i64: 0, 8>}
// CHECK: gpu.launch_func  @ffn_kernels::@splitk_reduce {{.*}} args(%[[GWS]] : memref<?xf32>, {{.*}}) {ffnrt.tokens = array<i64: 0, 8>}
// CHECK-NOT: @ffn_kernels::@linear blocks
// CHECK: %[[WS:.*]] = ffnrt.alloc {bytes = 262144 : i64} : memref<?xf32>
// CHECK: %[[SPLITS:.*]] = arith.constant 4 : index
// CHECK: gpu.launch_func  @ffn_kernels::@gemm_mma_partial blocks in (%{{.*}}, %{{.*}}, %[[SPLITS]]) {{.*}} args(%{{.*}} : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %[[WS]] : memref<?xf32>, {{.*}}) {ffnrt.tokens = array<i64: 9, 256>}
// CHECK: gpu.launch_func  @ffn_kernels::@splitk_reduce {{.*}} args(%[[WS]] : memref<?xf32>, {{.*}}) {ffnrt.tokens = array<i64: 9, 256>}
// CHECK: gpu.launch_func  @ffn_kernels::@gemm_mma {{.*}} {ffnrt.tokens = array<i64: 257, 0>}
// On Hopper, one CTA of 256 rows would leave all other SMs idle even with
// slices of 2048 columns: the slices shrink to 512, 4 of them, up to 256
// tokens.
// HOPPER-LABEL: func.func @ffn_plan()
// HOPPER: %[[SPLITS:.*]] = arith.constant 4 : index
// HOPPER: gpu.launch_func  @ffn_kernels::@gemm_wgmma_partial blocks in (%{{.*}}, %{{.*}}, %[[SPLITS]]) {{.*}} {ffnrt.tokens = array<i64: 9, 256>}
// HOPPER: gpu.launch_func  @ffn_kernels::@gemm_wgmma {{.*}} {ffnrt.tokens = array<i64: 257, 0>}
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x2048xf32>
  %w = arith.constant dense<0.5> : tensor<2048x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x2048xf32>, tensor<?x?xi64> -> tensor<?x?x2048xf32>
  %0 = ffn.matmul %x, %w : (tensor<?x?x2048xf32>, tensor<2048x64xf32>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// Hopper splits k to fill the last wave of CTAs: 114688 weight rows make
// 448 CTAs of 256 rows, 3.4 waves on 132 SMs; two slices of 2048 columns
// make 896, 6.8 waves. The split's partial sums cost 4 * 2 * tokens / 4096
// of the weight's bytes: it runs up to 64 tokens (an eighth), the whole k
// in one launch above.
// HOPPER-LABEL: func.func @ffn_plan()
// HOPPER: %[[ACROSS:.*]] = arith.constant 448 : index
// HOPPER: %[[WS:.*]] = ffnrt.alloc {bytes = 58720256 : i64} : memref<?xf32>
// HOPPER: %[[SPLITS:.*]] = arith.constant 2 : index
// HOPPER: gpu.launch_func  @ffn_kernels::@gemm_wgmma_partial blocks in (%{{.*}}, %[[ACROSS]], %[[SPLITS]]) {{.*}} args(%{{.*}} : !llvm.ptr, %{{.*}} : !llvm.ptr, %[[WS]] : memref<?xf32>, {{.*}}, %c2048_i32{{.*}} : i32) {ffnrt.tokens = array<i64: 9, 64>}
// HOPPER: gpu.launch_func  @ffn_kernels::@splitk_reduce {{.*}} args(%[[WS]] : memref<?xf32>, {{.*}}) {ffnrt.tokens = array<i64: 9, 64>}
// HOPPER: gpu.launch_func  @ffn_kernels::@gemm_wgmma blocks in (%{{.*}}, %[[ACROSS]], %{{.*}}) {{.*}} {ffnrt.tokens = array<i64: 65, 0>}
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x114688xf32> {
  %table = arith.constant dense<1.0> : tensor<100x4096xf32>
  %w = arith.constant dense<0.5> : tensor<4096x114688xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x4096xf32>, tensor<?x?xi64> -> tensor<?x?x4096xf32>
  %0 = ffn.matmul %x, %w : (tensor<?x?x4096xf32>, tensor<4096x114688xf32>) -> tensor<?x?x114688xf32>
  return %0 : tensor<?x?x114688xf32>
}
