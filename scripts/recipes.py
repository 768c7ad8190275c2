"""The chapter's two training recipes, each runnable on both backends.

lenet-v1: d2lzh §5.5 (no padding, max pooling, Xavier, SGD 0.9, train_ch5, 5 epochs).
lenet-v2: d2l §6.6 (padding 2, average pooling, train_ch6 with its Xavier init, 0.9, 10 epochs).
The notebooks spell the same nets out cell by cell; ``python scripts/recipes.py RECIPE
BACKEND SEED [LR]`` trains one and prints its run record as JSON on the last line.
"""
import json
import sys

RECIPES = {'lenet-v1': dict(lr=0.9, num_epochs=5, batch_size=256),
           'lenet-v2': dict(lr=0.9, num_epochs=10, batch_size=256)}


def mxnet_net(recipe):
    from mxnet.gluon import nn
    pool = nn.MaxPool2D if recipe == 'lenet-v1' else nn.AvgPool2D
    padding = 0 if recipe == 'lenet-v1' else 2
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, padding=padding, activation='sigmoid'),
            pool(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            pool(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'), nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    return net


def torch_net(recipe):
    from torch import nn
    pool = nn.MaxPool2d if recipe == 'lenet-v1' else nn.AvgPool2d
    padding, side = (0, 4) if recipe == 'lenet-v1' else (2, 5)
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=padding), nn.Sigmoid(),
        pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), pool(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(16 * side * side, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def init_like_gluon_xavier(m):
    """What Gluon's net.initialize(init=init.Xavier()) does: Glorot-uniform weights, zero biases."""
    from torch import nn
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


def run(recipe, backend, seed, lr=None, results=None):
    """Train one recipe on one backend from ``seed``; return its RunRecord."""
    settings = dict(RECIPES[recipe])
    lr = settings['lr'] if lr is None else lr
    batch_size, num_epochs = settings['batch_size'], settings['num_epochs']
    if backend == 'mxnet':
        from d2l_compat import mxnet as d2l
        from mxnet import gluon, init
        d2l.set_seed(seed)
        net = mxnet_net(recipe)
        train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
        ctx = d2l.try_gpu()
        if recipe == 'lenet-v2':
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
    if recipe == 'lenet-v2':
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
