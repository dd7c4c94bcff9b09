// Tensor-core matrix product for many tokens, 16-bit precisions only:
// out[t, n] = epilogue(sum_k x[t, k] * w[row, k]) with the epilogue,
// arguments and weight layout of @linear, k % 16 == 0. mma.sync m16n8k16
// through @mma (the precision's prelude): a CTA of four warps computes 64
// tokens by 64 weight rows, each warp 32 by 32 (two 16-token tiles by four
// 8-row tiles). The fragments come straight from global memory: in both x
// ([t, k], row-major A) and w ([row, k], column-major B) each lane's pair
// of k values is contiguous. Rows past the end are read clamped and never
// stored. grid (ceil(rows / 64), ceil(tokens / 64)), 128 threads.

func.func private @ld2(%m: memref<?x!act>, %i: index) -> vector<2x!act> {
  %v = vector.load %m[%i] {alignment = 4} : memref<?x!act>, vector<2x!act>
  return %v : vector<2x!act>
}

// The A fragment of the 16 x 16 tile at rows r0.., columns k0.. of x.
func.func private @frag_a(%x: memref<?x!act>, %r0: index, %k0: index,
                          %k: index, %rlast: index, %lane: index) -> vector<4x2x!act> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %g = arith.divui %lane, %c4 : index
  %t = arith.remui %lane, %c4 : index
  %ra = arith.addi %r0, %g : index
  %rb0 = arith.addi %ra, %c8 : index
  %rowA = arith.minui %ra, %rlast : index
  %rowB = arith.minui %rb0, %rlast : index
  %t2 = arith.muli %t, %c2 : index
  %col = arith.addi %k0, %t2 : index
  %baseA = arith.muli %rowA, %k : index
  %baseB = arith.muli %rowB, %k : index
  %i0 = arith.addi %baseA, %col : index
  %i1 = arith.addi %baseB, %col : index
  %i2 = arith.addi %i0, %c8 : index
  %i3 = arith.addi %i1, %c8 : index
  %v0 = func.call @ld2(%x, %i0) : (memref<?x!act>, index) -> vector<2x!act>
  %v1 = func.call @ld2(%x, %i1) : (memref<?x!act>, index) -> vector<2x!act>
  %v2 = func.call @ld2(%x, %i2) : (memref<?x!act>, index) -> vector<2x!act>
  %v3 = func.call @ld2(%x, %i3) : (memref<?x!act>, index) -> vector<2x!act>
  %z = arith.constant dense<0.0> : vector<4x2x!act>
  %a0 = vector.insert %v0, %z [0] : vector<2x!act> into vector<4x2x!act>
  %a1 = vector.insert %v1, %a0 [1] : vector<2x!act> into vector<4x2x!act>
  %a2 = vector.insert %v2, %a1 [2] : vector<2x!act> into vector<4x2x!act>
  %a3 = vector.insert %v3, %a2 [3] : vector<2x!act> into vector<4x2x!act>
  return %a3 : vector<4x2x!act>
}

// The B fragment of the 16 x 8 tile at weight rows n0.., columns k0..
func.func private @frag_b(%w: memref<?x!act>, %n0: index, %k0: index,
                          %k: index, %nlast: index, %lane: index) -> vector<2x2x!act> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %g = arith.divui %lane, %c4 : index
  %t = arith.remui %lane, %c4 : index
  %n = arith.addi %n0, %g : index
  %row = arith.minui %n, %nlast : index
  %t2 = arith.muli %t, %c2 : index
  %col = arith.addi %k0, %t2 : index
  %base = arith.muli %row, %k : index
  %i0 = arith.addi %base, %col : index
  %i1 = arith.addi %i0, %c8 : index
  %v0 = func.call @ld2(%w, %i0) : (memref<?x!act>, index) -> vector<2x!act>
  %v1 = func.call @ld2(%w, %i1) : (memref<?x!act>, index) -> vector<2x!act>
  %z = arith.constant dense<0.0> : vector<2x2x!act>
  %b0 = vector.insert %v0, %z [0] : vector<2x!act> into vector<2x2x!act>
  %b1 = vector.insert %v1, %b0 [1] : vector<2x!act> into vector<2x2x!act>
  return %b1 : vector<2x2x!act>
}

// The epilogue of one accumulator tile: rows g and g + 8 of the 16-token
// tile at m0, the pair of weight rows (n0 + 2t, n0 + 2t + 1).
func.func private @gemm_store(%bias: memref<?x!act>, %res: memref<?x!act>,
                              %out: memref<?x!act>, %m0: index, %n0: index,
                              %lane: index, %tokens: index, %pairs: index,
                              %ncols: index, %flags: i32, %kind: i32,
                              %acc: vector<4xf32>) {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %g = arith.divui %lane, %c4 : index
  %t = arith.remui %lane, %c4 : index
  %half = arith.divui %n0, %c2 : index
  %pair = arith.addi %half, %t : index
  %okPair = arith.cmpi ult, %pair, %pairs : index
  %r0 = arith.addi %m0, %g : index
  %r1 = arith.addi %r0, %c8 : index
  %ok0r = arith.cmpi ult, %r0, %tokens : index
  %ok1r = arith.cmpi ult, %r1, %tokens : index
  %ok0 = arith.andi %ok0r, %okPair : i1
  %ok1 = arith.andi %ok1r, %okPair : i1
  scf.if %ok0 {
    %s0 = vector.extract %acc[0] : f32 from vector<4xf32>
    %s1 = vector.extract %acc[1] : f32 from vector<4xf32>
    func.call @linear_epilogue(%bias, %res, %out, %r0, %pair, %ncols, %flags, %kind, %s0, %s1) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
  }
  scf.if %ok1 {
    %s2 = vector.extract %acc[2] : f32 from vector<4xf32>
    %s3 = vector.extract %acc[3] : f32 from vector<4xf32>
    func.call @linear_epilogue(%bias, %res, %out, %r1, %pair, %ncols, %flags, %kind, %s2, %s3) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, i32, i32, f32, f32) -> ()
  }
  return
}

gpu.func @gemm_mma(%x: memref<?x!act>, %w: memref<?x!act>, %bias: memref<?x!act>,
                   %res: memref<?x!act>, %out: memref<?x!act>,
                   %t32: i32, %k32: i32, %n32: i32, %flags: i32, %kind: i32) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c24 = arith.constant 24 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %wm = arith.divui %warp, %c2 : index
  %wn = arith.remui %warp, %c2 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %ncols = arith.index_cast %n32 : i32 to index
  %gatedBit = func.call @epilogue_gated() : () -> i32
  %gated = func.call @has_flag(%flags, %gatedBit) : (i32, i32) -> i1
  %n2 = arith.muli %ncols, %c2 : index
  %rows = arith.select %gated, %n2, %ncols : index
  %np1 = arith.addi %ncols, %c1 : index
  %halfPairs = arith.divui %np1, %c2 : index
  %pairs = arith.select %gated, %ncols, %halfPairs : index
  %rlast = arith.subi %tokens, %c1 : index
  %nlast = arith.subi %rows, %c1 : index
  %mcta = arith.muli %by, %c64 : index
  %ncta = arith.muli %bx, %c64 : index
  %mw = arith.muli %wm, %c32 : index
  %nw = arith.muli %wn, %c32 : index
  %m0 = arith.addi %mcta, %mw : index
  %m1 = arith.addi %m0, %c16 : index
  %n0 = arith.addi %ncta, %nw : index
  %n1 = arith.addi %n0, %c8 : index
  %n2t = arith.addi %n0, %c16 : index
  %n3 = arith.addi %n0, %c24 : index
  %z = arith.constant dense<0.0> : vector<4xf32>
  %acc:8 = scf.for %kk = %c0 to %k step %c16
      iter_args(%a00 = %z, %a01 = %z, %a02 = %z, %a03 = %z,
                %a10 = %z, %a11 = %z, %a12 = %z, %a13 = %z)
      -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>,
          vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
    %fa0 = func.call @frag_a(%x, %m0, %kk, %k, %rlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<4x2x!act>
    %fa1 = func.call @frag_a(%x, %m1, %kk, %k, %rlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<4x2x!act>
    %fb0 = func.call @frag_b(%w, %n0, %kk, %k, %nlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<2x2x!act>
    %fb1 = func.call @frag_b(%w, %n1, %kk, %k, %nlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<2x2x!act>
    %fb2 = func.call @frag_b(%w, %n2t, %kk, %k, %nlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<2x2x!act>
    %fb3 = func.call @frag_b(%w, %n3, %kk, %k, %nlast, %lane) : (memref<?x!act>, index, index, index, index, index) -> vector<2x2x!act>
    %u00 = func.call @mma(%fa0, %fb0, %a00) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u01 = func.call @mma(%fa0, %fb1, %a01) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u02 = func.call @mma(%fa0, %fb2, %a02) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u03 = func.call @mma(%fa0, %fb3, %a03) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u10 = func.call @mma(%fa1, %fb0, %a10) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u11 = func.call @mma(%fa1, %fb1, %a11) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u12 = func.call @mma(%fa1, %fb2, %a12) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u13 = func.call @mma(%fa1, %fb3, %a13) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    scf.yield %u00, %u01, %u02, %u03, %u10, %u11, %u12, %u13
        : vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>,
          vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>
  }
  func.call @gemm_store(%bias, %res, %out, %m0, %n0, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#0) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m0, %n1, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#1) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m0, %n2t, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#2) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m0, %n3, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#3) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m1, %n0, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#4) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m1, %n1, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#5) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m1, %n2t, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#6) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %m1, %n3, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#7) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  gpu.return
}
