"""Same initial weights, same batches: the shim's trainers compute what the book's compute.

For each of the four trainers, three implementations train identical nets on a fixed subset
of the real Fashion-MNIST whose last batch is short (500 = 7 x 64 + 52, so d2lzh's
``step(batch_size)`` on the short batch is exercised): the upstream package's function, the
notebook's own definition (the book's cell), and d2l_compat's. Per-epoch loss, accuracies and
the final weights must agree to 1e-4.
"""
import contextlib
import io
import re

import numpy as np
import pytest

from d2l_compat import data
from notebook_code import book_functions

RTOL = 1e-4
N_TRAIN, N_TEST, BATCH, EPOCHS, LR = 500, 128, 64, 3, 0.9


def arrays():
    """A small fixed subset of the real Fashion-MNIST, scaled as ToTensor does."""
    (xtr, ytr), (xte, yte) = (data.load_split('fashion-mnist', s) for s in ('train', 'test'))
    scale = lambda x: x.astype(np.float32)[:, None] / np.float32(255)  # noqa: E731
    return (scale(xtr[:N_TRAIN]), ytr[:N_TRAIN]), (scale(xte[:N_TEST]), yte[:N_TEST])


def batches(to_arrays):
    (xtr, ytr), (xte, yte) = arrays()
    split = lambda x, y: [to_arrays(x[i:i + BATCH], y[i:i + BATCH])  # noqa: E731
                          for i in range(0, len(y), BATCH)]
    train, test = split(xtr, ytr), split(xte, yte)
    assert len(train[-1][1]) == N_TRAIN % BATCH == 52
    return train, test


def quietly(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args)
    return result, out.getvalue()


def epoch_lines(text):
    """d2lzh's printed lines without their timings."""
    return re.sub(r', time [\d.]+ sec', '', text)


def printed_epochs(text):
    return np.array([[float(v) for v in m] for m in re.findall(
        r'loss ([\d.]+), train acc ([\d.]+), test acc ([\d.]+)', text)])


def record_epochs(record, printed=False):
    """Per-epoch (loss, train acc, test acc); rounded as d2lzh prints them if ``printed``."""
    epochs = np.array([[e['loss'], e['train_acc'], e['test_acc']] for e in record.epochs])
    if printed:
        epochs = np.column_stack([np.round(epochs[:, :1], 4), np.round(epochs[:, 1:], 3)])
    return epochs


class AnimatorPoints:
    """Stands in for upstream d2l's Animator (which would draw with pyplot): keeps points."""
    points = []

    def __init__(self, *args, **kwargs):
        AnimatorPoints.points = []

    def add(self, x, y):
        AnimatorPoints.points.append((x, y))

    @classmethod
    def epochs(cls):
        ends = {x: y for x, y in cls.points if float(x).is_integer() and y[0] is not None}
        tests = [(x, y[2]) for x, y in cls.points if y[2] is not None]
        return np.array([[ends[x][0], ends[x][1], acc] for x, acc in tests])


def close(a, b, what, atol=1e-6):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=atol, err_msg=what)


# ---- MXNet ---------------------------------------------------------------------------------
def gluon_params(net):
    return [p.data().asnumpy() for p in net.collect_params().values()]


def test_mxnet_train_ch5_matches_d2lzh_and_the_books_cell(monkeypatch):
    from d2l_compat import mxnet as shim
    import d2lzh
    import mxnet as mx
    from mxnet import gluon, init, nd

    book = book_functions('mxnet', 'lenet_v1', 'evaluate_accuracy', 'train_ch5')
    train, test = batches(lambda x, y: (nd.array(x), nd.array(y, dtype='int32')))

    def lenet():
        mx.random.seed(0)
        net = book_functions('mxnet', 'lenet_v1')['net']
        net.initialize(init=init.Xavier())
        net(nd.zeros((1, 1, 28, 28)))
        return net

    def sgd(net):
        return gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': LR})

    nets = {name: lenet() for name in ('d2lzh', 'book', 'shim')}
    outputs = {}
    for name, fn in (('d2lzh', d2lzh.train_ch5), ('book', book['train_ch5']),
                     ('shim', shim.train_ch5)):
        record, outputs[name] = quietly(fn, nets[name], train, test, BATCH, sgd(nets[name]),
                                        mx.cpu(), EPOCHS)
    assert epoch_lines(outputs['shim']) == epoch_lines(outputs['d2lzh']) == \
        epoch_lines(outputs['book'])
    close(record_epochs(record, printed=True), printed_epochs(outputs['d2lzh']),
          'per-epoch numbers')
    for name in ('d2lzh', 'book'):
        for mine, theirs in zip(gluon_params(nets['shim']), gluon_params(nets[name])):
            close(mine, theirs, f'final weights vs {name}')


def test_mxnet_train_ch6_matches_d2l_numpy_interface_and_the_books_cell(monkeypatch):
    from d2l import mxnet as d2l_mxnet
    from d2l_compat import mxnet as shim
    import mxnet as mx
    from mxnet import npx

    npx.set_np()
    try:
        book = book_functions('mxnet', 'lenet', 'evaluate_accuracy_gpu', 'train_ch6')
        train, test = batches(lambda x, y: (mx.np.array(x), mx.np.array(y, dtype='int32')))
        monkeypatch.setattr(d2l_mxnet, 'Animator', AnimatorPoints)
        book_train = shim.recorded(book['train_ch6'])
        results = {}
        for name, fn in (('d2l', d2l_mxnet.train_ch6), ('book', book_train),
                         ('shim', shim.train_ch6)):
            net = book_functions('mxnet', 'lenet')['net']
            mx.random.seed(1)  # the Xavier draws inside train_ch6
            record, _ = quietly(fn, net, train, test, EPOCHS, LR, mx.cpu())
            results[name] = (net, AnimatorPoints.epochs() if name == 'd2l' else record_epochs(
                record if name == 'shim' else book_train.record))
    finally:
        npx.reset_np()
    for name in ('d2l', 'book'):
        close(results['shim'][1], results[name][1], f'per-epoch numbers vs {name}')
        for mine, theirs in zip(gluon_params(results['shim'][0]), gluon_params(results[name][0])):
            close(mine, theirs, f'final weights vs {name}')


# ---- PyTorch -------------------------------------------------------------------------------
def torch_params(net):
    return [p.detach().numpy() for p in net.parameters()]


def test_torch_train_ch6_matches_d2l_and_the_books_cell(monkeypatch):
    import copy

    import torch
    from d2l import torch as d2l_torch
    from d2l_compat import torch as shim

    book = book_functions('torch', 'lenet', 'evaluate_accuracy_gpu', 'train_ch6')
    train, test = batches(lambda x, y: (torch.from_numpy(x), torch.from_numpy(
        y.astype(np.int64))))
    monkeypatch.setattr(d2l_torch, 'Animator', AnimatorPoints)
    book_train = shim.recorded(book['train_ch6'])
    torch.manual_seed(0)
    start = book['net']
    results = {}
    for name, fn in (('d2l', d2l_torch.train_ch6), ('book', book_train),
                     ('shim', shim.train_ch6)):
        net = copy.deepcopy(start)
        torch.manual_seed(1)  # the Xavier draws inside train_ch6
        record, out = quietly(fn, net, train, test, EPOCHS, LR, torch.device('cpu'))
        assert out.splitlines()[0] == 'training on cpu'
        results[name] = (net, AnimatorPoints.epochs() if name == 'd2l' else record_epochs(
            record if name == 'shim' else book_train.record))
    for name in ('d2l', 'book'):
        close(results['shim'][1], results[name][1], f'per-epoch numbers vs {name}')
        for mine, theirs in zip(torch_params(results['shim'][0]), torch_params(results[name][0])):
            close(mine, theirs, f'final weights vs {name}')


def test_torch_train_ch5_matches_d2lzh_from_gluons_weights():
    """The PyTorch port of §5.5 against MXNet's d2lzh.train_ch5, from Gluon's initial weights."""
    import d2lzh
    import mxnet as mx
    import torch
    from d2l_compat import mxnet as mx_shim
    from d2l_compat import torch as shim
    from mxnet import gluon, init, nd

    mx.random.seed(0)
    gluon_net = book_functions('mxnet', 'lenet_v1')['net']
    gluon_net.initialize(init=init.Xavier())
    gluon_net(nd.zeros((1, 1, 28, 28)))
    start = mx_shim.get_params(gluon_net)
    mx_train, mx_test = batches(lambda x, y: (nd.array(x), nd.array(y, dtype='int32')))
    _, theirs = quietly(d2lzh.train_ch5, gluon_net, mx_train, mx_test, BATCH,
                        gluon.Trainer(gluon_net.collect_params(), 'sgd', {'learning_rate': LR}),
                        mx.cpu(), EPOCHS)

    book = book_functions('torch', 'lenet_v1', 'evaluate_accuracy', 'train_ch5')
    train, test = batches(lambda x, y: (torch.from_numpy(x), torch.from_numpy(
        y.astype(np.int64))))
    results = {}
    for name, fn in (('book', book['train_ch5']), ('shim', shim.train_ch5)):
        net = book_functions('torch', 'lenet_v1')['net']
        shim.set_params(net, start)
        record, out = quietly(fn, net, train, test, BATCH,
                              torch.optim.SGD(net.parameters(), lr=LR), torch.device('cpu'),
                              EPOCHS)
        results[name] = (net, out, record)
    assert epoch_lines(results['shim'][1]) == epoch_lines(results['book'][1])
    mine = record_epochs(results['shim'][2], printed=True)
    close(mine, printed_epochs(theirs), 'per-epoch numbers vs d2lzh')
    close(mine, printed_epochs(results['book'][1]), 'per-epoch numbers vs the book cell')
    final_gluon = mx_shim.get_params(gluon_net)
    for name in ('shim', 'book'):
        mine = shim.get_params(results[name][0])
        for (k, a), b in zip(mine.items(), final_gluon.values()):
            # Across frameworks the float32 sums run in another order: 1e-5 absolute on
            # weights of order 0.1, i.e. 1e-4 of their size.
            close(a, b, f'{name} final {k} vs d2lzh', atol=1e-5)


def test_params_move_between_frameworks_layer_by_layer(backend):
    """get_params of one framework loads into the other; a net of other layers is refused."""
    import torch
    from d2l_compat import mxnet as mx_shim
    from d2l_compat import torch as torch_shim
    from d2l_compat.transfer import ParamMismatchError
    from mxnet import init, nd

    gluon_net = book_functions('mxnet', 'lenet_v1')['net']
    gluon_net.initialize(init=init.Xavier())
    gluon_net(nd.zeros((1, 1, 28, 28)))
    torch_net = book_functions('torch', 'lenet_v1')['net']
    source, target = ((gluon_net, torch_net) if backend == 'mxnet' else (torch_net, gluon_net))
    shims = {id(gluon_net): mx_shim, id(torch_net): torch_shim}
    params = shims[id(source)].get_params(source)
    shims[id(target)].set_params(target, params)
    X = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    out_gluon = gluon_net(nd.array(X)).asnumpy()
    out_torch = torch_net(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(out_gluon, out_torch, rtol=1e-4, atol=1e-5)
    v2 = book_functions('torch', 'lenet')['net']  # 400 dense inputs, not 256
    with pytest.raises(ParamMismatchError, match=r'shape \(120, 256\).*shape \(120, 400\)'):
        torch_shim.set_params(v2, params if backend == 'mxnet' else mx_shim.get_params(gluon_net))
    with pytest.raises(ParamMismatchError, match='do not have the same layers'):
        torch_shim.set_params(torch_net, dict(list(params.items())[:4]))
