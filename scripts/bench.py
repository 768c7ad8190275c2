"""Seconds per LeNet epoch: upstream d2lzh/d2l vs the d2l_compat shims vs a compute floor.

    python scripts/bench.py [--epochs 3]      (or: make bench)

One invocation times every row back to back on the same Fashion-MNIST files, each row in a
fresh process (``--row NAME``): upstream rows then run as a student would run them (MXNet's
default engine, no shim imported; per-sample ToTensor and 4 loader workers, as upstream
builds its loaders), and peak memory is per row. The floor is forward + backward + SGD step
over batches already in memory, plus the test set's forward pass that every trainer owes
(train_ch5 and train_ch6 evaluate each epoch), nothing else. The PyTorch layer floor times each layer of
the net alone (forward + backward on one batch, and the evaluation forward) and sums them
over an epoch: what PyTorch's own kernels cost with no Python, autograd or optimizer around
them, so a trainer calling those kernels cannot beat it by much. Prints Markdown tables with
ratios measured in this one run; timings on a shared machine are noisy. Last, a table of the
shims beside other work: alone, beside two busy processes, and MXNet and PyTorch side by side,
with the shim's thread policy and with every core forced (``--sharing-only``: just that).
"""
import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipes  # noqa: E402
from d2l_compat import data  # noqa: E402  (framework-free)

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
    from d2l_compat import mxnet as mx_shim
    from mxnet import autograd, gluon, init, nd
    from mxnet.gluon import loss as gloss
    net = recipes.build_net('lenet-v1', 'mxnet')
    net.initialize(init=init.Xavier())
    fast = mx_shim._fast(net)
    train_iter, test_iter = mx_shim.load_data_fashion_mnist(BATCH)
    batches, tests = list(train_iter), [X for X, _ in test_iter]
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
    loss = gloss.SoftmaxCrossEntropyLoss()

    def run():
        for _ in range(epochs):
            for X, y in batches:
                with autograd.record():
                    l = loss(fast(X), y).sum()
                l.backward()
                trainer.step(BATCH)
            for X in tests:  # the test set's forward pass, which every trainer owes
                fast(X)
        nd.waitall()
    return timed(run, epochs)


def torch_floor(epochs):
    import torch
    from d2l_compat import torch as torch_shim
    net = recipes.build_net('lenet-v2', 'torch')
    memory_format = torch_shim._memory_format(net)
    net.to(memory_format=memory_format)  # as the shim trains it
    train_iter, test_iter = torch_shim.load_data_fashion_mnist(BATCH)
    batches = [(X.contiguous(memory_format=memory_format), y) for X, y in train_iter]
    tests = [X.contiguous(memory_format=memory_format) for X, _ in test_iter]
    optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss = torch.nn.CrossEntropyLoss()

    def run():
        for _ in range(epochs):
            net.train()
            for X, y in batches:
                optimizer.zero_grad()
                loss(net(X), y).backward()
                optimizer.step()
            net.eval()
            with torch.inference_mode():  # the test set's forward pass, which every trainer owes
                for X in tests:
                    net(X)
    return timed(run, epochs)


def per_call(fn, calls):
    """Median seconds of one fn() call over five rounds of `calls` calls, after a warm-up."""
    for _ in range(5):
        fn()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls)
    return sorted(rounds)[2]


def per_epoch(layers):
    """Seconds per epoch implied by per-batch layer timings: 60,000 trained, 10,000 evaluated."""
    return sum(train * 60000 / BATCH + evaluate * 10000 / BATCH for _, train, evaluate in layers)


def torch_layers(epochs):
    """Each layer of the v2 LeNet alone: forward + backward (training), forward (evaluation)."""
    import torch
    from d2l_compat import torch as torch_shim
    net = recipes.build_net('lenet-v2', 'torch')
    memory_format = torch_shim._memory_format(net)  # as the shim trains it
    X = next(iter(torch_shim.load_data_fashion_mnist(BATCH)[0]))[0]
    X = X.contiguous(memory_format=memory_format)
    layers = []
    for i, layer in enumerate(net):
        # The images need no gradient, unless the first layer has no weights to give one to.
        x = X.detach().requires_grad_(i > 0 or not list(layer.parameters()))
        with torch.no_grad():
            Y = layer(x)
        grad = torch.ones_like(Y)

        def evaluate():
            with torch.inference_mode():
                layer(x)
        layers.append((f'{type(layer).__name__} {tuple(x.shape[1:])}',
                       per_call(lambda: layer(x).backward(grad), 20 * epochs),
                       per_call(evaluate, 20 * epochs)))
        X = Y
    return per_epoch(layers), layers


def mx_trainer(train_ch5, loaders, epochs):
    from mxnet import gluon, init
    net = recipes.build_net('lenet-v1', 'mxnet')
    net.initialize(force_reinit=True, init=init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
    import mxnet as mx
    return lambda: train_ch5(net, *loaders, BATCH, trainer, mx.cpu(), epochs)


def torch_trainer(train_ch6, loaders, epochs):
    import torch
    net = recipes.build_net('lenet-v2', 'torch')
    return lambda: train_ch6(net, *loaders, epochs, 0.9, torch.device('cpu'))


def row_upstream_mxnet(epochs):
    import d2lzh
    return timed(mx_trainer(d2lzh.train_ch5, upstream_mxnet_loaders(), epochs), epochs)


def row_shim_mxnet(epochs):
    from d2l_compat import mxnet as mx_shim
    loaders = mx_shim.load_data_fashion_mnist(BATCH)
    return timed(mx_trainer(mx_shim.train_ch5, loaders, epochs), epochs)


def row_upstream_torch(epochs):
    from d2l import torch as d2l_torch

    class NoAnimator:  # upstream redraws 5x per epoch; timing matplotlib is not the point
        def __init__(self, *args, **kwargs):
            pass

        def add(self, *args):
            pass
    d2l_torch.Animator = NoAnimator
    with tempfile.TemporaryDirectory() as folder:
        return timed(torch_trainer(d2l_torch.train_ch6, upstream_torch_loaders(folder), epochs),
                     epochs)


def row_shim_torch(epochs):
    from d2l_compat import torch as torch_shim
    loaders = torch_shim.load_data_fashion_mnist(BATCH)
    return timed(torch_trainer(torch_shim.train_ch6, loaders, epochs), epochs)


ROWS = {  # name -> (label, function); ratios within a backend: vs its upstream and floor rows
    'upstream-mxnet': ('MXNet v1: upstream d2lzh.train_ch5', row_upstream_mxnet),
    'shim-mxnet': ('MXNet v1: d2l_compat.mxnet.train_ch5', row_shim_mxnet),
    'floor-mxnet': ('MXNet v1: compute floor (training steps + test forward)', mxnet_floor),
    'upstream-torch': ('PyTorch v2: upstream d2l.train_ch6', row_upstream_torch),
    'shim-torch': ('PyTorch v2: d2l_compat.torch.train_ch6', row_shim_torch),
    'floor-torch': ('PyTorch v2: compute floor (training steps + test forward)', torch_floor),
    # No MXNet twin: Gluon's layers timed alone the same way summed to 5.96 s/epoch here,
    # above the whole net's 3.24 s (the first convolution alone took as long as a whole-net
    # step), so for MXNet such a sum is no floor; why, I did not find out.
    'layers-torch': ('PyTorch v2: layer floor (each layer timed alone, summed)', torch_layers),
}


# Shim and floor rows run as the course kernel runs them (MXNet's NaiveEngine on the CPU);
# upstream rows as a student runs them (MXNet's default engine).
ENGINE = {'MXNET_ENGINE_TYPE': 'NaiveEngine'}


def row_env(name, extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ('MXNET_ENGINE_TYPE', 'OMP_NUM_THREADS', 'D2L_NUM_THREADS')}
    if not name.startswith('upstream'):
        env.update(ENGINE)
    env.update(extra or {})
    return env


def start_row(name, epochs, extra=None):
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), '--row', name,
                             '--epochs', str(epochs)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=row_env(name, extra))


def finish_row(name, process):
    out, err = process.communicate()
    if process.returncode:
        sys.exit(f'{name} failed:\n{err[-3000:]}')
    return json.loads(out.strip().splitlines()[-1])


@contextlib.contextmanager
def busy_processes(count):
    """``count`` processes that keep one core each busy, as other work on the machine would."""
    burners = [subprocess.Popen([sys.executable, '-c', 'while True: pass'])
               for _ in range(count)]
    try:
        time.sleep(1)
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def sharing_rows(epochs):
    """Seconds per epoch of each shim alone, beside two busy processes, and both side by side;
    with the shim's thread policy, and with every core forced (the frameworks' default)."""
    cores = str(os.cpu_count())
    table = []
    for policy, extra in (('thread policy', {}),
                          (f'{cores} threads forced', {'D2L_NUM_THREADS': cores})):
        alone = {b: finish_row(b, start_row(b, epochs, extra))['seconds']
                 for b in ('shim-mxnet', 'shim-torch')}
        with busy_processes(2):
            beside = {b: finish_row(b, start_row(b, epochs, extra))['seconds']
                      for b in ('shim-mxnet', 'shim-torch')}
        both = {b: start_row(b, epochs, extra) for b in ('shim-mxnet', 'shim-torch')}
        together = {b: finish_row(b, p)['seconds'] for b, p in both.items()}
        for b in ('shim-mxnet', 'shim-torch'):
            table.append((ROWS[b][0].split(':')[0], policy, alone[b], beside[b], together[b]))
            print(f'{b} ({policy}): alone {alone[b]:.2f}, beside two busy {beside[b]:.2f}, '
                  f'side by side {together[b]:.2f} s/epoch', file=sys.stderr, flush=True)
    print('\nSharing the machine (s/epoch; ratios to the same row alone, measured in this run)\n')
    print('| backend | threads | alone | beside two busy processes | ratio | two backends side '
          'by side | ratio |')
    print('|---|---|---|---|---|---|---|')
    for label, policy, alone, beside, together in table:
        print(f'| {label} | {policy} | {alone:.2f} | {beside:.2f} | {beside / alone:.2f}x '
              f'| {together:.2f} | {together / alone:.2f}x |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--row', choices=ROWS, help='time one row in this process (internal)')
    parser.add_argument('--sharing-only', action='store_true',
                        help='only the table of runs beside other work')
    args = parser.parse_args()
    os.environ['D2L_ANIMATOR'] = 'off'
    if args.row:
        seconds, layers = ROWS[args.row][1](args.epochs), None
        if isinstance(seconds, tuple):
            seconds, layers = seconds
        print(json.dumps({'seconds': seconds, 'peak_mb': peak_mb(), 'layers': layers}))
        return
    with open('/proc/cpuinfo') as f:
        names = [line.split(':', 1)[1].strip() for line in f if line.startswith('model name')]
    cpu = names[0] if names else (platform.processor() or platform.machine())
    print(f'\n{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, {args.epochs} epochs per '
          f'row, batch {BATCH}, 60,000 training examples per epoch (+ 10,000 test examples in '
          'the trainer rows)\n')
    if not args.sharing_only:
        rows = []
        for name, (label, _) in ROWS.items():
            result = finish_row(name, start_row(name, args.epochs))
            rows.append((name, label, result['seconds'], result['peak_mb'], result['layers']))
            print(f'{label}: {result["seconds"]:.2f} s/epoch', file=sys.stderr, flush=True)
        seconds_of = {row[0]: row[2] for row in rows}
        print('| run | s/epoch | train examples/s | upstream / this | this / floor '
              '| peak RSS (MB) |')
        print('|---|---|---|---|---|---|')
        for name, label, seconds, mb, _ in rows:
            backend = name.split('-')[1]
            base, floor = (seconds_of[f'{kind}-{backend}'] for kind in ('upstream', 'floor'))
            print(f'| {label} | {seconds:.2f} | {60000 / seconds:,.0f} | {base / seconds:.2f}x '
                  f'| {seconds / floor:.2f}x | {mb:,.0f} |')
        for _, label, seconds, _, layers in rows:
            if layers:
                print_layers(label.split(':')[0], seconds, layers)
    sharing_rows(args.epochs)


def print_layers(net, seconds, layers):
    """Where the layer floor goes: per-batch milliseconds and seconds per epoch, per layer."""
    print(f'\n{net}, batch {BATCH}: each layer alone (median of 5 rounds)\n')
    print('| layer (input shape) | train fwd+bwd (ms/batch) | eval fwd (ms/batch) '
          '| s/epoch | share |')
    print('|---|---|---|---|---|')
    for name, train, evaluate in layers:
        epoch = per_epoch([(name, train, evaluate)])
        print(f'| {name} | {1e3 * train:.2f} | {1e3 * evaluate:.2f} | {epoch:.2f} '
              f'| {epoch / seconds:.0%} |')


if __name__ == '__main__':
    main()
