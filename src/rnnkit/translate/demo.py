"""The translation section of ``rnnkit demo``: first the shipped English-to-Korean model (what a user
gets without training): everyday sentences and its scores on the bundled corpus's test split; then a
small model trained on the spot, labelled as such, to show learning: test sentences with output and
reference, the scores beside copy-the-source, a verdict, and one attention plot decoded exactly as
the table (same beam).

The demo model trains for fewer epochs than the default ``rnnkit translate train`` model so the section
takes about 60-90 s on 2 CPU cores: the default architecture (bidirectional encoder, Bahdanau
attention, input feeding, embedding 128, hidden 256) with a GRU cell, which is cheaper per step than
the LSTM and learnt fastest in our runs, 7 epochs at learning rate 3e-3 without early stopping,
greedy decoding for validation, beam 5 for the test. A constant rate: a cosine schedule over the 7
epochs lowered validation chrF from 12.6 to 9.1 (docs/RESULTS.md), as the model is far from converged.
``quick=True`` trains a toy model (hidden 16, one epoch, the first 80 pairs) in seconds: for tests.
"""

from __future__ import annotations

from pathlib import Path

import click

from rnnkit.report import Section
from rnnkit.utils.wording import plural

DEMO_SENTENCES = 6
DEMO_EPOCHS = 7
# The model trained on the spot learns from the first 3,000 pairs of the corpus (the original
# hand-written set): on the whole corpus (22,775 pairs then) the section took over ten minutes, which is
# the shipped model's job.
DEMO_PAIRS = 3000
# The shipped model is scored on this many of its test sentences (beam 5 costs about 25 ms a
# sentence on one core); the full split's scores are in docs/RESULTS.md.
DEMO_TEST = 300
# The model trained on the spot keeps the recipe its time estimate was measured with (a constant rate,
# no averaging or n-gram blocking), not the full model's defaults, which suit 25 epochs on 20,000 pairs.
DEMO_RECIPE = {"lr_schedule": "constant", "average_last": 0, "no_repeat_ngram": 0}
EVERYDAY = [
    "I am a student.",
    "My name is John.",  # a name the corpus never writes: carried through one it does (translate/names.py)
    "Where is the station?",
    "I am tired.",
    "My brother lives in Seoul.",
    "We ate dinner together.",
    "How much is this bag?",
    "It will rain tomorrow.",
    "Can you help me, please?",
]


def _model_row_named(table: tuple[list[str], list[list[object]]]) -> tuple[list[str], list[list[object]]]:
    """The scores table with its model row named ``model``: the caption above it says the decoding, which
    in the row as well made the printed table 150 characters wide (wrapped on an 80-column terminal)."""
    headers, rows = table
    return headers, [["model", *rows[0][1:]], *rows[1:]]


def shipped_part(section: Section, pairs, quick: bool) -> None:
    """The shipped model: everyday sentences, then its scores on its own test split of the bundled
    corpus (the first 40 in quick mode)."""
    from rnnkit.translate.evaluation import CHRF_EXPLAINED, evaluate_pairs
    from rnnkit.translate.split import model_splits
    from rnnkit.translate.translator import SHIPPED, Translator

    tr = Translator.from_pretrained(device="cpu")
    splits = model_splits(pairs, tr.config)
    section.add_text(  # the training split is the model's own split of the bundled corpus, recomputed here
        f"The shipped model ({SHIPPED.name}, inside the package; `rnnkit translate text` uses it when no "
        f"--model is given): trained on {len(splits.train):,} pairs of the bundled corpus. No training "
        "happens for this part."
    )
    test = splits.test[: 40 if quick else DEMO_TEST]
    # said before the silent part (MBR decoding of the test sentences), as the other sections say theirs
    click.echo(
        f"translate: the shipped model translates {len(EVERYDAY)} everyday and {len(test)} test sentences "
        "(no training)"
    )
    out = tr.translate(EVERYDAY)
    section.add_table(  # captioned: printed without one, it was titled by the section, as the small model's
        ["English", "shipped model's Korean"],
        [[t.source, t.text] for t in out],
        caption="shipped model (no training): everyday sentences",
    )
    rep = evaluate_pairs(tr, test, "ko")
    headers, rows = _model_row_named(rep.table())
    section.add_table(
        headers,
        rows,
        caption=f"shipped model on {rep.n} of its {len(splits.test)} test sentences (never seen in "
        f"training), {rep.decoding}; the whole split's scores are on the model's card (README.md in its "
        "folder, installed with rnnkit)",
    )
    # A verdict as the other applications give theirs (printed by rnnkit demo), chrF said once, here
    section.add_verdict(f"{rep.verdict(lead='shipped model: ')} {CHRF_EXPLAINED}")


def metrics_explained(tokenizer: str) -> dict[str, str]:
    """The translation tables' columns and decoding words, one line each (as the forecast and caption
    sections give theirs): 'hit max len', 'loops', 'alpha' and 'MBR' were in the tables unexplained."""
    bleu = "characters" if tokenizer == "char" else f"{tokenizer} tokens"
    return {
        "exactly right": "outputs equal to the reference once case, spaces and punctuation are ignored.",
        "chrF": "the character n-grams (1 to 6) an output shares with the reference, 0 to 100; it gives "
        "partial credit for a nearly right word. Higher is better.",
        f"BLEU ({tokenizer})": f"the n-grams (1 to 4) of {bleu} an output shares with the reference, 0 to 100, "
        "with a penalty for outputs shorter than it. Higher is better.",
        "loops": "share of outputs stuck repeating themselves: a run of 1 to 4 pieces three or more times in a row.",
        "hit max len": "share of outputs cut off at the length limit before the model ended the sentence "
        "(often a loop).",
        "copy the source": "the baseline: the English sentence given back unchanged; a model must beat it.",
        "beam, alpha": "beam search keeps the most likely partial translations (beam of them) at each step; "
        "alpha weighs the length penalty (0 favours short outputs, 1 ranks about by probability per piece).",
        "MBR (chrF)": "minimum Bayes risk: of the beam's translations, the one that agrees most (by chrF) with "
        "the others is given.",
    }


def planned_outputs(out_dir: Path, quick: bool = False) -> list:
    """What :func:`demo_section` writes under ``out_dir`` (checked by the demo before any section runs)."""
    from rnnkit.utils.planned import Planned

    return [
        Planned.model(Path(out_dir) / "model", "translate"),
        Planned.file(Path(out_dir) / "attention.png"),
    ]


def demo_section(out_dir: Path, seed: int = 0, device: str = "auto", quick: bool = False) -> Section:
    """Train, score and plot; return the report section (the model is saved under ``out_dir/model``)."""
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.plots import attention_heatmap, hangul_font
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.training import TrainOptions, train_translator
    from rnnkit.utils.plotting import save_figure

    out_dir = Path(out_dir)
    corpus, _ = read_corpus()
    if quick:
        pairs = corpus[:80]
        opts = TrainOptions(embed_size=8, hidden_size=16, vocab_size=200, epochs=1, batch_size=32,
                            beam=2, seed=seed, device=device, show_progress=False, **DEMO_RECIPE)  # fmt: skip
    else:
        pairs = corpus[:DEMO_PAIRS]
        opts = TrainOptions(cell="gru", epochs=DEMO_EPOCHS, patience=None, lr=3e-3, beam=5, seed=seed,
                            device=device, vocab_size=1000, **DEMO_RECIPE)  # fmt: skip
    splits = split_pairs(pairs, seed=seed)
    section = Section("Translation: English to Korean (sequence to sequence)")
    shipped_part(section, corpus, quick)

    click.echo(
        f"translate: training a small model on {len(splits.train):,} pairs "
        f"({plural(opts.epochs, 'epoch')}; a demonstration, not the shipped model)"
    )
    result = train_translator(splits, "en", "ko", opts, out=out_dir / "model")
    test = result.test
    section.add_text(
        "A small model trained now, to show learning (it is not the shipped model, and translates far "
        # one sentence: the file's read count after "the first 3000 pairs" ("read 47252 pairs") read as
        # a contradiction, and the split's summary began a sentence in lower case
        f"worse), on the first {len(pairs):,} of the bundled corpus's {len(corpus):,} pairs, "
        f"{splits.summary()}. An encoder-decoder ({opts.cell.upper()}, bidirectional "
        f"encoder, Bahdanau attention, input feeding, hidden {opts.hidden_size}) trained for "
        f"{plural(result.epochs_run, 'epoch')} in {_seconds(result.seconds)}; the weights kept are those of epoch "
        f"{result.best_epoch}, chosen by chrF of greedy translations of the validation split."
    )
    headers, rows = _model_row_named(test.table())
    section.add_table(headers, rows, caption=f"small model: {test.n} unseen test sentences, {test.decoding}")
    section.add_verdict(test.verdict(lead="small model trained now: "))
    section.add_text(
        f"BLEU tokenisation: {test.model.tokenizer}"
        + (" (character level: sacrebleu[ko] is not installed)" if test.model.tokenizer == "char" else "")
        + f". chrF signature {test.model.chrf_signature}; BLEU signature {test.model.bleu_signature}.",
        note=True,
    )
    section.add_metrics_explained(metrics_explained(test.model.tokenizer))
    shown = list(zip(test.translations, test.references, strict=True))[:DEMO_SENTENCES]
    section.add_table(  # named as the small model's: printed, a bare 'model output' read as the shipped one's
        ["source", "small model's output", "reference"],
        [[t.source, _cut(t.text, r), r] for t, r in shown],
        caption=f"small model trained now (a demonstration): the first {len(shown)} test sentences",
    )
    first = next((t for t, _ in shown if t.source), None)
    if first is not None:
        # Decoded as in the table above (the model's beam and settings), so the plot shows that output.
        one = result.translator.translate([first.source], attention=True)[0]
        if one.attention is not None:
            fig = attention_heatmap(
                one.attention, one.src_pieces, one.tgt_pieces, f"{one.source} → {one.text}"
            )
            png = save_figure(fig, out_dir / "attention.png")
            section.add_image(png, alt=f"attention heatmap: {one.source} → {one.text}")
            if hangul_font() is None:
                section.add_text("No Hangul font was found, so Korean pieces are romanised.", note=True)
    return section


def _cut(text: str, reference: str) -> str:
    """An output at most twice its reference's length (40 characters at least), cut with ``…``: an
    undertrained model runs on (the quick demo's rows reached 118 characters of repeats), and a table
    that wide is unreadable; the cut is marked, so nothing is hidden unsaid."""
    most = max(2 * len(reference), 40)
    return text if len(text) <= most else text[:most].rstrip() + " …"


def _seconds(seconds: float) -> str:
    """A training time in words: whole seconds, tenths under ten (a quick demo's epoch took 0.4 s and was
    said to take "0 s")."""
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
