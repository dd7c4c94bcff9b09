// Shared helpers. Every kernel computes in f32 and reaches activations only
// through @ld/@st/@ld8, which the precision's prelude defines.

// Row kernels walk their rows in chunks of 8 so that each access is 16 bytes
// and a thread's chunks are in flight together. The last chunk may hold
// %n < 8 elements, and a row whose length is not a multiple of 8 is not
// 16-byte aligned (%aligned false): those chunks go one element at a time,
// with zeros past %n.
func.func private @ld8m(%m: memref<?x!act>, %i: index, %n: index,
                        %aligned: i1) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %full = arith.cmpi eq, %n, %c8 : index
  %fast = arith.andi %full, %aligned : i1
  %v = scf.if %fast -> vector<8xf32> {
    %w = func.call @ld8(%m, %i) : (memref<?x!act>, index) -> vector<8xf32>
    scf.yield %w : vector<8xf32>
  } else {
    %z = arith.constant dense<0.0> : vector<8xf32>
    %w = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %z) -> vector<8xf32> {
      %ij = arith.addi %i, %j : index
      %e = func.call @ld(%m, %ij) : (memref<?x!act>, index) -> f32
      %ev = vector.broadcast %e : f32 to vector<8xf32>
      %at = func.call @lanes_below(%j) : (index) -> vector<8xi1>
      %j1 = arith.addi %j, %c1 : index
      %upto = func.call @lanes_below(%j1) : (index) -> vector<8xi1>
      %lane = arith.xori %at, %upto : vector<8xi1>
      %next = arith.select %lane, %ev, %acc : vector<8xi1>, vector<8xf32>
      scf.yield %next : vector<8xf32>
    }
    scf.yield %w : vector<8xf32>
  }
  return %v : vector<8xf32>
}

func.func private @st8m(%m: memref<?x!act>, %i: index, %v: vector<8xf32>,
                        %n: index, %aligned: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %full = arith.cmpi eq, %n, %c8 : index
  %fast = arith.andi %full, %aligned : i1
  scf.if %fast {
    func.call @st8(%m, %i, %v) : (memref<?x!act>, index, vector<8xf32>) -> ()
  } else {
    // Element j by rotating it to lane 0: the lanes' registers are static.
    %last = scf.for %j = %c0 to %n step %c1 iter_args(%rest = %v) -> vector<8xf32> {
      %ij = arith.addi %i, %j : index
      %e = vector.extract %rest[0] : f32 from vector<8xf32>
      func.call @st(%m, %ij, %e) : (memref<?x!act>, index, f32) -> ()
      %next = vector.shuffle %rest, %rest [1, 2, 3, 4, 5, 6, 7, 0] : vector<8xf32>, vector<8xf32>
      scf.yield %next : vector<8xf32>
    }
  }
  return
}

// Lanes 0 .. n - 1 of 8.
func.func private @lanes_below(%n: index) -> vector<8xi1> {
  %lanes = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7]> : vector<8xi32>
  %n32 = arith.index_cast %n : index to i32
  %nv = vector.broadcast %n32 : i32 to vector<8xi32>
  %in = arith.cmpi ult, %lanes, %nv : vector<8xi32>
  return %in : vector<8xi1>
}

// The elements of the chunk at column %c of a row of %f: min(8, f - c).
func.func private @chunk_size(%c: index, %f: index) -> index {
  %c8 = arith.constant 8 : index
  %left = arith.subi %f, %c : index
  %n = arith.minui %left, %c8 : index
  return %n : index
}

func.func private @warp_sum(%v: f32) -> f32 {
  %w = arith.constant 32 : i32
  %c16 = arith.constant 16 : i32
  %c8 = arith.constant 8 : i32
  %c4 = arith.constant 4 : i32
  %c2 = arith.constant 2 : i32
  %c1 = arith.constant 1 : i32
  %s16, %p16 = gpu.shuffle xor %v, %c16, %w : f32
  %a16 = arith.addf %v, %s16 : f32
  %s8, %p8 = gpu.shuffle xor %a16, %c8, %w : f32
  %a8 = arith.addf %a16, %s8 : f32
  %s4, %p4 = gpu.shuffle xor %a8, %c4, %w : f32
  %a4 = arith.addf %a8, %s4 : f32
  %s2, %p2 = gpu.shuffle xor %a4, %c2, %w : f32
  %a2 = arith.addf %a4, %s2 : f32
  %s1, %p1 = gpu.shuffle xor %a2, %c1, %w : f32
  %a1 = arith.addf %a2, %s1 : f32
  return %a1 : f32
}

// Sum over the thread block; every thread gets the result.
func.func private @block_sum(%v: f32, %red: memref<32xf32, #gpu.address_space<workgroup>>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %w = func.call @warp_sum(%v) : (f32) -> f32
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %nwarps = arith.divui %nt, %c32 : index
  // The first barrier keeps a previous call's readers ahead of these writes.
  gpu.barrier
  %first = arith.cmpi eq, %lane, %c0 : index
  scf.if %first {
    memref.store %w, %red[%warp] : memref<32xf32, #gpu.address_space<workgroup>>
  }
  gpu.barrier
  %s = scf.for %i = %c0 to %nwarps step %c1 iter_args(%acc = %zero) -> f32 {
    %p = memref.load %red[%i] : memref<32xf32, #gpu.address_space<workgroup>>
    %n = arith.addf %acc, %p : f32
    scf.yield %n : f32
  }
  return %s : f32
}

// True when `flags` has every bit of `bit` (an enum of the plan dialect).
func.func private @has_flag(%flags: i32, %bit: i32) -> i1 {
  %m = arith.andi %flags, %bit : i32
  %r = arith.cmpi eq, %m, %bit : i32
  return %r : i1
}

// Activations by the plan's #ffnrt.activation values.
func.func private @activate(%kind: i32, %x: f32) -> f32 {
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %silu = func.call @activation_silu() : () -> i32
  %gelu = func.call @activation_gelu() : () -> i32
  %geluTanh = func.call @activation_gelu_tanh() : () -> i32
  %relu = func.call @activation_relu() : () -> i32
  %isSilu = arith.cmpi eq, %kind, %silu : i32
  %r = scf.if %isSilu -> f32 {
    %n = arith.negf %x : f32
    %e = math.exp %n : f32
    %d = arith.addf %one, %e : f32
    %y = arith.divf %x, %d : f32
    scf.yield %y : f32
  } else {
    %isGelu = arith.cmpi eq, %kind, %gelu : i32
    %r1 = scf.if %isGelu -> f32 {
      %rsqrt2 = arith.constant 0.707106781186547524 : f32
      %s = arith.mulf %x, %rsqrt2 : f32
      %e = math.erf %s : f32
      %p = arith.addf %one, %e : f32
      %h = arith.mulf %half, %x : f32
      %y = arith.mulf %h, %p : f32
      scf.yield %y : f32
    } else {
      %isTanh = arith.cmpi eq, %kind, %geluTanh : i32
      %r2 = scf.if %isTanh -> f32 {
        %c = arith.constant 0.797884560802865355 : f32
        %a = arith.constant 0.044715 : f32
        %x2 = arith.mulf %x, %x : f32
        %x3 = arith.mulf %x2, %x : f32
        %ax3 = arith.mulf %a, %x3 : f32
        %in = arith.addf %x, %ax3 : f32
        %s = arith.mulf %c, %in : f32
        %t = math.tanh %s : f32
        %p = arith.addf %one, %t : f32
        %h = arith.mulf %half, %x : f32
        %y = arith.mulf %h, %p : f32
        scf.yield %y : f32
      } else {
        %isRelu = arith.cmpi eq, %kind, %relu : i32
        %zero = arith.constant 0.0 : f32
        %m = arith.maximumf %x, %zero : f32
        %y = arith.select %isRelu, %m, %x : f32
        scf.yield %y : f32
      }
      scf.yield %r2 : f32
    }
    scf.yield %r1 : f32
  }
  return %r : f32
}
