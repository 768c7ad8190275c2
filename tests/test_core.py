"""Neutral helpers: Accumulator, Timer, Animator, run records, seeded determinism."""
import json
import multiprocessing

import pytest

from d2l_compat import core
from d2l_compat.animator import Animator


def test_accumulator_and_timer_follow_d2l():
    acc = core.Accumulator(3)
    acc.add(1, 2.5, 3)
    acc.add(1, 0.5, 3)
    assert acc.data == [2.0, 3.0, 6.0] and acc[1] == 3.0
    acc.reset()
    assert acc.data == [0.0, 0.0, 0.0]
    timer = core.Timer()
    timer.stop()
    timer.start()
    timer.stop()
    assert len(timer.times) == 2 and timer.sum() >= 0
    assert timer.cumsum()[-1] == pytest.approx(timer.sum())
    assert timer.avg() == pytest.approx(timer.sum() / 2)


def test_animator_saves_a_png_without_displaying(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    animator = Animator(xlabel='epoch', xlim=[1, 3], legend=['train loss', 'test acc'])
    for epoch in range(1, 4):
        animator.add(epoch, (1.0 / epoch, None if epoch < 3 else 0.8))
    animator.show()
    assert animator.X == [[1, 2, 3], [3]] and animator.Y[1] == [0.8]
    assert len(animator.axes[0].lines) == 0  # 'off': add() and show() draw nothing
    path = animator.save(tmp_path / 'curve.png')
    assert [len(line.get_xdata()) for line in animator.axes[0].lines] == [3, 1]
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert capsys.readouterr().out == ''


def test_animator_mode_is_validated(monkeypatch):
    monkeypatch.setenv('D2L_ANIMATOR', 'sometimes')
    with pytest.raises(ValueError, match='D2L_ANIMATOR'):
        Animator()


def test_run_records_round_trip_and_bad_lines_are_named(tmp_path):
    record = core.RunRecord('torch', 'train_ch6', 'cpu', 'lenet-v2', 3, 0.9, 256, 2)
    record.add_epoch(0.5, 0.8, 0.79, 2.0, 60000)
    record.add_epoch(0.4, 0.85, 0.83, 2.0, 60000)
    path = tmp_path / 'runs.jsonl'
    record.save(path)
    record.save(path)
    loaded = core.load_records(path)
    assert len(loaded) == 2 and loaded[0].to_dict() == record.to_dict()
    assert loaded[0].test_acc == 0.83 and loaded[0].epochs[0]['examples_per_sec'] == 30000
    with open(path, 'a') as f:
        f.write('{"backend": "torch", "trainer": \n')
    with pytest.raises(ValueError, match=r'runs.jsonl:3: not a run record'):
        core.load_records(path)


def _save_many(path, epochs, count):
    record = core.RunRecord('torch', 'train_ch6', 'cpu', 'lenet-v2', 0, 0.9, 256, epochs)
    for _ in range(epochs):
        record.add_epoch(0.5, 0.8, 0.79, 2.0, 60000)
    for _ in range(count):
        record.save(path)


def test_records_appended_side_by_side_stay_whole(tmp_path):
    # make test replays notebooks in two lanes that append to one results file; records
    # of 400 epochs (~60 KB, several buffer sizes) must still land one whole line each
    path = str(tmp_path / 'runs.jsonl')
    workers = [multiprocessing.get_context('spawn').Process(target=_save_many,
                                                            args=(path, 400, 25))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0] * 4
    records = core.load_records(path)
    assert len(records) == 100 and all(len(r.epochs) == 400 for r in records)


def test_record_saves_nowhere_without_a_results_file(monkeypatch):
    monkeypatch.delenv('D2L_RESULTS', raising=False)
    assert core.RunRecord('mxnet', 'train_ch5', 'cpu(0)').save() is None


def test_epoch_cap_from_the_environment(monkeypatch):
    assert core.check_epochs(10) == 10
    monkeypatch.setenv('D2L_MAX_EPOCHS', '2')
    assert core.check_epochs(10) == 2 and core.check_epochs(0) == 0


def untimed(record):
    d = record.to_dict()
    for epoch in d['epochs']:
        epoch.pop('seconds'), epoch.pop('examples_per_sec')
    d.pop('started')
    return json.dumps(d, sort_keys=True)


def test_seeded_mxnet_runs_repeat(few_examples):
    from d2l_compat import mxnet as d2l
    from mxnet import gluon, init
    from mxnet.gluon import nn

    def run():
        d2l.set_seed(7)
        net = nn.Sequential()
        net.add(nn.Conv2D(6, kernel_size=5, activation='sigmoid'), nn.MaxPool2D(2, 2),
                nn.Dense(10))
        net.initialize(init=init.Xavier())
        train_iter, test_iter = d2l.load_data_fashion_mnist(128)
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
        return d2l.train_ch5(net, train_iter, test_iter, 128, trainer, d2l.try_gpu(), 2)
    first, second = run(), run()
    assert first.seed == 7 and first.train_examples == 1024
    assert untimed(first) == untimed(second)


def test_seeded_torch_runs_repeat_and_few_batches_work(few_examples, monkeypatch):
    monkeypatch.setenv('D2L_MAX_TRAIN_EXAMPLES', '300')  # 3 batches: d2l's // 5 would crash
    from d2l_compat import torch as d2l
    from torch import nn

    def run():
        d2l.set_seed(7)
        net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
                            nn.Linear(6 * 12 * 12, 10))
        train_iter, test_iter = d2l.load_data_fashion_mnist(128)
        assert len(train_iter) == 3
        return d2l.train_ch6(net, train_iter, test_iter, 2, 0.9, d2l.try_gpu())
    first, second = run(), run()
    assert len(first.epochs) == 2 and first.device == 'cpu'
    assert untimed(first) == untimed(second)


def test_profile_names_the_caps(monkeypatch):
    from d2l_compat import config
    for var in ('D2L_MAX_TRAIN_EXAMPLES', 'D2L_MAX_TEST_EXAMPLES', 'D2L_MAX_EPOCHS'):
        monkeypatch.delenv(var, raising=False)
    assert config.profile() == 'full' and config.caps() == {}
    monkeypatch.setenv('D2L_MAX_EPOCHS', '2')
    monkeypatch.setenv('D2L_MAX_TRAIN_EXAMPLES', '512')
    assert config.profile() == 'train512-epochs2'
    assert config.caps() == {'max_train_examples': 512, 'max_epochs': 2}
    monkeypatch.setenv('D2L_MAX_TEST_EXAMPLES', 'lots')
    with pytest.raises(ValueError, match='D2L_MAX_TEST_EXAMPLES'):
        config.profile()


def test_test_examples_cap_and_normalize(few_examples, monkeypatch):
    monkeypatch.setenv('D2L_MAX_TEST_EXAMPLES', '300')
    from d2l_compat import torch as d2l
    train_iter, test_iter = d2l.load_data_fashion_mnist(128)
    assert (train_iter.num_examples, test_iter.num_examples) == (1024, 300)
    norm = d2l.Normalize(test_iter, 0.5, 0.5)
    assert len(norm) == 3 and norm.num_examples == 300
    (X, y), (Xn, yn) = next(iter(test_iter)), next(iter(norm))
    assert float(Xn.min()) == -1.0 and float(Xn.max()) == 1.0
    assert bool(((Xn - (X - 0.5) / 0.5).abs() < 1e-7).all()) and bool((y == yn).all())
    with pytest.raises(ValueError, match='std must be > 0'):
        d2l.Normalize(test_iter, 0.5, 0)


def test_train_slides_prints_every_100_batches_and_records(backend, few_examples, capsys):
    import importlib
    d2l = importlib.import_module(f'd2l_compat.{backend}')
    d2l.set_seed(3)
    train_iter, test_iter = d2l.load_data_fashion_mnist(8)  # 1024 examples: 128 batches
    if backend == 'torch':
        import torch
        from torch import nn
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    else:
        from mxnet import gluon, init
        from mxnet.gluon import nn
        net = nn.Sequential()
        net.add(nn.Dense(10))
        net.initialize(init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    record = d2l.train_slides(net, train_iter, test_iter, 2, trainer, d2l.try_gpu())
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ['Epoch 1', '-------------------------------']
    progress = [line for line in out if line.startswith('loss: ')]
    assert [line[-13:] for line in progress] == ['[    8/ 1024]', '[  808/ 1024]'] * 2
    assert sum(line.startswith(' Accuracy: ') for line in out) == 2
    assert record.trainer == 'train_slides' and record.batch_size == 8
    assert len(record.epochs) == 2 and record.train_examples == 1024
    assert 0.3 < record.test_acc <= 1 and record.loss < 2.3


def test_cap_runs_sets_caps_keeps_make_tests_and_lifts_them_all(monkeypatch):
    from d2l_compat import config
    for var, _ in config.CAPS.values():  # set, then removed: monkeypatch restores them after
        monkeypatch.setenv(var, '1')
        monkeypatch.delenv(var)
    assert config.cap_runs(max_train_examples=2048, max_epochs=2) == 'train2048-epochs2'
    monkeypatch.setenv('D2L_MAX_TRAIN_EXAMPLES', '512')  # a cap set from outside stays
    assert config.cap_runs(max_train_examples=2048, max_epochs=2) == 'train512-epochs2'
    assert config.cap_runs(True, max_train_examples=2048) == 'full'
    with pytest.raises(ValueError, match='unknown caps'):
        config.cap_runs(max_examples=10)
    with pytest.raises(ValueError, match='max_epochs must be a positive int'):
        config.cap_runs(max_epochs=0)
