"""Notebooks: the book's cells kept, pairs alike, nets defined once, committed with real outputs."""
import json
import pathlib
import re
from pathlib import Path
import sys

import jupytext
from notebook_code import BOOK, PINNED, pinned_cells
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
from d2l_lenet import recipes

NOTEBOOKS = sorted((ROOT / 'notebooks').glob('*/*.ipynb'))  # the paired, per-backend ones
ALL = sorted(p for p in (ROOT / 'notebooks').rglob('*.ipynb') if '.ipynb_checkpoints' not in str(p))
CHAPTER = {'lenet_v1': ('import d2lzh as d2l', 'train_ch5'),
           'lenet': ('from d2l import {} as d2l', 'train_ch6')}
ADDED = '本仓库添加'


def test_every_notebook_has_a_twin_in_the_other_backend():
    names = {b: {p.name for p in (ROOT / 'notebooks' / b).glob('*.ipynb')}
             for b in ('mxnet', 'pytorch')}
    assert names['mxnet'] == names['pytorch'] and names['mxnet']


@pytest.mark.parametrize('path', ALL, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_py_percent_twin_is_in_sync(path):
    twin = path.with_suffix('.py')
    assert twin.exists(), f'{twin} missing: run `jupytext --sync {path}`'
    ours = [(c.cell_type, c.source) for c in jupytext.read(path).cells]
    theirs = [(c.cell_type, c.source) for c in jupytext.read(twin).cells]
    assert ours == theirs, f'{path} and {twin} differ: run `jupytext --sync {path}`'


@pytest.mark.parametrize('path', ALL, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_committed_with_outputs_of_a_full_run(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    assert all(c['execution_count'] for c in code), f'{path}: a code cell was not run'
    assert [c['execution_count'] for c in code] == list(range(1, len(code) + 1))
    text = ''.join(''.join(o.get('text', '')) for c in code for o in c['outputs'])
    assert 'Traceback' not in text and 'OUTSIDE band' not in text and 'EXCEEDS' not in text
    assert not any(o['output_type'] == 'error' for c in code for o in c['outputs'])
    assert nb['metadata']['kernelspec']['name'] == 'd2l-lenet'


def section_titles(path):
    nb = jupytext.read(path)
    return [re.sub(r'[（(].*', '', line).strip() for c in nb.cells if c.cell_type == 'markdown'
            for line in c.source.splitlines() if line.startswith('## ')]


@pytest.mark.parametrize('name', sorted({p.name for p in NOTEBOOKS}))
def test_pairs_have_the_same_sections_and_cells(name):
    """Cell for cell; where the book's own tabs differ (§7.6's MXNet tab has no init_cnn), the
    book's code cells are left out here: they are held to the pinned tabs above."""
    mx, pt = ROOT / 'notebooks' / 'mxnet' / name, ROOT / 'notebooks' / 'pytorch' / name
    own = lambda c: not (Path(name).stem in PINNED and c.cell_type == 'code'  # noqa: E731
                         and 'added' not in c.metadata.get('tags', []))
    kinds = lambda p: [c.cell_type for c in jupytext.read(p).cells if own(c)]  # noqa: E731
    assert kinds(mx) == kinds(pt)
    assert section_titles(mx) == section_titles(pt)


@pytest.mark.parametrize('folder', ['mxnet', 'pytorch'])
@pytest.mark.parametrize('name', sorted(CHAPTER))
def test_chapter_notebooks_keep_the_books_cells_and_call_its_functions(folder, name):
    cells = jupytext.read(ROOT / 'notebooks' / folder / f'{name}.py').cells
    code = [c for c in cells if c.cell_type == 'code']
    book = [c for c in code if 'added' not in c.metadata.get('tags', [])]
    first = book[0].source.splitlines()[0]
    assert re.fullmatch(r'from d2l_compat import (mxnet|torch) as d2l  # .*', first), first
    if folder == 'mxnet' or name == 'lenet':  # the book's own tab: its import line is quoted
        original = CHAPTER[name][0].format('mxnet' if folder == 'mxnet' else 'torch')
        assert original in first
    trainer = CHAPTER[name][1]
    defined = [c for c in code if re.search(rf'^def {trainer}\(', c.source, re.M)]
    calls = [c for c in code if re.search(rf'^{trainer}\(net, ', c.source, re.M)]
    assert len(defined) == 1 and len(calls) == 1, 'the section defines and calls its trainer'
    assert not any(f'd2l.{trainer}(' in c.source for c in code)
    # Everything the book does not have is marked: a tag on the code, a note in the prose.
    added = [c for c in code if 'added' in c.metadata.get('tags', [])]
    assert added and all(ADDED in c.source for c in added)
    assert all(f'recorded({trainer}' not in c.source or c in added for c in code)
    for i, cell in enumerate(cells):
        if cell in added:
            before = cells[i - 1]
            assert before.cell_type == 'markdown' and ADDED in before.source or \
                before in added, f'added cell {i} has no marked note before it'


@pytest.mark.parametrize('folder, name', [('mxnet', 'lenet'), ('pytorch', 'lenet'),
                                          ('mxnet', 'lenet_v1'), ('mxnet', 'lenet_en'),
                                          ('pytorch', 'lenet_en')])
def test_the_books_cells_are_the_pinned_releases_only_the_import_changed(folder, name):
    """Against ../shared/book (the released text, byte for byte): every book cell, in order.
    (§5.5 on PyTorch is this project's port of an MXNet-only section: nothing to pin.)"""
    section, revision, marker = PINNED[name]
    if not (BOOK / section).exists():
        pytest.skip(f'../shared/book/{section} is not beside this checkout')
    cells = jupytext.read(ROOT / 'notebooks' / folder / f'{name}.py').cells
    book = [c.source for c in cells if c.cell_type == 'code'
            and 'added' not in c.metadata.get('tags', [])]
    pinned = pinned_cells(section, 'mxnet' if folder == 'mxnet' else 'pytorch')
    assert len(book) == len(pinned)
    first, rest = book[0].split('\n', 1)
    assert first.split(marker)[1] == pinned[0].split('\n', 1)[0]  # the one changed line
    assert rest == pinned[0].split('\n', 1)[1]
    assert book[1:] == pinned[1:]
    assert revision in cells[0].source  # the notebook names the revision it reproduces


@pytest.mark.parametrize('folder', ['mxnet', 'pytorch'])
def test_chapter_notebooks_link_every_exercise(folder):
    text = ''.join((ROOT / 'notebooks' / folder / f'{n}.py').read_text() for n in PINNED)
    exercises = sorted(p.name for p in (ROOT / 'notebooks' / folder).glob('ex*.ipynb'))
    assert [e for e in exercises if f']({e})' not in text] == []


def net_recipes():
    return [r for r, s in recipes.RECIPES.items() if 'net' in s]


@pytest.mark.parametrize('recipe', net_recipes())
def test_each_net_is_defined_once_and_is_the_same_function_on_both_backends(recipe):
    """The band scripts build the nets from the notebooks' net cells; and the MXNet and
    PyTorch nets of a recipe are one function: same parameter shapes layer by layer, and
    the same outputs on a fixed input once the MXNet weights are copied into PyTorch."""
    import torch
    from d2l_compat import mxnet as mx_d2l
    from d2l_compat import torch as torch_d2l
    from mxnet import init, nd

    s = recipes.settings(recipe)
    for backend in ('mxnet', 'torch'):
        assert recipes.build_net(recipe, backend) is not recipes.build_net(recipe, backend)
    size = s['resize'] or 28
    X = np.random.default_rng(0).random((2, 1, size, size), dtype=np.float32)
    mx_d2l.set_seed(0)  # fixed weights: the comparison is the same on every run
    gluon_net = recipes.build_net(recipe, 'mxnet')
    gluon_net.initialize(init.Xavier(), force_reinit=True)
    gluon_net(nd.array(X))  # infer the input sizes
    torch_net = recipes.build_net(recipe, 'torch')
    torch_d2l.set_params(torch_net, mx_d2l.get_params(gluon_net))  # checks shapes, in order
    torch_net.eval()
    with torch.no_grad():
        theirs = torch_net(torch.from_numpy(X)).numpy()
    # float32 sums in a different order: differences scale with the outputs' size (the
    # deeper nets' logits reach tens), so the absolute tolerance does too
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(gluon_net(nd.array(X)).asnumpy(), theirs, rtol=1e-4,
                               atol=1e-4 * scale)


def test_lenet5_has_the_papers_60000_trainable_parameters():
    text = ''.join(''.join(o.get('text', '')) for c in json.loads(
        (ROOT / 'notebooks' / 'pytorch' / 'ex9_lenet5.ipynb').read_text())['cells']
        if c['cell_type'] == 'code' for o in c['outputs'])
    assert re.findall(r'合计: (\d+)', text) == ['60000']


@pytest.mark.parametrize('folder', ['mxnet', 'pytorch'])
def test_heavy_notebooks_cap_themselves_as_their_recipes_are_measured(folder):
    """Opened anywhere (Jupyter, nbconvert without make's caps) a heavy notebook runs under the
    caps its bands were measured under; its FULL_RUN switch is off in the committed notebook."""
    capped = {}
    for recipe, caps in recipes.CAPPED.items():
        capped.setdefault(recipes.settings(recipe)['net'][0], caps)
    for notebook, caps in capped.items():
        text = (ROOT / 'notebooks' / folder / f'{notebook}.py').read_text()
        (call,) = re.findall(r'^profile = config\.cap_runs\(FULL_RUN, (.*)\)$', text, re.M)
        assert eval(f'dict({call})') == caps, notebook
        assert re.search(r'^FULL_RUN = False\b', text, re.M), notebook


@pytest.mark.parametrize('folder', ['mxnet', 'pytorch'])
def test_the_english_notebook_marks_every_added_cell_and_trains_in_the_books_cell(folder):
    cells = jupytext.read(ROOT / 'notebooks' / folder / 'lenet_en.py').cells
    code = [c for c in cells if c.cell_type == 'code']
    added = [c for c in code if 'added' in c.metadata.get('tags', [])]
    book = [c for c in code if c not in added]
    assert added and all('added' in c.source for c in added)
    for i, cell in enumerate(cells):
        if cell in added:
            before = cells[i - 1]
            assert (before.cell_type == 'markdown' and 'Added by this repository' in before.source
                    or before in added), f'added cell {i} has no marked note before it'
    assert book[-1].source.endswith('trainer.fit(model, data)')  # the book's own training cell
    assert not any('trainer.fit(' in c.source for c in added)
    assert any("trainer.record.named('lenet-en')" in c.source for c in added)
