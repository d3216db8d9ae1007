#!/usr/bin/env python3
"""Compares qMeter's energy per run window with an independent pynvml reading of the same windows.

Usage: crosscheck.py WINDOWS.json SAMPLES.csv [--bare-until EPOCH_S]

  WINDOWS.json  written by io.qmeter.examples.GpuLlamaStudy: a list of runs, each with
                configuration, rate_label, start_epoch_s, end_epoch_s, joules, tokens, idle_watts
  SAMPLES.csv   written by nvml_sampler.py (epoch_s,kind,value; power_mw and energy_mj rows)
  --bare-until  the samples before this time are the bare GPU (no server): their mean power is printed

For each window it prints qMeter's joules, the counter difference (energy_mj interpolated linearly to
the window's edges), the trapezoid integral of the power samples, their differences in per cent, and
gross / net J/token from both sides (net with qMeter's idle watts, so that the comparison is about
the measurement, not the choice of baseline). Pure Python, no numpy needed."""
import bisect
import csv
import json
import sys


def load_samples(path):
    power, energy = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            t, v = float(row["epoch_s"]), float(row["value"])
            (power if row["kind"] == "power_mw" else energy).append((t, v))
    power.sort()
    energy.sort()
    return power, energy


def interp(series, t):
    ts = [x[0] for x in series]
    i = bisect.bisect_left(ts, t)
    if i == 0 or i == len(series):
        return float("nan")
    (t0, v0), (t1, v1) = series[i - 1], series[i]
    return v0 + (v1 - v0) * (t - t0) / (t1 - t0) if t1 > t0 else v0


def integrate_power(power, a, b):
    """Joules from mW samples over [a, b], trapezoids, edges interpolated."""
    pa, pb = interp(power, a), interp(power, b)
    pts = [(a, pa)] + [(t, v) for t, v in power if a < t < b] + [(b, pb)]
    j = 0.0
    for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
        j += (v0 + v1) / 2 * (t1 - t0) / 1000.0
    return j


def pct(a, b):
    return (a / b - 1) * 100 if b == b and b != 0 and a == a else float("nan")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    windows = json.load(open(argv[1]))
    power, energy = load_samples(argv[2])
    bare_until = None
    if "--bare-until" in argv:
        bare_until = float(argv[argv.index("--bare-until") + 1])
    if not power:
        sys.exit(f"crosscheck.py: expected power samples in {argv[2]}, found none")
    print(f"{len(power)} power samples, {len(energy)} counter readings, "
          f"{power[0][0]:.1f} .. {power[-1][0]:.1f} epoch s")
    if bare_until is not None:
        bare = [v for t, v in power if t < bare_until]
        if bare:
            print(f"bare GPU before the first server: {sum(bare) / len(bare) / 1000:.1f} W over {len(bare)} samples")
    hdr = ("configuration", "rate", "secs", "qMeter J", "counter J", "diff%", "integr J", "diff%",
           "tokens", "J/tok qM", "J/tok py", "net qM", "net py")
    print("%-22s %-8s %5s %9s %9s %6s %9s %6s %7s %8s %8s %8s %8s" % hdr)
    worst = 0.0
    rows = []
    for w in windows:
        a, b = w["start_epoch_s"], w["end_epoch_s"]
        secs = b - a
        counter_j = (interp(energy, b) - interp(energy, a)) / 1000.0
        integ_j = integrate_power(power, a, b)
        q_j = w.get("joules", float("nan"))
        q_j = float("nan") if q_j is None else q_j
        tokens = w.get("tokens") or float("nan")
        idle = w.get("idle_watts")
        idle = float("nan") if idle is None else idle
        jt_q, jt_p = q_j / tokens, counter_j / tokens
        net_q, net_p = (q_j - idle * secs) / tokens, (counter_j - idle * secs) / tokens
        d1, d2 = pct(q_j, counter_j), pct(q_j, integ_j)
        if d1 == d1:
            worst = max(worst, abs(d1))
        rows.append(dict(w, counter_joules=counter_j, integrated_joules=integ_j, diff_counter_pct=d1,
                         diff_integrated_pct=d2))
        print("%-22s %-8s %5.1f %9.1f %9.1f %+6.1f %9.1f %+6.1f %7.0f %8.4f %8.4f %8.4f %8.4f" % (
            w["configuration"][:22], w["rate_label"], secs, q_j, counter_j, d1, integ_j, d2, tokens,
            jt_q, jt_p, net_q, net_p))
    print(f"largest |qMeter - pynvml counter| over the windows: {worst:.1f} %")
    out = argv[1].rsplit(".", 1)[0] + "-crosscheck.json"
    json.dump(rows, open(out, "w"), indent=1, default=str)
    print(f"written {out}")


if __name__ == "__main__":
    main(sys.argv)
