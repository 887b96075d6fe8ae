"""The explain section of ``rnnkit demo``: the adding problem, gradient flow and LSTM gates, small.

One set of trained models serves all three parts: each cell is trained once on the adding problem
(:func:`rnnkit.explain.runs.run_memory`), then the same models (and their weights at initialisation)
give the gradient-flow curves, and the LSTM gives the gate heatmaps. The full section is the issue's
headline at length 100 (seed 0: LSTM and GRU solve it, the tanh RNN stays at the baseline): about 90 s on one
free CPU core. ``quick=True`` shrinks everything to a few seconds for tests.
"""

from __future__ import annotations

from pathlib import Path

import click

from rnnkit.explain.memory_tasks import ADDING_BASELINE_WORDS
from rnnkit.explain.runs import GatesRun, run_gates, run_gradient_flow, run_memory
from rnnkit.explain.training import ADDING_SOLVED_MSE, TrainSettings
from rnnkit.explain.verdict import METRICS_EXPLAINED, flow_verdict, gates_text, memory_verdict

__all__ = ["demo_section", "gates_text", "planned_outputs"]  # gates_text: the command prints it too
from rnnkit.report import Section
from rnnkit.utils.threads import cpu_threads

FULL = {"length": 100, "cells": ("rnn", "lstm", "gru"), "settings": TrainSettings(epochs=12)}
QUICK = {
    "length": 8,
    "cells": ("rnn", "lstm"),
    "settings": TrainSettings(
        hidden_size=8, batch_size=32, train_size=64, val_size=32, test_size=64, epochs=1
    ),
}


def _gates_words(gates: GatesRun) -> str:
    """The gate table in words when the LSTM solved the task; else that its gates show no memory yet.

    As the command does: only a model that solved the task holds the memory its gates would show (seed
    1's LSTM stops at test MSE 0.086 after the full section's 1536 steps; a quick run's never learns),
    and "the other units do other work" said of an untrained model would be read as a finding.
    """
    if gates.solved:
        return gates_text(gates.statistics)
    return (
        f"The LSTM has not solved the task (test MSE {gates.test_error:.3g}, not below {ADDING_SOLVED_MSE}), "
        "so its gates below show a model still learning (or not started: see its test MSE against the "
        "baseline above), not yet how one remembers the marked steps. What to look for in one that has "
        "solved it (`rnnkit explain gates` trains one; add `--epochs` if it has not solved it either): a "
        "forget gate near 1 in one unit or a few, which holds the first marked number, and input gates "
        "that open on the two marked steps."
    )


# The report embeds the curves under the words; a file name sent the reader to look for a file.
_PLOT_BELOW = "the plot below"


def _one_paragraph(lines: list[str]) -> str:
    """:func:`~rnnkit.explain.verdict.flow_verdict`'s lines (a heading, one indented line per cell, maybe
    a conclusion) as one paragraph: the cells' lines joined by semicolons."""
    cells = [line.strip() for line in lines[1:] if line.startswith("  ")]
    rest = [line for line in lines[1:] if not line.startswith("  ")]
    return " ".join([f"{lines[0]} {'; '.join(cells)}.", *rest])


def planned_outputs(out_dir: Path, quick: bool = False) -> list:
    """What :func:`demo_section` writes under ``out_dir`` (checked by the demo before any section runs):
    the files of the three runs and the LSTM's model folder under ``gates/``."""
    from rnnkit.utils.planned import Planned

    out_dir = Path(out_dir)
    files = ("memory/memory.csv", "memory/memory.json", "memory/memory.png", "gradient-flow/gradient_flow.png",
             "gradient-flow/gradient_flow.csv", "gates/gates.png")  # fmt: skip
    return [
        Planned.model(out_dir / "gates" / "model", "explain"),
        *(Planned.file(out_dir / f) for f in files),
    ]


def demo_section(out_dir: Path, seed: int = 0, device: str = "auto", quick: bool = False) -> Section:
    """Train the demo models, write their plots under ``out_dir`` and return the report section.

    Runs on the thread policy's count (one unless --threads; restored afterwards): these 64-unit models gain nothing from a
    second thread, and on a busy 2-core machine two OpenMP threads were measured 50 times slower per
    training step (6 ms against 400 ms of CPU time), spinning while they wait for each other.
    """
    with cpu_threads():
        return _demo_section(Path(out_dir), seed, device, quick)


def _demo_section(out_dir: Path, seed: int, device: str, quick: bool) -> Section:
    plan = QUICK if quick else FULL
    length, cells = plan["length"], plan["cells"]
    settings = plan["settings"].replaced(seed=seed)
    memory = run_memory(
        "adding", [length], cells, out_dir / "memory", settings, device, echo=click.echo, keep_models=True
    )
    trained = {cell: memory.models[(length, cell)] for cell in cells}
    flow = run_gradient_flow(
        list(cells), length, out_dir / "gradient-flow", settings, device, trained=trained
    )
    gates = run_gates(out_dir / "gates", settings, length=length, device=device, trained=trained["lstm"])

    section = Section("Why gates matter: the vanishing gradient and long memory")
    section.add_text(
        "The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): each step carries a number "
        "in [0, 1] and a marker; two steps are marked, one in each half, and the target is the sum of the "
        f"two marked numbers. Length {length}; every cell trained with the same budget "
        f"({memory.results[0].steps} optimizer steps, hidden size {settings.hidden_size}). "
        f"{ADDING_BASELINE_WORDS[0].upper()}{ADDING_BASELINE_WORDS[1:]} needs no memory: "
        # the number in the table, not 1/6 alone: a quick run's small test set gave 0.1561 beside 'about 0.167'
        f"its MSE on the same test set, {memory.results[0].baseline:.4g}, "
        "is the baseline (1/6, about 0.167, over many sequences); solved means MSE < 0.01."
    )
    section.add_table(memory.headers, memory.rows, caption="Adding problem: test error against the baseline")
    section.add_verdict(memory_verdict(memory.results))
    section.add_metrics_explained(METRICS_EXPLAINED)
    section.add_image(
        memory.files["png"],
        alt="adding problem: each cell's test error against the sequence length, beside the baseline of "
        + ADDING_BASELINE_WORDS,
    )
    # What the table tests, not what it found: that depends on the run (seed 1's LSTM has not learned
    # the task after 1536 steps, a quick run's models after 2), and the lines under the table say it.
    section.add_text(
        "Backpropagation through time multiplies one Jacobian per step, so unless something keeps it near 1 "
        "the norm of dh_T/dh_t shrinks geometrically with T - t (an untrained LSTM's forget gates sit near "
        "0.5, so at initialisation its gradient fades too). The lecture's claim, which the table "
        "tests: training can open the gated paths of the LSTM and GRU, while the tanh RNN has no gate to "
        "open, so little of the gradient reaches the first marked step and it stays on the baseline. The "
        "lines under the table say what this run shows."
    )
    section.add_table(flow.headers, flow.rows, caption="Gradient norms at initialisation and after training")
    # the table's norms in words, with whether each cell learned the task, as the command prints them
    section.add_text(_one_paragraph(flow_verdict(flow.flows, flow.results, plot=_PLOT_BELOW)))
    section.add_image(
        flow.files["png"],
        alt="gradient flow: how much of the gradient reaches each earlier step, per cell, before and after "
        "training (log scale)",
    )
    if gates.statistics is not None:
        section.add_text(_gates_words(gates))
        section.add_table(
            ["gate activation (test set)", "value"],
            gates.statistics.rows(),
            caption="the trained LSTM's gates on the adding problem's test sequences",
        )
    section.add_image(
        gates.files["png"],
        alt="LSTM gate heatmaps: the forget, input and output gates and the cell state of every unit at every "
        "step of a test sequence, under the input with its two marked numbers",
    )
    section.add_pre(
        "rnnkit explain memory --task adding --lengths 50,100,200 --cells rnn,lstm,gru\n"
        "rnnkit explain gradient-flow --cells rnn,rnn-relu,irnn,lstm,gru --length 100\n"
        "rnnkit explain gates"
    )
    return section
