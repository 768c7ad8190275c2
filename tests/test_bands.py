"""What runs are held to: bands, claims and same-seed references, and that they can fail."""
import json
import math
import pathlib
import sys

import pytest

from d2l_compat import bands, config, core

ROOT = pathlib.Path(__file__).resolve().parents[1]
from d2l_lenet import measure as measure_bands
from d2l_lenet import recipes, tolerances

TABLE = bands.load()['bands']


def test_every_recipe_and_backend_is_measured_in_the_profile_it_runs_under():
    expected = {bands.key_for(r, b, recipes.CAPPED.get(r, {})): r
                for r in recipes.RECIPES for b in ('mxnet', 'torch')}
    missing = sorted(set(expected) - set(TABLE))
    assert not missing, f'measure them: python -m d2l_lenet.measure --recipes ...: {missing}'
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
    """Recomputed from the runs stored beside them: a bound or tolerance edited by hand fails."""
    entry = TABLE[key]
    for metric in bands.METRICS:
        assert entry[metric] == bands.band([r[metric] for r in entry['runs']], metric), metric
    derived = tolerances.derived(entry)
    for field in ('tolerance', 'epoch_tolerance', 'chaotic', 'other_mode', 'gpu'):
        assert entry.get(field) == derived.get(field), field
    if entry['claim']:  # the seeds whose runs make the claim
        runs = entry['runs'] + entry['references']
        assert entry['claim_seeds'] == sorted({r['seed'] for r in runs if bands.CLAIMS[
            entry['claim']](bands.as_record(r))[0]})


def test_a_tolerance_is_twice_the_largest_measured_variation_and_a_chaotic_recipe_is_named():
    entry = {'runs': [{'seed': 0, 'loss': 0.5, 'train_acc': 0.8, 'test_acc': 0.8,
                       'epochs': [{'loss': 0.9, 'train_acc': 0.6, 'test_acc': 0.6},
                                  {'loss': 0.5, 'train_acc': 0.8, 'test_acc': 0.8}]}]}

    def variant(device='cpu', first=None, **moved):
        last = dict(entry['runs'][0]['epochs'][1], **moved)
        epochs = [dict(entry['runs'][0]['epochs'][0], **(first or {})), last]
        return dict(last, seed=0, epochs=epochs, host={'threads': 1}, variant=device,
                    settings={'device': device})
    entry['variants'] = [variant(loss=0.5003), variant(test_acc=0.7996, first={'loss': 0.95})]
    derived = tolerances.derived(entry)
    assert derived['tolerance'] == {'loss': 0.0006, 'train_acc': 0.001, 'test_acc': 0.001}
    assert derived['epoch_tolerance']['loss'] == 0.1  # the first epoch moved by 0.05
    assert not derived['chaotic'] and 'gpu' not in derived
    entry['variants'].append(variant('cuda:0', test_acc=0.78))
    derived = tolerances.derived(entry)
    assert not derived['chaotic'] and derived['gpu']['chaotic']  # GPU runs: a class apart
    assert derived['gpu']['tolerance']['test_acc'] == 0.04
    entry['variants'].append(variant(test_acc=0.78))
    assert tolerances.derived(entry)['chaotic']


def test_every_entry_the_suite_checks_has_variants_beyond_threads():
    """The tolerances rest on other numerics than the band's own machine: at least one
    instruction-set variant and one other CPU's (or GPU's) run of seed 0."""
    for recipe in recipes.RECIPES:
        for backend in ('mxnet', 'torch'):
            entry = TABLE[bands.key_for(recipe, backend, recipes.CAPPED.get(recipe, {}))]
            names = {v['variant'] for v in entry['variants']}
            assert {'native-1t', 'avx2-1t'} <= names, (recipe, backend, names)


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
    bands.check(record_from(seed0(key), key), lang='en')
    out = capsys.readouterr().out
    assert 'same seed as a measured run (seed 0)' in out and 'band over seeds 0, 1, 2, 3, 4' in out
    tol = TABLE[key]['tolerance']['test_acc']
    shifted = record_from(seed0(key), key, test_acc=seed0(key)['test_acc'] + 2 * tol)
    with pytest.raises(bands.OutOfBandError, match=r'test_acc .* outside reference'):
        bands.check(shifted, lang='en')
    assert 'within' in capsys.readouterr().out


@pytest.mark.parametrize('where', [{'cpu': 'Some Other CPU'}, {'device': 'cuda:0'}])
def test_the_same_checks_apply_on_any_cpu_and_on_a_gpu(capsys, where):
    """Nothing in the check looks at the machine: a shifted run fails the same-seed reference
    whatever the CPU or device, and the untouched run passes."""
    key = 'lenet-v1/torch'
    record = record_from(seed0(key), key)
    record.host['cpu'] = where.get('cpu', record.host['cpu'])
    record.device = where.get('device', record.device)
    bands.check(record)
    assert '参考' in capsys.readouterr().out
    record.epochs[-1]['test_acc'] += 0.01  # inside the band, outside the reference
    with pytest.raises(bands.OutOfBandError, match='outside reference'):
        bands.check(record)


def test_a_chaotic_recipe_has_no_same_seed_reference_but_its_band_or_claim_raises(capsys):
    key = 'ex3-relu-lr0.9/torch'  # chaotic among GPU runs
    record = record_from(seed0(key), key)
    record.device = 'cuda:0'
    verdict = bands.evaluate(record)
    assert verdict.ok and verdict.chaotic
    assert not [c for c in verdict.comparisons if c.kind == 'reference']
    record.epochs[-1].update(test_acc=0.45, loss=1.5)  # neither mode
    with pytest.raises(bands.OutOfBandError):
        bands.check(record)
    chaotic = sorted(k for k, e in TABLE.items() if e['chaotic'] and e['claim'] == 'learns')
    assert chaotic  # some capped run, on the CPU
    key = chaotic[0]
    record = record_from(seed0(key), key)
    bands.check(record, lang='en')
    assert 'a chaotic recipe' in capsys.readouterr().out
    record.epochs[-1]['test_acc'] = 0.0
    with pytest.raises(bands.OutOfBandError, match='outside band'):
        bands.check(record)


def test_a_claim_with_a_measured_other_mode_accepts_that_outcome_and_nothing_else():
    key = 'ex3-relu-lr0.9/torch'  # collapses on every CPU measured; seed 0 trained on an H100
    mode = TABLE[key]['gpu']['other_mode']
    assert mode['variants'] == ['h100'] and 'other_mode' not in TABLE[key]
    middle = {m: sum(mode[m]) / 2 for m in bands.METRICS}
    on_gpu = record_from(seed0(key), key, **middle)
    on_gpu.device = 'cuda:0'
    verdict = bands.evaluate(on_gpu)
    assert verdict.ok and verdict.label == 'other mode'
    on_gpu.epochs[-1]['test_acc'] = mode['test_acc'][0] - 0.01
    assert bands.evaluate(on_gpu).label == 'OUT OF BAND'
    on_cpu = record_from(seed0(key), key, **middle)  # no CPU run of seed 0 trained
    assert bands.evaluate(on_cpu).label == 'OUT OF BAND'


def test_a_cell_run_again_without_reseeding_is_a_different_run_held_to_the_band(capsys):
    key = 'lenet-v2/torch'
    record = record_from(seed0(key), key, test_acc=seed0(key)['test_acc'] + 0.01)
    record.seed, record.stale_seed = None, 0
    bands.check(record)  # off the seed-0 reference, but another run: the band only
    out = capsys.readouterr().out
    assert '不是种子 0 的那次' in out and '参考' not in out
    bands.check(record, lang='en')
    assert "not seed 0's" in capsys.readouterr().out
    record.epochs[-1]['test_acc'] = 0.5
    with pytest.raises(bands.OutOfBandError):
        bands.check(record)


def test_set_seed_gives_its_seed_to_one_run_only():
    core.seed_python_numpy(3)
    assert core.take_seed() == (3, None)
    assert core.take_seed() == (None, 3)
    core.seed_python_numpy(3)
    assert core.take_seed() == (3, None)


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
    with pytest.raises(bands.NoBandError,
                       match=r'lenet-v1/mxnet@train1000.*test_acc 0\.\d+.*D2L_MAX_TRAIN_EXAMPLES=1000'):
        bands.check(record)
    bad = pathlib.Path(ROOT / 'build')
    bad.mkdir(exist_ok=True)
    (bad / 'broken-bands.json').write_text('{"bands": ')
    with pytest.raises(ValueError, match='broken-bands.json: not a bands file'):
        bands.load(bad / 'broken-bands.json')


def test_a_wrong_learning_rate_lands_outside_the_band(backend, monkeypatch):
    """lr 0.001 instead of 0.9 fails the check (the reference and the band)."""
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    monkeypatch.setenv('D2L_NUM_THREADS', '1')
    record = recipes.run('lenet-v1', backend, seed=0, lr=0.001)
    assert len(record.epochs) == 5  # the full recipe, only the learning rate differs
    with pytest.raises(bands.OutOfBandError, match='outside band'):
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


def test_the_report_labels_a_run_by_what_it_was_held_to():
    from d2l_lenet import report
    key = 'ex3-relu-lr0.9/torch'
    assert report.verdict(record_from(seed0(key), key)) == 'claim holds'
    assert report.verdict(record_from(seed0(key), key, test_acc=0.45, loss=1.5)) == 'OUT OF BAND'
    key = 'ex13-three-convs/mxnet'  # a seed whose run did not collapse is held to the band
    trained = next(r for r in TABLE[key]['runs'] if r['seed'] not in TABLE[key]['claim_seeds'])
    assert report.verdict(record_from(trained, key)) == 'in band'


def test_a_full_run_estimate_gives_the_gpus_time_from_its_records(capsys):
    from d2l_compat.core import RunRecord
    gpu = RunRecord('torch', 'train_ch6', 'cuda:0', 'ex10-alexnet')
    for seconds in (10.0, 12.0):
        gpu.add_epoch(1.0, 0.5, 0.5, seconds, 60000)
    capped = RunRecord('torch', 'train_ch6', 'cuda:0', 'ex10-alexnet')
    capped.host['max_epochs'] = 2
    capped.add_epoch(1.0, 0.5, 0.5, 99.0, 512)
    bands.full_run_estimate([('ex10-alexnet/mxnet', 10), ('ex14-v1-x4/torch', 20)],
                            gpu_records=[gpu, capped])
    out = capsys.readouterr().out
    assert 'GPU（cuda:0）上每轮约 11.0 s（mxnet 没有 GPU 记录；这是 torch 的），10 轮约 1.8 分钟' in out
    assert 'GPU 上没有 ex14-v1-x4 在完整数据上的记录' in out


def test_every_entry_names_a_command_that_exists():
    import importlib.util
    for key, entry in bands.load()['bands'].items():
        command = entry['produced_by'].split()
        assert command[:2] == ['python', '-m'], (key, entry['produced_by'])
        assert importlib.util.find_spec(command[2]) is not None, (key, command[2])
