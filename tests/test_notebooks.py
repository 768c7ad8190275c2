"""Notebooks: paired across backends, jupytext twins in sync, committed with real outputs."""
import json
import pathlib
import re

import jupytext
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / 'notebooks').glob('*/*.ipynb'))  # the paired, per-backend ones
ALL = sorted(p for p in (ROOT / 'notebooks').rglob('*.ipynb') if '.ipynb_checkpoints' not in str(p))


def test_every_notebook_has_a_twin_in_the_other_backend():
    names = {nb.parent.name: {p.name for p in (ROOT / 'notebooks' / nb.parent.name).glob(
        '*.ipynb')} for nb in NOTEBOOKS}
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
    assert 'Traceback' not in text and 'OUTSIDE band' not in text
    assert nb['metadata']['kernelspec']['name'] == 'd2l-lenet'


def section_titles(path):
    nb = jupytext.read(path)
    return [re.sub(r'[（(].*', '', line).strip() for c in nb.cells if c.cell_type == 'markdown'
            for line in c.source.splitlines() if line.startswith('## ')]


@pytest.mark.parametrize('name', sorted({p.name for p in NOTEBOOKS}))
def test_pairs_have_the_same_number_of_sections_and_code_cells(name):
    mx, pt = ROOT / 'notebooks' / 'mxnet' / name, ROOT / 'notebooks' / 'pytorch' / name
    count = lambda p: [c.cell_type for c in jupytext.read(p).cells]  # noqa: E731
    assert count(mx) == count(pt)
    assert len(section_titles(mx)) == len(section_titles(pt))


def printed(path, pattern):
    """Every match of ``pattern`` in a notebook's committed stream outputs."""
    nb = json.loads(path.read_text())
    text = ''.join(''.join(o.get('text', '')) for c in nb['cells'] if c['cell_type'] == 'code'
                   for o in c['outputs'])
    return re.findall(pattern, text)


@pytest.mark.parametrize('backend', ['mxnet', 'pytorch'])
def test_notebook_nets_are_the_nets_the_bands_were_measured_on(backend):
    """The exercise notebooks spell their nets out; scripts/recipes.py builds the same ones."""
    import sys
    sys.path.insert(0, str(ROOT / 'scripts'))
    import recipes
    if backend == 'pytorch':
        def count(recipe):
            return sum(p.numel() for p in recipes.torch_net(recipe).parameters())
    else:
        from mxnet import nd

        def count(recipe):
            net = recipes.mxnet_net(recipe)
            net.initialize()
            net(nd.zeros((1, 1, 224, 224) if 'alexnet' in recipe else (1, 1, 28, 28)))
            return sum(p.data().size for p in net.collect_params().values()
                       if p.grad_req != 'null')
    folder = ROOT / 'notebooks' / backend
    table = dict(printed(folder / 'ex5_deeper.ipynb', r'(ex5-[\w-]+) +参数 +([\d,]+)'))
    assert sorted(table) == sorted(r for r in recipes.RECIPES if r.startswith('ex5-'))
    for recipe, params in table.items():
        assert int(params.replace(',', '')) == count(recipe), recipe
    assert printed(folder / 'ex7_mnist.ipynb', r'参数个数: (\d+)') == [str(count('ex7-mnist-improved'))]
    (alexnet,) = printed(folder / 'ex10_alexnet.ipynb', r'AlexNet \(224×224\) +参数 +([\d,]+)')
    assert int(alexnet.replace(',', '')) == count('ex10-alexnet')
    # LeNet-5: the C3 mask leaves 60,000 trainable weights, as in the paper.
    assert printed(folder / 'ex9_lenet5.ipynb', r'合计: (\d+)') == ['60000']
    assert count('ex9-lenet5') == 60000 + 900  # C3 stores all 16x6 windows; 36 are masked
