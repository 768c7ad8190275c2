"""Gluon nets of the exercises that are not a one-line change to LeNet (as the notebooks spell them)."""
import numpy as np
from mxnet import init
from mxnet.gluon import nn

from recipes import C3_TABLE, rbf_codes


def ex5_blocks(channels, act, kernels=(5, 3, 3)):
    """Three conv + pool blocks (003 §2.1-2.3): 28 -> 14 -> 7 -> 3."""
    net = nn.Sequential()
    for c_out, k in zip(channels, kernels):
        net.add(nn.Conv2D(c_out, kernel_size=k, padding=k // 2), act(),
                nn.MaxPool2D(pool_size=2, strides=2))
    net.add(nn.Dense(120), act(), nn.Dense(84), act(), nn.Dense(10))
    return net


def relu():
    return nn.Activation('relu')


def leaky():
    return nn.LeakyReLU(0.01)  # PyTorch's default slope


def ex5_four_convs(extra_fc=False):
    """Four 3x3 conv layers, two pools, 2 or 3 hidden dense layers (003 §2.4-2.5)."""
    net = nn.Sequential()
    net.add(nn.Conv2D(32, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(64, kernel_size=3, padding=1, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(128, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(512, activation='relu'), nn.Dense(256, activation='relu'))
    if extra_fc:
        net.add(nn.Dense(128, activation='relu'))
    net.add(nn.Dense(10))
    return net


def ex7_improved():
    """003 exercise 3's net: 10 and 20 channels, ReLU, max pooling, no padding."""
    net = nn.Sequential()
    net.add(nn.Conv2D(10, kernel_size=5, activation='relu'), nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(20, kernel_size=5, activation='relu'), nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='relu'), nn.Dense(84, activation='relu'), nn.Dense(10))
    return net


class ScaledTanh(nn.HybridBlock):
    """LeNet-5's squashing function f(a) = 1.7159 tanh(2a/3)."""

    def hybrid_forward(self, F, x):
        return 1.7159 * F.tanh(x * (2 / 3))


class Subsample(nn.HybridBlock):
    """S2/S4: each 2x2 window's average times a trainable per-map coefficient, plus a bias."""

    def __init__(self, channels, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.weight = self.params.get('weight', shape=(1, channels, 1, 1), init=init.One())
            self.bias = self.params.get('bias', shape=(1, channels, 1, 1), init=init.Zero())

    def hybrid_forward(self, F, x, weight, bias):
        x = F.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg')
        return F.broadcast_add(F.broadcast_mul(x, weight), bias)


class SparseConv2D(nn.HybridBlock):
    """C3: a 5x5 convolution in which map o sees only the input maps table[o] lists."""

    def __init__(self, channels, in_channels, kernel_size, table, **kwargs):
        super().__init__(**kwargs)
        mask = np.zeros((channels, in_channels, 1, 1), 'float32')
        for o, inputs in enumerate(table):
            mask[o, list(inputs)] = 1
        self._kernel, self._channels = (kernel_size, kernel_size), channels
        with self.name_scope():
            self.weight = self.params.get(
                'weight', shape=(channels, in_channels, kernel_size, kernel_size))
            self.bias = self.params.get('bias', shape=(channels,), init=init.Zero())
            self.mask = self.params.get_constant('mask', mask)

    def hybrid_forward(self, F, x, weight, bias, mask):
        return F.Convolution(x, F.broadcast_mul(weight, mask), bias, kernel=self._kernel,
                             num_filter=self._channels)


class RBF(nn.HybridBlock):
    """Output layer: minus the squared distance of F6 to each class's fixed ±1 code."""

    def __init__(self, codes, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.codes = self.params.get_constant('codes', codes)

    def hybrid_forward(self, F, x, codes):
        diff = F.broadcast_sub(x.expand_dims(1), codes.expand_dims(0))
        return -(diff ** 2).sum(axis=2)


def lenet5():
    """LeNet-5 (1998): 32x32 input (28x28 padded by 2), C1 S2 C3 S4 C5 F6 and RBF output."""
    net = nn.Sequential()
    net.add(nn.Conv2D(6, kernel_size=5, padding=2, in_channels=1), ScaledTanh(),
            Subsample(6), ScaledTanh(),
            SparseConv2D(16, 6, 5, C3_TABLE), ScaledTanh(),
            Subsample(16), ScaledTanh(),
            nn.Conv2D(120, kernel_size=5, in_channels=16), ScaledTanh(),
            nn.Dense(84, in_units=120), ScaledTanh(),
            RBF(rbf_codes()))
    return net


def init_lecun98(net, ctx):
    """Weights uniform in ±2.4 / F_i, F_i = the unit's number of inputs (the paper's rule); biases 0."""
    net.initialize(force_reinit=True, ctx=ctx)  # every shape is given, so nothing is deferred
    for block in net:
        weight = getattr(block, 'weight', None)
        if weight is None or isinstance(block, Subsample):
            continue
        w = weight.data().asnumpy()
        if isinstance(block, SparseConv2D):
            fan_in = block.mask.data().asnumpy()[:, :, 0, 0].sum(axis=1) * w[0, 0].size
        else:
            fan_in = np.full(w.shape[0], w[0].size)
        limit = (2.4 / fan_in).reshape((-1,) + (1,) * (w.ndim - 1))
        weight.set_data(np.random.uniform(-1, 1, w.shape).astype('float32') * limit)
        block.bias.set_data(np.zeros(block.bias.shape, 'float32'))


def alexnet():
    """The slides' AlexNet: one input channel, 224x224, dropout 0.5 before each hidden dense layer."""
    net = nn.Sequential()
    net.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Conv2D(192, kernel_size=5, padding=2, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Conv2D(384, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Dropout(0.5), nn.Dense(4096, activation='relu'),
            nn.Dropout(0.5), nn.Dense(4096, activation='relu'),
            nn.Dense(10))
    return net


NETS = {
    'ex5-window': lambda: ex5_blocks((6, 16, 32), relu),
    'ex5-channels': lambda: ex5_blocks((10, 20, 40), relu),
    'ex5-leaky': lambda: ex5_blocks((6, 16, 32), leaky),
    'ex5-four-convs': lambda: ex5_four_convs(),
    'ex5-extra-fc': lambda: ex5_four_convs(extra_fc=True),
    'ex7-improved': ex7_improved,
    'lenet5': lenet5,
    'alexnet': alexnet,
}
