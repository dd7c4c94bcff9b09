// ffn-plan-arena: buffers whose lifetimes (alloc to last use) overlap never
// share bytes; the others reuse them. Offsets are 256-byte aligned.
// RUN: ffn-opt %s --ffn-plan-arena | FileCheck %s

module attributes {gpu.container_module} {
gpu.module @k {
  gpu.func @f(%x: memref<?xf32>, %y: memref<?xf32>) kernel {
    gpu.return
  }
}

// CHECK-LABEL: func.func @chain()
// CHECK-SAME: ffnrt.arena_bytes = 2048 : i64
// The largest buffer goes first, at 0; b lives with a, so it goes after it;
// c starts after a's last use and takes a's place.
// CHECK: %[[A:.*]] = ffnrt.alloc {bytes = 1024 : i64, offset = 0 : i64}
// CHECK: %[[B:.*]] = ffnrt.alloc {bytes = 1000 : i64, offset = 1024 : i64}
// CHECK: %[[C:.*]] = ffnrt.alloc {bytes = 512 : i64, offset = 0 : i64}
func.func @chain() {
  %c1 = arith.constant 1 : index
  %a = ffnrt.alloc {bytes = 1024} : memref<?xf32>
  %b = ffnrt.alloc {bytes = 1000} : memref<?xf32>
  gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<?xf32>, %b : memref<?xf32>)
  %c = ffnrt.alloc {bytes = 512} : memref<?xf32>
  gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<?xf32>, %c : memref<?xf32>)
  return
}

// A function without buffers gets no arena.
// CHECK-LABEL: func.func @empty()
// CHECK-NOT: ffnrt.arena_bytes
func.func @empty() {
  return
}
}
