"""Seconds per LeNet epoch: upstream d2lzh/d2l vs the d2l_compat shims vs a compute floor.

    python -m d2l_lenet.bench [--epochs 2] [--repeats 3]      (or: make bench)

One invocation times every row on the same Fashion-MNIST files, each row in a fresh process
(``--row NAME``), the rows interleaved over ``--repeats`` rounds so that a slow spell of the
machine falls on every row alike; each row's figure is its median over the rounds, and every
ratio is between medians of this one run. Upstream rows run as a student would run them
(MXNet's default engine, no shim imported; per-sample ToTensor and 4 loader workers, as
upstream builds its loaders), and peak memory is per row. The floor is forward + backward +
SGD step over batches already in memory, plus the test set's forward pass that every trainer
owes (train_ch5 and train_ch6 evaluate each epoch), nothing else. What a process pays once,
before any trainer can run (PyTorch's first optimizer imports torch._dynamo), is paid by every
PyTorch row before its timer starts and printed on its own: the floor builds its optimizer
outside its timer, so charging it to the trainer rows alone would misstate their per-epoch
cost. The PyTorch layer floor times each layer of the net alone (forward + backward on one
batch, and the evaluation forward) and sums them over an epoch: what PyTorch's own kernels
cost with no Python, autograd or optimizer around them. Last, the shims beside other work:
alone (every round), beside two busy processes, and MXNet and PyTorch side by side, with the
shim's thread policy and with every core forced (``--sharing-only``: just that), and what the
thread policy itself costs a solo run.

The measurements go to results/bench.json; the tables printed (and the README's, through
d2l_lenet/readme.py) are rendered from that file.
"""
import argparse
import contextlib
import datetime
import io
import json
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from unittest import mock

from . import recipes
from d2l_compat import core, data, threads  # noqa: E402  (framework-free)

BATCH = 256
RESULTS = pathlib.Path(__file__).resolve().parents[1] / 'results' / 'bench.json'


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, epochs):
    """(seconds per epoch, threads per epoch or None) of fn(), which trains `epochs` epochs.

    fn's stdout is hidden; a shim trainer returns a RunRecord, which says its threads."""
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = fn()
    return (time.perf_counter() - start) / epochs, getattr(result, 'threads', None)


def first_torch_optimizer():
    """Seconds the process's first torch.optim optimizer takes (it imports torch._dynamo)."""
    import torch
    start = time.perf_counter()
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    return time.perf_counter() - start


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


def mxnet_batches():
    """The shim's Fashion-MNIST batches, made once and kept in memory (what the floor trains on)."""
    from d2l_compat import mxnet as mx_shim
    train_iter, test_iter = mx_shim.load_data_fashion_mnist(BATCH)
    return list(train_iter), [X for X, _ in test_iter]


def mxnet_floor_run(batches, tests, epochs):
    """A fresh v1 net's training steps and test forward passes, nothing else: fn() trains."""
    from d2l_compat import mxnet as mx_shim
    from mxnet import autograd, gluon, init, nd
    from mxnet.gluon import loss as gloss
    net = recipes.build_net('lenet-v1', 'mxnet')
    net.initialize(init=init.Xavier())
    fast = mx_shim._fast(net)
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
    return run


def mxnet_floor(epochs):
    return {'seconds': timed(mxnet_floor_run(*mxnet_batches(), epochs), epochs)[0]}


def torch_batches():
    """The shim's batches in the layout the shim trains LeNet in, made once, kept in memory."""
    from d2l_compat import torch as torch_shim
    memory_format = torch_shim._memory_format(recipes.build_net('lenet-v2', 'torch'))
    train_iter, test_iter = torch_shim.load_data_fashion_mnist(BATCH)
    return ([(X.contiguous(memory_format=memory_format), y) for X, y in train_iter],
            [X.contiguous(memory_format=memory_format) for X, _ in test_iter])


def torch_floor_run(batches, tests, epochs):
    """A fresh v2 net's training steps and test forward passes, nothing else: fn() trains."""
    import torch
    from d2l_compat import torch as torch_shim
    net = recipes.build_net('lenet-v2', 'torch')
    net.to(memory_format=torch_shim._memory_format(net))  # as the shim trains it
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
    return run


def torch_floor(epochs):
    batches = torch_batches()
    startup = first_torch_optimizer()
    return {'seconds': timed(torch_floor_run(*batches, epochs), epochs)[0], 'startup': startup}


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
    return {'seconds': per_epoch(layers), 'layers': layers}


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


def trainer_row(fn, epochs, startup=None):
    seconds, threads_used = timed(fn, epochs)
    return {'seconds': seconds, 'threads': threads_used, 'startup': startup}


def row_upstream_mxnet(epochs):
    import d2lzh
    return trainer_row(mx_trainer(d2lzh.train_ch5, upstream_mxnet_loaders(), epochs), epochs)


def row_shim_mxnet(epochs):
    from d2l_compat import mxnet as mx_shim
    loaders = mx_shim.load_data_fashion_mnist(BATCH)
    return trainer_row(mx_trainer(mx_shim.train_ch5, loaders, epochs), epochs)


def row_upstream_torch(epochs):
    startup = first_torch_optimizer()  # before d2l's import of torchvision, which imports it too
    from d2l import torch as d2l_torch

    class NoAnimator:  # upstream redraws 5x per epoch; timing matplotlib is not the point
        def __init__(self, *args, **kwargs):
            pass

        def add(self, *args):
            pass
    d2l_torch.Animator = NoAnimator
    with tempfile.TemporaryDirectory() as folder:
        loaders = upstream_torch_loaders(folder)
        return trainer_row(torch_trainer(d2l_torch.train_ch6, loaders, epochs), epochs, startup)


def row_shim_torch(epochs):
    from d2l_compat import torch as torch_shim
    loaders = torch_shim.load_data_fashion_mnist(BATCH)
    startup = first_torch_optimizer()
    return trainer_row(torch_trainer(torch_shim.train_ch6, loaders, epochs), epochs, startup)


def paired_epochs(make_first, make_second, pairs):
    """Two ways of training, one epoch at a time in this process, each a fresh net built
    outside the timer, after one warm-up epoch of each, the order alternating from pair to
    pair: the two epochs of a pair meet the same spell of the machine. Two lists of runs."""
    def epoch(make):
        seconds, threads_used = timed(make(), 1)
        return {'seconds': seconds, 'threads': threads_used}
    epoch(make_first)
    epoch(make_second)
    first, second = [], []
    for i in range(pairs):
        for make, runs in ((make_first, first), (make_second, second))[::(-1) ** i]:
            runs.append(epoch(make))
    return first, second


def shim_makers(backend):
    """(make a 1-epoch shim run, make a 1-epoch floor run) for 'mxnet' or 'torch'."""
    if backend == 'mxnet':
        from d2l_compat import mxnet as mx_shim
        loaders, batches = mx_shim.load_data_fashion_mnist(BATCH), mxnet_batches()
        return (lambda: mx_trainer(mx_shim.train_ch5, loaders, 1),
                lambda: mxnet_floor_run(*batches, 1))
    from d2l_compat import torch as torch_shim
    loaders, batches = torch_shim.load_data_fashion_mnist(BATCH), torch_batches()
    first_torch_optimizer()
    return (lambda: torch_trainer(torch_shim.train_ch6, loaders, 1),
            lambda: torch_floor_run(*batches, 1))


def every_core_forced(make):
    """Like ``make``, but the run it makes trains with D2L_NUM_THREADS set to every core."""
    def make_forced():
        run = make()

        def forced():
            with mock.patch.dict(os.environ, {'D2L_NUM_THREADS': str(threads.cores())}):
                return run()
        return forced
    return make_forced


def row_gap(backend):
    """The shim against its floor, in paired epochs."""
    def row(epochs, pairs):
        shim, floor = paired_epochs(*shim_makers(backend), pairs)
        return {'shim': shim, 'floor': floor}
    return row


def row_solo(backend):
    """The shim alone with its thread policy against the shim with every core forced."""
    def row(epochs, pairs):
        make_shim, _ = shim_makers(backend)
        policy, forced = paired_epochs(make_shim, every_core_forced(make_shim), pairs)
        return {'policy': policy, 'forced': forced}
    return row


def row_policy_cost(epochs, pairs=None):
    """What the thread policy itself costs a run, with PyTorch's thread hooks: its first look
    at the machine, and the re-check at each later epoch (median of 20, each after a pause,
    as epochs are apart: /proc/stat counts in ticks)."""
    from d2l_compat import torch as torch_shim
    backend = torch_shim.TorchBackend()
    start = time.perf_counter()
    policy = threads.Policy(backend)
    begin = time.perf_counter() - start
    policy.begin_epoch()  # the first epoch keeps the first look's choice
    checks = []
    for _ in range(20):
        time.sleep(0.2)
        start = time.perf_counter()
        policy.begin_epoch()
        checks.append(time.perf_counter() - start)
    policy.restore()
    return {'begin': begin, 'per_epoch': statistics.median(checks)}


ROWS = {  # name -> (label, function); ratios within a backend: vs its upstream and floor rows
    'upstream-mxnet': ('MXNet v1: upstream d2lzh.train_ch5', row_upstream_mxnet),
    'shim-mxnet': ('MXNet v1: d2l_compat.mxnet.train_ch5', row_shim_mxnet),
    'floor-mxnet': ('MXNet v1: compute floor (training steps + test forward)', mxnet_floor),
    'upstream-torch': ('PyTorch v2: upstream d2l.train_ch6', row_upstream_torch),
    'shim-torch': ('PyTorch v2: d2l_compat.torch.train_ch6', row_shim_torch),
    'floor-torch': ('PyTorch v2: compute floor (training steps + test forward)', torch_floor),
    # No MXNet twin: Gluon's layers timed alone the same way summed to more than the whole
    # net's epoch (the first convolution alone took as long as a whole-net step), so for MXNet
    # such a sum is no floor; why, I did not find out.
    'layers-torch': ('PyTorch v2: layer floor (each layer timed alone, summed)', torch_layers),
}


# Shim and floor rows run as the course kernel runs them (MXNet's NaiveEngine on the CPU);
# upstream rows as a student runs them (MXNet's default engine).
ENGINE = {'MXNET_ENGINE_TYPE': 'NaiveEngine'}
SHIMS = ('shim-mxnet', 'shim-torch')
# Rows that are no line of the first table: (epochs, pairs) -> result.
INTERNAL = {'policy-cost': row_policy_cost, 'gap-mxnet': row_gap('mxnet'),
            'gap-torch': row_gap('torch'), 'solo-mxnet': row_solo('mxnet'),
            'solo-torch': row_solo('torch')}


def row_env(name, extra=None):
    # A row never appends to the user's run records or keeps per-step losses, chooses its own
    # threads and engine, and trains on the whole data set (upstream's loaders know no caps).
    env = {k: v for k, v in os.environ.items()
           if k not in ('MXNET_ENGINE_TYPE', 'D2L_RESULTS', 'D2L_RECORD_STEPS')
           and not k.startswith(('D2L_MAX_', 'D2L_NUM_', 'OMP_', 'MKL_', 'TORCH_NUM_'))}
    if not name.startswith('upstream'):
        env.update(ENGINE)
    env.update(extra or {})
    return env


def start_row(name, epochs, extra=None, pairs=1):
    return subprocess.Popen([sys.executable, '-m', 'd2l_lenet.bench', '--row', name,
                             '--epochs', str(epochs), '--pairs', str(pairs)],
                            stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=row_env(name, extra))


def finish_row(name, process):
    out, err = process.communicate()
    if process.returncode:
        sys.exit(f'{name} failed:\n{err[-3000:]}')
    result = json.loads(out.strip().splitlines()[-1])
    if 'seconds' in result:
        print(f'{name}: {result["seconds"]:.2f} s/epoch, threads {result.get("threads")}',
              file=sys.stderr, flush=True)
    return result


def run_row(name, epochs, extra=None, pairs=1):
    return finish_row(name, start_row(name, epochs, extra, pairs))


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


def machine(epochs, repeats):
    return {'date': str(datetime.date.today()), 'cpu': core.cpu_model(),
            'cores': threads.cores(), 'epochs': epochs, 'repeats': repeats,
            'others_busy_before': others_busy()}


def others_busy(seconds=3.0):
    """Cores other processes kept busy over a few seconds (the bench itself idle)."""
    meter = threads.CpuMeter()
    time.sleep(seconds)
    return meter.others_busy()


def measured(part):
    """A part of the results, with how busy the rest of the machine was just after it."""
    return {**part, 'others_busy_after': others_busy()}


def measure_table(epochs, repeats, pairs):
    """Every row of ROWS, ``repeats`` rounds, the rows of a round one after another; then
    each shim against its floor, epoch by epoch in one process."""
    info, rows = machine(epochs, repeats), {name: [] for name in ROWS}
    for _ in range(repeats):
        for name in ROWS:
            rows[name].append(run_row(name, epochs))
    gap = {backend: run_row(f'gap-{backend}', epochs, pairs=pairs)
           for backend in ('mxnet', 'torch')}
    return measured({**info, 'pairs': pairs, 'rows': rows, 'gap': gap})


def measure_sharing(epochs, repeats, pairs):
    """Each shim alone (every round, thread policy and forced alternating), then beside two
    busy processes and both side by side (once each), with the shim's thread policy and with
    every core forced; then, alone, the policy against every core forced in paired epochs,
    and the policy's own cost."""
    info, cores = machine(epochs, repeats), str(threads.cores())
    policies = {'thread policy': {}, f'{cores} threads forced': {'D2L_NUM_THREADS': cores}}
    runs = {policy: {b: {'alone': []} for b in SHIMS} for policy in policies}
    for _ in range(repeats):
        for policy, extra in policies.items():
            for b in SHIMS:
                runs[policy][b]['alone'].append(run_row(b, epochs, extra))
    for policy, extra in policies.items():
        with busy_processes(2):
            for b in SHIMS:
                runs[policy][b]['beside'] = run_row(b, epochs, extra)
        both = {b: start_row(b, epochs, extra) for b in SHIMS}
        try:
            for b, process in both.items():
                runs[policy][b]['together'] = finish_row(b, process)
        finally:  # one failed: stop the other, which would train on unseen
            for process in both.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
    solo = {backend: run_row(f'solo-{backend}', epochs, pairs=pairs)
            for backend in ('mxnet', 'torch')}
    return measured({**info, 'pairs': pairs, 'policies': runs, 'solo': solo,
                     'policy_cost': run_row('policy-cost', epochs)})


# ---- rendering (also used by d2l_lenet/readme.py for the README) -------------------------------
TARGETS = {'floor': 1.15, 'beside': 3.0, 'together': 2.2, 'solo': 1.05}  # issue 16's targets


def median(results, key='seconds'):
    return statistics.median(r[key] for r in results)


def threads_of(results):
    """The distinct per-epoch thread counts of some runs, e.g. '2,2' or '2,2 / 1,1'."""
    seen = []
    for r in results:
        text = ','.join(map(str, r.get('threads') or [])) or '—'
        if text not in seen:
            seen.append(text)
    return ' / '.join(seen)


def header(part, counted):
    busy = ', '.join(f'{part[key]:.2f}' if part.get(key) is not None else '?'
                     for key in ('others_busy_before', 'others_busy_after'))
    return (f"{part['date']}, {part['cpu']}, {part['cores']} cores, {part['epochs']} epochs per "
            f'row, {counted}, batch {BATCH}, 60,000 training examples per epoch (+ 10,000 test '
            f'examples in the trainer rows); cores kept busy by other processes just before and '
            f'just after: {busy}')


def met(ratio, target):
    """The ratio as printed, and whether that printed value meets the target."""
    return f"{ratio:.2f}x ({'met' if round(ratio, 2) <= target else 'NOT met'})"


def render_table(part):
    rows = part['rows']
    seconds = {name: median(results) for name, results in rows.items()}
    lines = [header(part, f"median of {part['repeats']} rounds"), '',
             '| run | s/epoch | min–max | train examples/s | upstream / this | this / floor '
             '| threads per epoch | peak RSS (MB) |', '|---|---|---|---|---|---|---|---|']
    for name, results in rows.items():
        backend = name.split('-')[1]
        base, floor = seconds[f'upstream-{backend}'], seconds[f'floor-{backend}']
        low, high = (f(r['seconds'] for r in results) for f in (min, max))
        lines.append(f'| {ROWS[name][0]} | {seconds[name]:.2f} | {low:.2f}–{high:.2f} '
                     f'| {60000 / seconds[name]:,.0f} | {base / seconds[name]:.2f}x '
                     f'| {seconds[name] / floor:.2f}x | {threads_of(results)} '
                     f"| {median(results, 'peak_mb'):,.0f} |")
    startups = [r['startup'] for results in rows.values() for r in results
                if r.get('startup') is not None]
    if startups:
        lines += ['', "Paid once per process before the timer of every PyTorch row: the first "
                  f'torch.optim optimizer, which imports torch._dynamo, '
                  f'{statistics.median(startups):.2f} s (median of {len(startups)} processes; '
                  f'{min(startups):.2f}–{max(startups):.2f}).']
    lines += ['', gap_line(part['gap'])]
    layer_runs = rows.get('layers-torch')
    if layer_runs:
        middle = sorted(layer_runs, key=lambda r: r['seconds'])[(len(layer_runs) - 1) // 2]
        lines += ['', layers_table('PyTorch v2', middle['seconds'], middle['layers'])]
    return '\n'.join(lines)


def paired_ratio(first, second):
    """(median, min, max) of the ratios first / second, pair by pair."""
    ratios = [a['seconds'] / b['seconds'] for a, b in zip(first, second)]
    return statistics.median(ratios), min(ratios), max(ratios)


def paired_how(pairs):
    return (f'in one process, {pairs} pairs of 1-epoch runs (each on a fresh net, after a '
            "warm-up run of each, the order alternating); judged on the median of the pairs' "
            'ratios')


def gap_line(gap):
    """Each shim against its floor from the paired runs: the median of the pairs' ratios."""
    judged = []
    for backend, name in (('mxnet', 'MXNet'), ('torch', 'PyTorch')):
        ratio, low, high = paired_ratio(gap[backend]['shim'], gap[backend]['floor'])
        judged.append(f'{name} {met(ratio, TARGETS["floor"])} (pairs {low:.2f}–{high:.2f}; '
                      f"medians: shim {median(gap[backend]['shim']):.2f}, floor "
                      f"{median(gap[backend]['floor']):.2f} s/epoch)")
    return (f"Shim against its floor, {paired_how(len(gap['mxnet']['shim']))}; target at most "
            f"{TARGETS['floor']:.2f}x: " + ', '.join(judged) + '. The table\'s "this / floor" '
            'compares rows run minutes apart in fresh processes, and moves with the machine.')


def render_sharing(part):
    runs = part['policies']
    lines = [header(part, f"alone: median of {part['repeats']} runs; beside two busy processes "
                          'and side by side: one run each'), '',
             '| backend | threads | alone | beside two busy processes | ratio | two backends '
             'side by side | ratio | threads per epoch: alone; beside; side by side |',
             '|---|---|---|---|---|---|---|---|']
    ratio = {}
    for b in SHIMS:
        for policy, shims in runs.items():
            run = shims[b]
            alone = median(run['alone'])
            beside, together = run['beside']['seconds'], run['together']['seconds']
            ratio[policy, b] = alone, beside / alone, together / alone
            lines.append(f"| {ROWS[b][0].split(':')[0]} | {policy} | {alone:.2f} | {beside:.2f} "
                         f'| {beside / alone:.2f}x | {together:.2f} | {together / alone:.2f}x '
                         f"| {threads_of(run['alone'])}; {threads_of([run['beside']])}; "
                         f"{threads_of([run['together']])} |")
    policy, forced = list(runs)
    names = {'shim-mxnet': 'MXNet', 'shim-torch': 'PyTorch'}
    lines += ['', f"With the thread policy (targets: beside two busy processes at most "
              f"{TARGETS['beside']:.1f}x alone, side by side at most {TARGETS['together']:.1f}x; "
              f'in brackets, the same with {forced}):']
    for b in SHIMS:
        _, beside, together = ratio[policy, b]
        _, beside_forced, together_forced = ratio[forced, b]
        lines.append(f'- {names[b]}: beside two busy {met(beside, TARGETS["beside"])} '
                     f'[{beside_forced:.2f}x], side by side {met(together, TARGETS["together"])} '
                     f'[{together_forced:.2f}x]')
    solo, cores = part['solo'], part['cores']
    lines += ['', f"Alone, the policy against every core forced, "
              f"{paired_how(len(solo['mxnet']['policy']))}; target at most "
              f"{TARGETS['solo']:.2f}x (the alone columns above, fresh processes, give "
              + ', '.join(f'{names[b]} {ratio[policy, b][0] / ratio[forced, b][0]:.2f}x'
                          for b in SHIMS) + '):']
    for backend, name in (('mxnet', 'MXNet'), ('torch', 'PyTorch')):
        runs_of = solo[backend]
        ratio_solo, low, high = paired_ratio(runs_of['policy'], runs_of['forced'])
        # MXNet's thread count only goes down in a process: forced runs after a policy run
        # that chose fewer threads are no longer forced, and the pair compares nothing.
        every_core = all(set(r['threads'] or [cores]) == {cores} for r in runs_of['forced'])
        verdict = (met(ratio_solo, TARGETS['solo']) if every_core else
                   f'{ratio_solo:.2f}x (not comparable: forced runs got fewer than {cores} threads)')
        lines.append(f'- {name}: {verdict} (pairs {low:.2f}–{high:.2f}; threads per epoch with '
                     f"the policy {threads_of(runs_of['policy'])}, forced "
                     f"{threads_of(runs_of['forced'])})")
    cost, solo_torch = part['policy_cost'], ratio[policy, 'shim-torch'][0]
    lines += ['', f"The thread policy's own cost: {1e3 * cost['begin']:.0f} ms when a run begins "
              f"(its first look at the machine) and {1e3 * cost['per_epoch']:.2f} ms at each "
              f'later epoch (the re-check): {cost["begin"] / solo_torch:.1%} of a solo PyTorch '
              f"epoch here for a 1-epoch run, {(cost['begin'] + 9 * cost['per_epoch']) / 10 / solo_torch:.2%}"
              " per epoch for the chapter's 10 epochs."]
    return '\n'.join(lines)


def layers_table(net, seconds, layers):
    """Where the layer floor goes: per-batch milliseconds and seconds per epoch, per layer."""
    lines = [f'{net}, batch {BATCH}: each layer alone (each time the median of 5 timing rounds; '
             'from the middle bench round by layer-floor total)', '',
             '| layer (input shape) | train fwd+bwd (ms/batch) | eval fwd (ms/batch) '
             '| s/epoch | share |', '|---|---|---|---|---|']
    for name, train, evaluate in layers:
        epoch = per_epoch([(name, train, evaluate)])
        lines.append(f'| {name} | {1e3 * train:.2f} | {1e3 * evaluate:.2f} | {epoch:.2f} '
                     f'| {epoch / seconds:.0%} |')
    return '\n'.join(lines)


def render(results):
    parts = []
    if 'table' in results:
        parts.append(render_table(results['table']))
    if 'sharing' in results:
        parts += ['Sharing the machine (s/epoch; ratios to the same row alone, measured in '
                  'the same run)', render_sharing(results['sharing'])]
    return '\n\n'.join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=3, help='rounds of every row')
    parser.add_argument('--pairs', type=int, default=6,
                        help='shim and floor epochs, one each, in one process per backend')
    parser.add_argument('--row', choices=[*ROWS, *INTERNAL],
                        help='time one row in this process (internal)')
    parser.add_argument('--sharing-only', action='store_true',
                        help='only the runs beside other work (the rest of results/bench.json '
                        'is kept)')
    parser.add_argument('--out', type=pathlib.Path, default=RESULTS)
    args = parser.parse_args()
    os.environ['D2L_ANIMATOR'] = 'off'
    if args.row:
        result = (INTERNAL[args.row](args.epochs, args.pairs) if args.row in INTERNAL
                  else ROWS[args.row][1](args.epochs))
        print(json.dumps({**result, 'peak_mb': peak_mb()}))
        return
    for name in ('epochs', 'repeats', 'pairs'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be at least 1')
    results = json.loads(args.out.read_text()) if args.sharing_only and args.out.exists() else {}
    if not args.sharing_only:
        results['table'] = measure_table(args.epochs, args.repeats, args.pairs)
    results['sharing'] = measure_sharing(args.epochs, args.repeats, args.pairs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + '.part')
    partial.write_text(json.dumps(results, indent=1) + '\n')
    partial.replace(args.out)  # a bench that dies halfway leaves the last complete file
    print(render(results))
    print(f'\n(written to {args.out}; python -m d2l_lenet.readme puts it in the README)')


if __name__ == '__main__':
    main()
