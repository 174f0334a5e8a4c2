;; The node bound of the tree search (cost-bounds.ts, CostBounds.nodeLeast) in WebAssembly SIMD:
;; the least cost any track inside a node's box can have to each of a set of seed points, four
;; columns at a time (f32x4), the points within a limit, and the least of those costs.
;; `npm run build:kernels` compiles this file into node-bounds.wasm.ts (wabt).
;;
;; The memory is the tree's (catalog-index/structures/kernel-memory.ts): its first 64 KiB hold the
;; request's parameters, the node boxes (the tree's lo and hi, 14 float32 per node, read as 16
;; lanes) lie further on. Per column and point the cost of a track with value x is
;; weight × (x − centre)² + constant, or `unknown` where the track lacks the value.
;;
;;   0     centres: 16 float32 per point, 32 points
;;   2048  constants: 16 float32 per point
;;   4096  unknown-value costs: 16 float32 per point
;;   6144  weights: 16 float32
;;   6208  column masks: 16 int32 (all bits where the column counts, else 0)
;;   6272  the filters' lowest and (6336) highest value per column (±infinity where none)
;;   6400  filter masks: 16 int32 (all bits where a filter narrows the column: then a track that
;;         lacks the value fails the filter, and an unknown value costs nothing here)
;;   6464  the answer's points within the limit (int32 bits)
;;
;; Per column: where some track of the node has a value in the (filtered) box, the least known
;; cost (weight × gap² + constant, gap: the centre's distance to the box), or an unknown value's
;; cost where some track lacks the value (and no filter narrows the column); where none has one,
;; an unknown value's cost, or infinity where no track can pass. The four groups of columns are
;; written out (no call per group); what depends on the node alone (its filtered box, which
;; columns some track lacks, which have a value at all) is read once for all points.
(module
  (import "env" "memory" (memory 1))
  (func $total (param $sum v128) (result f32)
    (local.set $sum
      (f32x4.add (local.get $sum)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sum) (local.get $sum))))
    (f32x4.extract_lane 0
      (f32x4.add (local.get $sum)
        (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $sum) (local.get $sum)))))
  ;; The least cost within `limit` to a point of `mask` (bit p: point p) among the first `points`;
  ;; infinity when none is within it. The points within it are left at 6464. `lo`, `hi`: the
  ;; byte offsets of the tree's boxes; `missing`: the bits of the node's columns some track lacks.
  (func (export "least")
    (param $lo i32) (param $hi i32) (param $node i32) (param $missing i32) (param $limit f32)
    (param $mask i32) (param $points i32) (result f32)
    (local $p i32) (local $at i32) (local $box i32) (local $total f32) (local $least f32)
    (local $near i32)
    (local $centre v128) (local $gap v128) (local $known v128) (local $unknown v128) (local $sum v128)
    (local $low0 v128) (local $high0 v128) (local $lacks0 v128) (local $valued0 v128)
    (local $low1 v128) (local $high1 v128) (local $lacks1 v128) (local $valued1 v128)
    (local $low2 v128) (local $high2 v128) (local $lacks2 v128) (local $valued2 v128)
    (local $low3 v128) (local $high3 v128) (local $lacks3 v128) (local $valued3 v128)
    (local.set $least (f32.const inf))
    (local.set $box (i32.mul (local.get $node) (i32.const 56)))
    (local.set $lo (i32.add (local.get $lo) (local.get $box)))
    (local.set $hi (i32.add (local.get $hi) (local.get $box)))
    (local.set $low0
      (f32x4.max (v128.load offset=0 (local.get $lo)) (v128.load offset=6272 (i32.const 0))))
    (local.set $high0
      (f32x4.min (v128.load offset=0 (local.get $hi)) (v128.load offset=6336 (i32.const 0))))
    (local.set $lacks0
      (v128.andnot
        (i32x4.ne
          (v128.and (i32x4.splat (local.get $missing)) (v128.const i32x4 1 2 4 8))
          (v128.const i32x4 0 0 0 0))
        (v128.load offset=6400 (i32.const 0))))
    (local.set $valued0 (f32x4.le (local.get $low0) (local.get $high0)))
    (local.set $low1
      (f32x4.max (v128.load offset=16 (local.get $lo)) (v128.load offset=6288 (i32.const 0))))
    (local.set $high1
      (f32x4.min (v128.load offset=16 (local.get $hi)) (v128.load offset=6352 (i32.const 0))))
    (local.set $lacks1
      (v128.andnot
        (i32x4.ne
          (v128.and (i32x4.splat (i32.shr_u (local.get $missing) (i32.const 4))) (v128.const i32x4 1 2 4 8))
          (v128.const i32x4 0 0 0 0))
        (v128.load offset=6416 (i32.const 0))))
    (local.set $valued1 (f32x4.le (local.get $low1) (local.get $high1)))
    (local.set $low2
      (f32x4.max (v128.load offset=32 (local.get $lo)) (v128.load offset=6304 (i32.const 0))))
    (local.set $high2
      (f32x4.min (v128.load offset=32 (local.get $hi)) (v128.load offset=6368 (i32.const 0))))
    (local.set $lacks2
      (v128.andnot
        (i32x4.ne
          (v128.and (i32x4.splat (i32.shr_u (local.get $missing) (i32.const 8))) (v128.const i32x4 1 2 4 8))
          (v128.const i32x4 0 0 0 0))
        (v128.load offset=6432 (i32.const 0))))
    (local.set $valued2 (f32x4.le (local.get $low2) (local.get $high2)))
    (local.set $low3
      (f32x4.max (v128.load offset=48 (local.get $lo)) (v128.load offset=6320 (i32.const 0))))
    (local.set $high3
      (f32x4.min (v128.load offset=48 (local.get $hi)) (v128.load offset=6384 (i32.const 0))))
    (local.set $lacks3
      (v128.andnot
        (i32x4.ne
          (v128.and (i32x4.splat (i32.shr_u (local.get $missing) (i32.const 12))) (v128.const i32x4 1 2 4 8))
          (v128.const i32x4 0 0 0 0))
        (v128.load offset=6448 (i32.const 0))))
    (local.set $valued3 (f32x4.le (local.get $low3) (local.get $high3)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $points)))
        (if (i32.and (local.get $mask) (i32.shl (i32.const 1) (local.get $p)))
          (then
            (local.set $at (i32.shl (local.get $p) (i32.const 6)))
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $centre (v128.load offset=0 (local.get $at)))
            (local.set $gap
              (f32x4.max
                (f32x4.max
                  (f32x4.sub (local.get $low0) (local.get $centre))
                  (f32x4.sub (local.get $centre) (local.get $high0)))
                (f32x4.splat (f32.const 0))))
            (local.set $known
              (f32x4.add
                (f32x4.mul (f32x4.mul (local.get $gap) (local.get $gap))
                  (v128.load offset=6144 (i32.const 0)))
                (v128.load offset=2048 (local.get $at))))
            (local.set $unknown (v128.load offset=4096 (local.get $at)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (v128.and
                  (v128.bitselect
                    (v128.bitselect
                      (f32x4.min (local.get $known) (local.get $unknown))
                      (local.get $known)
                      (local.get $lacks0))
                    (v128.bitselect
                      (local.get $unknown)
                      (f32x4.splat (f32.const inf))
                      (local.get $lacks0))
                    (local.get $valued0))
                  (v128.load offset=6208 (i32.const 0)))))
            (local.set $centre (v128.load offset=16 (local.get $at)))
            (local.set $gap
              (f32x4.max
                (f32x4.max
                  (f32x4.sub (local.get $low1) (local.get $centre))
                  (f32x4.sub (local.get $centre) (local.get $high1)))
                (f32x4.splat (f32.const 0))))
            (local.set $known
              (f32x4.add
                (f32x4.mul (f32x4.mul (local.get $gap) (local.get $gap))
                  (v128.load offset=6160 (i32.const 0)))
                (v128.load offset=2064 (local.get $at))))
            (local.set $unknown (v128.load offset=4112 (local.get $at)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (v128.and
                  (v128.bitselect
                    (v128.bitselect
                      (f32x4.min (local.get $known) (local.get $unknown))
                      (local.get $known)
                      (local.get $lacks1))
                    (v128.bitselect
                      (local.get $unknown)
                      (f32x4.splat (f32.const inf))
                      (local.get $lacks1))
                    (local.get $valued1))
                  (v128.load offset=6224 (i32.const 0)))))
            (local.set $centre (v128.load offset=32 (local.get $at)))
            (local.set $gap
              (f32x4.max
                (f32x4.max
                  (f32x4.sub (local.get $low2) (local.get $centre))
                  (f32x4.sub (local.get $centre) (local.get $high2)))
                (f32x4.splat (f32.const 0))))
            (local.set $known
              (f32x4.add
                (f32x4.mul (f32x4.mul (local.get $gap) (local.get $gap))
                  (v128.load offset=6176 (i32.const 0)))
                (v128.load offset=2080 (local.get $at))))
            (local.set $unknown (v128.load offset=4128 (local.get $at)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (v128.and
                  (v128.bitselect
                    (v128.bitselect
                      (f32x4.min (local.get $known) (local.get $unknown))
                      (local.get $known)
                      (local.get $lacks2))
                    (v128.bitselect
                      (local.get $unknown)
                      (f32x4.splat (f32.const inf))
                      (local.get $lacks2))
                    (local.get $valued2))
                  (v128.load offset=6240 (i32.const 0)))))
            (local.set $centre (v128.load offset=48 (local.get $at)))
            (local.set $gap
              (f32x4.max
                (f32x4.max
                  (f32x4.sub (local.get $low3) (local.get $centre))
                  (f32x4.sub (local.get $centre) (local.get $high3)))
                (f32x4.splat (f32.const 0))))
            (local.set $known
              (f32x4.add
                (f32x4.mul (f32x4.mul (local.get $gap) (local.get $gap))
                  (v128.load offset=6192 (i32.const 0)))
                (v128.load offset=2096 (local.get $at))))
            (local.set $unknown (v128.load offset=4144 (local.get $at)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (v128.and
                  (v128.bitselect
                    (v128.bitselect
                      (f32x4.min (local.get $known) (local.get $unknown))
                      (local.get $known)
                      (local.get $lacks3))
                    (v128.bitselect
                      (local.get $unknown)
                      (f32x4.splat (f32.const inf))
                      (local.get $lacks3))
                    (local.get $valued3))
                  (v128.load offset=6256 (i32.const 0)))))
            (local.set $total (call $total (local.get $sum)))
            (if (f32.le (local.get $total) (local.get $limit))
              (then
                (local.set $near (i32.or (local.get $near) (i32.shl (i32.const 1) (local.get $p))))
                (local.set $least (f32.min (local.get $least) (local.get $total)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each)))
    (i32.store (i32.const 6464) (local.get $near))
    (local.get $least))
)
