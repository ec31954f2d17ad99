"""Peer of bench/lstm_bench.cpp: the same forecaster trained with PyTorch in Python, with the same
model, batch and threads: two LSTM layers of 80 units (dropout 0.3 after each) and a linear layer
to 10 forecasts, 25 inputs (telemetry and 24 command flags, as a SMAP channel), chunks of 50
forecasts over 250 steps of history, 8 chunks a step, Adam, one thread; a random series of
ROWS rows. Prints forecasts/s (median of 5 epochs after one warm-up)."""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # its pthread pool spins a thread per core otherwise
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(1)
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 3009  # 55 full chunks
inputs, history, horizon, chunk, batch = 25, 250, 10, 50, 8
series = torch.randn(rows, inputs)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = torch.nn.LSTM(inputs, 80, batch_first=True)
        self.l1 = torch.nn.LSTM(80, 80, batch_first=True)
        self.head = torch.nn.Linear(80, horizon)

    def forward(self, x):
        x = torch.nn.functional.dropout(self.l0(x)[0], 0.3, self.training)
        x = self.l1(x)[0][:, history - 1:]
        return self.head(torch.nn.functional.dropout(x, 0.3, self.training))


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
# Chunk c forecasts rows first .. first + chunk - 1 (each with its next `horizon` values).
firsts = list(range(history, rows - horizon + 1, chunk))
steps_in = history + chunk - 1
windows = series.unfold(0, steps_in, 1).permute(0, 2, 1)                     # [rows - steps_in + 1, steps_in, inputs]
targets = series[:, 0].unfold(0, horizon, 1)                                 # [rows - horizon + 1, horizon]


def epoch():
    net.train()
    order = torch.randperm(len(firsts))
    done = 0
    for b in range(0, len(firsts), batch):
        pick = [firsts[i] for i in order[b:b + batch].tolist()]
        n = [min(chunk, rows - horizon - f + 1) for f in pick]
        full = [f for f, k in zip(pick, n) if k == chunk]  # the last, short chunk is left out here
        if not full:
            continue
        x = windows[torch.tensor(full) - history]
        y = torch.stack([targets[f:f + chunk] for f in full])
        opt.zero_grad()
        loss = (net(x) - y).pow(2).mean()
        loss.backward()
        opt.step()
        done += chunk * len(full)
    return done


epoch()
rates = []
for _ in range(5):
    t0 = time.perf_counter()
    n = epoch()
    rates.append(n / (time.perf_counter() - t0))
rates.sort()
print(json.dumps({"pytorch_forecasts_per_second": round(rates[2])}))
