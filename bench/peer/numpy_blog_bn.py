"""A peer for bench/wasm-bench.mjs: the blog-bn network's forward + backward in NumPy, the post's own
stack, written here from the batch-norm equations (not the post's code, whose batch norm is wrong).

Same work as Layerscope's Network::forward() + backward(): 20 layers of 100 features, 100 inputs, 1000
samples, weights N(0, 0.01^2), ReLU, then batch norm over the batch (axis 1 of a features x samples
array) with one gamma and beta per feature (eps 1e-5); the upstream gradient g ~ N(0, 0.01^2) is dL/dh
of the last layer, and the backward pass computes dL/dh, dL/dW, dL/dgamma, dL/dbeta of every layer and
dL/dx. One thread (OPENBLAS_NUM_THREADS=1 etc. are set by the caller before NumPy loads).

usage: python3 numpy_blog_bn.py REPS DTYPE     prints one JSON line {forwardBackward, min, blas}
"""
import json
import sys
import time

import numpy as np

reps = max(1, int(sys.argv[1])) if len(sys.argv) > 1 else 20
dtype = np.dtype(sys.argv[2] if len(sys.argv) > 2 else "float32")
depth, width, inputs, batch, eps = 20, 100, 100, 1000, 1e-5
rng = np.random.default_rng(1)
x = rng.standard_normal((inputs, batch)).astype(dtype)
weights = [(0.01 * rng.standard_normal((width, inputs if l == 0 else width))).astype(dtype) for l in range(depth)]
gammas = [np.ones((width, 1), dtype) for _ in range(depth)]
betas = [np.zeros((width, 1), dtype) for _ in range(depth)]
upstream = (0.01 * rng.standard_normal((width, batch))).astype(dtype)


def step():
    cache, h = [], x
    for w, gamma, beta in zip(weights, gammas, betas):
        z = w @ h
        a = np.maximum(z, 0)
        mean = a.mean(axis=1, keepdims=True)
        centered = a - mean
        rstd = 1 / np.sqrt((centered * centered).mean(axis=1, keepdims=True) + eps)
        xhat = centered * rstd
        cache.append((h, z, xhat, rstd))
        h = gamma * xhat + beta
    dh, grads = upstream, []
    for w, gamma, (h_in, z, xhat, rstd) in zip(reversed(weights), reversed(gammas), reversed(cache)):
        dgamma = (dh * xhat).sum(axis=1, keepdims=True)
        dbeta = dh.sum(axis=1, keepdims=True)
        # dL/da = gamma rstd (dh - mean_n(dh) - xhat mean_n(dh xhat)), the batch-norm backward
        da = (gamma * rstd) * (dh - dbeta / batch - xhat * (dgamma / batch))
        dz = da * (z > 0)
        grads.append((dz @ h_in.T, dgamma, dbeta))
        dh = w.T @ dz
    return dh, grads


for _ in range(3):
    step()
times = []
for _ in range(reps):
    start = time.perf_counter()
    step()
    times.append(1000 * (time.perf_counter() - start))
times.sort()
n = len(times)
median = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
# The BLAS library NumPy loaded (Debian's numpy takes whichever libblas.so.3 the alternatives point to).
blas = "unknown"
with open("/proc/self/maps") as maps:
    paths = {line.split()[-1] for line in maps if "/" in line}
for path in sorted(paths):
    name = path.rsplit("/", 1)[-1]
    if name.startswith(("libopenblas", "libblas", "libmkl", "libblis")):
        blas = path
        break
print(json.dumps({"forwardBackward": median, "min": times[0], "blas": blas, "numpy": np.__version__,
                  "dtype": str(dtype)}))
