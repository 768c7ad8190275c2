"""The band check: measured bands exist for every recipe x backend, and a bad run fails it."""
import pathlib
import sys

import pytest

from d2l_compat import bands, config, core

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import recipes  # noqa: E402


def test_every_recipe_and_backend_has_a_band_in_the_profile_it_runs_under():
    table = bands.load()['bands']
    expected = {bands.key_for(r, b, recipes.CAPPED.get(r, {})): r
                for r in recipes.RECIPES for b in ('mxnet', 'torch')}
    assert set(expected) <= set(table)
    # Anything else is a capped recipe measured in full (measure_bands.py --no-caps).
    assert all(key.split('/')[0] in recipes.CAPPED and '@' not in key
               for key in set(table) - set(expected))
    for key in expected:
        entry = table[key]
        assert len(entry['runs']) >= recipes.BAND_SEEDS.get(expected[key], 5), key
        assert entry.get('caps', {}) == recipes.CAPPED.get(expected[key], {}), key
        for metric in bands.METRICS:
            lo, hi = entry[metric]
            values = [run[metric] for run in entry['runs']]
            assert lo < min(values) <= max(values) < hi, (key, metric)


def record_with(test_acc, **host):
    record = core.RunRecord('mxnet', 'train_ch5', 'cpu(0)', 'lenet-v1')
    entry = bands.load()['bands']['lenet-v1/mxnet']
    mid = lambda m: sum(entry[m]) / 2  # noqa: E731
    record.add_epoch(mid('loss'), mid('train_acc'), test_acc, 1.0, 60000)
    record.host.update(host)
    return record


def test_check_passes_inside_and_fails_outside(capsys):
    entry = bands.load()['bands']['lenet-v1/mxnet']
    bands.check(record_with(sum(entry['test_acc']) / 2))  # raises if outside
    assert 'test_acc' in capsys.readouterr().out
    with pytest.raises(bands.OutOfBandError, match='test_acc 0.1000 not in'):
        bands.check(record_with(0.1))
    assert 'test_acc 0.1000 OUTSIDE band' in capsys.readouterr().out


def test_capped_runs_are_held_to_the_band_of_their_caps(tmp_path, capsys):
    # lenet-v1 was banded on the full data only: a capped run of it has no band to meet.
    with pytest.raises(KeyError, match='lenet-v1/mxnet@train1000.*D2L_MAX_TRAIN_EXAMPLES=1000'):
        bands.check(record_with(0.8, max_train_examples=1000))
    name, caps = next(iter(recipes.CAPPED.items()))
    entry = bands.load()['bands'][bands.key_for(name, 'torch', caps)]
    record = core.RunRecord('torch', 'train_ch6', 'cpu', name)
    mid = lambda m: sum(entry[m]) / 2  # noqa: E731
    record.add_epoch(mid('loss'), mid('train_acc'), mid('test_acc'), 1.0, 100)
    record.host.update(caps)
    bands.check(record)
    assert f"{name}/torch@{config.profile(caps)} test_acc" in capsys.readouterr().out
    record = record_with(0.8)
    record.recipe = 'alexnet'
    with pytest.raises(KeyError, match='no band'):
        bands.check(record)
    bad = tmp_path / 'bands.json'
    bad.write_text('{"bands": ')
    with pytest.raises(ValueError, match='bands.json: not a bands file'):
        bands.load(bad)


@pytest.mark.parametrize('backend', ['mxnet', 'torch'])
def test_a_wrong_learning_rate_lands_outside_the_band(backend, monkeypatch):
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    record = recipes.run('lenet-v1', backend, seed=0, lr=0.001)
    assert len(record.epochs) == 5  # the full recipe, only the learning rate differs
    with pytest.raises(bands.OutOfBandError):
        bands.check(record)


def test_each_notebook_runs_under_the_caps_its_bands_were_measured_with(monkeypatch):
    notebooks = sorted((ROOT / 'notebooks').glob('*/*.ipynb'))
    capped = {f'{nb.parent.name}/{nb.name}': recipes.caps_for(nb) for nb in notebooks
              if recipes.caps_for(nb)}
    assert sorted(capped) == [f'{b}/{n}' for b in ('mxnet', 'pytorch')
                              for n in ('ex10_alexnet.ipynb', 'ex5_deeper.ipynb')]
    assert capped['pytorch/ex10_alexnet.ipynb'] == recipes.CAPPED['ex10-alexnet']
    assert recipes.caps_for('notebooks/mxnet/lenet.ipynb') == {}
    monkeypatch.setitem(recipes.CAPPED, 'ex5-window', {'max_epochs': 1})
    with pytest.raises(ValueError, match='capped differently'):
        recipes.caps_for('notebooks/mxnet/ex5_deeper.ipynb')
