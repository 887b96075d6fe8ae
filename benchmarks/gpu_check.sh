#!/usr/bin/env bash
# One device call for the Triton backend (issue 6): environment, the kernel tests on CUDA, the
# benchmark against cuDNN, then the rest of tests/nn as time allows. Everything lands in $OUT.
#
#   bash benchmarks/gpu_check.sh            (on the GPU machine, from the repository root)
#
# Time boxes (seconds, override by environment): TEST_S for the triton tests, BENCH_BUDGET_S for
# starting new benchmark cases (BENCH_S hard limit), REST_S for the other tests/nn tests.
set -u
OUT=${OUT:-runs/gpu_check}
mkdir -p "$OUT"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 MPLBACKEND=Agg
export TRITON_CACHE_DIR="${TRITON_CACHE_DIR:-/tmp/rnnkit_triton_cache}"
PY=${PY:-python3}
exec > >(tee "$OUT/gpu_check.log") 2>&1

echo "== environment"
date -u
nvidia-smi
$PY - <<'PY'
import torch, triton
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())
print("triton", triton.__version__)
print("device", torch.cuda.get_device_name(), "SMs", torch.cuda.get_device_properties(0).multi_processor_count)
PY

echo "== triton tests on CUDA (kernels at medium sizes; the CPU-interpreter tests already pass in CI)"
timeout "${TEST_S:-150}" $PY -m pytest tests/nn/test_triton_kernels.py tests/nn/test_triton_backend.py \
    -k cuda -x -q -p no:cacheprovider --durations=5 --junitxml="$OUT/triton_tests.xml"
echo "triton tests rc=$?"

echo "== benchmark: triton vs torch.nn (cuDNN)"
timeout "${BENCH_S:-280}" $PY benchmarks/bench_gpu.py --out "$OUT" --budget-s "${BENCH_BUDGET_S:-200}" \
    --workers "${WORKERS:-14}"
echo "bench rc=$?"

echo "== the rest of tests/nn on CUDA (time-boxed)"
timeout "${REST_S:-60}" $PY -m pytest tests/nn -x -q -p no:cacheprovider \
    --ignore=tests/nn/test_triton_kernels.py --ignore=tests/nn/test_triton_backend.py
echo "tests/nn rc=$?"
date -u
