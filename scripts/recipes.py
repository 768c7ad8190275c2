"""The chapter's training recipes and the exercises' variants, each runnable on both backends.

lenet-v1: d2lzh §5.5 (no padding, max pooling, Xavier, SGD 0.9, train_ch5, 5 epochs).
lenet-v2: d2l §6.6 (padding 2, average pooling, train_ch6 with its Xavier init, 0.9, 10 epochs).
ex*: one change to one of them (see RECIPES).
The notebooks spell the same nets out cell by cell; ``python scripts/recipes.py RECIPE
BACKEND SEED [LR]`` trains one and prints its run record as JSON on the last line.
"""
import json
import sys

BASES = {
    'v1': dict(padding=0, pool='max', kernel1=5, channels1=6, activation='sigmoid',
               lr=0.9, num_epochs=5, batch_size=256),
    'v2': dict(padding=2, pool='avg', kernel1=5, channels1=6, activation='sigmoid',
               lr=0.9, num_epochs=10, batch_size=256),
}
# recipe -> (base, what it changes). Exercises change one thing of the chapter's recipe.
RECIPES = {
    'lenet-v1': ('v1', {}),
    'lenet-v2': ('v2', {}),
    'ex1-window3': ('v1', dict(kernel1=3)),
    'ex2-channels10': ('v1', dict(channels1=10)),
    'ex3-relu-lr0.9': ('v1', dict(activation='relu')),
    'ex3-relu-lr0.01': ('v1', dict(activation='relu', lr=0.01)),
    'ex4-maxpool': ('v2', dict(pool='max')),
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


def mxnet_net(recipe):
    from mxnet.gluon import nn
    s = settings(recipe)
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


def run(recipe, backend, seed, lr=None, results=None):
    """Train one recipe on one backend from ``seed``; return its RunRecord."""
    s = settings(recipe)
    lr = s['lr'] if lr is None else lr
    batch_size, num_epochs = s['batch_size'], s['num_epochs']
    if backend == 'mxnet':
        from d2l_compat import mxnet as d2l
        from mxnet import gluon, init
        d2l.set_seed(seed)
        net = mxnet_net(recipe)
        train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
        ctx = d2l.try_gpu()
        if s['base'] == 'v2':
            return d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, ctx,
                                 recipe=recipe, results=results)
        net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
        return d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                             recipe=recipe, results=results)
    from d2l_compat import torch as d2l
    import torch
    d2l.set_seed(seed)
    net = torch_net(recipe)
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    device = d2l.try_gpu()
    if s['base'] == 'v2':
        return d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, device,
                             recipe=recipe, results=results)
    net.apply(init_like_gluon_xavier)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    return d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, device, num_epochs,
                         recipe=recipe, results=results)


if __name__ == '__main__':
    recipe, backend, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lr = float(sys.argv[4]) if len(sys.argv) > 4 else None
    record = run(recipe, backend, seed, lr)
    print(json.dumps(record.to_dict()))
