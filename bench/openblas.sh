# Sourced by the bench scripts that compare with OpenBLAS FP32.
#
# OpenBLAS picks its kernels by CPU model and takes CPUs newer than its
# tables for Haswell: on an AVX-512 CPU it may run its AVX2 kernels (on
# AMD Zen 5 these take about twice as long as its AVX-512 ones). The FP32
# baseline is therefore the faster of OpenBLAS's own choice and, on a CPU
# with AVX-512, its AVX-512 (SkylakeX) kernels.

# The OpenBLAS kernel sets to try: "auto" (its own choice), and SkylakeX on
# a CPU with AVX-512.
openblas_coretypes() {
  echo auto
  if grep -qw avx512f /proc/cpuinfo; then echo SkylakeX; fi
}

# openblas_run CORETYPE COMMAND...: COMMAND on one thread with those kernels.
openblas_run() {
  local coretype="$1"
  shift
  if [ "$coretype" = auto ]; then
    OPENBLAS_NUM_THREADS=1 "$@"
  else
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE="$coretype" "$@"
  fi
}

# openblas_best COMMAND...: COMMAND prints one line of times; runs it with
# each kernel set and prints the smallest of each column.
openblas_best() {
  local coretype
  for coretype in $(openblas_coretypes); do
    openblas_run "$coretype" "$@"
  done | python3 -c '
import sys
rows = [[float(v) for v in line.split()] for line in sys.stdin if line.strip()]
print(" ".join("%.9f" % min(col) for col in zip(*rows)))'
}
