// Tensor-core matrix product for many tokens, 16-bit precisions only:
// out[t, n] = epilogue(sum_k x[t, k] * w[row, k]) with the epilogue,
// arguments and weight layout of @linear, k % 8 == 0. A CTA of four warps
// computes 64 tokens by 128 weight rows, each warp 32 by 64 (two 16-token
// by eight 8-row mma.sync m16n8k16 tiles, through the precision's @mma).
// The operands go through shared memory in k-steps of 32: coalesced
// 16-byte loads, each thread's share of the next step loaded into
// registers while the current one is multiplied; fragments come out of
// shared memory with ldmatrix. Rows of 40 elements (80 bytes) keep those
// reads free of bank conflicts. Rows past the end are read clamped and
// never stored; columns past k are zeros.
// @gemm_mma: grid (ceil(tokens / 64), ceil(rows / 128)), 128 threads: the
// CTAs that run together share weight tiles, which L2 then serves.
// @gemm_mma_partial and @splitk_reduce: the same product split along k for
// weights of few rows, see below.

// Eight elements of row min(r, rlast) at column c (a multiple of 8) of a
// [*, k] matrix, zeros from column k on.
func.func private @ld8z(%m: memref<?x!act>, %r: index, %c: index, %k: index,
                        %rlast: index) -> vector<8x!act> {
  %c0 = arith.constant 0 : index
  %row = arith.minui %r, %rlast : index
  %in = arith.cmpi ult, %c, %k : index
  %col = arith.select %in, %c, %c0 : index
  %base = arith.muli %row, %k : index
  %i = arith.addi %base, %col : index
  %v = vector.load %m[%i] {alignment = 16} : memref<?x!act>, vector<8x!act>
  %z = arith.constant dense<0.0> : vector<8x!act>
  %r8 = arith.select %in, %v, %z : vector<8x!act>
  return %r8 : vector<8x!act>
}

// Thread tid's slot i of a tile of 32 columns: four 16-byte chunks a row.
func.func private @slot(%tid: index, %i: index) -> (index, index) {
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c128 = arith.constant 128 : index
  %o = arith.muli %i, %c128 : index
  %c = arith.addi %tid, %o : index
  %row = arith.divui %c, %c4 : index
  %q = arith.remui %c, %c4 : index
  %col = arith.muli %q, %c8 : index
  return %row, %col : index, index
}

func.func private @load_slot(%m: memref<?x!act>, %r0: index, %k0: index,
                             %k: index, %rlast: index, %tid: index,
                             %i: index) -> vector<8x!act> {
  %row, %col = func.call @slot(%tid, %i) : (index, index) -> (index, index)
  %r = arith.addi %r0, %row : index
  %c = arith.addi %k0, %col : index
  %v = func.call @ld8z(%m, %r, %c, %k, %rlast) : (memref<?x!act>, index, index, index, index) -> vector<8x!act>
  return %v : vector<8x!act>
}

func.func private @store_slot(%s: memref<?x!act, #gpu.address_space<workgroup>>,
                              %v: vector<8x!act>, %tid: index, %i: index) {
  %c40 = arith.constant 40 : index
  %row, %col = func.call @slot(%tid, %i) : (index, index) -> (index, index)
  %base = arith.muli %row, %c40 : index
  %at = arith.addi %base, %col : index
  vector.store %v, %s[%at] {alignment = 16} : memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>
  return
}

// The A fragment of the 16 x 16 tile at shared rows r0.., columns kk..:
// ldmatrix.x4, lanes 0-15 naming rows r0 + l at column kk, lanes 16-31 the
// same rows at kk + 8.
func.func private @frag_a(%s: memref<?x!act, #gpu.address_space<workgroup>>,
                          %r0: index, %kk: index, %lane: index) -> vector<4x2x!act> {
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c40 = arith.constant 40 : index
  %lr = arith.remui %lane, %c16 : index
  %half = arith.divui %lane, %c16 : index
  %row = arith.addi %r0, %lr : index
  %hc = arith.muli %half, %c8 : index
  %col = arith.addi %kk, %hc : index
  %base = arith.muli %row, %c40 : index
  %i = arith.addi %base, %col : index
  %a = nvgpu.ldmatrix %s[%i] {numTiles = 4 : i32, transpose = false} : memref<?x!act, #gpu.address_space<workgroup>> -> vector<4x2x!act>
  return %a : vector<4x2x!act>
}

// The B fragments of the two 16 x 8 tiles at shared weight rows n0.. and
// n0 + 8.., columns kk..: ldmatrix.x4 over rows n0 + (l % 8) + 8 (l / 16)
// at column kk + 8 ((l / 8) % 2).
func.func private @frag_b2(%s: memref<?x!act, #gpu.address_space<workgroup>>,
                           %n0: index, %kk: index, %lane: index) -> (vector<2x2x!act>, vector<2x2x!act>) {
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c40 = arith.constant 40 : index
  %l8 = arith.remui %lane, %c8 : index
  %tile = arith.divui %lane, %c16 : index
  %q = arith.divui %lane, %c8 : index
  %khalf = arith.remui %q, %c2 : index
  %t8 = arith.muli %tile, %c8 : index
  %r = arith.addi %n0, %l8 : index
  %row = arith.addi %r, %t8 : index
  %kc = arith.muli %khalf, %c8 : index
  %col = arith.addi %kk, %kc : index
  %base = arith.muli %row, %c40 : index
  %i = arith.addi %base, %col : index
  %b = nvgpu.ldmatrix %s[%i] {numTiles = 4 : i32, transpose = false} : memref<?x!act, #gpu.address_space<workgroup>> -> vector<4x2x!act>
  %z = arith.constant dense<0.0> : vector<2x2x!act>
  %v0 = vector.extract %b[0] : vector<2x!act> from vector<4x2x!act>
  %v1 = vector.extract %b[1] : vector<2x!act> from vector<4x2x!act>
  %v2 = vector.extract %b[2] : vector<2x!act> from vector<4x2x!act>
  %v3 = vector.extract %b[3] : vector<2x!act> from vector<4x2x!act>
  %p0 = vector.insert %v0, %z [0] : vector<2x!act> into vector<2x2x!act>
  %b0 = vector.insert %v1, %p0 [1] : vector<2x!act> into vector<2x2x!act>
  %p1 = vector.insert %v2, %z [0] : vector<2x!act> into vector<2x2x!act>
  %b1 = vector.insert %v3, %p1 [1] : vector<2x!act> into vector<2x2x!act>
  return %b0, %b1 : vector<2x2x!act>, vector<2x2x!act>
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

// The accumulators of this warp's 32 x 64 tile (rows mcta + mw.., weight
// rows ncta + nw..) over k in [kbegin, kend), both multiples of 32.
func.func private @gemm_tiles(%x: memref<?x!act>, %w: memref<?x!act>,
                              %sa: memref<?x!act, #gpu.address_space<workgroup>>, %sb: memref<?x!act, #gpu.address_space<workgroup>>,
                              %mcta: index, %ncta: index, %mw: index, %nw: index,
                              %kbegin: index, %kend: index, %k: index,
                              %rlast: index, %nlast: index, %tid: index,
                              %lane: index) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %cN0 = arith.constant 0 : index
  %cN8 = arith.constant 8 : index
  %cN16 = arith.constant 16 : index
  %cN24 = arith.constant 24 : index
  %cN32 = arith.constant 32 : index
  %cN40 = arith.constant 40 : index
  %cN48 = arith.constant 48 : index
  %cN56 = arith.constant 56 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %px0 = func.call @load_slot(%x, %mcta, %kbegin, %k, %rlast, %tid, %c0) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %px1 = func.call @load_slot(%x, %mcta, %kbegin, %k, %rlast, %tid, %c1) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %pw0 = func.call @load_slot(%w, %ncta, %kbegin, %k, %nlast, %tid, %c0) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %pw1 = func.call @load_slot(%w, %ncta, %kbegin, %k, %nlast, %tid, %c1) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %pw2 = func.call @load_slot(%w, %ncta, %kbegin, %k, %nlast, %tid, %c2) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %pw3 = func.call @load_slot(%w, %ncta, %kbegin, %k, %nlast, %tid, %c3) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
  %z = arith.constant dense<0.0> : vector<4xf32>
  %acc:22 = scf.for %k0 = %kbegin to %kend step %c32
      iter_args(%a00 = %z, %a01 = %z, %a02 = %z, %a03 = %z, %a04 = %z, %a05 = %z, %a06 = %z, %a07 = %z, %a10 = %z, %a11 = %z, %a12 = %z, %a13 = %z, %a14 = %z, %a15 = %z, %a16 = %z, %a17 = %z, %qx0 = %px0, %qx1 = %px1, %qw0 = %pw0, %qw1 = %pw1, %qw2 = %pw2, %qw3 = %pw3)
      -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>) {
    gpu.barrier
    func.call @store_slot(%sa, %qx0, %tid, %c0) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    func.call @store_slot(%sa, %qx1, %tid, %c1) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    func.call @store_slot(%sb, %qw0, %tid, %c0) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    func.call @store_slot(%sb, %qw1, %tid, %c1) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    func.call @store_slot(%sb, %qw2, %tid, %c2) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    func.call @store_slot(%sb, %qw3, %tid, %c3) : (memref<?x!act, #gpu.address_space<workgroup>>, vector<8x!act>, index, index) -> ()
    gpu.barrier
    %kn = arith.addi %k0, %c32 : index
    %nx0 = func.call @load_slot(%x, %mcta, %kn, %k, %rlast, %tid, %c0) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %nx1 = func.call @load_slot(%x, %mcta, %kn, %k, %rlast, %tid, %c1) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %nw0 = func.call @load_slot(%w, %ncta, %kn, %k, %nlast, %tid, %c0) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %nw1 = func.call @load_slot(%w, %ncta, %kn, %k, %nlast, %tid, %c1) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %nw2 = func.call @load_slot(%w, %ncta, %kn, %k, %nlast, %tid, %c2) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %nw3 = func.call @load_slot(%w, %ncta, %kn, %k, %nlast, %tid, %c3) : (memref<?x!act>, index, index, index, index, index, index) -> vector<8x!act>
    %m16 = arith.addi %mw, %c16 : index
    %nb0 = arith.addi %nw, %cN0 : index
    %nb1 = arith.addi %nw, %cN8 : index
    %nb2 = arith.addi %nw, %cN16 : index
    %nb3 = arith.addi %nw, %cN24 : index
    %nb4 = arith.addi %nw, %cN32 : index
    %nb5 = arith.addi %nw, %cN40 : index
    %nb6 = arith.addi %nw, %cN48 : index
    %nb7 = arith.addi %nw, %cN56 : index
    %fa00 = func.call @frag_a(%sa, %mw, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> vector<4x2x!act>
    %fa01 = func.call @frag_a(%sa, %m16, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> vector<4x2x!act>
    %fb00, %fb01 = func.call @frag_b2(%sb, %nb0, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb02, %fb03 = func.call @frag_b2(%sb, %nb2, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb04, %fb05 = func.call @frag_b2(%sb, %nb4, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb06, %fb07 = func.call @frag_b2(%sb, %nb6, %c0, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %u000 = func.call @mma(%fa00, %fb00, %a00) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u001 = func.call @mma(%fa00, %fb01, %a01) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u002 = func.call @mma(%fa00, %fb02, %a02) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u003 = func.call @mma(%fa00, %fb03, %a03) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u004 = func.call @mma(%fa00, %fb04, %a04) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u005 = func.call @mma(%fa00, %fb05, %a05) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u006 = func.call @mma(%fa00, %fb06, %a06) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u007 = func.call @mma(%fa00, %fb07, %a07) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u010 = func.call @mma(%fa01, %fb00, %a10) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u011 = func.call @mma(%fa01, %fb01, %a11) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u012 = func.call @mma(%fa01, %fb02, %a12) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u013 = func.call @mma(%fa01, %fb03, %a13) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u014 = func.call @mma(%fa01, %fb04, %a14) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u015 = func.call @mma(%fa01, %fb05, %a15) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u016 = func.call @mma(%fa01, %fb06, %a16) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u017 = func.call @mma(%fa01, %fb07, %a17) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %fa160 = func.call @frag_a(%sa, %mw, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> vector<4x2x!act>
    %fa161 = func.call @frag_a(%sa, %m16, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> vector<4x2x!act>
    %fb160, %fb161 = func.call @frag_b2(%sb, %nb0, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb162, %fb163 = func.call @frag_b2(%sb, %nb2, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb164, %fb165 = func.call @frag_b2(%sb, %nb4, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %fb166, %fb167 = func.call @frag_b2(%sb, %nb6, %c16, %lane) : (memref<?x!act, #gpu.address_space<workgroup>>, index, index, index) -> (vector<2x2x!act>, vector<2x2x!act>)
    %u1600 = func.call @mma(%fa160, %fb160, %u000) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1601 = func.call @mma(%fa160, %fb161, %u001) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1602 = func.call @mma(%fa160, %fb162, %u002) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1603 = func.call @mma(%fa160, %fb163, %u003) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1604 = func.call @mma(%fa160, %fb164, %u004) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1605 = func.call @mma(%fa160, %fb165, %u005) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1606 = func.call @mma(%fa160, %fb166, %u006) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1607 = func.call @mma(%fa160, %fb167, %u007) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1610 = func.call @mma(%fa161, %fb160, %u010) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1611 = func.call @mma(%fa161, %fb161, %u011) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1612 = func.call @mma(%fa161, %fb162, %u012) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1613 = func.call @mma(%fa161, %fb163, %u013) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1614 = func.call @mma(%fa161, %fb164, %u014) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1615 = func.call @mma(%fa161, %fb165, %u015) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1616 = func.call @mma(%fa161, %fb166, %u016) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    %u1617 = func.call @mma(%fa161, %fb167, %u017) : (vector<4x2x!act>, vector<2x2x!act>, vector<4xf32>) -> vector<4xf32>
    scf.yield %u1600, %u1601, %u1602, %u1603, %u1604, %u1605, %u1606, %u1607, %u1610, %u1611, %u1612, %u1613, %u1614, %u1615, %u1616, %u1617, %nx0, %nx1, %nw0, %nw1, %nw2, %nw3
        : vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>, vector<8x!act>
  }
  return %acc#0, %acc#1, %acc#2, %acc#3, %acc#4, %acc#5, %acc#6, %acc#7, %acc#8, %acc#9, %acc#10, %acc#11, %acc#12, %acc#13, %acc#14, %acc#15 : vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>
}

gpu.func @gemm_mma(%x: memref<?x!act>, %w: memref<?x!act>, %bias: memref<?x!act>,
                   %res: memref<?x!act>, %out: memref<?x!act>,
                   %t32: i32, %k32: i32, %n32: i32, %flags: i32, %kind: i32)
    workgroup(%sa0: memref<2560x!act, #gpu.address_space<workgroup>>,
              %sb0: memref<5120x!act, #gpu.address_space<workgroup>>) kernel {
  %sa = memref.cast %sa0 : memref<2560x!act, #gpu.address_space<workgroup>> to memref<?x!act, #gpu.address_space<workgroup>>
  %sb = memref.cast %sb0 : memref<5120x!act, #gpu.address_space<workgroup>> to memref<?x!act, #gpu.address_space<workgroup>>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %wm = arith.divui %warp, %c2 : index
  %wn = arith.remui %warp, %c2 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rlast = arith.subi %tokens, %c1 : index
  %mcta = arith.muli %bx, %c64 : index
  %ncta = arith.muli %by, %c128 : index
  %mw = arith.muli %wm, %c32 : index
  %nw = arith.muli %wn, %c64 : index
  %cN0 = arith.constant 0 : index
  %cN8 = arith.constant 8 : index
  %cN16 = arith.constant 16 : index
  %cN24 = arith.constant 24 : index
  %cN32 = arith.constant 32 : index
  %cN40 = arith.constant 40 : index
  %cN48 = arith.constant 48 : index
  %cN56 = arith.constant 56 : index
  %rows, %pairs, %ncols = func.call @out_shape(%n32, %flags) : (i32, i32) -> (index, index, index)
  %nlast = arith.subi %rows, %c1 : index
  %acc:16 = func.call @gemm_tiles(%x, %w, %sa, %sb, %mcta, %ncta, %mw, %nw, %c0, %k, %k, %rlast, %nlast, %tid, %lane) : (memref<?x!act>, memref<?x!act>, memref<?x!act, #gpu.address_space<workgroup>>, memref<?x!act, #gpu.address_space<workgroup>>, index, index, index, index, index, index, index, index, index, index, index) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
  %mt0 = arith.addi %mcta, %mw : index
  %mt1 = arith.addi %mt0, %c16 : index
  %nt = arith.addi %ncta, %nw : index
  %ne0 = arith.addi %nt, %cN0 : index
  %ne1 = arith.addi %nt, %cN8 : index
  %ne2 = arith.addi %nt, %cN16 : index
  %ne3 = arith.addi %nt, %cN24 : index
  %ne4 = arith.addi %nt, %cN32 : index
  %ne5 = arith.addi %nt, %cN40 : index
  %ne6 = arith.addi %nt, %cN48 : index
  %ne7 = arith.addi %nt, %cN56 : index
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne0, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#0) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne1, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#1) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne2, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#2) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne3, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#3) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne4, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#4) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne5, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#5) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne6, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#6) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt0, %ne7, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#7) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne0, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#8) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne1, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#9) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne2, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#10) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne3, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#11) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne4, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#12) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne5, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#13) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne6, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#14) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  func.call @gemm_store(%bias, %res, %out, %mt1, %ne7, %lane, %tokens, %pairs, %ncols, %flags, %kind, %acc#15) : (memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32, vector<4xf32>) -> ()
  gpu.return
}

// Split-K: CTA (x, y, z) computes the tile over k in [z * kslice, (z + 1) *
// kslice) and stores it, in f32, to ws[z][t][row] ([splits, tokens, rows]);
// @splitk_reduce sums the slices and applies the epilogue.
gpu.func @gemm_mma_partial(%x: memref<?x!act>, %w: memref<?x!act>, %ws: memref<?xf32>,
                           %t32: i32, %k32: i32, %rows32: i32, %kslice32: i32)
    workgroup(%sa0: memref<2560x!act, #gpu.address_space<workgroup>>,
              %sb0: memref<5120x!act, #gpu.address_space<workgroup>>) kernel {
  %sa = memref.cast %sa0 : memref<2560x!act, #gpu.address_space<workgroup>> to memref<?x!act, #gpu.address_space<workgroup>>
  %sb = memref.cast %sb0 : memref<5120x!act, #gpu.address_space<workgroup>> to memref<?x!act, #gpu.address_space<workgroup>>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %wm = arith.divui %warp, %c2 : index
  %wn = arith.remui %warp, %c2 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rlast = arith.subi %tokens, %c1 : index
  %mcta = arith.muli %bx, %c64 : index
  %ncta = arith.muli %by, %c128 : index
  %mw = arith.muli %wm, %c32 : index
  %nw = arith.muli %wn, %c64 : index
  %cN0 = arith.constant 0 : index
  %cN8 = arith.constant 8 : index
  %cN16 = arith.constant 16 : index
  %cN24 = arith.constant 24 : index
  %cN32 = arith.constant 32 : index
  %cN40 = arith.constant 40 : index
  %cN48 = arith.constant 48 : index
  %cN56 = arith.constant 56 : index
  %rows = arith.index_cast %rows32 : i32 to index
  %nlast = arith.subi %rows, %c1 : index
  %kslice = arith.index_cast %kslice32 : i32 to index
  %bz = gpu.block_id z
  %kb = arith.muli %bz, %kslice : index
  %ke0 = arith.addi %kb, %kslice : index
  %ke = arith.minui %ke0, %k : index
  %acc:16 = func.call @gemm_tiles(%x, %w, %sa, %sb, %mcta, %ncta, %mw, %nw, %kb, %ke, %k, %rlast, %nlast, %tid, %lane) : (memref<?x!act>, memref<?x!act>, memref<?x!act, #gpu.address_space<workgroup>>, memref<?x!act, #gpu.address_space<workgroup>>, index, index, index, index, index, index, index, index, index, index, index) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
  %mt0 = arith.addi %mcta, %mw : index
  %mt1 = arith.addi %mt0, %c16 : index
  %nt = arith.addi %ncta, %nw : index
  %ne0 = arith.addi %nt, %cN0 : index
  %ne1 = arith.addi %nt, %cN8 : index
  %ne2 = arith.addi %nt, %cN16 : index
  %ne3 = arith.addi %nt, %cN24 : index
  %ne4 = arith.addi %nt, %cN32 : index
  %ne5 = arith.addi %nt, %cN40 : index
  %ne6 = arith.addi %nt, %cN48 : index
  %ne7 = arith.addi %nt, %cN56 : index
  func.call @partial_store(%ws, %bz, %mt0, %ne0, %lane, %tokens, %rows, %acc#0) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne1, %lane, %tokens, %rows, %acc#1) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne2, %lane, %tokens, %rows, %acc#2) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne3, %lane, %tokens, %rows, %acc#3) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne4, %lane, %tokens, %rows, %acc#4) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne5, %lane, %tokens, %rows, %acc#5) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne6, %lane, %tokens, %rows, %acc#6) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt0, %ne7, %lane, %tokens, %rows, %acc#7) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne0, %lane, %tokens, %rows, %acc#8) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne1, %lane, %tokens, %rows, %acc#9) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne2, %lane, %tokens, %rows, %acc#10) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne3, %lane, %tokens, %rows, %acc#11) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne4, %lane, %tokens, %rows, %acc#12) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne5, %lane, %tokens, %rows, %acc#13) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne6, %lane, %tokens, %rows, %acc#14) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  func.call @partial_store(%ws, %bz, %mt1, %ne7, %lane, %tokens, %rows, %acc#15) : (memref<?xf32>, index, index, index, index, index, index, vector<4xf32>) -> ()
  gpu.return
}

// Stores one accumulator tile of slice z: rows g and g + 8 of the 16-token
// tile at m0, weight rows n0 + 2t and n0 + 2t + 1.
func.func private @partial_store(%ws: memref<?xf32>, %z: index, %m0: index,
                                 %n0: index, %lane: index, %tokens: index,
                                 %rows: index, %acc: vector<4xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %g = arith.divui %lane, %c4 : index
  %t = arith.remui %lane, %c4 : index
  %t2 = arith.muli %t, %c2 : index
  %n = arith.addi %n0, %t2 : index
  %n1 = arith.addi %n, %c1 : index
  %r0 = arith.addi %m0, %g : index
  %r1 = arith.addi %r0, %c8 : index
  %zt = arith.muli %z, %tokens : index
  %a0 = vector.extract %acc[0] : f32 from vector<4xf32>
  %a1 = vector.extract %acc[1] : f32 from vector<4xf32>
  %a2 = vector.extract %acc[2] : f32 from vector<4xf32>
  %a3 = vector.extract %acc[3] : f32 from vector<4xf32>
  func.call @ws_store(%ws, %zt, %r0, %n, %tokens, %rows, %a0) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
  func.call @ws_store(%ws, %zt, %r0, %n1, %tokens, %rows, %a1) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
  func.call @ws_store(%ws, %zt, %r1, %n, %tokens, %rows, %a2) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
  func.call @ws_store(%ws, %zt, %r1, %n1, %tokens, %rows, %a3) : (memref<?xf32>, index, index, index, index, index, f32) -> ()
  return
}
