"""Same start, two frameworks: train a recipe on MXNet and on PyTorch from identical weights.

    python -m d2l_lenet.samestart [--recipes lenet-v1 ...] [--seeds 0 1] [--jobs 2]
                                [--out results/samestart.jsonl]

For each recipe and seed, one fresh process (one thread, so runs repeat digit for digit)
builds the recipe's net on both backends from the notebooks' own code, initialises the Gluon
net as the recipe does (train_ch6's Xavier: Glorot weights, zero biases), copies those
weights into the PyTorch net (``d2l.set_params``), and trains both over the same batch order
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
    net = recipes.build_net(recipe, 'mxnet')
    device = mx_d2l.try_gpu()
    hooks = interface.hooks('mxnet')
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


def input_shape(s):
    """One example's batch shape for a recipe's settings."""
    return (1, 1, s['resize'] or 28, s['resize'] or 28)


def train_from(recipe, backend, seed, params, start, mean_loss=None):
    """Train ``recipe`` on ``backend`` from ``params`` over seed ``seed``'s batch order.

    ``mean_loss`` overrides the recipe's loss rule (True: each batch's mean, as train_ch6;
    False: the sum divided by batch_size, as train_ch5), for tests that break it on purpose."""
    import importlib
    from d2l_compat import core, loops
    d2l = importlib.import_module(f'd2l_compat.{backend}')
    s = recipes.settings(recipe)
    d2l.set_seed(seed)
    net = recipes.build_net(recipe, backend)
    hooks = interface.hooks(backend)
    hooks.init_default(net, d2l.try_gpu())  # then overwritten: every parameter gets a shape
    hooks.materialize(net, input_shape(s), d2l.try_gpu())
    d2l.set_params(net, params)
    train_iter, test_iter = recipes.loaders(d2l, s)
    device = d2l.try_gpu()
    trainer = recipes.sgd(net, s, backend, s['lr'])
    loop = getattr(loops, f"{s['trainer']}_loop")
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
            with open(args.out, 'a') as f:
                for record in records:
                    f.write(json.dumps(record, sort_keys=True) + '\n')
            mx, pt = (r['steps'] for r in records)
            first = next((i + 1 for i, (a, b) in enumerate(zip(mx, pt))
                          if abs(a - b) > 1e-4 * abs(a)), 'never')
            print(f'{recipe} seed {seed} ({start}): {len(mx)} steps; first step (from 1) apart '
                  f'by more than 1e-4 relative: {first}; final test acc MXNet '
                  f"{records[0]['epochs'][-1]['test_acc']:.4f}, PyTorch "
                  f"{records[1]['epochs'][-1]['test_acc']:.4f}", flush=True)


if __name__ == '__main__':
    main()
