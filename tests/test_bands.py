"""What runs are held to: bands, claims and same-seed references, and that they can fail."""
import json
import math
import pathlib
import sys

import pytest

from d2l_compat import bands, config, core

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import measure_bands  # noqa: E402
import recipes  # noqa: E402

TABLE = bands.load()['bands']


def test_every_recipe_and_backend_is_measured_in_the_profile_it_runs_under():
    expected = {bands.key_for(r, b, recipes.CAPPED.get(r, {})): r
                for r in recipes.RECIPES for b in ('mxnet', 'torch')}
    missing = sorted(set(expected) - set(TABLE))
    assert not missing, f'measure them: python scripts/measure_bands.py --recipes ...: {missing}'
    for key, recipe in expected.items():
        entry = TABLE[key]
        assert len(entry['runs']) >= recipes.BAND_SEEDS.get(recipe, 5), key
        assert entry['caps'] == recipes.CAPPED.get(recipe, {}), key
        assert entry['claim'] == (recipes.CLAIMS.get(recipe)
                                  or ('learns' if entry['caps'] else None)), key
        assert {r['host']['threads'] for r in entry['runs']} == {1}, key
        assert {r['host']['threads'] for r in entry['references']} == {1, 2}, key


@pytest.mark.parametrize('key', sorted(TABLE))
def test_bands_and_tolerances_are_what_the_runs_give(key):
    """Recomputed from the per-seed runs: a bound edited by hand fails here."""
    entry = TABLE[key]
    seed0 = [r for r in entry['runs'] + entry['references'] if r['seed'] == 0]
    for metric in bands.METRICS:
        assert entry[metric] == bands.band([r[metric] for r in entry['runs']], metric), metric
        assert entry['tolerance'][metric] == bands.tolerance(seed0, metric), metric
    if entry['claim']:  # the seeds whose runs make the claim
        runs = entry['runs'] + entry['references']
        assert entry['claim_seeds'] == sorted({r['seed'] for r in runs if bands.CLAIMS[
            entry['claim']](bands.as_record(r))[0]})


def record_from(run, key, **changes):
    recipe, backend = key.split('@')[0].split('/')
    record = bands.as_record(run, backend, recipe)
    record.epochs[-1].update(changes)
    record.host.update(run['host'])
    caps = TABLE[key]['caps']
    record.host.update({k: caps.get(k) for k in config.CAPS})
    return record


def seed0(key):
    return next(r for r in TABLE[key]['runs'] if r['seed'] == 0)


def test_the_measured_seed_0_run_passes_and_a_shifted_one_fails(capsys):
    key = 'lenet-v1/mxnet'
    bands.check(record_from(seed0(key), key))
    out = capsys.readouterr().out
    assert 'same-seed reference' in out and 'band over seeds 0, 1, 2, 3, 4' in out
    tol = TABLE[key]['tolerance']['test_acc']
    shifted = record_from(seed0(key), key, test_acc=seed0(key)['test_acc'] + 2 * tol)
    with pytest.raises(bands.OutOfBandError, match='differs from the seed-0 reference'):
        bands.check(shifted)
    assert 'EXCEEDS tolerance' in capsys.readouterr().out


@pytest.mark.parametrize('where, printed', [
    ({'cpu': 'Some Other CPU'}, 'no same-seed reference for seed 0, 1 thread(s) on Some Other CPU'),
    ({'device': 'cuda:0'}, 'no same-seed reference for seed 0')])  # the references are CPU runs
def test_a_run_on_another_cpu_or_a_gpu_is_held_to_the_band_only(capsys, where, printed):
    key = 'lenet-v1/torch'
    record = record_from(seed0(key), key)
    record.host['cpu'] = where.get('cpu', record.host['cpu'])
    record.device = where.get('device', record.device)
    bands.check(record)
    assert printed in capsys.readouterr().out
    record.epochs[-1]['test_acc'] = 0.1
    with pytest.raises(bands.OutOfBandError, match='test_acc 0.1000 not in'):
        bands.check(record)


def test_a_failed_claim_raises_on_the_measured_cpu_and_is_warned_elsewhere(capsys):
    key = 'ex3-relu-lr0.9/torch'  # 'collapses' on this CPU; one seed trained on an H100
    trained = record_from(seed0(key), key, test_acc=0.8144, loss=0.5)
    with pytest.raises(bands.OutOfBandError, match="claim 'collapses' fails"):
        bands.check(trained)
    for where in ({'device': 'cuda:0'}, {'cpu': 'Some Other CPU'}):
        record = record_from(seed0(key), key, test_acc=0.8144, loss=0.5)
        record.device = where.get('device', record.device)
        record.host['cpu'] = where.get('cpu', record.host['cpu'])
        with pytest.warns(bands.ClaimWarning, match='other numerics, reported, not raised'):
            bands.check(record)
        assert 'no same-seed reference' in capsys.readouterr().out


def test_a_machine_that_computes_other_digits_is_held_to_bands_only(monkeypatch, capsys):
    """D2L_NUMERICS=other (scripts/numerics.py's verdict): the CPU's model name matches the
    measured runs', but the machine does not reproduce them, so no same-seed reference."""
    key = 'ex3-relu-lr0.9/torch'
    assert bands.has_reference(record_from(seed0(key), key), key)
    monkeypatch.setenv('D2L_NUMERICS', 'other')
    assert not bands.has_reference(record_from(seed0(key), key), key)
    with pytest.warns(bands.ClaimWarning, match='other numerics, reported, not raised'):
        bands.check(record_from(seed0(key), key, test_acc=0.8144, loss=0.5))
    assert 'D2L_NUMERICS=other' in capsys.readouterr().out
    band_key = 'lenet-v2/torch'  # a band still raises there
    with pytest.raises(bands.OutOfBandError, match='not in'):
        bands.check(record_from(seed0(band_key), band_key, test_acc=0.5))
    monkeypatch.setenv('D2L_NUMERICS', 'sometimes')
    with pytest.raises(ValueError, match='D2L_NUMERICS'):
        bands.check(record_from(seed0(band_key), band_key))


def test_claims_hold_for_what_they_claim_and_fail_for_a_trained_net():
    def record(losses, test_acc):
        r = core.RunRecord('mxnet', 'train_ch5', 'cpu', 'x')
        for loss in losses:
            r.add_epoch(loss, 0.1, test_acc, 1.0, 1)
        return r
    ln10 = math.log(10)
    assert bands.CLAIMS['collapses'](record([2.31, ln10 + 0.001], 0.1))[0]
    assert not bands.CLAIMS['collapses'](record([2.31, ln10 + 0.001], 0.1001))[0]
    assert not bands.CLAIMS['collapses'](record([2.31, 0.9], 0.1))[0]
    assert bands.CLAIMS['stays-at-chance'](record([ln10 + 5e-4, ln10 - 5e-4], 0.12))[0]
    assert not bands.CLAIMS['stays-at-chance'](record([ln10, 2.29], 0.12))[0]
    assert bands.CLAIMS['learns'](record([2.3, 2.2], 0.2))[0]
    assert not bands.CLAIMS['learns'](record([2.3, 2.3], 0.2))[0]


def test_runs_with_nothing_to_check_are_refused_clearly():
    empty = core.RunRecord('torch', 'train_ch6', 'cpu', 'lenet-v2', 0)
    with pytest.raises(bands.OutOfBandError, match='no epochs to check'):
        bands.check(empty)
    unnamed = record_from(seed0('lenet-v2/torch'), 'lenet-v2/torch')
    unnamed.recipe = None
    with pytest.raises(ValueError, match='no recipe name.*pass recipe='):
        bands.check(unnamed)


def test_capped_runs_are_held_to_what_was_measured_under_their_caps():
    record = record_from(seed0('lenet-v1/mxnet'), 'lenet-v1/mxnet')
    record.host['max_train_examples'] = 1000
    with pytest.raises(KeyError, match='lenet-v1/mxnet@train1000.*D2L_MAX_TRAIN_EXAMPLES=1000'):
        bands.check(record)
    bad = pathlib.Path(ROOT / 'build')
    bad.mkdir(exist_ok=True)
    (bad / 'broken-bands.json').write_text('{"bands": ')
    with pytest.raises(ValueError, match='broken-bands.json: not a bands file'):
        bands.load(bad / 'broken-bands.json')


@pytest.mark.parametrize('backend', ['mxnet', 'torch'])
def test_a_wrong_learning_rate_lands_outside_the_band(backend, monkeypatch):
    """The band alone (another CPU): lr 0.001 instead of 0.9 fails it."""
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    monkeypatch.setenv('D2L_NUM_THREADS', '1')
    record = recipes.run('lenet-v1', backend, seed=0, lr=0.001)
    assert len(record.epochs) == 5  # the full recipe, only the learning rate differs
    record.host['cpu'] = 'Some Other CPU'
    with pytest.raises(bands.OutOfBandError, match='not in'):
        bands.check(record)


def test_a_failed_measurement_shows_the_childs_error():
    with pytest.raises(RuntimeError, match="unknown recipe 'no-such-recipe'"):
        measure_bands.one_run('no-such-recipe', 'torch', 0, 1, {})


def test_the_record_is_written_whole_or_the_writer_says_so(tmp_path, monkeypatch):
    record = core.RunRecord('torch', 'train_ch6', 'cpu', 'lenet-v2')
    monkeypatch.setattr(core.os, 'write', lambda fd, data: len(data) // 2)
    with pytest.raises(OSError, match=r'only \d+ of \d+ bytes of a run record'):
        record.save(tmp_path / 'runs.jsonl')


def test_each_notebook_runs_under_the_caps_its_bands_were_measured_with(monkeypatch):
    notebooks = sorted((ROOT / 'notebooks').glob('*/*.ipynb'))
    capped = {f'{nb.parent.name}/{nb.name}' for nb in notebooks if recipes.caps_for(nb)}
    assert capped == {f'{b}/{n}' for b in ('mxnet', 'pytorch')
                      for n in ('ex10_alexnet.ipynb', 'ex14_epochs.ipynb', 'ex5_deeper.ipynb')}
    assert recipes.caps_for('notebooks/pytorch/ex10_alexnet.ipynb') == \
        recipes.CAPPED['ex10-alexnet']
    assert recipes.caps_for('notebooks/mxnet/lenet.ipynb') == {}
    monkeypatch.setitem(recipes.CAPPED, 'ex5-window', {'max_epochs': 1})
    with pytest.raises(ValueError, match='capped differently'):
        recipes.caps_for('notebooks/mxnet/ex5_deeper.ipynb')


def test_bands_file_is_valid_json_with_margins():
    data = json.loads((ROOT / 'd2l_compat' / 'bands.json').read_text())
    assert data['margins'] == bands.MARGINS


def test_the_report_names_a_warned_claim_as_failed():
    from d2l_compat import report
    key = 'ex3-relu-lr0.9/torch'
    record = record_from(seed0(key), key, test_acc=0.8144, loss=0.5)
    record.device = 'cuda:0'
    assert report.verdict(record) == 'claim fails (other numerics: warned, not raised)'
    record.device = 'cpu'
    assert report.verdict(record) == 'OUT OF BAND'
    assert report.verdict(record_from(seed0(key), key)) == 'claim holds'
