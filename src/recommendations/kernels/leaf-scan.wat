;; The leaf scan of the tree search (cost-bounds.ts, CostBounds.scanLeaf) in WebAssembly SIMD: for
;; each track of a run of slots, its closeness-and-target cost to each of a list of seed points,
;; four columns at a time (f32x4), and the slots whose cost to some point is within that point's
;; limit. `npm run build:kernels` compiles this file into leaf-scan.wasm.ts (wabt).
;;
;; The memory is the index's (catalog-index/structures/kernel-memory.ts): its first 64 KiB hold the
;; request's parameters and the answer, the track values lie further on, 14 float32 per slot
;; (COLUMN_COUNT). A track is read as 16 lanes: the last two belong to the next slot (or padding)
;; and, like the columns the request does not weigh, are cleared by the mask before they count.
;;
;;   0     centres: 16 float32 per point, 32 points (the point's centre per index column)
;;   2048  weights: 16 float32 (each column's quadratic weight; 0 where the request has no term)
;;   2112  masks: 16 int32 (all bits where the column counts, else 0)
;;   2176  the points to test: 32 int32 point numbers
;;   2240  the order of the four groups of four columns (their byte offsets 0, 16, 32, 48), heaviest
;;         first: a track whose first group, or first two, already pass a point's limit is not
;;         summed further
;;   2304  each listed point's limit (float32), in the list's order
;;   4096  the answer: the slots found, int32, ascending (at most 15,360 per call)
(module
  (import "env" "memory" (memory 1))
  (func (export "scan")
    (param $values i32) (param $from i32) (param $to i32) (param $count i32) (result i32)
    (local $slot i32) (local $row i32) (local $k i32) (local $centre i32) (local $found i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $limit f32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $d v128) (local $sum v128) (local $half v128)
    (local.set $g0 (i32.load (i32.const 2240)))
    (local.set $w0 (v128.load offset=2048 (local.get $g0)))
    (local.set $m0 (v128.load offset=2112 (local.get $g0)))
    (local.set $g1 (i32.load (i32.const 2244)))
    (local.set $w1 (v128.load offset=2048 (local.get $g1)))
    (local.set $m1 (v128.load offset=2112 (local.get $g1)))
    (local.set $g2 (i32.load (i32.const 2248)))
    (local.set $w2 (v128.load offset=2048 (local.get $g2)))
    (local.set $m2 (v128.load offset=2112 (local.get $g2)))
    (local.set $g3 (i32.load (i32.const 2252)))
    (local.set $w3 (v128.load offset=2048 (local.get $g3)))
    (local.set $m3 (v128.load offset=2112 (local.get $g3)))
    (local.set $slot (local.get $from))
    (local.set $row (i32.add (local.get $values) (i32.mul (local.get $from) (i32.const 56))))
    (block $done
      (loop $tracks
        (br_if $done (i32.ge_u (local.get $slot) (local.get $to)))
        (local.set $x0 (v128.load (i32.add (local.get $row) (local.get $g0))))
        (local.set $x1 (v128.load (i32.add (local.get $row) (local.get $g1))))
        (local.set $x2 (v128.load (i32.add (local.get $row) (local.get $g2))))
        (local.set $x3 (v128.load (i32.add (local.get $row) (local.get $g3))))
        (local.set $k (i32.const 0))
        (block $next
          (loop $points
            (br_if $next (i32.ge_u (local.get $k) (local.get $count)))
            (local.set $centre
              (i32.shl (i32.load offset=2176 (i32.shl (local.get $k) (i32.const 2))) (i32.const 6)))
            (local.set $limit (f32.load offset=2304 (i32.shl (local.get $k) (i32.const 2))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            ;; Partial sums of terms that are never negative only grow: past the limit, out.
            (local.set $sum (f32x4.mul
                  (f32x4.mul
                    (local.tee $d
                      (v128.and
                        (f32x4.sub (local.get $x0) (v128.load (i32.add (local.get $centre) (local.get $g0))))
                        (local.get $m0)))
                    (local.get $d))
                  (local.get $w0)))
            (br_if $points (f32.gt (f32x4.extract_lane 0
                (f32x4.add
                  (local.tee $half
                    (f32x4.add (local.get $sum)
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                        (local.get $sum) (local.get $sum))))
                  (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
                    (local.get $half) (local.get $half)))) (local.get $limit)))
            (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul
                  (f32x4.mul
                    (local.tee $d
                      (v128.and
                        (f32x4.sub (local.get $x1) (v128.load (i32.add (local.get $centre) (local.get $g1))))
                        (local.get $m1)))
                    (local.get $d))
                  (local.get $w1))))
            (br_if $points (f32.gt (f32x4.extract_lane 0
                (f32x4.add
                  (local.tee $half
                    (f32x4.add (local.get $sum)
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                        (local.get $sum) (local.get $sum))))
                  (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
                    (local.get $half) (local.get $half)))) (local.get $limit)))
            (local.set $sum
              (f32x4.add (local.get $sum) (f32x4.add (f32x4.mul
                  (f32x4.mul
                    (local.tee $d
                      (v128.and
                        (f32x4.sub (local.get $x2) (v128.load (i32.add (local.get $centre) (local.get $g2))))
                        (local.get $m2)))
                    (local.get $d))
                  (local.get $w2))
                (f32x4.mul
                  (f32x4.mul
                    (local.tee $d
                      (v128.and
                        (f32x4.sub (local.get $x3) (v128.load (i32.add (local.get $centre) (local.get $g3))))
                        (local.get $m3)))
                    (local.get $d))
                  (local.get $w3)))))
            (br_if $points (f32.gt (f32x4.extract_lane 0
                (f32x4.add
                  (local.tee $half
                    (f32x4.add (local.get $sum)
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                        (local.get $sum) (local.get $sum))))
                  (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
                    (local.get $half) (local.get $half)))) (local.get $limit)))
            (i32.store offset=4096 (i32.shl (local.get $found) (i32.const 2)) (local.get $slot))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (local.set $row (i32.add (local.get $row) (i32.const 56)))
        (br $tracks)))
    (local.get $found))
)
