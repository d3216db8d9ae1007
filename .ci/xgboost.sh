#!/usr/bin/env bash
# XGBoost4J's native library (qmeter-analysis' saturation predictor) needs the OpenMP runtime
# libgomp.so.1; SaturationPredictorTest fails on Linux x86_64 when it cannot load. Idempotent.
set -euo pipefail
if ldconfig -p 2>/dev/null | grep -q 'libgomp\.so\.1'; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq libgomp1
