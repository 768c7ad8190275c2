"""Thread counts for the shim's runs: the user's choice, or what other processes leave free."""
import subprocess
import sys
import time

import pytest

from d2l_compat import core, threads


class Counting:
    """A backend's thread hooks, counting what the policy does."""

    def __init__(self, current=2):
        self.current, self.calls = current, []

    def get_threads(self):
        return self.current

    def set_threads(self, n):
        self.calls.append(n)
        self.current = n

    def limit_threads(self, n):
        return n


@pytest.mark.parametrize('busy, total, expected', [
    (None, 2, 2), (0.0, 2, 2), (0.2, 2, 2), (0.9, 2, 1), (2.0, 2, 1), (5.0, 2, 1),
    (1.0, 8, 7), (3.4, 8, 5)])
def test_spare_threads(busy, total, expected):
    assert threads.spare_threads(busy, total) == expected


def test_a_users_choice_is_kept_and_the_previous_setting_restored(monkeypatch):
    monkeypatch.setenv('D2L_NUM_THREADS', '1')
    backend, record = Counting(current=2), core.RunRecord('x', 'y', 'cpu')
    with threads.chosen(backend, record) as policy:
        policy.begin_epoch()
        policy.begin_epoch()
        assert backend.current == 1
    assert backend.calls == [1, 2] and record.threads == [1, 1]
    assert record.host['threads'] == 1


def test_omp_num_threads_counts_as_the_users_choice(monkeypatch):
    monkeypatch.delenv('D2L_NUM_THREADS', raising=False)
    monkeypatch.setenv('OMP_NUM_THREADS', '3')
    from d2l_compat import config
    assert config.user_threads() == 3


def test_nested_runs_reuse_the_outer_choice(monkeypatch):
    monkeypatch.setenv('D2L_NUM_THREADS', '1')
    backend = Counting()
    with threads.chosen(backend) as outer, threads.chosen(backend) as inner:
        assert inner is outer
    assert backend.calls == [1, 2]


def test_the_meter_sees_a_busy_process():
    meter = threads.CpuMeter()
    burner = subprocess.Popen([sys.executable, '-c', 'while True: pass'])
    try:
        time.sleep(0.2)
        meter.others_busy()  # start measuring once the burner runs
        time.sleep(0.5)
        busy = meter.others_busy()
    finally:
        burner.kill()
        burner.wait()
    assert busy is not None and 0.6 <= busy <= threads.cores() + 0.2


def test_without_a_choice_the_policy_leaves_busy_cores_alone(monkeypatch):
    monkeypatch.delenv('D2L_NUM_THREADS', raising=False)
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    monkeypatch.setattr(threads, 'cores', lambda: 2)
    monkeypatch.setattr(threads.CpuMeter, 'others_busy', lambda self: 1.0)
    backend, record = Counting(current=2), core.RunRecord('x', 'y', 'cpu')
    with threads.chosen(backend, record) as policy:
        policy.begin_epoch()
    assert record.threads == [1] and backend.current == 2  # restored afterwards


def test_mxnet_never_goes_back_up_to_more_threads(monkeypatch):
    """MXNet 1.9's oneDNN segfaults in a backward pass run with more threads than an earlier
    one; the ex3 notebook crashed that way when a shim run restored two threads after one."""
    import subprocess
    code = '''
import os
os.environ['D2L_NUM_THREADS'] = '1'
from d2l_compat import mxnet as d2l
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import nn
net = nn.Sequential()
net.add(nn.Conv2D(6, kernel_size=5, activation='sigmoid'), nn.MaxPool2D(2, 2), nn.Dense(10))
net.initialize(init.Xavier())
train_iter, test_iter = d2l.load_data_fashion_mnist(64)
d2l.train_ch5(net, [next(iter(train_iter))], [next(iter(test_iter))], 64,
              gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}), d2l.try_gpu(), 1)
X, y = next(iter(train_iter))
with autograd.record():  # the notebook's own code, after the shim's run
    l = gluon.loss.SoftmaxCrossEntropyLoss()(net(X), y).sum()
l.backward()
from d2l_compat import backend
print('threads after', backend.hooks('mxnet').get_threads())
'''
    env = {k: v for k, v in __import__('os').environ.items() if k != 'OMP_NUM_THREADS'}
    env['MXNET_ENGINE_TYPE'] = 'NaiveEngine'
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith('threads after 1')
