// Attention with an online softmax; grid (seq, heads, batch), one CTA per
// query and head. q [rows, heads * d], k and v [batch * kvRows, kvHeads * d],
// d <= 128: lane l holds dims l, l + 32, l + 64 and l + 96. kvHeads divides
// heads (GQA). k and v hold kvRows rows per sequence: seq, or a cache's
// context when the mask is cache, and then query t sees rows up to
// positions[t] (positions is not read otherwise). Warp w of the CTA takes
// keys w, w + warps, ...; warp 0 merges their partial softmaxes through
// shared memory: 16 floats of (max, sum) pairs, then 128 per warp of
// partial outputs, dim-major within the warp.
func.func private @lane_dim(%lane: index, %i: index, %d: index) -> (index, i1) {
  %c32 = arith.constant 32 : index
  %c0 = arith.constant 0 : index
  %o = arith.muli %i, %c32 : index
  %j = arith.addi %lane, %o : index
  %ok = arith.cmpi ult, %j, %d : index
  %safe = arith.select %ok, %j, %c0 : index
  return %safe, %ok : index, i1
}

func.func private @ld_masked(%m: memref<?x!act>, %base: index, %j: index, %ok: i1) -> f32 {
  %i = arith.addi %base, %j : index
  %v = func.call @ld(%m, %i) : (memref<?x!act>, index) -> f32
  %zero = arith.constant 0.0 : f32
  %r = arith.select %ok, %v, %zero : f32
  return %r : f32
}

// Slot of warp %w's partial output %i (0..3) of lane %lane.
func.func private @part_slot(%w: index, %i: index, %lane: index) -> index {
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %wo = arith.muli %w, %c128 : index
  %io = arith.muli %i, %c32 : index
  %a = arith.addi %wo, %io : index
  %b = arith.addi %a, %lane : index
  %r = arith.addi %b, %c16 : index
  return %r : index
}

// %mask is a #ffnrt.mask.
gpu.func @attention(%q: memref<?x!act>, %k: memref<?x!act>, %v: memref<?x!act>,
                    %out: memref<?x!act>, %positions: memref<?xi64>,
                    %seq32: i32, %kvRows32: i32, %h32: i32, %hkv32: i32,
                    %d32: i32, %scale: f32, %mask: i32)
    workgroup(%part: memref<1040xf32, #gpu.address_space<workgroup>>) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %s = gpu.block_id x
  %h = gpu.block_id y
  %b = gpu.block_id z
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %warps = arith.divui %nt, %c32 : index
  %seq = arith.index_cast %seq32 : i32 to index
  %kvRows = arith.index_cast %kvRows32 : i32 to index
  %heads = arith.index_cast %h32 : i32 to index
  %kvHeads = arith.index_cast %hkv32 : i32 to index
  %d = arith.index_cast %d32 : i32 to index
  %group = arith.divui %heads, %kvHeads : index
  %kvh = arith.divui %h, %group : index
  %bs = arith.muli %b, %seq : index
  %tok = arith.addi %bs, %s : index
  %th = arith.muli %tok, %heads : index
  %thh = arith.addi %th, %h : index
  %qrow = arith.muli %thh, %d : index
  %kvStride = arith.muli %kvHeads, %d : index
  %bkv = arith.muli %b, %kvRows : index
  %kvb = arith.muli %bkv, %kvStride : index
  %kvo = arith.muli %kvh, %d : index
  %kvBase = arith.addi %kvb, %kvo : index
  %j0, %ok0 = func.call @lane_dim(%lane, %c0, %d) : (index, index, index) -> (index, i1)
  %j1, %ok1 = func.call @lane_dim(%lane, %c1, %d) : (index, index, index) -> (index, i1)
  %j2, %ok2 = func.call @lane_dim(%lane, %c2, %d) : (index, index, index) -> (index, i1)
  %j3, %ok3 = func.call @lane_dim(%lane, %c3, %d) : (index, index, index) -> (index, i1)
  %qu0 = func.call @ld_masked(%q, %qrow, %j0, %ok0) : (memref<?x!act>, index, index, i1) -> f32
  %qu1 = func.call @ld_masked(%q, %qrow, %j1, %ok1) : (memref<?x!act>, index, index, i1) -> f32
  %qu2 = func.call @ld_masked(%q, %qrow, %j2, %ok2) : (memref<?x!act>, index, index, i1) -> f32
  %qu3 = func.call @ld_masked(%q, %qrow, %j3, %ok3) : (memref<?x!act>, index, index, i1) -> f32
  %q0 = arith.mulf %qu0, %scale : f32
  %q1 = arith.mulf %qu1, %scale : f32
  %q2 = arith.mulf %qu2, %scale : f32
  %q3 = arith.mulf %qu3, %scale : f32
  %causalMask = func.call @mask_causal() : () -> i32
  %cacheMask = func.call @mask_cache() : () -> i32
  %isCausal = arith.cmpi eq, %mask, %causalMask : i32
  %isCache = arith.cmpi eq, %mask, %cacheMask : i32
  %s1 = arith.addi %s, %c1 : index
  %plainEnd = arith.select %isCausal, %s1, %seq : index
  %end = scf.if %isCache -> index {
    %p64 = memref.load %positions[%tok] : memref<?xi64>
    %p = arith.index_cast %p64 : i64 to index
    %p1 = arith.addi %p, %c1 : index
    scf.yield %p1 : index
  } else {
    scf.yield %plainEnd : index
  }
  %r:6 = scf.for %key = %warp to %end step %warps
      iter_args(%m = %ninf, %l = %zero, %a0 = %zero, %a1 = %zero, %a2 = %zero, %a3 = %zero)
      -> (f32, f32, f32, f32, f32, f32) {
    %ko = arith.muli %key, %kvStride : index
    %kr = arith.addi %kvBase, %ko : index
    %k0 = func.call @ld_masked(%k, %kr, %j0, %ok0) : (memref<?x!act>, index, index, i1) -> f32
    %k1 = func.call @ld_masked(%k, %kr, %j1, %ok1) : (memref<?x!act>, index, index, i1) -> f32
    %k2 = func.call @ld_masked(%k, %kr, %j2, %ok2) : (memref<?x!act>, index, index, i1) -> f32
    %k3 = func.call @ld_masked(%k, %kr, %j3, %ok3) : (memref<?x!act>, index, index, i1) -> f32
    %p0 = arith.mulf %q0, %k0 : f32
    %p1 = math.fma %q1, %k1, %p0 : f32
    %p2 = math.fma %q2, %k2, %p1 : f32
    %p3 = math.fma %q3, %k3, %p2 : f32
    %score = func.call @warp_sum(%p3) : (f32) -> f32
    %mn = arith.maximumf %m, %score : f32
    %dm = arith.subf %m, %mn : f32
    %corr = math.exp %dm : f32
    %ds = arith.subf %score, %mn : f32
    %p = math.exp %ds : f32
    %lc = arith.mulf %l, %corr : f32
    %ln = arith.addf %lc, %p : f32
    %v0 = func.call @ld_masked(%v, %kr, %j0, %ok0) : (memref<?x!act>, index, index, i1) -> f32
    %v1 = func.call @ld_masked(%v, %kr, %j1, %ok1) : (memref<?x!act>, index, index, i1) -> f32
    %v2 = func.call @ld_masked(%v, %kr, %j2, %ok2) : (memref<?x!act>, index, index, i1) -> f32
    %v3 = func.call @ld_masked(%v, %kr, %j3, %ok3) : (memref<?x!act>, index, index, i1) -> f32
    %b0 = arith.mulf %a0, %corr : f32
    %b1 = arith.mulf %a1, %corr : f32
    %b2 = arith.mulf %a2, %corr : f32
    %b3 = arith.mulf %a3, %corr : f32
    %n0 = math.fma %p, %v0, %b0 : f32
    %n1 = math.fma %p, %v1, %b1 : f32
    %n2 = math.fma %p, %v2, %b2 : f32
    %n3 = math.fma %p, %v3, %b3 : f32
    scf.yield %mn, %ln, %n0, %n1, %n2, %n3 : f32, f32, f32, f32, f32, f32
  }
  // Each warp's (max, sum) and partial outputs, then warp 0 merges them.
  %isLane0 = arith.cmpi eq, %lane, %c0 : index
  scf.if %isLane0 {
    %mi = arith.muli %warp, %c2 : index
    %li = arith.addi %mi, %c1 : index
    memref.store %r#0, %part[%mi] : memref<1040xf32, #gpu.address_space<workgroup>>
    memref.store %r#1, %part[%li] : memref<1040xf32, #gpu.address_space<workgroup>>
  }
  %i0 = func.call @part_slot(%warp, %c0, %lane) : (index, index, index) -> index
  %i1 = func.call @part_slot(%warp, %c1, %lane) : (index, index, index) -> index
  %i2 = func.call @part_slot(%warp, %c2, %lane) : (index, index, index) -> index
  %i3 = func.call @part_slot(%warp, %c3, %lane) : (index, index, index) -> index
  memref.store %r#2, %part[%i0] : memref<1040xf32, #gpu.address_space<workgroup>>
  memref.store %r#3, %part[%i1] : memref<1040xf32, #gpu.address_space<workgroup>>
  memref.store %r#4, %part[%i2] : memref<1040xf32, #gpu.address_space<workgroup>>
  memref.store %r#5, %part[%i3] : memref<1040xf32, #gpu.address_space<workgroup>>
  gpu.barrier
  %isWarp0 = arith.cmpi eq, %warp, %c0 : index
  scf.if %isWarp0 {
    %top = scf.for %w = %c0 to %warps step %c1 iter_args(%mx = %ninf) -> (f32) {
      %mi = arith.muli %w, %c2 : index
      %mw = memref.load %part[%mi] : memref<1040xf32, #gpu.address_space<workgroup>>
      %n = arith.maximumf %mx, %mw : f32
      scf.yield %n : f32
    }
    %t:5 = scf.for %w = %c0 to %warps step %c1
        iter_args(%l = %zero, %a0 = %zero, %a1 = %zero, %a2 = %zero, %a3 = %zero)
        -> (f32, f32, f32, f32, f32) {
      %mi = arith.muli %w, %c2 : index
      %li = arith.addi %mi, %c1 : index
      %mw = memref.load %part[%mi] : memref<1040xf32, #gpu.address_space<workgroup>>
      %lw = memref.load %part[%li] : memref<1040xf32, #gpu.address_space<workgroup>>
      %dm = arith.subf %mw, %top : f32
      %f = math.exp %dm : f32
      %ln = math.fma %lw, %f, %l : f32
      %w0 = func.call @part_slot(%w, %c0, %lane) : (index, index, index) -> index
      %w1 = func.call @part_slot(%w, %c1, %lane) : (index, index, index) -> index
      %w2 = func.call @part_slot(%w, %c2, %lane) : (index, index, index) -> index
      %w3 = func.call @part_slot(%w, %c3, %lane) : (index, index, index) -> index
      %x0 = memref.load %part[%w0] : memref<1040xf32, #gpu.address_space<workgroup>>
      %x1 = memref.load %part[%w1] : memref<1040xf32, #gpu.address_space<workgroup>>
      %x2 = memref.load %part[%w2] : memref<1040xf32, #gpu.address_space<workgroup>>
      %x3 = memref.load %part[%w3] : memref<1040xf32, #gpu.address_space<workgroup>>
      %n0 = math.fma %x0, %f, %a0 : f32
      %n1 = math.fma %x1, %f, %a1 : f32
      %n2 = math.fma %x2, %f, %a2 : f32
      %n3 = math.fma %x3, %f, %a3 : f32
      scf.yield %ln, %n0, %n1, %n2, %n3 : f32, f32, f32, f32, f32
    }
    %o0 = arith.divf %t#1, %t#0 : f32
    %o1 = arith.divf %t#2, %t#0 : f32
    %o2 = arith.divf %t#3, %t#0 : f32
    %o3 = arith.divf %t#4, %t#0 : f32
    func.call @st_masked(%out, %qrow, %j0, %ok0, %o0) : (memref<?x!act>, index, index, i1, f32) -> ()
    func.call @st_masked(%out, %qrow, %j1, %ok1, %o1) : (memref<?x!act>, index, index, i1, f32) -> ()
    func.call @st_masked(%out, %qrow, %j2, %ok2, %o2) : (memref<?x!act>, index, index, i1, f32) -> ()
    func.call @st_masked(%out, %qrow, %j3, %ok3, %o3) : (memref<?x!act>, index, index, i1, f32) -> ()
  }
  gpu.return
}

func.func private @st_masked(%m: memref<?x!act>, %base: index, %j: index, %ok: i1, %v: f32) {
  scf.if %ok {
    %i = arith.addi %base, %j : index
    func.call @st(%m, %i, %v) : (memref<?x!act>, index, f32) -> ()
  }
  return
}

// Writes new keys or values into a cache: grid (tokens), row t of value goes
// to row positions[t] of its sequence's [context, width] block.
gpu.func @cache_write(%value: memref<?x!act>, %cache: memref<?x!act>,
                      %positions: memref<?xi64>, %width32: i32,
                      %seq32: i32, %context32: i32) kernel {
  %t = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %width = arith.index_cast %width32 : i32 to index
  %seq = arith.index_cast %seq32 : i32 to index
  %context = arith.index_cast %context32 : i32 to index
  %b = arith.divui %t, %seq : index
  %p64 = memref.load %positions[%t] : memref<?xi64>
  %p = arith.index_cast %p64 : i64 to index
  %bc = arith.muli %b, %context : index
  %row = arith.addi %bc, %p : index
  %dst = arith.muli %row, %width : index
  %src = arith.muli %t, %width : index
  scf.for %k = %tid to %width step %nt {
    %i = arith.addi %src, %k : index
    %o = arith.addi %dst, %k : index
    %x = memref.load %value[%i] : memref<?x!act>
    memref.store %x, %cache[%o] : memref<?x!act>
  }
  gpu.return
}
