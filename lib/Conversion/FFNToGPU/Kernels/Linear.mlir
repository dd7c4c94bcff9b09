// Matrix products against weights stored [rows, k] with k contiguous, so that
// every lane streams its weights with 16-byte loads.

func.func private @bias_at(%bias: memref<?x!act>, %i: index, %has: i1) -> f32 {
  %r = scf.if %has -> f32 {
    %v = func.call @ld(%bias, %i) : (memref<?x!act>, index) -> f32
    scf.yield %v : f32
  } else {
    %zero = arith.constant 0.0 : f32
    scf.yield %zero : f32
  }
  return %r : f32
}

// out[t, n] = v (+ res[t, n]).
func.func private @store_out(%res: memref<?x!act>, %out: memref<?x!act>, %t: index,
                             %n: index, %ncols: index, %residual: i1, %v: f32) {
  %row = arith.muli %t, %ncols : index
  %i = arith.addi %row, %n : index
  %r = func.call @bias_at(%res, %i, %residual) : (memref<?x!act>, index, i1) -> f32
  %y = arith.addf %v, %r : f32
  func.call @st(%out, %i, %y) : (memref<?x!act>, index, f32) -> ()
  return
}

// The epilogue of one token for the pair of weight rows (2p, 2p + 1) whose
// dot products are %s0 and %s1.
func.func private @linear_epilogue(%bias: memref<?x!act>, %res: memref<?x!act>,
                                   %out: memref<?x!act>, %t: index, %pair: index,
                                   %ncols: index, %flags: i32, %kind: i32,
                                   %s0: f32, %s1: f32) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %biasBit = func.call @epilogue_bias() : () -> i32
  %gatedBit = func.call @epilogue_gated() : () -> i32
  %residualBit = func.call @epilogue_residual() : () -> i32
  %hasBias = func.call @has_flag(%flags, %biasBit) : (i32, i32) -> i1
  %gated = func.call @has_flag(%flags, %gatedBit) : (i32, i32) -> i1
  %residual = func.call @has_flag(%flags, %residualBit) : (i32, i32) -> i1
  %r0 = arith.muli %pair, %c2 : index
  %r1 = arith.addi %r0, %c1 : index
  %b0 = func.call @bias_at(%bias, %r0, %hasBias) : (memref<?x!act>, index, i1) -> f32
  %v0 = arith.addf %s0, %b0 : f32
  scf.if %gated {
    %b1 = func.call @bias_at(%bias, %r1, %hasBias) : (memref<?x!act>, index, i1) -> f32
    %u = arith.addf %s1, %b1 : f32
    %g = func.call @activate(%kind, %v0) : (i32, f32) -> f32
    %y = arith.mulf %g, %u : f32
    func.call @store_out(%res, %out, %t, %pair, %ncols, %residual, %y) : (memref<?x!act>, memref<?x!act>, index, index, index, i1, f32) -> ()
  } else {
    %y0 = func.call @activate(%kind, %v0) : (i32, f32) -> f32
    func.call @store_out(%res, %out, %t, %r0, %ncols, %residual, %y0) : (memref<?x!act>, memref<?x!act>, index, index, index, i1, f32) -> ()
    %second = arith.cmpi ult, %r1, %ncols : index
    scf.if %second {
      %b1 = func.call @bias_at(%bias, %r1, %hasBias) : (memref<?x!act>, index, i1) -> f32
      %v1 = arith.addf %s1, %b1 : f32
      %y1 = func.call @activate(%kind, %v1) : (i32, f32) -> f32
      func.call @store_out(%res, %out, %t, %r1, %ncols, %residual, %y1) : (memref<?x!act>, memref<?x!act>, index, index, index, i1, f32) -> ()
    }
  }
  return
}

func.func private @dot_sum(%a: vector<8xf32>) -> f32 {
  %s = vector.reduction <add>, %a : vector<8xf32> into f32
  %w = func.call @warp_sum(%s) : (f32) -> f32
  return %w : f32
}

// The weight rows, output pairs and output columns of a linear kernel's
// %n32 outputs: a gated epilogue reads two interleaved rows per output.
func.func private @out_shape(%n32: i32, %flags: i32) -> (index, index, index) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %ncols = arith.index_cast %n32 : i32 to index
  %gatedBit = func.call @epilogue_gated() : () -> i32
  %gated = func.call @has_flag(%flags, %gatedBit) : (i32, i32) -> i1
  %n2 = arith.muli %ncols, %c2 : index
  %rows = arith.select %gated, %n2, %ncols : index
  %np1 = arith.addi %ncols, %c1 : index
  %halfPairs = arith.divui %np1, %c2 : index
  %pairs = arith.select %gated, %ncols, %halfPairs : index
  return %rows, %pairs, %ncols : index, index, index
}

// out[t, n] = epilogue(sum_k x[t, k] * w[row, k]) for t < tokens, k % 8 == 0.
// Each warp computes two weight rows for four tokens; grid (ceil(pairs / 4),
// ceil(tokens / 4)), 128 threads. %flags is an #ffnrt.epilogue: bias, gated
// (rows 2c and 2c + 1 are the gate and up projections of output c, bias
// interleaved likewise), residual; %kind the #ffnrt.activation.
gpu.func @linear(%x: memref<?x!act>, %w: memref<?x!act>, %bias: memref<?x!act>,
                 %res: memref<?x!act>, %out: memref<?x!act>,
                 %t32: i32, %k32: i32, %n32: i32, %flags: i32, %kind: i32) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %bx4 = arith.muli %bx, %c4 : index
  %pair = arith.addi %bx4, %warp : index
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rows, %pairs, %ncols = func.call @out_shape(%n32, %flags) : (i32, i32) -> (index, index, index)
  %active = arith.cmpi ult, %pair, %pairs : index
  scf.if %active {
    %r0 = arith.muli %pair, %c2 : index
    %r1x = arith.addi %r0, %c1 : index
    %r1ok = arith.cmpi ult, %r1x, %rows : index
    %r1 = arith.select %r1ok, %r1x, %r0 : index
    %t0 = arith.muli %by, %c4 : index
    %tl = arith.subi %tokens, %c1 : index
    %t1 = arith.addi %t0, %c1 : index
    %t2 = arith.addi %t0, %c2 : index
    %t3 = arith.addi %t0, %c3 : index
    %u0 = arith.minui %t0, %tl : index
    %u1 = arith.minui %t1, %tl : index
    %u2 = arith.minui %t2, %tl : index
    %u3 = arith.minui %t3, %tl : index
    %w0 = arith.muli %r0, %k : index
    %w1 = arith.muli %r1, %k : index
    %x0 = arith.muli %u0, %k : index
    %x1 = arith.muli %u1, %k : index
    %x2 = arith.muli %u2, %k : index
    %x3 = arith.muli %u3, %k : index
    %z = arith.constant dense<0.0> : vector<8xf32>
    %k0 = arith.muli %lane, %c8 : index
    %acc:8 = scf.for %kk = %k0 to %k step %c256
        iter_args(%a00 = %z, %a01 = %z, %a02 = %z, %a03 = %z,
                  %a10 = %z, %a11 = %z, %a12 = %z, %a13 = %z)
        -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>,
            vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
      %i0 = arith.addi %w0, %kk : index
      %i1 = arith.addi %w1, %kk : index
      %wv0 = func.call @ld8(%w, %i0) : (memref<?x!act>, index) -> vector<8xf32>
      %wv1 = func.call @ld8(%w, %i1) : (memref<?x!act>, index) -> vector<8xf32>
      %j0 = arith.addi %x0, %kk : index
      %j1 = arith.addi %x1, %kk : index
      %j2 = arith.addi %x2, %kk : index
      %j3 = arith.addi %x3, %kk : index
      %xv0 = func.call @ld8(%x, %j0) : (memref<?x!act>, index) -> vector<8xf32>
      %xv1 = func.call @ld8(%x, %j1) : (memref<?x!act>, index) -> vector<8xf32>
      %xv2 = func.call @ld8(%x, %j2) : (memref<?x!act>, index) -> vector<8xf32>
      %xv3 = func.call @ld8(%x, %j3) : (memref<?x!act>, index) -> vector<8xf32>
      %n00 = vector.fma %xv0, %wv0, %a00 : vector<8xf32>
      %n01 = vector.fma %xv1, %wv0, %a01 : vector<8xf32>
      %n02 = vector.fma %xv2, %wv0, %a02 : vector<8xf32>
      %n03 = vector.fma %xv3, %wv0, %a03 : vector<8xf32>
      %n10 = vector.fma %xv0, %wv1, %a10 : vector<8xf32>
      %n11 = vector.fma %xv1, %wv1, %a11 : vector<8xf32>
      %n12 = vector.fma %xv2, %wv1, %a12 : vector<8xf32>
      %n13 = vector.fma %xv3, %wv1, %a13 : vector<8xf32>
      scf.yield %n00, %n01, %n02, %n03, %n10, %n11, %n12, %n13
          : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>,
            vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
    }
    %s00 = func.call @dot_sum(%acc#0) : (vector<8xf32>) -> f32
    %s01 = func.call @dot_sum(%acc#1) : (vector<8xf32>) -> f32
    %s02 = func.call @dot_sum(%acc#2) : (vector<8xf32>) -> f32
    %s03 = func.call @dot_sum(%acc#3) : (vector<8xf32>) -> f32
    %s10 = func.call @dot_sum(%acc#4) : (vector<8xf32>) -> f32
    %s11 = func.call @dot_sum(%acc#5) : (vector<8xf32>) -> f32
    %s12 = func.call @dot_sum(%acc#6) : (vector<8xf32>) -> f32
    %s13 = func.call @dot_sum(%acc#7) : (vector<8xf32>) -> f32
    %first = arith.cmpi eq, %lane, %c0 : index
    %v0 = arith.cmpi ult, %t0, %tokens : index
    %v1 = arith.cmpi ult, %t1, %tokens : index
    %v2 = arith.cmpi ult, %t2, %tokens : index
    %v3 = arith.cmpi ult, %t3, %tokens : index
    %e0 = arith.andi %first, %v0 : i1
    %e1 = arith.andi %first, %v1 : i1
    %e2 = arith.andi %first, %v2 : i1
    %e3 = arith.andi %first, %v3 : i1
    scf.if %e0 {
      func.call @linear_epilogue(%bias, %res, %out, %t0, %pair, %ncols, %flags, %kind, %s00, %s10) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e1 {
      func.call @linear_epilogue(%bias, %res, %out, %t1, %pair, %ncols, %flags, %kind, %s01, %s11) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e2 {
      func.call @linear_epilogue(%bias, %res, %out, %t2, %pair, %ncols, %flags, %kind, %s02, %s12) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e3 {
      func.call @linear_epilogue(%bias, %res, %out, %t3, %pair, %ncols, %flags, %kind, %s03, %s13) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
  }
  gpu.return
}
