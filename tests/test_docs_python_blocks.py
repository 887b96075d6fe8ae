"""Every Python block of the READMEs and the guides runs as pasted: it defines each name before it uses it.

A reader copies a ``python`` block into a file and runs it. A block that uses ``df`` or ``long_df``
without saying what they are stops at its first line with a ``NameError`` (forecast.md's did, and its
comments quoted what no data printed). Nothing runs here: each block is parsed and its statements are
read in order, as Python runs them, so a name must be bound by an earlier statement (assigned, imported,
a function or class) or be a builtin. A statement's own bindings count only where Python sees them: a
``for`` target in the loop's body, a ``with ... as`` target in its block, a function's arguments and
locals in its body only, a comprehension's variables in the comprehension only. A function's body runs
when it is called, so it may read any name the block binds at its level. Every README*.md and every
docs/**/*.md is read, fences indented under a list item included.

Left out: the API references nn.md and train.md. Their blocks are fragments around the reader's own
code (``model``, ``MyModel(...)``, ``step, state``), each continuing the page's prose rather than a
program to paste, so every name they use without binding is the reader's.
"""

from __future__ import annotations

import ast
import builtins
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = {"nn.md", "train.md"}  # the layer and training engine APIs, shown around the reader's own model
PAGES = [
    p
    for p in [*sorted(ROOT.glob("README*.md")), *sorted((ROOT / "docs").rglob("*.md"))]
    if not (p.parent == ROOT / "docs" and p.name in TEMPLATES)
]
PYTHON_BLOCK = re.compile(r"^([ \t]*)```python\r?\n(.*?)^[ \t]*```", re.S | re.M)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class _Reader:
    """Reads a block's statements in order, collecting the names each reads before any binds them."""

    def __init__(self) -> None:
        self.missing: set[str] = set()

    def block(self, stmts: list[ast.stmt], known: set[str]) -> None:
        """Run a function's or the module's body: ``known`` grows as statements bind names."""
        functions: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, set[str]]] = []
        self.statements(stmts, known, functions, known)
        # A function body runs when called, after the scope that defines it has bound its names.
        for fn, outer in functions:
            local = set(outer) | {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
            local |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
            self.block(fn.body, local)

    def statements(self, stmts, known, functions, visible) -> None:
        for stmt in stmts:
            self.statement(stmt, known, functions, visible)

    def statement(self, node: ast.stmt, known: set[str], functions: list, visible: set[str]) -> None:
        """``visible``: what a function defined here sees (a class body's names are not)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.exprs(
                [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)], known
            )
            known.add(node.name)
            functions.append((node, visible))
        elif isinstance(node, ast.ClassDef):
            self.exprs([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)], known)
            self.statements(node.body, set(known), functions, visible)
            known.add(node.name)
        elif isinstance(node, ast.Assign):
            self.expr(node.value, known)
            for target in node.targets:
                self.bind(target, known)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value, known)
            self.expr(node.target, known, store_reads=True)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.expr(node.value, known)
                self.bind(node.target, known)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter, known)
            self.bind(node.target, known)
            self.statements([*node.body, *node.orelse], known, functions, visible)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expr(item.context_expr, known)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, known)
            self.statements(node.body, known, functions, visible)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.statements(node.body, known, functions, visible)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type, known)
                if handler.name:
                    known.add(handler.name)
                self.statements(handler.body, known, functions, visible)
            self.statements([*node.orelse, *node.finalbody], known, functions, visible)
        elif isinstance(node, (ast.If, ast.While)):
            self.expr(node.test, known)
            self.statements([*node.body, *node.orelse], known, functions, visible)
        elif isinstance(node, ast.Import):
            known.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            known.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            known.update(node.names)
        else:  # return, expression, raise, assert, del, match, ...: reads only (a match binds first)
            for sub in ast.walk(node):
                if isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
                    known.add(sub.name)
                elif isinstance(sub, ast.MatchMapping) and sub.rest:
                    known.add(sub.rest)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.statement(child, known, functions, visible)
                else:
                    self.expr(child, known)

    def bind(self, target: ast.AST, known: set[str]) -> None:
        """Bind an assignment target's names; ``a[i] = ...`` and ``a.x = ...`` read ``a`` and ``i``."""
        if isinstance(target, ast.Name):
            known.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.bind(elt, known)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, known)
        else:
            self.expr(target, known)

    def exprs(self, nodes, known: set[str]) -> None:
        for node in nodes:
            self.expr(node, known)

    def expr(self, node: ast.AST, known: set[str], store_reads: bool = False) -> None:
        """Check the names an expression reads; a comprehension's or lambda's own names stay inside it."""
        if isinstance(node, ast.Name):
            if (isinstance(node.ctx, ast.Load) or store_reads) and node.id not in known:
                self.missing.add(node.id)
        elif isinstance(node, ast.NamedExpr):
            self.expr(node.value, known)
            known.add(node.target.id)
        elif isinstance(node, ast.Lambda):
            self.exprs([*node.args.defaults, *filter(None, node.args.kw_defaults)], known)
            args = node.args
            names = {
                a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a
            }
            self.expr(node.body, known | names)
        elif isinstance(node, COMPREHENSIONS):
            inner = set(known)
            for i, gen in enumerate(node.generators):
                self.expr(gen.iter, known if i == 0 else inner)  # the first iterable runs outside
                self.bind(gen.target, inner)
                self.exprs(gen.ifs, inner)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            self.exprs(parts, inner)
        else:
            for child in ast.iter_child_nodes(node):
                self.expr(child, known)


def undefined_names(code: str) -> list[str]:
    """The names ``code`` reads before any earlier statement binds them and that are no builtins, sorted."""
    reader = _Reader()
    reader.block(ast.parse(code).body, set(dir(builtins)))
    return sorted(reader.missing)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(line of the opening fence, code) of each ``python`` block of a page, indented fences dedented."""
    text = page.read_text(encoding="utf-8").replace("\r\n", "\n")
    return [
        (text[: m.start()].count("\n") + 1, textwrap.dedent(m.group(2))) for m in PYTHON_BLOCK.finditer(text)
    ]


def test_the_pages_hold_python_blocks():
    names = {str(page.relative_to(ROOT)) for page in PAGES if python_blocks(page)}
    assert {"README.md", "README.ko.md", "docs/forecast.md", "docs/translate.md", "docs/caption.md"} <= names
    assert {"docs/ko/02-simple-rnn.md", "docs/ko/04-lstm.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_block_defines_the_names_it_uses(page):
    wrong = [
        f"{page.relative_to(ROOT)}:{line}: uses {', '.join(names)} before defining them"
        for line, code in python_blocks(page)
        if (names := undefined_names(code))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_a_name_the_block_never_defines():
    code = "import pandas as pd\nfrom x import Forecaster\nfc = Forecaster().fit(df)\n[s for s in fc]\ndef f(a):\n    return a\n"
    assert undefined_names(code) == ["df"]


def test_a_name_used_before_the_statement_that_defines_it_is_undefined():
    assert undefined_names("fc.predict(df)\ndf = 'glucose'\nfrom x import fc\n") == ["df", "fc"]
    assert undefined_names("x = x + 1\n") == ["x"]


def test_a_functions_arguments_and_locals_stay_inside_it():
    assert undefined_names("def f(df):\n    y = df\n    return y\nprint(df, y)\n") == ["df", "y"]
    assert undefined_names("g = lambda s: s\nprint(s)\n") == ["s"]


def test_a_comprehensions_variables_stay_inside_it():
    assert undefined_names("[s for s in range(3)]\nprint(s)\n") == ["s"]
    assert undefined_names("{k: v for k, v in {}.items()}\nprint(k)\n") == ["k"]


def test_what_python_allows_is_defined():
    code = (
        "for i in range(3):\n    print(i)\n"
        "with open('f') as fh:\n    fh.read()\n"
        "def f(a, *rest, k=1, **kw):\n    return g(a, rest, k, kw, total)\n"
        "def g(*args):\n    return args\n"
        "total = [j * i for j in range(i) if j]\n"
        "try:\n    f(1)\nexcept OSError as e:\n    print(e)\n"
        "class C:\n    n = 1\n    m = n + 1\n"
        "if (w := 2) > 1:\n    print(w)\n"
    )
    assert undefined_names(code) == []


def test_indented_and_crlf_fences_are_read(tmp_path):
    page = tmp_path / "p.md"
    page.write_bytes(b"- item:\r\n\r\n  ```python\r\n  import os\r\n  print(os, df)\r\n  ```\r\n")
    assert python_blocks(page) == [(3, "import os\nprint(os, df)\n")]
    assert undefined_names(python_blocks(page)[0][1]) == ["df"]
