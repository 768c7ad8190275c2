"""scripts/numerics.py: the probe's comparison with the measured run (no training here)."""
import copy
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import numerics  # noqa: E402
import recipes  # noqa: E402


def measured(backend):
    return numerics.measured_run(backend, recipes.CAPPED[numerics.PROBE])


def test_the_probe_is_compared_with_the_measured_one_thread_run_of_its_seed():
    for backend in ('mxnet', 'torch'):
        run = measured(backend)
        assert run['seed'] == numerics.SEED and run['host']['threads'] == 1
        assert run['host']['max_train_examples'] == recipes.CAPPED[numerics.PROBE]['max_train_examples']


def test_only_a_run_equal_to_the_last_digit_reproduces():
    run = measured('torch')
    assert numerics.differences(copy.deepcopy(run['epochs']), run) == []
    nudged = copy.deepcopy(run['epochs'])
    nudged[1]['loss'] += 1e-12
    assert numerics.differences(nudged, run) == [
        f"epoch 2 loss {nudged[1]['loss']!r}, measured {run['epochs'][1]['loss']!r}"]
    assert numerics.differences(nudged[:1], run) == ['1 epochs, measured 2']


def test_the_probe_runs_as_the_references_were_measured(monkeypatch):
    for name, value in (('D2L_NUM_THREADS', '2'), ('OMP_NUM_THREADS', '2'),
                        ('D2L_NUMERICS', 'other'), ('D2L_RECORD_STEPS', '1'),
                        ('D2L_MAX_EPOCHS', '9'), ('MXNET_ENGINE_TYPE', 'ThreadedEngine')):
        monkeypatch.setenv(name, value)
    env = numerics.probe_env(recipes.CAPPED[numerics.PROBE])
    assert env['D2L_NUM_THREADS'] == env['OMP_NUM_THREADS'] == '1'
    assert env['MXNET_ENGINE_TYPE'] == 'NaiveEngine' and not env['D2L_RESULTS']
    assert 'D2L_NUMERICS' not in env and 'D2L_RECORD_STEPS' not in env
    assert env['D2L_MAX_EPOCHS'] == str(recipes.CAPPED[numerics.PROBE]['max_epochs'])
