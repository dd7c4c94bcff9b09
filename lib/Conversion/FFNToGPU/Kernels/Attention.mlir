// Attention with an online softmax; grid (seq, heads, batch), one CTA per
// query and head. q [rows, heads * d], k and v [batch * kvRows, kvHeads * d],
// d <= 256: lane l holds dims l + 32 i, i < 8, as two halves of four (the
// second only when d > 128, a uniform branch). kvHeads divides heads (GQA).
// k and v hold kvRows rows per sequence: seq, or a cache's context when the
// mask is cache, and then query t sees rows up to positions[t] (positions is
// not read otherwise). With the keys masks, key j of sequence b is skipped
// where keyMask[b * kvRows + j] is 0 (keyMask is not read otherwise); a
// query that sees no key writes zeros. Warp w of the CTA takes keys w,
// w + warps, ...; warp 0 merges their partial softmaxes through shared
// memory: 16 floats of (max, sum) pairs, then 256 per warp of partial
// outputs, dim-major within the warp.

// Dims l + 32 (4 h + i), i < 4, of row `base`, zero past d.
func.func private @ld_half(%m: memref<?x!act>, %base: index, %lane: index,
                           %h: index, %d: index) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<4xf32>
  %first = arith.muli %h, %c4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (vector<4xf32>) {
    %k = arith.addi %first, %i : index
    %o = arith.muli %k, %c32 : index
    %j = arith.addi %lane, %o : index
    %ok = arith.cmpi ult, %j, %d : index
    %safe = arith.select %ok, %j, %c0 : index
    %at = arith.addi %base, %safe : index
    %v = func.call @ld(%m, %at) : (memref<?x!act>, index) -> f32
    %z = arith.constant 0.0 : f32
    %x = arith.select %ok, %v, %z : f32
    %n = vector.insert %x, %acc[%i] : f32 into vector<4xf32>
    scf.yield %n : vector<4xf32>
  }
  return %r : vector<4xf32>
}

func.func private @st_half(%m: memref<?x!act>, %base: index, %lane: index,
                           %h: index, %d: index, %x: vector<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %first = arith.muli %h, %c4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %k = arith.addi %first, %i : index
    %o = arith.muli %k, %c32 : index
    %j = arith.addi %lane, %o : index
    %ok = arith.cmpi ult, %j, %d : index
    scf.if %ok {
      %at = arith.addi %base, %j : index
      %v = vector.extract %x[%i] : f32 from vector<4xf32>
      func.call @st(%m, %at, %v) : (memref<?x!act>, index, f32) -> ()
    }
  }
  return
}

func.func private @dot_half(%a: vector<4xf32>, %b: vector<4xf32>) -> f32 {
  %p = arith.mulf %a, %b : vector<4xf32>
  %s = vector.reduction <add>, %p : vector<4xf32> into f32
  return %s : f32
}

// acc * corr + p * v
func.func private @axpy_half(%p: f32, %v: vector<4xf32>, %acc: vector<4xf32>,
                             %corr: f32) -> vector<4xf32> {
  %pv = vector.broadcast %p : f32 to vector<4xf32>
  %cv = vector.broadcast %corr : f32 to vector<4xf32>
  %a = arith.mulf %acc, %cv : vector<4xf32>
  %r = math.fma %pv, %v, %a : vector<4xf32>
  return %r : vector<4xf32>
}

// Warp w's partial outputs of half h, lane l: slots 16 + 256 w + 32 (4 h + i) + l.
func.func private @part_half(%part: memref<2064xf32, #gpu.address_space<workgroup>>,
                             %w: index, %h: index, %lane: index) -> index {
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %wo = arith.muli %w, %c256 : index
  %ho = arith.muli %h, %c128 : index
  %a = arith.addi %wo, %ho : index
  %b = arith.addi %a, %lane : index
  %r = arith.addi %b, %c16 : index
  return %r : index
}

func.func private @store_half(%part: memref<2064xf32, #gpu.address_space<workgroup>>,
                              %w: index, %h: index, %lane: index, %x: vector<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %at = func.call @part_half(%part, %w, %h, %lane) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index) -> index
  scf.for %i = %c0 to %c4 step %c1 {
    %o = arith.muli %i, %c32 : index
    %a = arith.addi %at, %o : index
    %v = vector.extract %x[%i] : f32 from vector<4xf32>
    memref.store %v, %part[%a] : memref<2064xf32, #gpu.address_space<workgroup>>
  }
  return
}

// acc + f * (warp w's partial outputs of half h)
func.func private @merge_half(%part: memref<2064xf32, #gpu.address_space<workgroup>>,
                              %w: index, %h: index, %lane: index, %f: f32,
                              %acc: vector<4xf32>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %at = func.call @part_half(%part, %w, %h, %lane) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index) -> index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %acc) -> (vector<4xf32>) {
    %o = arith.muli %i, %c32 : index
    %s = arith.addi %at, %o : index
    %x = memref.load %part[%s] : memref<2064xf32, #gpu.address_space<workgroup>>
    %old = vector.extract %a[%i] : f32 from vector<4xf32>
    %new = math.fma %x, %f, %old : f32
    %n = vector.insert %new, %a[%i] : f32 into vector<4xf32>
    scf.yield %n : vector<4xf32>
  }
  return %r : vector<4xf32>
}

// %mask is a #ffnrt.mask.
gpu.func @attention(%q: memref<?x!act>, %k: memref<?x!act>, %v: memref<?x!act>,
                    %out: memref<?x!act>, %positions: memref<?xi64>,
                    %keyMask: memref<?xi64>, %seq32: i32, %kvRows32: i32, %h32: i32, %hkv32: i32,
                    %d32: i32, %scale: f32, %mask: i32)
    workgroup(%part: memref<2064xf32, #gpu.address_space<workgroup>>) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %zeros = arith.constant dense<0.0> : vector<4xf32>
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
  %wide = arith.cmpi ugt, %d, %c128 : index
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
  %sv = vector.broadcast %scale : f32 to vector<4xf32>
  %qu0 = func.call @ld_half(%q, %qrow, %lane, %c0, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
  %qu1 = func.call @ld_half(%q, %qrow, %lane, %c1, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
  %q0 = arith.mulf %qu0, %sv : vector<4xf32>
  %q1 = arith.mulf %qu1, %sv : vector<4xf32>
  %causalMask = func.call @mask_causal() : () -> i32
  %cacheMask = func.call @mask_cache() : () -> i32
  %keysMask = func.call @mask_keys() : () -> i32
  %causalKeysMask = func.call @mask_causal_keys() : () -> i32
  %isCausalOnly = arith.cmpi eq, %mask, %causalMask : i32
  %isCausalKeys = arith.cmpi eq, %mask, %causalKeysMask : i32
  %isKeysOnly = arith.cmpi eq, %mask, %keysMask : i32
  %isCausal = arith.ori %isCausalOnly, %isCausalKeys : i1
  %hasKeys = arith.ori %isKeysOnly, %isCausalKeys : i1
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
  %r:4 = scf.for %key = %warp to %end step %warps
      iter_args(%m = %ninf, %l = %zero, %a0 = %zeros, %a1 = %zeros)
      -> (f32, f32, vector<4xf32>, vector<4xf32>) {
    // The same key for the whole warp: a uniform branch.
    %keep = scf.if %hasKeys -> i1 {
      %mi = arith.addi %bkv, %key : index
      %m64 = memref.load %keyMask[%mi] : memref<?xi64>
      %c0i64 = arith.constant 0 : i64
      %nz = arith.cmpi ne, %m64, %c0i64 : i64
      scf.yield %nz : i1
    } else {
      %true = arith.constant true
      scf.yield %true : i1
    }
    %step:4 = scf.if %keep -> (f32, f32, vector<4xf32>, vector<4xf32>) {
      %ko = arith.muli %key, %kvStride : index
      %kr = arith.addi %kvBase, %ko : index
      %k0 = func.call @ld_half(%k, %kr, %lane, %c0, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
      %p0 = func.call @dot_half(%q0, %k0) : (vector<4xf32>, vector<4xf32>) -> f32
      %p1 = scf.if %wide -> f32 {
        %k1 = func.call @ld_half(%k, %kr, %lane, %c1, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
        %dp = func.call @dot_half(%q1, %k1) : (vector<4xf32>, vector<4xf32>) -> f32
        %sum = arith.addf %p0, %dp : f32
        scf.yield %sum : f32
      } else {
        scf.yield %p0 : f32
      }
      %score = func.call @warp_sum(%p1) : (f32) -> f32
      %mn = arith.maximumf %m, %score : f32
      %dm = arith.subf %m, %mn : f32
      %corr = math.exp %dm : f32
      %ds = arith.subf %score, %mn : f32
      %p = math.exp %ds : f32
      %lc = arith.mulf %l, %corr : f32
      %ln = arith.addf %lc, %p : f32
      %v0 = func.call @ld_half(%v, %kr, %lane, %c0, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
      %n0 = func.call @axpy_half(%p, %v0, %a0, %corr) : (f32, vector<4xf32>, vector<4xf32>, f32) -> vector<4xf32>
      %n1 = scf.if %wide -> vector<4xf32> {
        %v1 = func.call @ld_half(%v, %kr, %lane, %c1, %d) : (memref<?x!act>, index, index, index, index) -> vector<4xf32>
        %x = func.call @axpy_half(%p, %v1, %a1, %corr) : (f32, vector<4xf32>, vector<4xf32>, f32) -> vector<4xf32>
        scf.yield %x : vector<4xf32>
      } else {
        scf.yield %a1 : vector<4xf32>
      }
      scf.yield %mn, %ln, %n0, %n1 : f32, f32, vector<4xf32>, vector<4xf32>
    } else {
      scf.yield %m, %l, %a0, %a1 : f32, f32, vector<4xf32>, vector<4xf32>
    }
    scf.yield %step#0, %step#1, %step#2, %step#3 : f32, f32, vector<4xf32>, vector<4xf32>
  }
  // Each warp's (max, sum) and partial outputs, then warp 0 merges them.
  %isLane0 = arith.cmpi eq, %lane, %c0 : index
  scf.if %isLane0 {
    %mi = arith.muli %warp, %c2 : index
    %li = arith.addi %mi, %c1 : index
    memref.store %r#0, %part[%mi] : memref<2064xf32, #gpu.address_space<workgroup>>
    memref.store %r#1, %part[%li] : memref<2064xf32, #gpu.address_space<workgroup>>
  }
  func.call @store_half(%part, %warp, %c0, %lane, %r#2) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index, vector<4xf32>) -> ()
  func.call @store_half(%part, %warp, %c1, %lane, %r#3) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index, vector<4xf32>) -> ()
  gpu.barrier
  %isWarp0 = arith.cmpi eq, %warp, %c0 : index
  scf.if %isWarp0 {
    %top = scf.for %w = %c0 to %warps step %c1 iter_args(%mx = %ninf) -> (f32) {
      %mi = arith.muli %w, %c2 : index
      %mw = memref.load %part[%mi] : memref<2064xf32, #gpu.address_space<workgroup>>
      %n = arith.maximumf %mx, %mw : f32
      scf.yield %n : f32
    }
    %t:3 = scf.for %w = %c0 to %warps step %c1
        iter_args(%l = %zero, %a0 = %zeros, %a1 = %zeros)
        -> (f32, vector<4xf32>, vector<4xf32>) {
      %mi = arith.muli %w, %c2 : index
      %li = arith.addi %mi, %c1 : index
      %mw = memref.load %part[%mi] : memref<2064xf32, #gpu.address_space<workgroup>>
      %lw = memref.load %part[%li] : memref<2064xf32, #gpu.address_space<workgroup>>
      %dm = arith.subf %mw, %top : f32
      %f = math.exp %dm : f32
      %ln = math.fma %lw, %f, %l : f32
      %n0 = func.call @merge_half(%part, %w, %c0, %lane, %f, %a0) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index, f32, vector<4xf32>) -> vector<4xf32>
      %n1 = scf.if %wide -> vector<4xf32> {
        %x = func.call @merge_half(%part, %w, %c1, %lane, %f, %a1) : (memref<2064xf32, #gpu.address_space<workgroup>>, index, index, index, f32, vector<4xf32>) -> vector<4xf32>
        scf.yield %x : vector<4xf32>
      } else {
        scf.yield %a1 : vector<4xf32>
      }
      scf.yield %ln, %n0, %n1 : f32, vector<4xf32>, vector<4xf32>
    }
    // No key seen (every key masked): the sum is 0 or NaN, the output zeros.
    %seen = arith.cmpf ogt, %t#0, %zero : f32
    %lv = vector.broadcast %t#0 : f32 to vector<4xf32>
    %q0d = arith.divf %t#1, %lv : vector<4xf32>
    %q1d = arith.divf %t#2, %lv : vector<4xf32>
    %o0 = arith.select %seen, %q0d, %zeros : vector<4xf32>
    %o1 = arith.select %seen, %q1d, %zeros : vector<4xf32>
    func.call @st_half(%out, %qrow, %lane, %c0, %d, %o0) : (memref<?x!act>, index, index, index, index, vector<4xf32>) -> ()
    func.call @st_half(%out, %qrow, %lane, %c1, %d, %o1) : (memref<?x!act>, index, index, index, index, vector<4xf32>) -> ()
  }
  gpu.return
}

// Writes new keys or values into a cache: token t of value goes to row
// positions[t] of its sequence's [context, width] block. One block per
// token.
func.func private @cache_row(%value: memref<?x!act>, %cache: memref<?x!act>,
                             %positions: memref<?xi64>, %width32: i32,
                             %seq32: i32, %context32: i32) {
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
  return
}

// The keys and the values of a layer at once: grid (tokens, 2), block y
// picks value1 into cache1 or value2 into cache2 (grid (tokens, 1) writes
// the first only).
gpu.func @cache_write(%value1: memref<?x!act>, %cache1: memref<?x!act>,
                      %value2: memref<?x!act>, %cache2: memref<?x!act>,
                      %positions: memref<?xi64>, %width32: i32,
                      %seq32: i32, %context32: i32) kernel {
  %c0 = arith.constant 0 : index
  %which = gpu.block_id y
  %first = arith.cmpi eq, %which, %c0 : index
  scf.if %first {
    func.call @cache_row(%value1, %cache1, %positions, %width32, %seq32, %context32) : (memref<?x!act>, memref<?x!act>, memref<?xi64>, i32, i32, i32) -> ()
  } else {
    func.call @cache_row(%value2, %cache2, %positions, %width32, %seq32, %context32) : (memref<?x!act>, memref<?x!act>, memref<?xi64>, i32, i32, i32) -> ()
  }
  gpu.return
}
