"""scripts/numerics.py: which digits this machine's probe computes (no training here)."""
import copy
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import numerics  # noqa: E402
import recipes  # noqa: E402


def measured():
    """The measured probe epochs of both backends, as bands.json has them."""
    caps = recipes.CAPPED[numerics.PROBE]
    return {b: numerics.epochs_of(numerics.measured_run(b, caps)) for b in numerics.BACKENDS}


def nudged(epochs, backend='torch', amount=1e-12):
    changed = copy.deepcopy(epochs)
    changed[backend][1]['loss'] += amount
    return changed


def test_the_probe_is_compared_with_the_measured_one_thread_run_of_its_seed():
    caps = recipes.CAPPED[numerics.PROBE]
    for backend in numerics.BACKENDS:
        run = numerics.measured_run(backend, caps)
        assert run['seed'] == numerics.SEED and run['host']['threads'] == 1
        assert run['host']['max_train_examples'] == caps['max_train_examples']


def test_only_digits_equal_to_the_measured_or_a_known_machines_are_accepted(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setattr(numerics, 'KNOWN', tmp_path / 'numerics.json')
    assert numerics.verdict(measured())[0] == 'measured'
    other = nudged(measured())
    found, lines = numerics.verdict(other)
    assert found is None and lines[0].startswith('torch: epoch 2 loss')
    numerics.KNOWN.write_text(json.dumps({'machines': [
        {'cpu': 'X', 'vector_extensions': 'avx2', 'recorded': 'today', 'probe': other}]}))
    assert numerics.verdict(other)[0] == 'other'
    # A code change on that machine moves its digits too: neither measured nor known.
    assert numerics.verdict(nudged(other, 'mxnet'))[0] is None
    assert numerics.differences(other['torch'][:1], other['torch']) == ['1 epochs, against 2']


def test_recording_refuses_a_machine_that_is_already_known(tmp_path, monkeypatch):
    monkeypatch.setattr(numerics, 'KNOWN', tmp_path / 'numerics.json')
    with pytest.raises(SystemExit, match='already matches'):
        numerics.record(measured())
    numerics.record(nudged(measured()))
    assert numerics.verdict(nudged(measured()))[0] == 'other'
    with pytest.raises(SystemExit, match='already matches'):
        numerics.record(nudged(measured()))


def test_the_probe_runs_as_the_references_were_measured(monkeypatch):
    """The probe trains through measure_bands.one_run, whose environment (run_env) drops
    every setting of the caller's that a measurement must not inherit."""
    for name, value in (('D2L_NUM_THREADS', '2'), ('OMP_NUM_THREADS', '2'),
                        ('D2L_NUMERICS', 'other'), ('D2L_RECORD_STEPS', '1'),
                        ('D2L_MAX_EPOCHS', '9'), ('MXNET_ENGINE_TYPE', 'ThreadedEngine')):
        monkeypatch.setenv(name, value)
    calls = []
    monkeypatch.setattr(numerics.measure_bands, 'one_run', lambda *args: calls.append(args) or
                        {'epochs': measured()[args[1]]})
    assert numerics.probe_runs() == measured()
    caps = recipes.CAPPED[numerics.PROBE]
    assert sorted(calls) == [(numerics.PROBE, b, numerics.SEED, 1, caps)
                             for b in sorted(numerics.BACKENDS)]
    env = numerics.measure_bands.run_env(1, caps, 'runs.jsonl')
    assert env['D2L_NUM_THREADS'] == env['OMP_NUM_THREADS'] == '1'
    assert env['MXNET_ENGINE_TYPE'] == 'NaiveEngine' and env['D2L_RESULTS'] == 'runs.jsonl'
    assert 'D2L_NUMERICS' not in env and 'D2L_RECORD_STEPS' not in env
    assert env['D2L_MAX_EPOCHS'] == str(caps['max_epochs'])


def test_this_checkout_knows_its_machines():
    """Every recorded machine's digits differ from the measured runs' (or it would be moot)."""
    for machine in numerics.known_machines():
        assert any(numerics.differences(machine['probe'][b], measured()[b])
                   for b in numerics.BACKENDS)
