"""Same initial weights and batch order: the shim's trainers reproduce upstream's numbers."""
import contextlib
import copy
import io
import re

import numpy as np

from d2l_compat import data

RTOL = 1e-4
N_TRAIN, N_TEST, BATCH, EPOCHS = 512, 128, 64, 3


def arrays():
    """A small fixed subset of the real Fashion-MNIST, scaled as ToTensor does."""
    (xtr, ytr), (xte, yte) = (data.load_split('fashion-mnist', s) for s in ('train', 'test'))
    scale = lambda x: x.astype(np.float32)[:, None] / np.float32(255)  # noqa: E731
    return (scale(xtr[:N_TRAIN]), ytr[:N_TRAIN]), (scale(xte[:N_TEST]), yte[:N_TEST])


def batches(x, y, to_tensor):
    return [to_tensor(x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, len(y), BATCH)]


def run_printing(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args)
    return result, out.getvalue()


def test_mxnet_train_ch5_matches_d2lzh(monkeypatch):
    from d2l_compat import mxnet as shim
    import d2lzh
    import d2lzh.utils
    import mxnet as mx
    from mxnet import gluon, init, nd
    from mxnet.gluon import nn

    def lenet():
        mx.random.seed(0)
        net = nn.Sequential()
        net.add(nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Dense(120, activation='sigmoid'), nn.Dense(84, activation='sigmoid'),
                nn.Dense(10))
        net.initialize(init=init.Xavier())
        net(nd.zeros((1, 1, 28, 28)))
        return net

    to_nd = lambda x, y: (nd.array(x), nd.array(y, dtype='int32'))  # noqa: E731
    (xtr, ytr), (xte, yte) = arrays()
    train, test = batches(xtr, ytr, to_nd), batches(xte, yte, to_nd)
    theirs, mine = lenet(), lenet()
    for a, b in zip(theirs.collect_params().values(), mine.collect_params().values()):
        assert np.array_equal(a.data().asnumpy(), b.data().asnumpy())

    upstream_test_acc = []
    evaluate = d2lzh.utils.evaluate_accuracy
    monkeypatch.setattr(d2lzh.utils, 'evaluate_accuracy',
                        lambda *a: upstream_test_acc.append(evaluate(*a)) or upstream_test_acc[-1])
    sgd = lambda net: gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})  # noqa
    _, their_out = run_printing(d2lzh.train_ch5, theirs, train, test, BATCH, sgd(theirs),
                                mx.cpu(), EPOCHS)
    record, my_out = run_printing(shim.train_ch5, mine, train, test, BATCH, sgd(mine),
                                  mx.cpu(), EPOCHS)

    untimed = lambda text: re.sub(r', time [\d.]+ sec', '', text)  # noqa: E731
    assert untimed(my_out) == untimed(their_out)
    assert len(record.epochs) == EPOCHS
    np.testing.assert_allclose([e['test_acc'] for e in record.epochs], upstream_test_acc,
                               rtol=RTOL)
    printed_losses = [float(v) for v in re.findall(r'loss ([\d.]+)', their_out)]
    np.testing.assert_allclose([e['loss'] for e in record.epochs], printed_losses, atol=5e-5)
    for a, b in zip(theirs.collect_params().values(), mine.collect_params().values()):
        np.testing.assert_allclose(b.data().asnumpy(), a.data().asnumpy(), rtol=RTOL, atol=1e-6)


def test_torch_train_ch6_matches_d2l(monkeypatch):
    from d2l_compat import torch as shim
    import torch
    from d2l import torch as d2l_torch
    from torch import nn

    torch.manual_seed(0)
    theirs = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
    mine = copy.deepcopy(theirs)

    to_t = lambda x, y: (torch.from_numpy(x), torch.from_numpy(y.astype(np.int64)))  # noqa
    (xtr, ytr), (xte, yte) = arrays()
    train, test = batches(xtr, ytr, to_t), batches(xte, yte, to_t)

    points = []

    class Recorder:
        def __init__(self, *args, **kwargs):
            pass

        def add(self, x, y):
            points.append((x, y))
    monkeypatch.setattr(d2l_torch, 'Animator', Recorder)
    torch.manual_seed(1)  # the Xavier draws inside train_ch6
    run_printing(d2l_torch.train_ch6, theirs, train, test, EPOCHS, 0.9, torch.device('cpu'))
    torch.manual_seed(1)
    record, my_out = run_printing(shim.train_ch6, mine, train, test, EPOCHS, 0.9,
                                  torch.device('cpu'))

    ends = [y for x, y in points if float(x).is_integer() and y[0] is not None]
    tests = [y[2] for x, y in points if y[2] is not None]
    assert len(ends) == len(tests) == len(record.epochs) == EPOCHS
    np.testing.assert_allclose([e['loss'] for e in record.epochs], [y[0] for y in ends],
                               rtol=RTOL)
    np.testing.assert_allclose([e['train_acc'] for e in record.epochs], [y[1] for y in ends],
                               rtol=RTOL)
    np.testing.assert_allclose([e['test_acc'] for e in record.epochs], tests, rtol=RTOL)
    assert my_out.splitlines()[0] == 'training on cpu'
    for (name, a), b in zip(theirs.state_dict().items(), mine.state_dict().values()):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=RTOL, atol=1e-6, err_msg=name)
