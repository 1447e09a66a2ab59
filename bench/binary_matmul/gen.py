#!/usr/bin/env python3
"""Writes the binary matmul benchmark model: C = A x W over {-1, +1}.

A (M x K) arrives packed (64-bit words, as a previous binary layer with fused
thresholds produces it); W (K x N) is a constant, packed at compile time.
`main` calls the model REPS times and prints the best time in seconds.
"""
import random
import sys

M, N, K, REPS = 1024, 1024, 4096, 10


def main(out):
    rng = random.Random(1)
    w = bytes(rng.choice((1, 255)) for _ in range(K * N))  # +1 / -1 as i8
    kw = K // 64
    with open(out, "w") as f:
        f.write(f"""
!b = !lowbit.binary
func.func @bmm(%ap: tensor<{M}x{kw}xi64>) -> tensor<{M}x{N}x!quant.uniform<i32:f32, 1.0>> {{
  %a = lowbit.unpack %ap : tensor<{M}x{kw}xi64> -> tensor<{M}x{K}x!b>
  %w = lowbit.constant dense<"0x{w.hex()}"> : tensor<{K}x{N}xi8> as tensor<{K}x{N}x!b>
  %c = lowbit.matmul %a, %w : tensor<{M}x{K}x!b>, tensor<{K}x{N}x!b>
      -> tensor<{M}x{N}x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<{M}x{N}x!quant.uniform<i32:f32, 1.0>>
}}

func.func @main() {{
  %e = tensor.empty() : tensor<{M}x{kw}xi64>
  %a = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}}
      outs(%e : tensor<{M}x{kw}xi64>) {{
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i64
    %jj = arith.index_cast %j : index to i64
    %m = arith.constant -7046029254386353131 : i64
    %x = arith.muli %ii, %m : i64
    %y = arith.xori %x, %jj : i64
    %z = arith.muli %y, %m : i64
    linalg.yield %z : i64
  }} -> tensor<{M}x{kw}xi64>
  %inf = arith.constant 1.0e9 : f64
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %reps = arith.constant {REPS} : index
  %best = scf.for %r = %c0 to %reps step %c1 iter_args(%b = %inf) -> f64 {{
    %t0 = func.call @rtclock() : () -> f64
    %c = func.call @bmm(%a) : (tensor<{M}x{kw}xi64>) -> tensor<{M}x{N}x!quant.uniform<i32:f32, 1.0>>
    %t1 = func.call @rtclock() : () -> f64
    %s = lowbit.storage_cast %c : tensor<{M}x{N}x!quant.uniform<i32:f32, 1.0>> to tensor<{M}x{N}xi32>
    %v = tensor.extract %s[%c1, %c1] : tensor<{M}x{N}xi32>
    func.call @sink(%v) : (i32) -> ()
    %dt = arith.subf %t1, %t0 : f64
    %nb = arith.minimumf %b, %dt : f64
    scf.yield %nb : f64
  }}
  func.call @printF64(%best) : (f64) -> ()
  func.call @printNewline() : () -> ()
  return
}}
func.func private @sink(%v: i32) {{
  return
}}
func.func private @rtclock() -> f64
func.func private @printF64(f64)
func.func private @printNewline()
""")


if __name__ == "__main__":
    main(sys.argv[1])
