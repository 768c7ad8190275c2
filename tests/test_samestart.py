"""Same start, two frameworks: the first 20 steps agree, and a deliberate difference shows."""
import pathlib
import sys

import pytest

from d2l_lenet import samestart

STEPS, RTOL = 20, 1e-4
# 1,000 examples in batches of 256: four steps per epoch, the last one short (232).
CAPS = dict(max_train_examples=1000, max_test_examples=256)


def first_apart(a, b):
    """The first step (counted from 1) whose losses differ by more than RTOL relative, or None."""
    return next((i + 1 for i, (x, y) in enumerate(zip(a[:STEPS], b[:STEPS]))
                 if abs(x - y) > RTOL * abs(x)), None)


@pytest.mark.parametrize('recipe', ['lenet-v1', 'lenet-v2'])
def test_first_20_steps_agree_from_the_same_start(recipe):
    mx, pt = samestart.worker(recipe, 0, 'gluon', CAPS)  # a fresh process: npx.set_np stays there
    assert len(mx['steps']) >= STEPS and len(pt['steps']) >= STEPS
    assert first_apart(mx['steps'], pt['steps']) is None


@pytest.fixture
def v1_caps(monkeypatch):
    for name, value in CAPS.items():
        monkeypatch.setenv(f'D2L_{name.upper()}', str(value))
    monkeypatch.setenv('D2L_RECORD_STEPS', '1')
    monkeypatch.setenv('D2L_NUM_THREADS', '1')
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    monkeypatch.delenv('D2L_RESULTS', raising=False)  # not a notebook run: keep it out


def test_a_bias_initialised_otherwise_shows_within_20_steps(v1_caps, capsys):
    params = samestart.start_params('lenet-v1', 0, 'gluon')
    mx = samestart.train_from('lenet-v1', 'mxnet', 0, params, 'gluon')
    same = samestart.train_from('lenet-v1', 'torch', 0, params, 'gluon')
    assert first_apart(mx.steps, same.steps) is None
    other = dict(params, **{k: v + 0.01 for k, v in params.items() if k.endswith('.bias')})
    shifted = samestart.train_from('lenet-v1', 'torch', 0, other, 'gluon')
    assert first_apart(mx.steps, shifted.steps) is not None


def test_a_mean_loss_in_place_of_the_sum_shows_within_20_steps(v1_caps):
    params = samestart.start_params('lenet-v1', 0, 'gluon')
    mx = samestart.train_from('lenet-v1', 'mxnet', 0, params, 'gluon')
    mean = samestart.train_from('lenet-v1', 'torch', 0, params, 'gluon', mean_loss=True)
    # Full batches give the same gradient either way; the short fourth batch does not, so
    # the losses part at the fifth step.
    assert first_apart(mx.steps, mean.steps) == 5
