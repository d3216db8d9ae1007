#!/usr/bin/env python3
"""An independent energy reading beside qMeter's, for cross-checking: samples one GPU through pynvml
(package nvidia-ml-py) until it is sent SIGTERM or SIGINT, and writes a CSV of

    epoch_s,kind,value
    1764630000.012,power_mw,71234        every --interval seconds (nvmlDeviceGetPowerUsage, ~10 us a read)
    1764630000.015,energy_mj,123456789   every --energy-every seconds (the hardware counter, ~4 ms a read,
                                          changes every ~100 ms)

Usage: nvml_sampler.py --gpu 0 --out samples.csv [--interval 0.05] [--energy-every 0.5]

crosscheck.py turns the samples and qMeter's run windows into joules per window. It shares no code
with qMeter: NVML is read through NVIDIA's own Python binding, the clock is the wall clock."""
import argparse
import signal
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--gpu", type=int, default=0)
ap.add_argument("--out", required=True)
ap.add_argument("--interval", type=float, default=0.05)
ap.add_argument("--energy-every", type=float, default=0.5)
args = ap.parse_args()

try:
    import pynvml
except ImportError:
    sys.exit("nvml_sampler.py: expected the pynvml module (package nvidia-ml-py); it is not installed")

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(args.gpu)
name = pynvml.nvmlDeviceGetName(h)
name = name.decode() if isinstance(name, bytes) else name
print(f"nvml_sampler.py: sampling GPU {args.gpu} ({name}) every {args.interval} s into {args.out}",
      file=sys.stderr, flush=True)
n = 0
with open(args.out, "w", buffering=1 << 16) as f:
    f.write("epoch_s,kind,value\n")
    next_energy = 0.0
    while not stop:
        t = time.time()
        f.write(f"{t:.4f},power_mw,{pynvml.nvmlDeviceGetPowerUsage(h)}\n")
        if t >= next_energy:
            f.write(f"{time.time():.4f},energy_mj,{pynvml.nvmlDeviceGetTotalEnergyConsumption(h)}\n")
            next_energy = t + args.energy_every
        n += 1
        if n % 200 == 0:
            f.flush()
        time.sleep(max(0.0, args.interval - (time.time() - t)))
    f.write(f"{time.time():.4f},energy_mj,{pynvml.nvmlDeviceGetTotalEnergyConsumption(h)}\n")
pynvml.nvmlShutdown()
print(f"nvml_sampler.py: {n} power samples written", file=sys.stderr, flush=True)
