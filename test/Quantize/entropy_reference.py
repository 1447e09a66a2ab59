# Cross-checks calibration::entropyThresholdBin (through
# lowbit-calibration-check) against an independent numpy implementation of
# TensorRT's entropy calibration on fixed, seeded histograms.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s lowbit-calibration-check %t | FileCheck %s
# CHECK: 17 histograms, all agree
#
# Conventions (the same as lib/Quantize/Calibration.cpp, after MXNet's
# _get_optimal_threshold and onnxruntime's get_entropy_threshold on a
# one-sided |x| histogram):
#  - candidate i runs over [numLevels, len(hist)]; its threshold is i * w,
#    the upper edge of bin i - 1 (this script compares i itself);
#  - P = hist[:i] with sum(hist[i:]) added to P[i - 1];
#  - Q quantizes the sliced hist[:i] (without the outlier mass) into
#    numLevels levels of i // numLevels bins, the last level also taking the
#    remaining bins; each level's total is spread evenly over its bins that
#    are non-zero in P, the others get 0;
#  - smoothing first, on the counts (zeros become 1e-4, non-zeros lose
#    1e-4 * n_zeros / n_nonzeros), then normalization to sum 1; no non-zero
#    entry, eps1 >= 1 or an entry that does not stay positive makes the
#    candidate's KL +inf;
#  - KL(P || Q) = sum p log(p / q) in float64; the first strict minimum wins;
#  - a histogram shorter than numLevels, or with fewer than numLevels
#    non-zero bins, gives len(hist).

import os
import subprocess
import sys

import numpy as np

EPS = 1e-4
BINS = 2048


def smooth(dist):
    zero = dist == 0
    n_zeros = int(zero.sum())
    n_nonzeros = dist.size - n_zeros
    if n_nonzeros == 0:
        return None
    eps1 = EPS * n_zeros / n_nonzeros
    if eps1 >= 1.0:
        return None
    out = np.where(zero, EPS, dist - eps1)
    if not (out > 0).all():
        return None
    return out


def divergence(hist, i, levels):
    sliced = hist[:i].astype(np.float64)
    p = sliced.copy()
    p[-1] += float(hist[i:].sum())
    # Level of each kept bin: i // levels bins a level, the remainder in the
    # last one.
    level = np.minimum(np.arange(i) // (i // levels), levels - 1)
    totals = np.bincount(level, weights=sliced, minlength=levels)
    nonzero = np.bincount(level, weights=(p != 0).astype(np.float64),
                          minlength=levels)
    q = np.zeros(i)
    keep = p != 0
    q[keep] = totals[level[keep]] / nonzero[level[keep]]
    p = smooth(p)
    q = smooth(q)
    if p is None or q is None:
        return np.inf
    p = p / p.sum()
    q = q / q.sum()
    return float(np.sum(p * np.log(p / q)))


def reference_bin(hist, levels):
    if hist.size < levels or np.count_nonzero(hist) < levels:
        return hist.size
    kls = np.array([divergence(hist, i, levels)
                    for i in range(levels, hist.size + 1)])
    if not np.isfinite(kls).any():
        return hist.size
    return levels + int(np.argmin(kls))  # argmin: the first minimum


def abs_histogram(x, bins=BINS):
    # Bin j holds j w <= |x| < (j + 1) w over [0, max|x|], max|x| in the last
    # bin: numpy's convention for np.histogram.
    a = np.abs(np.asarray(x, dtype=np.float32)).astype(np.float64)
    top = a.max()
    if top == 0:
        out = np.zeros(bins, dtype=np.int64)
        out[0] = a.size
        return out
    return np.histogram(a, bins=bins, range=(0.0, top))[0].astype(np.int64)


def cases():
    rng = np.random.default_rng(20240611)
    yield "gaussian", abs_histogram(rng.normal(size=200000)), 128
    yield "laplacian", abs_histogram(rng.laplace(size=200000)), 128
    relu = np.maximum(rng.normal(0.3, 1.0, size=200000), 0.0)
    yield "relu-spike-at-0", abs_histogram(relu), 128
    tail = np.concatenate([rng.normal(size=100000),
                           rng.normal(scale=30.0, size=1000)])
    yield "long-tail", abs_histogram(tail), 128
    yield "student-t", abs_histogram(rng.standard_t(2.0, size=100000)), 128
    yield "exponential", abs_histogram(rng.exponential(size=50000)), 128
    bimodal = np.concatenate([rng.normal(-3, 0.5, size=40000),
                              rng.normal(6, 1.0, size=20000)])
    yield "bimodal", abs_histogram(bimodal), 128
    yield "uniform", abs_histogram(rng.uniform(-1, 1, size=100000)), 128
    # Few samples for 2048 bins: most bins empty, ~1000 non-zero.
    yield "sparse-gaussian", abs_histogram(rng.normal(size=1500)), 128
    # Already-quantized values: a few hundred distinct magnitudes, the rest
    # empty.
    steps = np.round(rng.normal(scale=60.0, size=50000)).clip(-299, 299)
    yield "sparse-steps", abs_histogram(steps), 128
    # Fewer non-zero bins than levels.
    yield "sparse-few", abs_histogram(rng.integers(0, 40, size=5000)), 128
    one = np.zeros(BINS, dtype=np.int64)
    one[0] = 123456
    yield "all-in-one-bin", one, 128
    yield "gaussian-4bit", abs_histogram(rng.normal(size=100000)), 8
    yield "laplacian-2bit", abs_histogram(rng.laplace(size=100000)), 2
    short = abs_histogram(rng.gamma(2.0, size=20000), bins=300)
    yield "short-300", short, 128
    yield "tiny", np.array([6, 0, 2, 1, 1], dtype=np.int64), 2
    # Exact ties: with 64 levels, KL = 0 at i = 100 (the last level spreads
    # the 37 equal bins 63-99), at 128 (pairs of equal bins) and more; the
    # first one wins.
    flat = np.zeros(BINS, dtype=np.int64)
    flat[:100] = 1000
    yield "ties", flat, 64


def main():
    tool, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    failures = 0
    count = 0
    for name, hist, levels in cases():
        count += 1
        path = os.path.join(workdir, name + ".txt")
        with open(path, "w") as f:
            f.write("".join("%d\n" % c for c in hist))
        out = subprocess.run([tool, path, str(levels)], check=True,
                             capture_output=True, text=True).stdout
        ours = int(out)
        ref = reference_bin(hist, levels)
        print("%s: %d levels, %d non-zero bins, bin %d"
              % (name, levels, np.count_nonzero(hist), ref))
        if ours != ref:
            failures += 1
            print("MISMATCH %s (%s, %d levels): lowbit-calibration-check %d, "
                  "numpy %d; numpy KL %r at %d, %r at %d"
                  % (name, path, levels, ours, ref,
                     divergence(hist, ours, levels) if ours >= levels
                     else float("nan"), ours,
                     divergence(hist, ref, levels) if ref >= levels
                     else float("nan"), ref))
    if failures:
        print("%d of %d histograms differ" % (failures, count))
        sys.exit(1)
    print("%d histograms, all agree" % count)


if __name__ == "__main__":
    main()
