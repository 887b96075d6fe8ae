"""Model cards: the ``README.md`` of every model folder a train command writes.

A card says what the model is, what data it learned from, its scores beside the baselines a skeptic
would ask for, the command that made it (with the rnnkit, torch and Python versions), and how to load
it. :func:`rnnkit.train.modelfile.save_model` writes it beside ``provenance.json``, which holds the
same versions and command for programs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rnnkit.utils.tables import markdown_table

CARD_NAME = "README.md"

# application -> what rnnkit.load returns for it (named on the card).
LOADS_AS = {
    "forecast": "rnnkit.forecast.Forecaster",
    "translate": "rnnkit.translate.translator.Translator",
    "caption": "rnnkit.caption.Captioner",
    "explain": "rnnkit.explain.models.TaskModel",
}


@dataclass
class ScoreTable:
    """One table of scores: a caption, column headers and rows (the model's row beside the baselines')."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass
class ModelCard:
    """What a card says; :meth:`render` writes it as Markdown.

    Attributes:
        title: the first heading (``"rnnkit forecast model: IBM Adj Close"``).
        summary: what the model is (architecture, size) in a sentence or two.
        data: what it learned from and how the data were split.
        scores: tables of the model beside its baselines, on held-out data.
        verdict: one plain sentence on whether the model beats the baselines.
    """

    title: str
    summary: str
    data: str
    scores: list[ScoreTable] = field(default_factory=list)
    verdict: str = ""

    def render(self, application: str, provenance: Mapping[str, str]) -> str:
        """The card as Markdown; ``provenance`` from :func:`rnnkit.utils.provenance.provenance`."""
        parts = [f"# {self.title}", self.summary, "## Data", self.data, "## Scores"]
        for table in self.scores:
            parts += [f"**{table.caption}**", markdown_table(table.headers, table.rows)]
        if not self.scores:
            parts.append("No held-out scores were recorded for this model.")
        if self.verdict:  # some applications' verdicts already start with the word
            parts.append(self.verdict if self.verdict.startswith("Verdict") else f"Verdict: {self.verdict}")
        parts += [
            "## How it was made",
            f"```bash\n{provenance.get('command', '')}\n```",
            f"rnnkit {provenance.get('rnnkit_version')}, torch {provenance.get('torch_version')}, "
            f"Python {provenance.get('python_version')}, on {provenance.get('machine')}, "
            f"{provenance.get('created_utc')} (also in `provenance.json`).",
            "## Loading",
            "```python\nimport rnnkit\n\n"
            f'model = rnnkit.load("path/to/this/folder")  # {LOADS_AS.get(application, application)}\n```',
            "Loading reads `config.json` and `model.safetensors` (and the files `config.json` lists); "
            "nothing is unpickled.",
        ]
        return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"
