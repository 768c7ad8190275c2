"""Same start, two frameworks: train a recipe on MXNet and on PyTorch from identical weights.

    python -m d2l_lenet.samestart [--recipes lenet-v1 ...] [--seeds 0 1] [--jobs 2]
                                [--out results/samestart.jsonl]

For each recipe and seed, one fresh process (one thread, so runs repeat digit for digit)
builds the recipe's net on both backends from the notebooks' own code, initialises the Gluon
net as the recipe does (train_ch6's Xavier: Glorot weights, zero biases; a chapter recipe
exactly as its MXNet notebook does, so that half of the pair is the notebook's seeded run),
copies those weights into the PyTorch net (``d2l.set_params``), and trains both over the same batch order
(one seed fixes both loaders) with the recipe's loss rule, keeping every step's loss. Seeds
0 and 1 give the seed-to-seed spread to set beside the framework difference. The v2 recipe
is also started from PyTorch's own default biases (``--start torch-biases``) so the report
can show what the one intended difference in initialisation does on its own.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

from d2l_compat import backend as interface

from . import recipes

HERE = os.path.dirname(os.path.abspath(__file__))
STARTS = ('gluon', 'torch-biases')


def start_params(recipe, seed, start):
    """The initial weights both frameworks get: Gluon's init of the recipe, with PyTorch's
    default biases instead of zeros for ``start='torch-biases'``."""
    from d2l_compat import mxnet as mx_d2l
    from d2l_compat import torch as torch_d2l
    s = recipes.settings(recipe)
    mx_d2l.set_seed(seed)
    device = mx_d2l.try_gpu()
    hooks = interface.hooks('mxnet')
    if s['trainer'] == 'Trainer':  # d2l-en: the model as the notebook builds it (Xavier)
        model = en_model(recipe, 'mxnet', s)
        hooks.materialize(model, input_shape(s), device)
        return mx_d2l.get_params(model)
    if 'book' in s:  # a chapter recipe: where its MXNet notebook starts training
        net = notebook_start(recipe)
    else:
        net = recipes.build_net(recipe, 'mxnet')
        if s['trainer'] == 'train_ch6':
            hooks.init_ch6(net, device)
        else:
            recipes.initialize(net, s, 'mxnet', device)
    hooks.materialize(net, input_shape(s), device)
    params = mx_d2l.get_params(net)
    if start == 'torch-biases':
        torch_d2l.set_seed(seed)
        torch_defaults = torch_d2l.get_params(recipes.build_net(recipe, 'torch'))
        params = {name: (torch_defaults[t] if name.endswith('.bias') else array)
                  for (name, array), t in zip(params.items(), torch_defaults)}
    return params


class _Started(Exception):
    """The notebook reached its trainer's call: the net as the first step would find it."""

    def __init__(self, net):
        super().__init__('training starts')
        self.net = net


def notebook_start(recipe):
    """The Gluon net of a chapter recipe as its MXNet notebook starts training, the seed set.

    The notebook's book cells run in order (its shape check too: the random input and the
    default initialisation it draws move the generator), up to the trainer's call, which
    is stopped before the first step; train_ch6 first initialises as the book's does. So the
    MXNet half of a same-start pair is the notebook's own seeded run."""
    s = recipes.settings(recipe)
    hooks = interface.hooks('mxnet')

    def stand_in(net, *args, **kwargs):
        if s['trainer'] == 'train_ch6':  # (net, train_iter, test_iter, num_epochs, lr, device)
            hooks.init_ch6(net, kwargs.get('device', args[4] if len(args) > 4 else None))
        raise _Started(net)
    namespace = {'__name__': f'{recipe}_book_cells'}
    try:
        for i, source in enumerate(recipes.book_cells('mxnet', s['book'])):
            exec(compile(source, f'{recipe}[{i + 1}]', 'exec'), namespace)
            if s['trainer'] in namespace:
                namespace[s['trainer']] = stand_in  # the book's own trainer, once defined
    except _Started as started:
        return started.net
    raise RuntimeError(f"{recipe}: the notebook's book cells never call {s['trainer']}")


def en_model(recipe, backend, s):
    """A d2l-en recipe's model from its notebook's class, at the recipe's lr."""
    namespace, _ = recipes.book_namespace(recipe, backend)
    return namespace['LeNet'](lr=s['lr'])


def train_en_from(recipe, backend, seed, params, start):
    """A d2l-en recipe trained by the shim's Trainer from ``params``; the batch order is
    seed ``seed``'s on both backends (the generators are seeded again just before fit)."""
    import importlib
    d2l = importlib.import_module(f'd2l_compat.{backend}')
    s = recipes.settings(recipe)
    d2l.set_seed(seed)
    model = en_model(recipe, backend, s)
    interface.hooks(backend).materialize(model, input_shape(s), d2l.try_gpu())
    d2l.set_params(model, params)
    data = d2l.FashionMNIST(batch_size=s['batch_size'])
    d2l.set_seed(seed)
    trainer = d2l.Trainer(max_epochs=s['num_epochs'], num_gpus=1)
    trainer.fit(model, data)
    record = trainer.record
    record.recipe, record.start = recipe, start
    return record


def input_shape(s):
    """One example's batch shape for a recipe's settings."""
    return (1, 1, s['resize'] or 28, s['resize'] or 28)


def train_from(recipe, backend, seed, params, start, mean_loss=None):
    """Train ``recipe`` on ``backend`` from ``params`` over seed ``seed``'s batch order.

    ``mean_loss`` overrides the recipe's loss rule (True: each batch's mean, as train_ch6;
    False: the sum divided by batch_size, as train_ch5), for tests that break it on purpose."""
    import importlib
    from d2l_compat import core, editions
    d2l = importlib.import_module(f'd2l_compat.{backend}')
    s = recipes.settings(recipe)
    if s['trainer'] == 'Trainer':
        return train_en_from(recipe, backend, seed, params, start)
    d2l.set_seed(seed)
    net = recipes.build_net(recipe, backend)
    hooks = interface.hooks(backend)
    hooks.init_default(net, d2l.try_gpu())  # then overwritten: every parameter gets a shape
    hooks.materialize(net, input_shape(s), d2l.try_gpu())
    d2l.set_params(net, params)
    train_iter, test_iter = recipes.loaders(d2l, s)
    device = d2l.try_gpu()
    trainer = recipes.sgd(net, s, backend, s['lr'])
    loop = editions.loop(s['trainer'])
    summed = s['trainer'] == 'train_ch5' if mean_loss is None else not mean_loss
    divisor = s['batch_size'] if summed else None
    num_epochs = core.check_epochs(s['num_epochs'])  # D2L_MAX_EPOCHS applies here too
    record = hooks.fit(loop, net, train_iter, test_iter, num_epochs, trainer, device,
                             divisor, recipe, False,  # filed by main(), not in D2L_RESULTS
                             s['batch_size'] if s['trainer'] == 'train_ch5' else None)
    record.start = start
    return record


def one(recipe, seed, start):
    """Both frameworks from one start (run in a fresh process); their records as dicts."""
    import contextlib
    import io
    params = start_params(recipe, seed, start)
    out = []
    for backend in ('mxnet', 'torch'):
        with contextlib.redirect_stdout(io.StringIO()):
            out.append(train_from(recipe, backend, seed, params, start).to_dict())
    return out


def worker(recipe, seed, start, caps):
    env = {k: v for k, v in os.environ.items() if not k.startswith('D2L_MAX_')}
    env.update({f'D2L_{k.upper()}': str(v) for k, v in caps.items()})
    env.update(D2L_NUM_THREADS='1', OMP_NUM_THREADS='1', D2L_RECORD_STEPS='1',
               D2L_ANIMATOR='off', MXNET_ENGINE_TYPE='NaiveEngine')
    done = subprocess.run([sys.executable, '-m', 'd2l_lenet.samestart', '--one', recipe, str(seed), start],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f'{recipe} seed {seed} ({start}) failed:\n{done.stderr[-4000:]}')
    return json.loads(done.stdout.strip().splitlines()[-1])


def replace(path, records):
    """Write ``records`` into the JSON-lines file ``path`` in place of any earlier record of
    the same (recipe, start, seed, backend); through a part file, renamed when complete."""
    def key(r):
        return r['recipe'], r['start'], r['seed'], r['backend']
    new = {key(r) for r in records}
    kept = []
    if os.path.exists(path):
        with open(path) as f:
            kept = [line for line in f if line.strip() and key(json.loads(line)) not in new]
    with open(path + '.part', 'w') as f:
        f.writelines(kept)
        f.writelines(json.dumps(r, sort_keys=True) + '\n' for r in records)
    os.replace(path + '.part', path)


def main():
    if sys.argv[1:2] == ['--one']:
        recipe, seed, start = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        print(json.dumps(one(recipe, seed, start)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--recipes', nargs='+', choices=recipes.RECIPES,
                        default=list(recipes.RECIPES))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--start', choices=STARTS, default='gluon')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--out', default=os.path.join(HERE, '..', 'results', 'samestart.jsonl'))
    args = parser.parse_args()
    tasks = [(r, seed, args.start, recipes.CAPPED.get(r, {})) for r in args.recipes
             for seed in args.seeds]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [(task, pool.submit(worker, *task)) for task in tasks]
        for (recipe, seed, start, _), future in futures:
            records = future.result()
            replace(args.out, records)
            mx, pt = (r['steps'] for r in records)
            first = next((i + 1 for i, (a, b) in enumerate(zip(mx, pt))
                          if abs(a - b) > 1e-4 * abs(a)), 'never')
            print(f'{recipe} seed {seed} ({start}): {len(mx)} steps; first step (from 1) apart '
                  f'by more than 1e-4 relative: {first}; final test acc MXNet '
                  f"{records[0]['epochs'][-1]['test_acc']:.4f}, PyTorch "
                  f"{records[1]['epochs'][-1]['test_acc']:.4f}", flush=True)


if __name__ == '__main__':
    main()
