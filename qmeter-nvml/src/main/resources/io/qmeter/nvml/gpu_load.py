# GPU load for io.qmeter.nvml.NvmlCheck: a bf16 matmul loop whose energy this process measures
# with pynvml over the same window the Java side measures with qMeter.
# Protocol (stdout/stdin, one line each): child prints READY (GPU warm, then idle); parent opens
# its window and writes GO; child reads its counter, runs the load for SECONDS, idles 0.5 s so the
# closing edge falls on idle power, reads its counter, prints
# "DONE <delta_mJ> <window_s> <matmuls> <tflops>"; parent ends its window and writes BYE.
import sys
import time

import pynvml
import torch

uuid, seconds = sys.argv[1], float(sys.argv[2])
pynvml.nvmlInit()
handle = None
for i in range(pynvml.nvmlDeviceGetCount()):
    h = pynvml.nvmlDeviceGetHandleByIndex(i)
    u = pynvml.nvmlDeviceGetUUID(h)
    if isinstance(u, bytes):
        u = u.decode()
    if u == uuid:
        handle = h
if handle is None:
    print("ERROR no GPU with UUID " + uuid, flush=True)
    sys.exit(2)

n = 8192
dev = torch.device("cuda:0")  # the parent sets CUDA_VISIBLE_DEVICES to the same UUID
a = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
b = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
for _ in range(20):
    c = a @ b
torch.cuda.synchronize()
time.sleep(1.0)
print("READY", flush=True)

if sys.stdin.readline().strip() != "GO":
    print("ERROR expected GO", flush=True)
    sys.exit(3)
e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
t0 = time.monotonic()
iters = 0
while time.monotonic() - t0 < seconds:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
    iters += 20
load_s = time.monotonic() - t0
time.sleep(0.5)
e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
t1 = time.monotonic()
print("DONE %d %.6f %d %.1f" % (e1 - e0, t1 - t0, iters, 2.0 * n ** 3 * iters / load_s / 1e12), flush=True)
sys.stdin.readline()
