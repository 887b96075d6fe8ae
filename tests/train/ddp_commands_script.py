"""Run under ``torchrun --nproc_per_node N``: rnnkit commands in every process, as a user launches them.

``ddp_commands_script.py SPEC.json`` where the spec is ``{"out": FOLDER, "runs": [{"label": ..., "argv":
[...]}, ...]}``: each run is ``rnnkit.cli.main(argv)`` in every process (one launch for several runs,
since starting the processes costs more than tiny trainings). After every ``Trainer.fit`` the
process's final weights go to ``FOLDER/<label>.fit<k>.rank<r>.safetensors`` and its history to the
matching ``.json``; each run's exit status to ``FOLDER/<label>.rank<r>.status``. A run with
``"stop_at_epoch": k`` is interrupted (Ctrl-C in every process) when epoch ``k`` begins; a run with
``"fail_in": [r, ...]`` ends with status 2 in those processes without running (a lone refusal, to test
this launcher's handling of it).

A run that ends with another status than expected (0; 0 or 130 when interrupted) ends the process at
once with that status: its later runs would otherwise meet the other processes' collectives out of
step (a status 2 in process 1 alone left process 0 waiting in a collective for good, with nothing for
torchrun to see), while a process that exits is seen by torchrun, which then stops the others. Each
process says on its standard error how each run ended (``ddp_commands_script: process 1:
memory-straight ended with 0``), for the logs a failed launch shows. Each process also records where
the launcher placed it, ``FOLDER/process.rank<r>.json``: its working folder and
``RANK``, ``LOCAL_RANK``, ``GROUP_RANK`` (the node), ``WORLD_SIZE``. Not collected by pytest (no ``test_``
prefix); ``test_train_commands_ddp.py`` and ``test_train_commands_multinode.py`` launch it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from safetensors.torch import save_file

from rnnkit.cli import main
from rnnkit.train.engine import Trainer
from rnnkit.utils.dist import rank


def main_script() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    # The launcher's own numbering, read directly (not through rnnkit.utils.dist, which is under test).
    place = {
        "cwd": os.getcwd(),
        **{k: os.environ.get(k) for k in ("RANK", "LOCAL_RANK", "GROUP_RANK", "WORLD_SIZE")},
    }
    (out / f"process.rank{place['RANK']}.json").write_text(json.dumps(place))
    current = {"label": "", "fits": 0}
    real_fit = Trainer.fit

    def recording_fit(self, *args, **kwargs):
        result = real_fit(self, *args, **kwargs)
        name = f"{current['label']}.fit{current['fits']}.rank{self.accelerator.process_index}"
        current["fits"] += 1
        state = {k: v.detach().cpu().contiguous() for k, v in self._unwrapped().state_dict().items()}
        save_file(state, str(out / f"{name}.safetensors"))
        info = {"history": result.history, "num_processes": self.accelerator.num_processes}
        (out / f"{name}.json").write_text(json.dumps(info))
        return result

    real_epoch = Trainer._train_epoch

    def interruptible_epoch(self, loader, epoch):
        # Ctrl-C in every process at the start of the epoch the run names: a crash to resume from.
        if epoch == current.get("stop_at_epoch"):
            raise KeyboardInterrupt
        return real_epoch(self, loader, epoch)

    Trainer.fit = recording_fit  # type: ignore[method-assign]
    Trainer._train_epoch = interruptible_epoch  # type: ignore[method-assign]
    for run in spec["runs"]:
        current["label"], current["fits"] = run["label"], 0
        current["stop_at_epoch"] = run.get("stop_at_epoch")
        # fail_in: a refusal in this process alone, as a race between the processes made one
        status = 2 if rank() in run.get("fail_in", []) else main(run["argv"])
        (out / f"{run['label']}.rank{rank()}.status").write_text(str(status))
        sys.stdout.flush()
        say(f"{run['label']} ended with {status}")
        if status not in expected(run):
            say(f"stopping the launch (expected {' or '.join(map(str, expected(run)))})")
            sys.exit(status or 1)


def say(line: str) -> None:
    """A line of this process's own log (its standard error), named by the process."""
    print(f"ddp_commands_script: process {rank()}: {line}", file=sys.stderr, flush=True)


def expected(run: dict) -> list[int]:
    """The statuses a run may end with: 0, and 130 when it is interrupted."""
    return [0, 130] if run.get("stop_at_epoch") else [0]


if __name__ == "__main__":
    main_script()
