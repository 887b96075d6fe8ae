"""``caption describe`` of many pictures holds what one batch needs, however many there are: the
descriptions (attention maps and all) were all kept until the end to print and write them. Lines and
``--json`` entries now go out batch by batch, ``--json`` into a temporary file that replaces FILE at
the end, so a Ctrl-C part-way leaves FILE as it was."""

import gc
import json
import weakref

import pytest
from helpers_caption import api_model_folder

from rnnkit.caption import Captioner
from rnnkit.caption import captioner as captioner_module
from rnnkit.caption import cli as caption_cli
from rnnkit.cli import main

BATCH = 2


@pytest.fixture(scope="module")
def model_and_picture(tmp_path_factory):
    root = tmp_path_factory.mktemp("describe_memory")
    model = api_model_folder(root, train=16, val=4, seed=7)
    return model, str(sorted((root / "data" / "images").glob("*.png"))[0])


class Watch:
    """Every Description made (by weak reference), and at each batch read: how many are still alive,
    how many entries the temporary --json file holds, and what FILE holds meanwhile."""

    def __init__(self, monkeypatch, json_out, stop_at=None):
        self.made, self.alive, self.written, self.target, self.stop_at = [], [], [], [], stop_at
        init, read_each = captioner_module.Description.__init__, Captioner.read_each

        def made(description, *args, **kwargs):
            init(description, *args, **kwargs)
            self.made.append(weakref.ref(description))

        def read(cap, items):
            gc.collect()
            self.alive.append(sum(ref() is not None for ref in self.made))
            temporary = list(json_out.parent.glob(f".{json_out.name}.rnnkit-*.tmp"))  # one, or none yet
            self.written.append(temporary[0].read_text().count('"image"') if temporary else None)
            self.target.append(json_out.read_text() if json_out.exists() else None)
            if len(self.alive) == self.stop_at:
                raise KeyboardInterrupt
            return read_each(cap, items)

        monkeypatch.setattr(captioner_module.Description, "__init__", made)
        monkeypatch.setattr(Captioner, "read_each", read)
        monkeypatch.setattr(caption_cli, "DESCRIBE_BATCH", BATCH)


def _describe(model, images, json_out, *more):
    return main(["caption", "describe", "--model", str(model), *images, "--device", "cpu",
                 "--json", str(json_out), *more])  # fmt: skip


@pytest.mark.parametrize("n", [4 * BATCH, 16 * BATCH])
def test_what_is_held_does_not_grow_with_the_number_of_pictures(
    model_and_picture, monkeypatch, tmp_path, capsys, n
):
    model, picture = model_and_picture
    out = tmp_path / "d.json"
    watch = Watch(monkeypatch, out)
    assert _describe(model, [picture] * n, out) == 0
    assert len(watch.made) == n
    assert max(watch.alive) <= BATCH  # the batch before this one at most (all n - BATCH were kept)
    assert watch.written == list(range(0, n, BATCH))  # each batch written before the next is read
    assert watch.target == [None] * (n // BATCH)  # FILE appears whole at the end
    doc = json.loads(out.read_text())
    assert len(doc["images"]) == n and doc["failed"] == []
    assert len(capsys.readouterr().out.splitlines()) == n


def test_ctrl_c_part_way_leaves_the_json_file_as_it_was(model_and_picture, monkeypatch, tmp_path, capsys):
    model, picture = model_and_picture
    out = tmp_path / "d.json"
    out.write_text("old\n")
    watch = Watch(monkeypatch, out, stop_at=3)
    assert _describe(model, [picture] * 8, out, "--force") == 130  # as for any Ctrl-C
    assert watch.written == [0, 2, 4] and watch.target == ["old\n"] * 3
    assert out.read_text() == "old\n" and not list(tmp_path.glob(".d.json.rnnkit-*.tmp"))
    assert len(capsys.readouterr().out.splitlines()) == 2 * BATCH  # two batches were described and said
