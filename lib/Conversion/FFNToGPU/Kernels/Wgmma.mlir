// Hopper tensor-core matrix product (sm_90a), the product and epilogue of
// @gemm_mma: out[t, n] = epilogue(sum_k x[t, k] * w[row, k]).
//
// A CTA computes 128 tokens by 256 weight rows with 288 threads. Warp 8 is
// the producer: one thread streams k-steps of 64 columns of x and w with TMA
// (cp.async.bulk.tensor through the tensor maps %tx and %tw, 128-byte
// swizzle) into a ring of four shared-memory stages. Each stage has a "full"
// mbarrier (the copies' bytes arrived) and an "empty" one (all eight
// consumer warps are done with it). Warpgroups 0 and 1 consume, 64 tokens by
// 256 rows each: a stage is four wgmma m64n256k16 reading both operands from
// shared memory through matrix descriptors. A stage is released only once
// the next one's group is queued (wgmma.wait_group 1), so the tensor cores
// never wait for the issuing warps. The f32 accumulators, 128 a thread,
// go through @gemm_store's epilogue straight from registers. Rows past a
// tensor map's end and columns past k read as zeros.
//
// @gemm_wgmma: grid (ceil(tokens / 128), ceil(rows / 256)), 288 threads
// (token tiles first, so that the CTAs that run together share weight
// tiles and each weight byte comes from DRAM about once),
// 197696 bytes of dynamic shared memory (4 stages of 16 KiB of x and 32 KiB
// of w, the mbarriers, and room to align the stages to 1 KiB, which the
// swizzle needs). @gemm_wgmma_partial: the same over k slices, grid z the
// slice, stored for @splitk_reduce like @gemm_mma_partial.

func.func private @wg_ptr(%addr: index) -> !llvm.ptr<3> {
  %i = arith.index_cast %addr : index to i64
  %p = llvm.inttoptr %i : i64 to !llvm.ptr<3>
  return %p : !llvm.ptr<3>
}

// The CTA's own shared memory as the cluster window TMA writes through.
func.func private @wg_cluster_ptr(%addr: index) -> !llvm.ptr<7> {
  %p = func.call @wg_ptr(%addr) : (index) -> !llvm.ptr<3>
  %c = llvm.addrspacecast %p : !llvm.ptr<3> to !llvm.ptr<7>
  return %c : !llvm.ptr<7>
}

// mbarrier %i of the CTA: 0-3 full, 4-7 empty.
func.func private @wg_bar(%bars: index, %i: index) -> !llvm.ptr<3> {
  %c8 = arith.constant 8 : index
  %o = arith.muli %i, %c8 : index
  %a = arith.addi %bars, %o : index
  %p = func.call @wg_ptr(%a) : (index) -> !llvm.ptr<3>
  return %p : !llvm.ptr<3>
}

// The descriptor of a K-major tile of 128-byte rows at shared address
// %addr, 128-byte swizzle: start address >> 4 in bits 0-13, leading offset
// 1 (unused by this swizzle) at bit 16, 1024 bytes between 8-row groups
// (>> 4 = 64) at bit 32, swizzle mode 1 at bit 62.
func.func private @wg_desc(%addr: index) -> i64 {
  %a = arith.index_cast %addr : index to i64
  %c4 = arith.constant 4 : i64
  %mask = arith.constant 16383 : i64
  %layout = arith.constant 4611686293305360384 : i64
  %s = arith.shrui %a, %c4 : i64
  %lo = arith.andi %s, %mask : i64
  %d = arith.ori %lo, %layout : i64
  return %d : i64
}

// Runs the product over k in [kb, ke) for the CTA's tile at tokens m0,
// weight rows n0. Consumers return their accumulators, the first token of
// their warp's 16 and true; the producer warp returns false.
func.func private @wg_mainloop(%tx: !llvm.ptr, %tw: !llvm.ptr, %m0: index,
                               %n0: index, %kb: index, %ke: index)
    -> (!wgacc, index, i1) attributes {always_inline} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c63 = arith.constant 63 : index
  %c64 = arith.constant 64 : index
  %c1023 = arith.constant 1023 : index
  %c1024 = arith.constant 1024 : index
  %cWg = arith.constant 8192 : index
  %cW = arith.constant 16384 : index
  %cStage = arith.constant 49152 : index
  %cBars = arith.constant 196608 : index
  %one = arith.constant 1 : i32
  %eight = arith.constant 8 : i32
  %tx_bytes = arith.constant 49152 : i32
  %ticks = arith.constant 10000000 : i32
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  // The warp's role, read from lane 0 so that ptxas sees it uniform: the
  // wgmma of a warpgroup must not sit on a path it thinks divergent.
  %warpt = arith.divui %tid, %c32 : index
  %warp32 = arith.index_cast %warpt : index to i32
  %src = arith.constant 0 : i32
  %width = arith.constant 32 : i32
  %warpb, %valid = gpu.shuffle idx %warp32, %src, %width : i32
  %warp = arith.index_cast %warpb : i32 to index
  %dyn = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
  %raw = memref.extract_aligned_pointer_as_index %dyn : memref<?xi8, #gpu.address_space<workgroup>> -> index
  %up = arith.addi %raw, %c1023 : index
  %q = arith.divui %up, %c1024 : index
  %base = arith.muli %q, %c1024 : index
  %bars = arith.addi %base, %cBars : index
  %first = arith.cmpi eq, %tid, %c0 : index
  scf.if %first {
    scf.for %s = %c0 to %c4 step %c1 {
      %full = func.call @wg_bar(%bars, %s) : (index, index) -> !llvm.ptr<3>
      %s4 = arith.addi %s, %c4 : index
      %empty = func.call @wg_bar(%bars, %s4) : (index, index) -> !llvm.ptr<3>
      nvvm.mbarrier.init %full, %one : !llvm.ptr<3>, i32
      nvvm.mbarrier.init %empty, %eight : !llvm.ptr<3>, i32
    }
    nvvm.fence.mbarrier.init
  }
  gpu.barrier
  %span = arith.subi %ke, %kb : index
  %span63 = arith.addi %span, %c63 : index
  %nk = arith.divui %span63, %c64 : index
  %zero = llvm.mlir.zero : !wgacc
  %producer = arith.cmpi eq, %warp, %c8 : index
  %r:3 = scf.if %producer -> (!wgacc, index, i1) {
    %leader = arith.cmpi eq, %lane, %c0 : index
    scf.if %leader {
      %m0i = arith.index_cast %m0 : index to i32
      %n0i = arith.index_cast %n0 : index to i32
      scf.for %kt = %c0 to %nk step %c1 {
        %s = arith.remui %kt, %c4 : index
        %round = arith.divui %kt, %c4 : index
        %odd = arith.remui %round, %c2 : index
        %free = arith.subi %c1, %odd : index
        %parity = arith.index_cast %free : index to i32
        %full = func.call @wg_bar(%bars, %s) : (index, index) -> !llvm.ptr<3>
        %s4 = arith.addi %s, %c4 : index
        %empty = func.call @wg_bar(%bars, %s4) : (index, index) -> !llvm.ptr<3>
        nvvm.mbarrier.try_wait.parity %empty, %parity, %ticks : !llvm.ptr<3>, i32, i32
        nvvm.mbarrier.arrive.expect_tx %full, %tx_bytes : !llvm.ptr<3>, i32
        %so = arith.muli %s, %cStage : index
        %sa = arith.addi %base, %so : index
        %sb = arith.addi %sa, %cW : index
        %pa = func.call @wg_cluster_ptr(%sa) : (index) -> !llvm.ptr<7>
        %pb = func.call @wg_cluster_ptr(%sb) : (index) -> !llvm.ptr<7>
        %ko = arith.muli %kt, %c64 : index
        %kc = arith.addi %kb, %ko : index
        %kci = arith.index_cast %kc : index to i32
        nvvm.cp.async.bulk.tensor.shared.cluster.global %pa, %tx, %full, box[%kci, %m0i] : !llvm.ptr<7>, !llvm.ptr
        nvvm.cp.async.bulk.tensor.shared.cluster.global %pb, %tw, %full, box[%kci, %n0i] : !llvm.ptr<7>, !llvm.ptr
      }
    }
    %no = arith.constant false
    scf.yield %zero, %c0, %no : !wgacc, index, i1
  } else {
    %wg = arith.divui %warp, %c4 : index
    %wgo = arith.muli %wg, %cWg : index
    %leader = arith.cmpi eq, %lane, %c0 : index
    %acc = scf.for %kt = %c0 to %nk step %c1 iter_args(%a = %zero) -> (!wgacc) {
      %s = arith.remui %kt, %c4 : index
      %round = arith.divui %kt, %c4 : index
      %odd = arith.remui %round, %c2 : index
      %parity = arith.index_cast %odd : index to i32
      %full = func.call @wg_bar(%bars, %s) : (index, index) -> !llvm.ptr<3>
      nvvm.mbarrier.try_wait.parity %full, %parity, %ticks : !llvm.ptr<3>, i32, i32
      %so = arith.muli %s, %cStage : index
      %st = arith.addi %base, %so : index
      %sa = arith.addi %st, %wgo : index
      %sb = arith.addi %st, %cW : index
      %da = func.call @wg_desc(%sa) : (index) -> i64
      %db = func.call @wg_desc(%sb) : (index) -> i64
      nvvm.wgmma.fence.aligned
      %a1 = func.call @wg_mma4(%da, %db, %a) : (i64, i64, !wgacc) -> !wgacc
      nvvm.wgmma.commit.group.sync.aligned
      nvvm.wgmma.wait.group.sync.aligned 1
      // The group of the previous stage is done: hand that stage back.
      %later = arith.cmpi ugt, %kt, %c0 : index
      %release = arith.andi %later, %leader : i1
      scf.if %release {
        %p3 = arith.addi %s, %c3 : index
        %prev = arith.remui %p3, %c4 : index
        %p4 = arith.addi %prev, %c4 : index
        %empty = func.call @wg_bar(%bars, %p4) : (index, index) -> !llvm.ptr<3>
        %t = nvvm.mbarrier.arrive %empty : !llvm.ptr<3> -> i64
      }
      scf.yield %a1 : !wgacc
    }
    nvvm.wgmma.wait.group.sync.aligned 0
    %wq = arith.remui %warp, %c4 : index
    %wr = arith.muli %wq, %c16 : index
    %wgr = arith.muli %wg, %c64 : index
    %r0 = arith.addi %m0, %wgr : index
    %row = arith.addi %r0, %wr : index
    %yes = arith.constant true
    scf.yield %acc, %row, %yes : !wgacc, index, i1
  }
  return %r#0, %r#1, %r#2 : !wgacc, index, i1
}

gpu.func @gemm_wgmma(%tx: !llvm.ptr, %tw: !llvm.ptr, %bias: memref<?x!act>,
                     %res: memref<?x!act>, %out: memref<?x!act>,
                     %t32: i32, %k32: i32, %n32: i32, %flags: i32, %kind: i32)
    kernel attributes {nvvm.maxntid = array<i32: 288, 1, 1>} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %n0 = arith.muli %by, %c256 : index
  %m0 = arith.muli %bx, %c128 : index
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rows, %pairs, %ncols = func.call @out_shape(%n32, %flags) : (i32, i32) -> (index, index, index)
  %acc, %row, %consumer = func.call @wg_mainloop(%tx, %tw, %m0, %n0, %c0, %k) : (!llvm.ptr, !llvm.ptr, index, index, index, index) -> (!wgacc, index, i1)
  scf.if %consumer {
    func.call @wg_store(%acc, %bias, %res, %out, %row, %n0, %lane, %tokens, %pairs, %ncols, %flags, %kind) : (!wgacc, memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, index, index, index, index, i32, i32) -> ()
  }
  gpu.return
}

gpu.func @gemm_wgmma_partial(%tx: !llvm.ptr, %tw: !llvm.ptr, %ws: memref<?xf32>,
                             %t32: i32, %k32: i32, %rows32: i32, %kslice32: i32)
    kernel attributes {nvvm.maxntid = array<i32: 288, 1, 1>} {
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %tid = gpu.thread_id x
  %lane = arith.remui %tid, %c32 : index
  %bx = gpu.block_id x
  %by = gpu.block_id y
  %bz = gpu.block_id z
  %n0 = arith.muli %by, %c256 : index
  %m0 = arith.muli %bx, %c128 : index
  %tokens = arith.index_cast %t32 : i32 to index
  %k = arith.index_cast %k32 : i32 to index
  %rows = arith.index_cast %rows32 : i32 to index
  %kslice = arith.index_cast %kslice32 : i32 to index
  %kb = arith.muli %bz, %kslice : index
  %ke0 = arith.addi %kb, %kslice : index
  %ke = arith.minui %ke0, %k : index
  %acc, %row, %consumer = func.call @wg_mainloop(%tx, %tw, %m0, %n0, %kb, %ke) : (!llvm.ptr, !llvm.ptr, index, index, index, index) -> (!wgacc, index, i1)
  scf.if %consumer {
    func.call @wg_partial(%acc, %ws, %bz, %row, %n0, %lane, %tokens, %rows) : (!wgacc, memref<?xf32>, index, index, index, index, index, index) -> ()
  }
  gpu.return
}
