// Attention: 8 warps per (query, head, batch), grid (seq, heads, batch); GQA
// by the head counts, the mask as #ffnrt.mask.
// RUN: ffn-opt %s --split-input-file --convert-ffn-to-gpu | FileCheck %s

// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[Q:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[K:.*]] = ffnrt.alloc {bytes = 262144 : i64}
// Without a cache, positions are a placeholder the kernel does not read,
// as is the key mask without one, and each sequence has seq keys.
// CHECK: %[[NOPOS:.*]] = ffnrt.alloc {bytes = 8 : i64} : memref<?xi64>
// CHECK: %[[NOMASK:.*]] = ffnrt.alloc {bytes = 8 : i64} : memref<?xi64>
// CHECK: %[[KVROWS:.*]] = ffnrt.extent seq : i32
// CHECK: %[[O:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[SEQ:.*]] = ffnrt.extent seq : i32
// CHECK: %[[HEADS:.*]] = arith.constant 4 : i32
// CHECK: %[[KV:.*]] = arith.constant 2 : i32
// CHECK: %[[D:.*]] = arith.constant 16 : i32
// CHECK: %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[CAUSAL:.*]] = ffnrt.flags #ffnrt.mask<causal>
// CHECK: %[[GX:.*]] = ffnrt.extent seq : index
// CHECK: %[[GY:.*]] = arith.constant 4 : index
// CHECK: %[[GZ:.*]] = ffnrt.extent batch : index
// CHECK: %[[WARP:.*]] = arith.constant 256 : index
// CHECK: gpu.launch_func  @ffn_kernels::@attention blocks in (%[[GX]], %[[GY]], %[[GZ]]) threads in (%[[WARP]], %{{.*}}, %{{.*}})  args(%[[Q]] : memref<?xbf16>, %[[K]] : memref<?xbf16>, %[[K]] : memref<?xbf16>, %[[O]] : memref<?xbf16>, %[[NOPOS]] : memref<?xi64>, %[[NOMASK]] : memref<?xi64>, %[[SEQ]] : i32, %[[KVROWS]] : i32, %[[HEADS]] : i32, %[[KV]] : i32, %[[D]] : i32, %[[SCALE]] : f32, %[[CAUSAL]] : i32)
// CHECK: ffnrt.flags #ffnrt.mask<none>
// CHECK: gpu.launch_func  @ffn_kernels::@attention
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %tq = arith.constant dense<1.0> : tensor<100x64xf32>
  %tk = arith.constant dense<0.5> : tensor<100x32xf32>
  %q = ffn.embedding %tq[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %k = ffn.embedding %tk[%ids] : tensor<100x32xf32>, tensor<?x?xi64> -> tensor<?x?x32xf32>
  %0 = ffn.attention %q, %k, %k heads(4, 2) scale 0.25 causal : tensor<?x?x64xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>
  %1 = ffn.attention %q, %k, %k heads(4, 2) scale 0.25 : tensor<?x?x64xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>
  return %0, %1 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// -----

// A padding mask (BERT's attention_mask) is model input 1, read by the
// kernel as [batch, seq] under #ffnrt.mask<keys>, or <causal_keys> with a
// causal mask; token_type_ids is input 2, its ids limited to its table.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[IDS:.*]] = ffnrt.input 0 "input_ids" {dims = ["batch", "seq"], value_limit = 100 : i64}
// CHECK: %[[MASK:.*]] = ffnrt.input 1 "attention_mask" {dims = ["batch", "seq"]}
// CHECK: %[[TYPES:.*]] = ffnrt.input 2 "token_type_ids" {dims = ["batch", "seq"], value_limit = 2 : i64}
// CHECK: gpu.launch_func @ffn_kernels::@embed {{.*}} args(%{{.*}} : memref<?xbf16>, %[[TYPES]] : memref<?xi64>
// CHECK: %[[KEYS:.*]] = ffnrt.flags #ffnrt.mask<keys>
// CHECK: gpu.launch_func @ffn_kernels::@attention {{.*}} args({{.*}}, %{{.*}} : memref<?xi64>, %[[MASK]] : memref<?xi64>, {{.*}}, %[[KEYS]] : i32)
// CHECK: %[[CKEYS:.*]] = ffnrt.flags #ffnrt.mask<causal_keys>
// CHECK: gpu.launch_func @ffn_kernels::@attention {{.*}} args({{.*}}, %{{.*}} : memref<?xi64>, %[[MASK]] : memref<?xi64>, {{.*}}, %[[CKEYS]] : i32)
func.func @main(%ids: tensor<?x?xi64> {ffn.name = "input_ids"}, %mask: tensor<?x?xi64> {ffn.name = "attention_mask"}, %types: tensor<?x?xi64> {ffn.name = "token_type_ids"}) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %tq = arith.constant dense<1.0> : tensor<100x64xf32>
  %tt = arith.constant dense<0.5> : tensor<2x64xf32>
  %q = ffn.embedding %tq[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %t = ffn.embedding %tt[%types] : tensor<2x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %0 = ffn.attention %q, %t, %t key_mask(%mask : tensor<?x?xi64>) heads(4, 4) scale 0.25 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
  %1 = ffn.attention %q, %t, %t key_mask(%mask : tensor<?x?xi64>) heads(4, 4) scale 0.25 causal : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %0, %1 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// -----

// A generation step (ffn-kv-cache): position_ids become input 1, limited to
// the context; caches become states that cache_write fills in place and
// attention reads with mask cache over their 16 rows; RoPE reads its tables
// at the positions, the queries' and the keys' in one launch (grid y 2),
// as the keys and values go into their caches in one launch. The logits
// are output 0 and their rows' argmax, for greedy decoding, output 1.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK-SAME: ffnrt.max_context = 16
// CHECK: %[[IDS:.*]] = ffnrt.input 0 "input_ids" {dims = [1, "seq"], value_limit = 100 : i64}
// CHECK: %[[POS:.*]] = ffnrt.input 1 "position_ids" {dims = [1, "seq"], value_limit = 16 : i64}
// CHECK: %[[KC:.*]] = ffnrt.state 0 {bytes = 1024 : i64} : memref<?xbf16>
// CHECK: %[[VC:.*]] = ffnrt.state 1 {bytes = 1024 : i64} : memref<?xbf16>
// CHECK: %[[QX:.*]] = ffnrt.alloc {bytes = 524288 : i64} : memref<?xbf16>
// CHECK: %[[KX:.*]] = ffnrt.alloc {bytes = 262144 : i64} : memref<?xbf16>
// CHECK: %[[Q:.*]] = ffnrt.alloc {bytes = 524288 : i64} : memref<?xbf16>
// CHECK: %[[K:.*]] = ffnrt.alloc {bytes = 262144 : i64} : memref<?xbf16>
// CHECK: gpu.launch_func  @ffn_kernels::@rope blocks in (%{{.*}}, %c2{{.*}}, %c1{{.*}}) {{.*}} args(%[[QX]] : memref<?xbf16>, %[[Q]] : memref<?xbf16>, %c64_i32{{.*}} : i32, %[[KX]] : memref<?xbf16>, %[[K]] : memref<?xbf16>, %c32_i32{{.*}} : i32, {{.*}}, %[[POS]] : memref<?xi64>, %{{.*}} : i32,
// CHECK-NOT: @ffn_kernels::@rope
// CHECK: gpu.launch_func  @ffn_kernels::@cache_write blocks in (%{{.*}}, %c2{{.*}}, %c1{{.*}}) {{.*}} args(%[[K]] : memref<?xbf16>, %[[KC]] : memref<?xbf16>, %[[KX]] : memref<?xbf16>, %[[VC]] : memref<?xbf16>, %[[POS]] : memref<?xi64>,
// CHECK-NOT: @ffn_kernels::@cache_write
// CHECK: %[[ROWS:.*]] = arith.constant 16 : i32
// CHECK: %[[CACHE:.*]] = ffnrt.flags #ffnrt.mask<cache>
// CHECK: gpu.launch_func @ffn_kernels::@attention {{.*}} args(%[[Q]] : memref<?xbf16>, %[[KC]] : memref<?xbf16>, %[[VC]] : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %[[POS]] : memref<?xi64>, %{{.*}} : memref<?xi64>, %{{.*}} : i32, %[[ROWS]] : i32, {{.*}}, %[[CACHE]] : i32)
// CHECK: ffnrt.output 0 "logits"
// CHECK: ffnrt.output 1 "next_ids" {dims = [1, "seq"]} : memref<?xi64>
// CHECK-NOT: ffnrt.output 2
func.func @main(%ids: tensor<1x?xi64> {ffn.name = "input_ids"}, %pos: tensor<1x?xi64> {ffn.name = "position_ids"}, %kc: tensor<1x16x32xf32> {ffn.name = "cache.0.key"}, %vc: tensor<1x16x32xf32> {ffn.name = "cache.0.value"}) -> (tensor<1x?x64xf32> {ffn.name = "logits"}, tensor<1x16x32xf32>, tensor<1x16x32xf32>) attributes {ffn.max_context = 16 : i64} {
  %tq = arith.constant dense<1.0> : tensor<100x64xf32>
  %tk = arith.constant dense<0.5> : tensor<100x32xf32>
  %cos = arith.constant dense<0.5> : tensor<16x16xf32>
  %q = ffn.embedding %tq[%ids] : tensor<100x64xf32>, tensor<1x?xi64> -> tensor<1x?x64xf32>
  %k = ffn.embedding %tk[%ids] : tensor<100x32xf32>, tensor<1x?xi64> -> tensor<1x?x32xf32>
  %qr = ffn.rope %q, %cos, %cos positions(%pos : tensor<1x?xi64>) : tensor<1x?x64xf32>, tensor<16x16xf32>
  %kr = ffn.rope %k, %cos, %cos positions(%pos : tensor<1x?xi64>) : tensor<1x?x32xf32>, tensor<16x16xf32>
  %kw = ffn.cache_write %kr into %kc at %pos : tensor<1x?x32xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  %vw = ffn.cache_write %k into %vc at %pos : tensor<1x?x32xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  %o = ffn.attention %qr, %kw, %vw positions(%pos : tensor<1x?xi64>) heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  return %o, %kw, %vw : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
}
