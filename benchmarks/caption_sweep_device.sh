#!/usr/bin/env bash
# One device call for issue 12: the captioner's training options (the where-to-look loss, the
# per-location shape loss, word classes, coverage attention), each with several training seeds, on validation data only (the seed-0 shapes data's val split, and
# the test_heldout split of the seed-1 data for never-seen colour-shape pairs). The GPU machine's 16
# CPU cores run one training each (one thread, as the 2-core VM's runs), and the GPU runs more seeds.
# Every run writes one JSON line (benchmarks/caption_ablation.py) into $OUT and prints a summary line
# of it to the output too: the device returns only a limited number of files (a first call lost its
# GPU runs' files that way), its output always comes back. Progress logs stay in /tmp.
#
#   OUT=/tmp/sweep bash benchmarks/caption_sweep_device.sh     (from the repository root)
#
# RUN_S bounds each training (seconds); CPU_SEEDS and GPU_SEEDS choose the seeds on each side.
set -u
OUT=${OUT:-runs/caption_sweep}
mkdir -p "$OUT"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 MPLBACKEND=Agg
PY=${PY:-python3}
exec > >(tee "$OUT/sweep.log") 2>&1
date -u
lscpu | grep -i "model name\|^CPU(s)"
nvidia-smi -L 2>/dev/null
$PY -m rnnkit caption generate-data --out /tmp/sweep_s0 --seed 0 --no-progress > /dev/null
$PY -m rnnkit caption generate-data --out /tmp/sweep_s1 --seed 1 --no-progress > /dev/null
ls /tmp/sweep_s0 /tmp/sweep_s1
declare -A VARIANT=(
    [base]=""
    [att]="attend_loss=1"
    [attloc]="attend_loss=1 located_loss=1"
    [attcls]="attend_loss=1 word_classes=true"
)
NAMES=${NAMES:-base att attloc attcls}
run() {  # name seed device
    local name=$1 seed=$2 device=$3
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 timeout "${RUN_S:-560}" $PY benchmarks/caption_ablation.py \
        --data /tmp/sweep_s0/dataset.json --heldout /tmp/sweep_s1/dataset.json \
        ${VARIANT[$name]} seed="$seed" device="$device" threads=1 \
        > "$OUT/${device}_${name}_s${seed}.json" 2> "/tmp/sweep_${device}_${name}_s${seed}.err"
    local rc=$?
    echo "$(date -u +%T) $device $name seed $seed rc=$rc (124: stopped at RUN_S)"
    $PY - "$OUT/${device}_${name}_s${seed}.json" <<'PY'
import json, sys
try:
    run = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit()
keys = ("CIDEr-D", "distinct", "colour precision", "shape precision", "phrase precision", "held-out named")
print(sys.argv[1].rsplit("/", 1)[-1], run["cpu_s"], run["best_epoch"],
      {split: [round(s.get(k, float("nan")), 3) for k in keys] for split, s in run["scores"].items()})
PY
}
for seed in ${CPU_SEEDS-1 2}; do
    for name in $NAMES; do run "$name" "$seed" cpu & done
done
for seed in ${GPU_SEEDS-3 4}; do
    for name in $NAMES; do run "$name" "$seed" cuda & done
done
wait
date -u
