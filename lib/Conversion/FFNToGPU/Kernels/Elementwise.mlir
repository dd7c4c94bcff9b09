// Row-wise and element-wise kernels. Tensors are [rows, features] with rows =
// batch * seq; an operand with fewer rows is broadcast by row modulo its rows.

// out[t, :] = table[ids[t mod idRows], :]; one block per token.
gpu.func @embed(%table: memref<?x!act>, %ids: memref<?xi64>, %out: memref<?x!act>,
                %f32: i32, %idRows32: i32) kernel {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %t = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %f = arith.index_cast %f32 : i32 to index
  %idRows = arith.index_cast %idRows32 : i32 to index
  %r = arith.remui %t, %idRows : index
  %id64 = memref.load %ids[%r] : memref<?xi64>
  %id = arith.index_cast %id64 : i64 to index
  %src = arith.muli %id, %f : index
  %dst = arith.muli %t, %f : index
  %fr = arith.remui %f, %c8 : index
  %aligned = arith.cmpi eq, %fr, %c0 : index
  %c0t = arith.muli %tid, %c8 : index
  %step = arith.muli %nt, %c8 : index
  scf.for %c = %c0t to %f step %step {
    %n = func.call @chunk_size(%c, %f) : (index, index) -> index
    %i = arith.addi %src, %c : index
    %o = arith.addi %dst, %c : index
    %v = func.call @ld8m(%table, %i, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
    func.call @st8m(%out, %o, %v, %n, %aligned) : (memref<?x!act>, index, vector<8xf32>, index, i1) -> ()
  }
  gpu.return
}

// RMSNorm or LayerNorm of one row per block, statistics in f32.
// %mode is an #ffnrt.norm: layer subtracts the mean, bias adds %b,
// unit_offset scales by 1 + w.
gpu.func @norm(%x: memref<?x!act>, %w: memref<?x!act>, %b: memref<?x!act>,
               %out: memref<?x!act>, %f32: i32, %eps: f32, %mode: i32)
    workgroup(%red: memref<32xf32, #gpu.address_space<workgroup>>) kernel {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %zv = arith.constant dense<0.0> : vector<8xf32>
  %t = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %f = arith.index_cast %f32 : i32 to index
  %ff = arith.uitofp %f32 : i32 to f32
  %row = arith.muli %t, %f : index
  %fr = arith.remui %f, %c8 : index
  %aligned = arith.cmpi eq, %fr, %c0 : index
  %c0t = arith.muli %tid, %c8 : index
  %step = arith.muli %nt, %c8 : index
  %layerBit = func.call @norm_layer() : () -> i32
  %layer = func.call @has_flag(%mode, %layerBit) : (i32, i32) -> i1
  %mean = scf.if %layer -> f32 {
    %s = scf.for %c = %c0t to %f step %step iter_args(%acc = %zv) -> vector<8xf32> {
      %n = func.call @chunk_size(%c, %f) : (index, index) -> index
      %i = arith.addi %row, %c : index
      %v = func.call @ld8m(%x, %i, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
      %next = arith.addf %acc, %v : vector<8xf32>
      scf.yield %next : vector<8xf32>
    }
    %part = vector.reduction <add>, %s : vector<8xf32> into f32
    %total = func.call @block_sum(%part, %red) : (f32, memref<32xf32, #gpu.address_space<workgroup>>) -> f32
    %m = arith.divf %total, %ff : f32
    scf.yield %m : f32
  } else {
    scf.yield %zero : f32
  }
  %meanv = vector.broadcast %mean : f32 to vector<8xf32>
  %sq = scf.for %c = %c0t to %f step %step iter_args(%acc = %zv) -> vector<8xf32> {
    %n = func.call @chunk_size(%c, %f) : (index, index) -> index
    %i = arith.addi %row, %c : index
    %v = func.call @ld8m(%x, %i, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
    // Elements past the row's end are zeros, but zeros minus the mean are
    // not: mask them.
    %in = func.call @lanes_below(%n) : (index) -> vector<8xi1>
    %dv = arith.subf %v, %meanv : vector<8xf32>
    %d = arith.select %in, %dv, %zv : vector<8xi1>, vector<8xf32>
    %next = vector.fma %d, %d, %acc : vector<8xf32>
    scf.yield %next : vector<8xf32>
  }
  %sqPart = vector.reduction <add>, %sq : vector<8xf32> into f32
  %total = func.call @block_sum(%sqPart, %red) : (f32, memref<32xf32, #gpu.address_space<workgroup>>) -> f32
  %var = arith.divf %total, %ff : f32
  %ve = arith.addf %var, %eps : f32
  %rstd = math.rsqrt %ve : f32
  %rstdv = vector.broadcast %rstd : f32 to vector<8xf32>
  %biasBit = func.call @norm_bias() : () -> i32
  %hasBias = func.call @has_flag(%mode, %biasBit) : (i32, i32) -> i1
  %offBit = func.call @norm_unit_offset() : () -> i32
  %offset = func.call @has_flag(%mode, %offBit) : (i32, i32) -> i1
  %gainOffset = arith.select %offset, %one, %zero : f32
  %gainOffsetv = vector.broadcast %gainOffset : f32 to vector<8xf32>
  // The gains and biases start at column 0, so they are aligned whenever
  // the rows are.
  scf.for %c = %c0t to %f step %step {
    %n = func.call @chunk_size(%c, %f) : (index, index) -> index
    %i = arith.addi %row, %c : index
    %v = func.call @ld8m(%x, %i, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
    %g = func.call @ld8m(%w, %c, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
    %gain = arith.addf %g, %gainOffsetv : vector<8xf32>
    %d = arith.subf %v, %meanv : vector<8xf32>
    %nv = arith.mulf %d, %rstdv : vector<8xf32>
    %y = arith.mulf %nv, %gain : vector<8xf32>
    %yb = scf.if %hasBias -> vector<8xf32> {
      %bv = func.call @ld8m(%b, %c, %n, %aligned) : (memref<?x!act>, index, index, i1) -> vector<8xf32>
      %s = arith.addf %y, %bv : vector<8xf32>
      scf.yield %s : vector<8xf32>
    } else {
      scf.yield %y : vector<8xf32>
    }
    func.call @st8m(%out, %i, %yb, %n, %aligned) : (memref<?x!act>, index, vector<8xf32>, index, i1) -> ()
  }
  gpu.return
}

// Element-wise binary op over n = rows * f elements. An operand with fewer
// rows or a single feature is broadcast (row t reads row t mod its rows).
// %op is a #ffnrt.binary.
gpu.func @binary(%a: memref<?x!act>, %b: memref<?x!act>, %out: memref<?x!act>,
                 %n32: i32, %f32: i32, %aRows32: i32, %aF32: i32,
                 %bRows32: i32, %bF32: i32, %op: i32) kernel {
  %bid = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %base = arith.muli %bid, %nt : index
  %i = arith.addi %base, %tid : index
  %n = arith.index_cast %n32 : i32 to index
  %in = arith.cmpi ult, %i, %n : index
  scf.if %in {
    %f = arith.index_cast %f32 : i32 to index
    %row = arith.divui %i, %f : index
    %col = arith.remui %i, %f : index
    %ai = func.call @broadcast_index(%row, %col, %aRows32, %aF32) : (index, index, i32, i32) -> index
    %bi = func.call @broadcast_index(%row, %col, %bRows32, %bF32) : (index, index, i32, i32) -> index
    %x = func.call @ld(%a, %ai) : (memref<?x!act>, index) -> f32
    %y = func.call @ld(%b, %bi) : (memref<?x!act>, index) -> f32
    %sub = func.call @binary_sub() : () -> i32
    %mul = func.call @binary_mul() : () -> i32
    %div = func.call @binary_div() : () -> i32
    %isSub = arith.cmpi eq, %op, %sub : i32
    %isMul = arith.cmpi eq, %op, %mul : i32
    %isDiv = arith.cmpi eq, %op, %div : i32
    %vAdd = arith.addf %x, %y : f32
    %vSub = arith.subf %x, %y : f32
    %vMul = arith.mulf %x, %y : f32
    %vDiv = arith.divf %x, %y : f32
    %r0 = arith.select %isSub, %vSub, %vAdd : f32
    %r1 = arith.select %isMul, %vMul, %r0 : f32
    %r = arith.select %isDiv, %vDiv, %r1 : f32
    func.call @st(%out, %i, %r) : (memref<?x!act>, index, f32) -> ()
  }
  gpu.return
}

func.func private @broadcast_index(%row: index, %col: index, %rows32: i32, %f32: i32) -> index {
  %rows = arith.index_cast %rows32 : i32 to index
  %f = arith.index_cast %f32 : i32 to index
  %r = arith.remui %row, %rows : index
  %c = arith.remui %col, %f : index
  %b = arith.muli %r, %f : index
  %i = arith.addi %b, %c : index
  return %i : index
}

// out = activate(kind, x) over n elements; %kind is a #ffnrt.activation.
gpu.func @unary(%x: memref<?x!act>, %out: memref<?x!act>, %n32: i32, %kind: i32) kernel {
  %bid = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %base = arith.muli %bid, %nt : index
  %i = arith.addi %base, %tid : index
  %n = arith.index_cast %n32 : i32 to index
  %in = arith.cmpi ult, %i, %n : index
  scf.if %in {
    %v = func.call @ld(%x, %i) : (memref<?x!act>, index) -> f32
    %y = func.call @activate(%kind, %v) : (i32, f32) -> f32
    func.call @st(%out, %i, %y) : (memref<?x!act>, index, f32) -> ()
  }
  gpu.return
}

// out[t, j] = x[t, offset + j] for j < fOut: a slice of the feature axis.
gpu.func @slice_cols(%x: memref<?x!act>, %out: memref<?x!act>, %n32: i32,
                     %fOut32: i32, %fIn32: i32, %offset32: i32) kernel {
  %bid = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %base = arith.muli %bid, %nt : index
  %i = arith.addi %base, %tid : index
  %n = arith.index_cast %n32 : i32 to index
  %in = arith.cmpi ult, %i, %n : index
  scf.if %in {
    %fOut = arith.index_cast %fOut32 : i32 to index
    %fIn = arith.index_cast %fIn32 : i32 to index
    %offset = arith.index_cast %offset32 : i32 to index
    %row = arith.divui %i, %fOut : index
    %col = arith.remui %i, %fOut : index
    %rb = arith.muli %row, %fIn : index
    %c = arith.addi %col, %offset : index
    %src = arith.addi %rb, %c : index
    %v = func.call @ld(%x, %src) : (memref<?x!act>, index) -> f32
    func.call @st(%out, %i, %v) : (memref<?x!act>, index, f32) -> ()
  }
  gpu.return
}

// Widens n activations into an f32 model output.
gpu.func @to_f32(%x: memref<?x!act>, %out: memref<?xf32>, %n32: i32) kernel {
  %bid = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %base = arith.muli %bid, %nt : index
  %i = arith.addi %base, %tid : index
  %n = arith.index_cast %n32 : i32 to index
  %in = arith.cmpi ult, %i, %n : index
  scf.if %in {
    %v = func.call @ld(%x, %i) : (memref<?x!act>, index) -> f32
    memref.store %v, %out[%i] : memref<?xf32>
  }
  gpu.return
}

// The larger of two (value, index) candidates, the smaller index on ties:
// std::max_element's choice.
func.func private @better(%a: f32, %i: i32, %b: f32, %j: i32) -> (f32, i32) {
  %gt = arith.cmpf ogt, %b, %a : f32
  %eq = arith.cmpf oeq, %b, %a : f32
  %lt = arith.cmpi slt, %j, %i : i32
  %tie = arith.andi %eq, %lt : i1
  %take = arith.ori %gt, %tie : i1
  %v = arith.select %take, %b, %a : f32
  %k = arith.select %take, %j, %i : i32
  return %v, %k : f32, i32
}

// The best candidate of the warp, in every lane.
func.func private @warp_argmax(%v: f32, %i: i32) -> (f32, i32) {
  %w = arith.constant 32 : i32
  %c1 = arith.constant 1 : i32
  %c32 = arith.constant 32 : i32
  %r:3 = scf.while (%a = %v, %k = %i, %o = %c1) : (f32, i32, i32) -> (f32, i32, i32) {
    %more = arith.cmpi slt, %o, %c32 : i32
    scf.condition(%more) %a, %k, %o : f32, i32, i32
  } do {
  ^bb0(%a: f32, %k: i32, %o: i32):
    %sa, %pa = gpu.shuffle xor %a, %o, %w : f32
    %sk, %pk = gpu.shuffle xor %k, %o, %w : i32
    %b:2 = func.call @better(%a, %k, %sa, %sk) : (f32, i32, f32, i32) -> (f32, i32)
    %o2 = arith.shli %o, %c1 : i32
    scf.yield %b#0, %b#1, %o2 : f32, i32, i32
  }
  return %r#0, %r#1 : f32, i32
}

// The index of each row's largest value (the first on ties): grid (rows),
// x [rows, n] f32, out [rows] i64; a block of up to 32 warps per row.
gpu.func @argmax_rows(%x: memref<?xf32>, %out: memref<?xi64>, %n32: i32)
    workgroup(%best: memref<32xf32, #gpu.address_space<workgroup>>,
              %where: memref<32xi32, #gpu.address_space<workgroup>>) kernel {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %row = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %n = arith.index_cast %n32 : i32 to index
  %base = arith.muli %row, %n : index
  %ninf = arith.constant 0xFF800000 : f32
  %none = arith.constant 2147483647 : i32
  // Each thread's columns rise, so its first maximum is kept by `>`.
  %mine:2 = scf.for %k = %tid to %n step %nt iter_args(%a = %ninf, %i = %none) -> (f32, i32) {
    %at = arith.addi %base, %k : index
    %v = memref.load %x[%at] : memref<?xf32>
    %k32 = arith.index_cast %k : index to i32
    %b:2 = func.call @better(%a, %i, %v, %k32) : (f32, i32, f32, i32) -> (f32, i32)
    scf.yield %b#0, %b#1 : f32, i32
  }
  %w:2 = func.call @warp_argmax(%mine#0, %mine#1) : (f32, i32) -> (f32, i32)
  %lane = arith.remui %tid, %c32 : index
  %warp = arith.divui %tid, %c32 : index
  %warps = arith.divui %nt, %c32 : index
  %isLane0 = arith.cmpi eq, %lane, %c0 : index
  scf.if %isLane0 {
    memref.store %w#0, %best[%warp] : memref<32xf32, #gpu.address_space<workgroup>>
    memref.store %w#1, %where[%warp] : memref<32xi32, #gpu.address_space<workgroup>>
  }
  gpu.barrier
  %isFirst = arith.cmpi eq, %tid, %c0 : index
  scf.if %isFirst {
    %all:2 = scf.for %j = %c0 to %warps step %c1 iter_args(%a = %ninf, %i = %none) -> (f32, i32) {
      %v = memref.load %best[%j] : memref<32xf32, #gpu.address_space<workgroup>>
      %k = memref.load %where[%j] : memref<32xi32, #gpu.address_space<workgroup>>
      %b:2 = func.call @better(%a, %i, %v, %k) : (f32, i32, f32, i32) -> (f32, i32)
      scf.yield %b#0, %b#1 : f32, i32
    }
    // A row of NaN only: column 0, as on the host (NaN is never the best).
    %found = arith.cmpi ne, %all#1, %none : i32
    %zero = arith.constant 0 : i32
    %k = arith.select %found, %all#1, %zero : i32
    %k64 = arith.extui %k : i32 to i64
    memref.store %k64, %out[%row] : memref<?xi64>
  }
  gpu.return
}

// Rotate-half RoPE: x [rows, heads * d], cos/sin f32 tables of d columns:
// [seq, d] read at row t mod seq for token t, or with %byPosition set
// [context, d] read at row positions[t] (positions is not read otherwise).
// One block per token.
func.func private @rope_row(%x: memref<?x!act>, %out: memref<?x!act>,
                            %f32: i32, %cos: memref<?xf32>,
                            %sin: memref<?xf32>, %positions: memref<?xi64>,
                            %byPosition: i32, %d32: i32, %seq32: i32) {
  %t = gpu.block_id x
  %tid = gpu.thread_id x
  %nt = gpu.block_dim x
  %f = arith.index_cast %f32 : i32 to index
  %d = arith.index_cast %d32 : i32 to index
  %seq = arith.index_cast %seq32 : i32 to index
  %c2 = arith.constant 2 : index
  %half = arith.divui %d, %c2 : index
  %zero = arith.constant 0 : i32
  %lookUp = arith.cmpi ne, %byPosition, %zero : i32
  %s = scf.if %lookUp -> index {
    %p64 = memref.load %positions[%t] : memref<?xi64>
    %p = arith.index_cast %p64 : i64 to index
    scf.yield %p : index
  } else {
    %r = arith.remui %t, %seq : index
    scf.yield %r : index
  }
  %row = arith.muli %t, %f : index
  %table = arith.muli %s, %d : index
  scf.for %k = %tid to %f step %nt {
    %j = arith.remui %k, %d : index
    %lower = arith.cmpi ult, %j, %half : index
    %i = arith.addi %row, %k : index
    %ip = arith.addi %i, %half : index
    %im = arith.subi %i, %half : index
    %partner = arith.select %lower, %ip, %im : index
    %v = func.call @ld(%x, %i) : (memref<?x!act>, index) -> f32
    %p = func.call @ld(%x, %partner) : (memref<?x!act>, index) -> f32
    %np = arith.negf %p : f32
    %rot = arith.select %lower, %np, %p : f32
    %ti = arith.addi %table, %j : index
    %c = memref.load %cos[%ti] : memref<?xf32>
    %sn = memref.load %sin[%ti] : memref<?xf32>
    %a = arith.mulf %v, %c : f32
    %y = math.fma %rot, %sn, %a : f32
    func.call @st(%out, %i, %y) : (memref<?x!act>, index, f32) -> ()
  }
  return
}

// The same for two tensors at once (a layer's queries and keys): block y
// picks x1 into out1 or x2 into out2, of f1 or f2 features.
gpu.func @rope(%x1: memref<?x!act>, %out1: memref<?x!act>, %f1: i32,
               %x2: memref<?x!act>, %out2: memref<?x!act>, %f2: i32,
               %cos: memref<?xf32>, %sin: memref<?xf32>,
               %positions: memref<?xi64>, %byPosition: i32, %d32: i32,
               %seq32: i32) kernel {
  %c0 = arith.constant 0 : index
  %which = gpu.block_id y
  %first = arith.cmpi eq, %which, %c0 : index
  scf.if %first {
    func.call @rope_row(%x1, %out1, %f1, %cos, %sin, %positions, %byPosition, %d32, %seq32) : (memref<?x!act>, memref<?x!act>, i32, memref<?xf32>, memref<?xf32>, memref<?xi64>, i32, i32, i32) -> ()
  } else {
    func.call @rope_row(%x2, %out2, %f2, %cos, %sin, %positions, %byPosition, %d32, %seq32) : (memref<?x!act>, memref<?x!act>, i32, memref<?xf32>, memref<?xf32>, memref<?xi64>, i32, i32, i32) -> ()
  }
  gpu.return
}
