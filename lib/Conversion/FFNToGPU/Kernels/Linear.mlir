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

// The dot products of weight rows 2p and 2p + 1 (the second clamped to the
// last row) with tokens t0 .. t0 + 3 (clamped to the last token) over k in
// [kb, ke), kb and ke multiples of 8: each lane takes 8 columns of every
// 256 and keeps two 16-byte weight loads per row in flight.
func.func private @gemv_tile(%x: memref<?x!act>, %w: memref<?x!act>, %pair: index,
                             %rows: index, %t0: index, %tokens: index,
                             %k: index, %kb: index, %ke: index, %lane: index)
    -> (f32, f32, f32, f32, f32, f32, f32, f32) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %r0 = arith.muli %pair, %c2 : index
  %r1x = arith.addi %r0, %c1 : index
  %r1ok = arith.cmpi ult, %r1x, %rows : index
  %r1 = arith.select %r1ok, %r1x, %r0 : index
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
  %zf = arith.constant 0.0 : f32
  %lo = arith.muli %lane, %c8 : index
  %k0 = arith.addi %kb, %lo : index
  %acc:8 = scf.for %ka = %k0 to %ke step %c512
      iter_args(%a00 = %zf, %a01 = %zf, %a02 = %zf, %a03 = %zf,
                %a10 = %zf, %a11 = %zf, %a12 = %zf, %a13 = %zf)
      -> (f32, f32, f32, f32, f32, f32, f32, f32) {
    // The second chunk, 256 columns on, re-reads the first where it would
    // pass ke and counts as zeros.
    %kbx = arith.addi %ka, %c256 : index
    %hasB = arith.cmpi ult, %kbx, %ke : index
    %kbb = arith.select %hasB, %kbx, %ka : index
    %ia0 = arith.addi %w0, %ka : index
    %ia1 = arith.addi %w1, %ka : index
    %ib0 = arith.addi %w0, %kbb : index
    %ib1 = arith.addi %w1, %kbb : index
    %wa0 = func.call @ld8(%w, %ia0) : (memref<?x!act>, index) -> vector<8xf32>
    %wa1 = func.call @ld8(%w, %ia1) : (memref<?x!act>, index) -> vector<8xf32>
    %wb0r = func.call @ld8(%w, %ib0) : (memref<?x!act>, index) -> vector<8xf32>
    %wb1r = func.call @ld8(%w, %ib1) : (memref<?x!act>, index) -> vector<8xf32>
    %wb0 = arith.select %hasB, %wb0r, %z : vector<8xf32>
    %wb1 = arith.select %hasB, %wb1r, %z : vector<8xf32>
    %s:8 = func.call @gemv_step(%x, %x0, %x1, %x2, %x3, %ka, %wa0, %wa1, %a00, %a01, %a02, %a03, %a10, %a11, %a12, %a13) : (memref<?x!act>, index, index, index, index, index, vector<8xf32>, vector<8xf32>, f32, f32, f32, f32, f32, f32, f32, f32) -> (f32, f32, f32, f32, f32, f32, f32, f32)
    %n:8 = func.call @gemv_step(%x, %x0, %x1, %x2, %x3, %kbb, %wb0, %wb1, %s#0, %s#1, %s#2, %s#3, %s#4, %s#5, %s#6, %s#7) : (memref<?x!act>, index, index, index, index, index, vector<8xf32>, vector<8xf32>, f32, f32, f32, f32, f32, f32, f32, f32) -> (f32, f32, f32, f32, f32, f32, f32, f32)
    scf.yield %n#0, %n#1, %n#2, %n#3, %n#4, %n#5, %n#6, %n#7
        : f32, f32, f32, f32, f32, f32, f32, f32
  }
  %s00 = func.call @warp_sum(%acc#0) : (f32) -> f32
  %s01 = func.call @warp_sum(%acc#1) : (f32) -> f32
  %s02 = func.call @warp_sum(%acc#2) : (f32) -> f32
  %s03 = func.call @warp_sum(%acc#3) : (f32) -> f32
  %s10 = func.call @warp_sum(%acc#4) : (f32) -> f32
  %s11 = func.call @warp_sum(%acc#5) : (f32) -> f32
  %s12 = func.call @warp_sum(%acc#6) : (f32) -> f32
  %s13 = func.call @warp_sum(%acc#7) : (f32) -> f32
  return %s00, %s01, %s02, %s03, %s10, %s11, %s12, %s13 : f32, f32, f32, f32, f32, f32, f32, f32
}

// One token (decoding): the dot products of weight rows 2p and 2p + 1 (the
// second clamped to the last row) with token row %t over k in [kb, ke), in
// @gemv_tile's load pattern but with one x load and FMAs into vector sums
// per weight load, so that the kernel is bound by memory, not by issue.
func.func private @gemv_tile1(%x: memref<?x!act>, %w: memref<?x!act>, %pair: index,
                              %rows: index, %t: index, %k: index, %kb: index,
                              %ke: index, %lane: index) -> (f32, f32) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %r0 = arith.muli %pair, %c2 : index
  %r1x = arith.addi %r0, %c1 : index
  %r1ok = arith.cmpi ult, %r1x, %rows : index
  %r1 = arith.select %r1ok, %r1x, %r0 : index
  %w0 = arith.muli %r0, %k : index
  %w1 = arith.muli %r1, %k : index
  %x0 = arith.muli %t, %k : index
  %z = arith.constant dense<0.0> : vector<8xf32>
  %lo = arith.muli %lane, %c8 : index
  %k0 = arith.addi %kb, %lo : index
  %acc:2 = scf.for %ka = %k0 to %ke step %c512
      iter_args(%a0 = %z, %a1 = %z) -> (vector<8xf32>, vector<8xf32>) {
    // As in @gemv_tile, the second chunk re-reads the first where it would
    // pass ke; its x is zero there.
    %kbx = arith.addi %ka, %c256 : index
    %hasB = arith.cmpi ult, %kbx, %ke : index
    %kbb = arith.select %hasB, %kbx, %ka : index
    %ia0 = arith.addi %w0, %ka : index
    %ia1 = arith.addi %w1, %ka : index
    %ib0 = arith.addi %w0, %kbb : index
    %ib1 = arith.addi %w1, %kbb : index
    %wa0 = func.call @ld8(%w, %ia0) : (memref<?x!act>, index) -> vector<8xf32>
    %wa1 = func.call @ld8(%w, %ia1) : (memref<?x!act>, index) -> vector<8xf32>
    %wb0 = func.call @ld8(%w, %ib0) : (memref<?x!act>, index) -> vector<8xf32>
    %wb1 = func.call @ld8(%w, %ib1) : (memref<?x!act>, index) -> vector<8xf32>
    %ja = arith.addi %x0, %ka : index
    %jb = arith.addi %x0, %kbb : index
    %xa = func.call @ld8(%x, %ja) : (memref<?x!act>, index) -> vector<8xf32>
    %xbr = func.call @ld8(%x, %jb) : (memref<?x!act>, index) -> vector<8xf32>
    %xb = arith.select %hasB, %xbr, %z : vector<8xf32>
    %n0a = vector.fma %wa0, %xa, %a0 : vector<8xf32>
    %n0 = vector.fma %wb0, %xb, %n0a : vector<8xf32>
    %n1a = vector.fma %wa1, %xa, %a1 : vector<8xf32>
    %n1 = vector.fma %wb1, %xb, %n1a : vector<8xf32>
    scf.yield %n0, %n1 : vector<8xf32>, vector<8xf32>
  }
  %l0 = vector.reduction <add>, %acc#0 : vector<8xf32> into f32
  %l1 = vector.reduction <add>, %acc#1 : vector<8xf32> into f32
  %s0 = func.call @warp_sum(%l0) : (f32) -> f32
  %s1 = func.call @warp_sum(%l1) : (f32) -> f32
  return %s0, %s1 : f32, f32
}

// Adds the dot products of the 8 columns at %kk of the four token rows
// (offsets %x0-%x3) with the two weight vectors to the sums: scalar sums
// keep the GEMV's registers, and so its loads in flight, few.
func.func private @gemv_step(%x: memref<?x!act>, %x0: index, %x1: index,
                             %x2: index, %x3: index, %kk: index,
                             %wv0: vector<8xf32>, %wv1: vector<8xf32>,
                             %a00: f32, %a01: f32, %a02: f32, %a03: f32,
                             %a10: f32, %a11: f32, %a12: f32, %a13: f32)
    -> (f32, f32, f32, f32, f32, f32, f32, f32) {
  %j0 = arith.addi %x0, %kk : index
  %j1 = arith.addi %x1, %kk : index
  %j2 = arith.addi %x2, %kk : index
  %j3 = arith.addi %x3, %kk : index
  %xv0 = func.call @ld8(%x, %j0) : (memref<?x!act>, index) -> vector<8xf32>
  %xv1 = func.call @ld8(%x, %j1) : (memref<?x!act>, index) -> vector<8xf32>
  %xv2 = func.call @ld8(%x, %j2) : (memref<?x!act>, index) -> vector<8xf32>
  %xv3 = func.call @ld8(%x, %j3) : (memref<?x!act>, index) -> vector<8xf32>
  %p00 = arith.mulf %xv0, %wv0 : vector<8xf32>
  %n00 = vector.reduction <add>, %p00, %a00 : vector<8xf32> into f32
  %p01 = arith.mulf %xv1, %wv0 : vector<8xf32>
  %n01 = vector.reduction <add>, %p01, %a01 : vector<8xf32> into f32
  %p02 = arith.mulf %xv2, %wv0 : vector<8xf32>
  %n02 = vector.reduction <add>, %p02, %a02 : vector<8xf32> into f32
  %p03 = arith.mulf %xv3, %wv0 : vector<8xf32>
  %n03 = vector.reduction <add>, %p03, %a03 : vector<8xf32> into f32
  %p10 = arith.mulf %xv0, %wv1 : vector<8xf32>
  %n10 = vector.reduction <add>, %p10, %a10 : vector<8xf32> into f32
  %p11 = arith.mulf %xv1, %wv1 : vector<8xf32>
  %n11 = vector.reduction <add>, %p11, %a11 : vector<8xf32> into f32
  %p12 = arith.mulf %xv2, %wv1 : vector<8xf32>
  %n12 = vector.reduction <add>, %p12, %a12 : vector<8xf32> into f32
  %p13 = arith.mulf %xv3, %wv1 : vector<8xf32>
  %n13 = vector.reduction <add>, %p13, %a13 : vector<8xf32> into f32
  return %n00, %n01, %n02, %n03, %n10, %n11, %n12, %n13
      : f32, f32, f32, f32, f32, f32, f32, f32
}

// out[t, n] = epilogue(sum_k x[t, k] * w[row, k]) for t < tokens, k % 8 == 0.
// Each warp computes two weight rows for four tokens; grid (ceil(pairs / 4),
// ceil(tokens / 4)), 128 threads. %flags is an #ffnrt.epilogue: bias, gated
// (rows 2c and 2c + 1 are the gate and up projections of output c, bias
// interleaved likewise), residual; %kind the #ffnrt.activation.
gpu.func @linear(%x: memref<?x!act>, %w: memref<?x!act>, %bias: memref<?x!act>,
                 %res: memref<?x!act>, %out: memref<?x!act>,
                 %t32: i32, %k32: i32, %n32: i32, %flags: i32, %kind: i32) kernel
    attributes {nvvm.maxntid = array<i32: 128, 1, 1>, nvvm.minctasm = 7 : i32} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
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
  %one = arith.cmpi eq, %tokens, %c1 : index
  %first = arith.cmpi eq, %lane, %c0 : index
  %single = arith.andi %active, %one : i1
  %several = arith.cmpi ugt, %tokens, %c1 : index
  %many = arith.andi %active, %several : i1
  scf.if %single {
    %s:2 = func.call @gemv_tile1(%x, %w, %pair, %rows, %c0, %k, %c0, %k, %lane) : (memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, index) -> (f32, f32)
    scf.if %first {
      func.call @linear_epilogue(%bias, %res, %out, %c0, %pair, %ncols, %flags, %kind, %s#0, %s#1) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
  }
  scf.if %many {
    %t0 = arith.muli %by, %c4 : index
    %t1 = arith.addi %t0, %c1 : index
    %t2 = arith.addi %t0, %c2 : index
    %t3 = arith.addi %t0, %c3 : index
    %s:8 = func.call @gemv_tile(%x, %w, %pair, %rows, %t0, %tokens, %k, %c0, %k, %lane) : (memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, index, index) -> (f32, f32, f32, f32, f32, f32, f32, f32)
    %v0 = arith.cmpi ult, %t0, %tokens : index
    %v1 = arith.cmpi ult, %t1, %tokens : index
    %v2 = arith.cmpi ult, %t2, %tokens : index
    %v3 = arith.cmpi ult, %t3, %tokens : index
    %e0 = arith.andi %first, %v0 : i1
    %e1 = arith.andi %first, %v1 : i1
    %e2 = arith.andi %first, %v2 : i1
    %e3 = arith.andi %first, %v3 : i1
    scf.if %e0 {
      func.call @linear_epilogue(%bias, %res, %out, %t0, %pair, %ncols, %flags, %kind, %s#0, %s#4) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e1 {
      func.call @linear_epilogue(%bias, %res, %out, %t1, %pair, %ncols, %flags, %kind, %s#1, %s#5) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e2 {
      func.call @linear_epilogue(%bias, %res, %out, %t2, %pair, %ncols, %flags, %kind, %s#2, %s#6) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
    scf.if %e3 {
      func.call @linear_epilogue(%bias, %res, %out, %t3, %pair, %ncols, %flags, %kind, %s#3, %s#7) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
    }
  }
  gpu.return
}

// Split-K for the GEMV: CTA (x, y, z) computes the four pairs and four
// tokens of @linear over k in [z * kslice, (z + 1) * kslice) and stores the
// sums, in f32, to ws[z][t][row] ([splits, tokens, rows]) for
// @splitk_reduce. A weight of few rows then still keeps every SM streaming.
gpu.func @linear_partial(%x: memref<?x!act>, %w: memref<?x!act>, %ws: memref<?xf32>,
                         %t32: i32, %k32: i32, %rows32: i32, %kslice32: i32) kernel
    attributes {nvvm.maxntid = array<i32: 128, 1, 1>, nvvm.minctasm = 8 : i32} {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %bz = gpu.block_id z
  %bx4 = arith.muli %bx, %c4 : index
  %pair = arith.addi %bx4, %warp : index
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rows = arith.index_cast %rows32 : i32 to index
  %kslice = arith.index_cast %kslice32 : i32 to index
  %kb = arith.muli %bz, %kslice : index
  %ke0 = arith.addi %kb, %kslice : index
  %ke = arith.minui %ke0, %k : index
  %r0 = arith.muli %pair, %c2 : index
  %active = arith.cmpi ult, %r0, %rows : index
  %c0 = arith.constant 0 : index
  %first = arith.cmpi eq, %lane, %c0 : index
  %one = arith.cmpi eq, %tokens, %c1 : index
  %single = arith.andi %active, %one : i1
  %several = arith.cmpi ugt, %tokens, %c1 : index
  %many = arith.andi %active, %several : i1
  scf.if %single {
    %s:2 = func.call @gemv_tile1(%x, %w, %pair, %rows, %c0, %k, %kb, %ke, %lane) : (memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, index) -> (f32, f32)
    scf.if %first {
      %r1 = arith.addi %r0, %c1 : index
      func.call @ws_store(%ws, %bz, %c0, %r0, %tokens, %rows, %s#0) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %bz, %c0, %r1, %tokens, %rows, %s#1) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
    }
  }
  scf.if %many {
    %t0 = arith.muli %by, %c4 : index
    %s:8 = func.call @gemv_tile(%x, %w, %pair, %rows, %t0, %tokens, %k, %kb, %ke, %lane) : (memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, index, index) -> (f32, f32, f32, f32, f32, f32, f32, f32)
    scf.if %first {
      %zt = arith.muli %bz, %tokens : index
      %r1 = arith.addi %r0, %c1 : index
      %t1 = arith.addi %t0, %c1 : index
      %t2 = arith.addi %t0, %c2 : index
      %t3 = arith.addi %t0, %c3 : index
      func.call @ws_store(%ws, %zt, %t0, %r0, %tokens, %rows, %s#0) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t1, %r0, %tokens, %rows, %s#1) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t2, %r0, %tokens, %rows, %s#2) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t3, %r0, %tokens, %rows, %s#3) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t0, %r1, %tokens, %rows, %s#4) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t1, %r1, %tokens, %rows, %s#5) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t2, %r1, %tokens, %rows, %s#6) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
      func.call @ws_store(%ws, %zt, %t3, %r1, %tokens, %rows, %s#7) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
    }
  }
  gpu.return
}

// Split-K's f32 partial sums: ws[(zt + r) * rows + n] for a valid token r
// and weight row n.
func.func private @ws_store(%ws: memref<?xf32>, %zt: index, %r: index, %n: index,
                            %tokens: index, %rows: index, %v: f32) {
  %okr = arith.cmpi ult, %r, %tokens : index
  %okn = arith.cmpi ult, %n, %rows : index
  %ok = arith.andi %okr, %okn : i1
  scf.if %ok {
    %zr = arith.addi %zt, %r : index
    %base = arith.muli %zr, %rows : index
    %i = arith.addi %base, %n : index
    memref.store %v, %ws[%i] : memref<?xf32>
  }
  return
}

// Sums the split-K slices of ws for one (token, pair of weight rows) per
// thread and applies @linear_epilogue. grid ceil(tokens * pairs / 256).
gpu.func @splitk_reduce(%ws: memref<?xf32>, %bias: memref<?x!act>, %res: memref<?x!act>,
                        %out: memref<?x!act>, %t32: i32, %n32: i32, %flags: i32,
                        %kind: i32, %splits32: i32) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %bid = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %base = arith.muli %bid, %nt : index
  %idx = arith.addi %base, %tid : index
  %tokens = arith.index_cast %t32 : i32 to index
  %splits = arith.index_cast %splits32 : i32 to index
  %rows, %pairs, %ncols = func.call @out_shape(%n32, %flags) : (i32, i32) -> (index, index, index)
  %total = arith.muli %tokens, %pairs : index
  %in = arith.cmpi ult, %idx, %total : index
  scf.if %in {
    %t = arith.divui %idx, %pairs : index
    %pair = arith.remui %idx, %pairs : index
    %r0 = arith.muli %pair, %c2 : index
    %r1 = arith.addi %r0, %c1 : index
    %has1 = arith.cmpi ult, %r1, %rows : index
    %r1c = arith.select %has1, %r1, %r0 : index
    %s:2 = scf.for %z = %c0 to %splits step %c1 iter_args(%s0 = %zero, %s1 = %zero) -> (f32, f32) {
      %zt = arith.muli %z, %tokens : index
      %row = arith.addi %zt, %t : index
      %rb = arith.muli %row, %rows : index
      %i0 = arith.addi %rb, %r0 : index
      %i1 = arith.addi %rb, %r1c : index
      %v0 = memref.load %ws[%i0] : memref<?xf32>
      %v1 = memref.load %ws[%i1] : memref<?xf32>
      %n0 = arith.addf %s0, %v0 : f32
      %n1 = arith.addf %s1, %v1 : f32
      scf.yield %n0, %n1 : f32, f32
    }
    func.call @linear_epilogue(%bias, %res, %out, %t, %pair, %ncols, %flags, %kind, %s#0, %s#1) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
  }
  gpu.return
}
