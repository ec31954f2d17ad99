"""Peer of bench/train_bench.cpp: the same autoencoder (100-64-16-64-100, tanh), Adam, batch 256,
one thread, 100,000 random rows, trained with PyTorch in Python. Prints samples/s (median of 5
epochs after one warm-up)."""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # its pthread pool spins a thread per core otherwise
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(1)
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
x = torch.randn(rows, 100)
net = torch.nn.Sequential(torch.nn.Linear(100, 64), torch.nn.Tanh(), torch.nn.Linear(64, 16), torch.nn.Tanh(),
                          torch.nn.Linear(16, 64), torch.nn.Tanh(), torch.nn.Linear(64, 100))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def epoch():
    order = torch.randperm(rows)
    steps = (rows + 255) // 256
    for s in range(steps):
        idx = order[(s * 256) % rows:(s * 256) % rows + 256]
        xb = x.index_select(0, idx)
        opt.zero_grad()
        loss = (net(xb) - xb).pow(2).mean()
        loss.backward()
        opt.step()
    return steps * 256


epoch()
rates = []
for _ in range(5):
    t0 = time.perf_counter()
    n = epoch()
    rates.append(n / (time.perf_counter() - t0))
rates.sort()
print(json.dumps({"pytorch_samples_per_second": round(rates[2])}))
