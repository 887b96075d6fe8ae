"""Sequence to sequence: translate sentences (English to Korean by default) with attention.

Modules, one job each: :mod:`corpus` (readers), :mod:`split` (dedup, seeded split), :mod:`tokenizer`
(sentencepiece), :mod:`model` (encoder, bridge, decoder; attention from :mod:`rnnkit.nn.attention`),
:mod:`decode` (the model's step over :mod:`rnnkit.nn.search`: greedy, beam search), :mod:`metrics` (chrF, BLEU, loops), :mod:`translator` (load a model folder, translate),
:mod:`evaluation`, :mod:`training`, :mod:`plots`, :mod:`cli`, :mod:`demo`.

Importing this package imports nothing heavy; the command line loads each module when it needs it.
``Translator`` and ``Translation`` (:mod:`translator`) are exported here, loaded on first use.
"""

__all__ = ["Translation", "Translator"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from rnnkit.translate import translator

        return getattr(translator, name)
    raise AttributeError(f"module 'rnnkit.translate' has no attribute {name!r}")
