"""``rnnkit serve``: the lecture as a local web app (translate, caption, forecast, inside the cells).

A layer beside :mod:`rnnkit.cli`: it consumes the application objects (``Translator``, ``Captioner``,
``TrainedModel``, ``rnnkit.nn`` layers) through one adapter module per application and never
re-implements them. Starlette and uvicorn come from the ``rnnkit[serve]`` extra and are imported only
when the server is built (:func:`rnnkit.serve.app.create_app`), never by ``rnnkit --help``.

Modules: ``limits`` (every bound in one place), ``registry`` (model folders under ``--models``),
``pool`` (the bounded inference pool), ``adapt_*`` (one per application), ``api`` (the JSON endpoints),
``openapi`` (the hand-written schema), ``app`` (routes, static pages), ``cli`` (the command).
"""
