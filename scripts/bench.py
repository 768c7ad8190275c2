"""Seconds per LeNet epoch: upstream d2lzh/d2l vs the d2l_compat shims vs a compute floor.

    python scripts/bench.py [--epochs 2]      (or: make bench)

One process, the same Fashion-MNIST arrays for every row. Upstream rows feed the upstream
trainers the way upstream builds its loaders (per-sample ToTensor, 4 workers). The floor is
forward + backward + SGD step over batches already in memory, with nothing else. Prints a
Markdown table with ratios measured in this one run; timings on a shared machine are noisy.

Note: the shim sets MXNET_ENGINE_TYPE=NaiveEngine before MXNet loads, and this process
loads MXNet once, so the upstream d2lzh row runs on that engine too (as it would beside
the shim); its number is then lower than d2lzh alone (6.5 s/epoch measured on its own).
"""
import argparse
import contextlib
import datetime
import io
import os
import platform
import resource
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipes  # noqa: E402
from d2l_compat import mxnet as mx_shim  # noqa: E402  (first: sets MXNet's engine)
from d2l_compat import torch as torch_shim  # noqa: E402
from d2l_compat import data  # noqa: E402

BATCH = 256


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, epochs):
    """Seconds per epoch of fn() (which trains `epochs` epochs), its stdout hidden."""
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        fn()
    return (time.perf_counter() - start) / epochs


def upstream_mxnet_loaders():
    from mxnet import nd
    from mxnet.gluon import data as gdata
    transform = gdata.vision.transforms.ToTensor()
    loaders = []
    for split, shuffle in (('train', True), ('test', False)):
        images, labels = data.load_split('fashion-mnist', split)
        dataset = gdata.ArrayDataset(nd.array(images[..., None], dtype='uint8'),
                                     labels.astype('int32'))
        loaders.append(gdata.DataLoader(dataset.transform_first(transform), BATCH,
                                        shuffle=shuffle, num_workers=4))
    return loaders


def upstream_torch_loaders(folder):
    import torch
    import torchvision
    from torchvision import transforms
    raw = os.path.join(folder, 'FashionMNIST', 'raw')
    os.makedirs(raw)
    for (split, kind) in data.FASHION_MNIST.files:
        shutil.copy(data.locate(data.FASHION_MNIST, split, kind), raw)
    sets = [torchvision.datasets.FashionMNIST(folder, train=train, download=True,
                                              transform=transforms.ToTensor())
            for train in (True, False)]
    return [torch.utils.data.DataLoader(s, BATCH, shuffle=train, num_workers=4)
            for s, train in zip(sets, (True, False))]


def mxnet_floor(epochs):
    from mxnet import autograd, gluon, init, nd
    from mxnet.gluon import loss as gloss
    net = recipes.mxnet_net('lenet-v1')
    net.initialize(init=init.Xavier())
    fast = mx_shim._fast(net)
    batches = list(mx_shim.load_data_fashion_mnist(BATCH)[0])
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
    loss = gloss.SoftmaxCrossEntropyLoss()

    def run():
        for _ in range(epochs):
            for X, y in batches:
                with autograd.record():
                    l = loss(fast(X), y).sum()
                l.backward()
                trainer.step(BATCH)
        nd.waitall()
    return timed(run, epochs)


def torch_floor(epochs):
    import torch
    net = recipes.torch_net('lenet-v2')
    memory_format = torch_shim._memory_format(net)
    batches = [(X.contiguous(memory_format=memory_format), y)
               for X, y in torch_shim.load_data_fashion_mnist(BATCH)[0]]
    optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss = torch.nn.CrossEntropyLoss()

    def run():
        for _ in range(epochs):
            for X, y in batches:
                optimizer.zero_grad()
                loss(net(X), y).backward()
                optimizer.step()
    return timed(run, epochs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=2)
    epochs = parser.parse_args().epochs
    os.environ['D2L_ANIMATOR'] = 'off'
    import d2lzh
    import torch
    from d2l import torch as d2l_torch
    from mxnet import gluon, init

    class NoAnimator:  # d2l's Animator redraws 5x per epoch; a student's run pays that too,
        def __init__(self, *a, **k):  # but here it would only time matplotlib.
            pass

        def add(self, *a):
            pass
    d2l_torch.Animator = NoAnimator

    def mx_run(train_ch5, loaders):
        net = recipes.mxnet_net('lenet-v1')
        net.initialize(force_reinit=True, init=init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
        return lambda: train_ch5(net, *loaders, BATCH, trainer, mx_shim.try_gpu(), epochs)

    def torch_run(train_ch6, loaders):
        net = recipes.torch_net('lenet-v2')
        return lambda: train_ch6(net, *loaders, epochs, 0.9, torch.device('cpu'))

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, fn in [
            ('MXNet v1: upstream d2lzh.train_ch5', lambda: mx_run(d2lzh.train_ch5,
                                                                  upstream_mxnet_loaders())),
            ('MXNet v1: d2l_compat.mxnet.train_ch5', lambda: mx_run(
                mx_shim.train_ch5, mx_shim.load_data_fashion_mnist(BATCH))),
            ('MXNet v1: compute floor', None),
            ('PyTorch v2: upstream d2l.train_ch6', lambda: torch_run(
                d2l_torch.train_ch6, upstream_torch_loaders(folder))),
            ('PyTorch v2: d2l_compat.torch.train_ch6', lambda: torch_run(
                torch_shim.train_ch6, torch_shim.load_data_fashion_mnist(BATCH))),
            ('PyTorch v2: compute floor', None),
        ]:
            if fn is None:
                seconds = (mxnet_floor if label.startswith('MXNet') else torch_floor)(epochs)
            else:
                seconds = timed(fn(), epochs)
            rows.append((label, seconds, peak_mb()))
            print(f'{label}: {seconds:.2f} s/epoch', file=sys.stderr, flush=True)

    cpu = platform.processor() or platform.machine()
    with open('/proc/cpuinfo') as f:
        names = [line.split(':', 1)[1].strip() for line in f if line.startswith('model name')]
    cpu = names[0] if names else cpu
    print(f'\n{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, {epochs} epochs per row, '
          f'batch {BATCH}, 60,000 train + 10,000 test examples per epoch\n')
    print('| run | s/epoch | examples/s | vs upstream | vs floor | peak RSS so far (MB) |')
    print('|---|---|---|---|---|---|')
    for i, (label, seconds, mb) in enumerate(rows):
        base, floor = rows[i - i % 3][1], rows[i - i % 3 + 2][1]
        print(f'| {label} | {seconds:.2f} | {60000 / seconds:,.0f} | {base / seconds:.2f}x '
              f'| {seconds / floor:.2f}x | {mb:,.0f} |')


if __name__ == '__main__':
    main()
