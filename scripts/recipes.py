"""The chapter's training recipes and the exercises' variants, each runnable on both backends.

lenet-v1: d2lzh §5.5 (no padding, max pooling, Xavier, SGD 0.9, train_ch5, 5 epochs).
lenet-v2: d2l §6.6 (padding 2, average pooling, train_ch6 with its Xavier init, 0.9, 10 epochs).
ex*: one change to one of them (see RECIPES), or an exercise's own net (NETS).
The notebooks spell the same nets out cell by cell; ``python scripts/recipes.py RECIPE
BACKEND SEED [LR]`` trains one and prints its run record as JSON on the last line;
``python scripts/recipes.py --caps-for NOTEBOOK`` prints the D2L_MAX_* settings a notebook
runs under (empty for the full data), for the Makefile.
"""
import json
import os
import sys

BASES = {
    'v1': dict(net='lenet', padding=0, pool='max', kernel1=5, channels1=6, activation='sigmoid',
               lr=0.9, num_epochs=5, batch_size=256, trainer='train_ch5', init='xavier',
               dataset='fashion-mnist', resize=None, normalize=None),
    'v2': dict(net='lenet', padding=2, pool='avg', kernel1=5, channels1=6, activation='sigmoid',
               lr=0.9, num_epochs=10, batch_size=256, trainer='train_ch6', init='xavier',
               dataset='fashion-mnist', resize=None, normalize=None),
}
# recipe -> (base, what it changes). Exercises change one thing of the chapter's recipe,
# or swap in their own net with the training recipe named.
RECIPES = {
    'lenet-v1': ('v1', {}),
    'lenet-v2': ('v2', {}),
    'ex1-window3': ('v1', dict(kernel1=3)),
    'ex2-channels10': ('v1', dict(channels1=10)),
    'ex3-relu-lr0.9': ('v1', dict(activation='relu')),
    'ex3-relu-lr0.01': ('v1', dict(activation='relu', lr=0.01)),
    'ex4-maxpool': ('v2', dict(pool='max')),
    'ex5-window': ('v2', dict(net='ex5-window', lr=0.1)),
    'ex5-channels': ('v2', dict(net='ex5-channels', lr=0.1)),
    'ex5-leaky': ('v2', dict(net='ex5-leaky', lr=0.1)),
    'ex5-four-convs': ('v2', dict(net='ex5-four-convs', lr=0.1)),
    'ex5-extra-fc': ('v2', dict(net='ex5-extra-fc', lr=0.1)),
    'ex6-lr0.001': ('v2', dict(lr=0.001, num_epochs=20)),
    'ex6-default-init': ('v1', dict(init='default')),
    'ex7-mnist-improved': ('v2', dict(net='ex7-improved', lr=0.01, dataset='mnist')),
    'ex7-mnist-lenet': ('v2', dict(dataset='mnist')),
    'ex9-lenet5': ('v1', dict(net='lenet5', dataset='mnist', lr=0.02, num_epochs=5,
                              init='lecun98')),
    'ex10-alexnet': ('v2', dict(net='alexnet', lr=0.01, resize=224, batch_size=128,
                                num_epochs=10)),
    'ex11-slides': ('v2', dict(batch_size=64, normalize=(0.5, 0.5), trainer='train_slides',
                               lr=0.1, num_epochs=5)),
}
# Recipes too heavy for the full data on 2 CPU cores: their bands (and CI) use these caps
# (D2L_MAX_*), and their notebooks say which numbers came from which profile.
# Seeds per band: 5, or fewer where one run is long (20 epochs).
BAND_SEEDS = {'ex6-lr0.001': 3}
EX5_CAPS = dict(max_train_examples=2048, max_test_examples=1024, max_epochs=2)
CAPPED = {
    'ex5-window': EX5_CAPS,
    'ex5-channels': EX5_CAPS,
    'ex5-leaky': EX5_CAPS,
    'ex5-four-convs': EX5_CAPS,
    'ex5-extra-fc': EX5_CAPS,
    'ex10-alexnet': dict(max_train_examples=512, max_test_examples=256, max_epochs=2),
}


def settings(recipe):
    """The full settings of a recipe: its base's, with the recipe's changes applied."""
    base, changes = RECIPES[recipe]
    return {'base': base, **BASES[base], **changes}


def dense_inputs(s):
    """16 x side x side: the flattened size after both conv + pool blocks."""
    side = (28 + 2 * s['padding'] - s['kernel1'] + 1) // 2
    side = (side - 4) // 2
    return 16 * side * side


# LeNet-5 (LeCun et al. 1998, Table I): which S2 maps feed each of C3's 16 maps.
C3_TABLE = [(0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
            (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
            (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5), (0, 1, 2, 3, 4, 5)]


def rbf_codes(seed=1998):
    """Fixed ±1 target codes of the RBF output (10 x 84), the same on both backends."""
    import numpy as np
    return np.where(np.random.RandomState(seed).rand(10, 84) < 0.5, -1.0, 1.0).astype('float32')


def mxnet_net(recipe):
    from mxnet.gluon import nn
    s = settings(recipe)
    if s['net'] != 'lenet':
        import mxnet_nets
        return mxnet_nets.NETS[s['net']]()
    pool = nn.MaxPool2D if s['pool'] == 'max' else nn.AvgPool2D
    act = s['activation']
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=s['channels1'], kernel_size=s['kernel1'], padding=s['padding'],
                      activation=act),
            pool(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation=act),
            pool(pool_size=2, strides=2),
            nn.Dense(120, activation=act), nn.Dense(84, activation=act),
            nn.Dense(10))
    return net


def torch_net(recipe):
    from torch import nn
    s = settings(recipe)
    if s['net'] != 'lenet':
        import torch_nets
        return torch_nets.NETS[s['net']]()
    pool = nn.MaxPool2d if s['pool'] == 'max' else nn.AvgPool2d
    act = nn.Sigmoid if s['activation'] == 'sigmoid' else nn.ReLU
    return nn.Sequential(
        nn.Conv2d(1, s['channels1'], kernel_size=s['kernel1'], padding=s['padding']), act(),
        pool(kernel_size=2, stride=2),
        nn.Conv2d(s['channels1'], 16, kernel_size=5), act(), pool(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(dense_inputs(s), 120), act(),
        nn.Linear(120, 84), act(), nn.Linear(84, 10))


def init_like_gluon_xavier(m):
    """What Gluon's net.initialize(init=init.Xavier()) does: Glorot-uniform weights, zero biases."""
    from torch import nn
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


def _loaders(d2l, s):
    load = d2l.load_data_mnist if s['dataset'] == 'mnist' else d2l.load_data_fashion_mnist
    train_iter, test_iter = load(s['batch_size'], resize=s['resize'])
    if s['normalize']:
        mean, std = s['normalize']
        train_iter, test_iter = (d2l.Normalize(it, mean, std) for it in (train_iter, test_iter))
    return train_iter, test_iter


def run(recipe, backend, seed, lr=None, results=None):
    """Train one recipe on one backend from ``seed``; return its RunRecord."""
    s = settings(recipe)
    lr = s['lr'] if lr is None else lr
    batch_size, num_epochs = s['batch_size'], s['num_epochs']
    kw = dict(recipe=recipe, results=results)
    if backend == 'mxnet':
        from d2l_compat import mxnet as d2l
        from mxnet import gluon, init
        d2l.set_seed(seed)
        net = mxnet_net(recipe)
        train_iter, test_iter = _loaders(d2l, s)
        ctx = d2l.try_gpu()
        if s['trainer'] == 'train_ch6':
            return d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, ctx, **kw)
        if s['init'] == 'xavier':
            net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
        elif s['init'] == 'lecun98':
            import mxnet_nets
            mxnet_nets.init_lecun98(net, ctx)
        else:
            net.initialize(force_reinit=True, ctx=ctx)
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
        if s['trainer'] == 'train_slides':
            return d2l.train_slides(net, train_iter, test_iter, num_epochs, trainer, ctx, **kw)
        return d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                             **kw)
    from d2l_compat import torch as d2l
    import torch
    d2l.set_seed(seed)
    net = torch_net(recipe)
    train_iter, test_iter = _loaders(d2l, s)
    device = d2l.try_gpu()
    if s['trainer'] == 'train_ch6':
        return d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, device, **kw)
    if s['init'] == 'xavier':
        net.apply(init_like_gluon_xavier)
    elif s['init'] == 'lecun98':
        import torch_nets
        net.apply(torch_nets.init_lecun98)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    if s['trainer'] == 'train_slides':
        return d2l.train_slides(net, train_iter, test_iter, num_epochs, trainer, device, **kw)
    return d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, device, num_epochs,
                         **kw)


def caps_for(notebook):
    """The caps a notebook runs under: those of its exercise's recipes (exN_... <-> exN-...)."""
    prefix = os.path.basename(notebook).split('_')[0] + '-'
    found = {tuple(sorted(caps.items())) for recipe, caps in CAPPED.items()
             if recipe.startswith(prefix)}
    if len(found) > 1:
        raise ValueError(f'{notebook}: its recipes are capped differently: {sorted(found)}')
    return dict(found.pop()) if found else {}


if __name__ == '__main__' and sys.argv[1:2] == ['--caps-for']:
    print(' '.join(f'D2L_{key.upper()}={value}' for key, value in caps_for(sys.argv[2]).items()))
elif __name__ == '__main__':
    recipe, backend, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lr = float(sys.argv[4]) if len(sys.argv) > 4 else None
    record = run(recipe, backend, seed, lr)
    print(json.dumps(record.to_dict()))
