"""PyTorch nets of the exercises that are not a one-line change to LeNet (as the notebooks spell them)."""
import math

import torch
from torch import nn

from recipes import C3_TABLE, rbf_codes


def ex5_blocks(channels, act, kernels=(5, 3, 3)):
    """Three conv + pool blocks (003 §2.1-2.3): 28 -> 14 -> 7 -> 3."""
    layers, c_in = [], 1
    for c_out, k in zip(channels, kernels):
        layers += [nn.Conv2d(c_in, c_out, kernel_size=k, padding=k // 2), act(),
                   nn.MaxPool2d(kernel_size=2, stride=2)]
        c_in = c_out
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c_in * 3 * 3, 120), act(),
                         nn.Linear(120, 84), act(), nn.Linear(84, 10))


def ex5_four_convs(extra_fc=False):
    """Four 3x3 conv layers, two pools, 2 or 3 hidden dense layers (003 §2.4-2.5)."""
    fc = [nn.Linear(256 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU()]
    fc += [nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)] if extra_fc else [nn.Linear(256, 10)]
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(64, 128, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(128, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(), *fc)


def ex7_improved():
    """003 exercise 3's net: 10 and 20 channels, ReLU, max pooling, no padding."""
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(10, 20, kernel_size=5), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(320, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


class ScaledTanh(nn.Module):
    """LeNet-5's squashing function f(a) = 1.7159 tanh(2a/3)."""

    def forward(self, x):
        return 1.7159 * torch.tanh(x * (2 / 3))


class Subsample(nn.Module):
    """S2/S4: each 2x2 window's average times a trainable per-map coefficient, plus a bias."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        x = nn.functional.avg_pool2d(x, 2)
        return x * self.weight[:, None, None] + self.bias[:, None, None]


class SparseConv2d(nn.Conv2d):
    """C3: a 5x5 convolution in which map o sees only the input maps table[o] lists."""

    def __init__(self, in_channels, out_channels, kernel_size, table):
        super().__init__(in_channels, out_channels, kernel_size)
        mask = torch.zeros(out_channels, in_channels, 1, 1)
        for o, inputs in enumerate(table):
            mask[o, list(inputs)] = 1
        self.register_buffer('mask', mask)

    def forward(self, x):
        return self._conv_forward(x, self.weight * self.mask, self.bias)


class RBF(nn.Module):
    """Output layer: minus the squared distance of F6 to each class's fixed ±1 code."""

    def __init__(self, codes):
        super().__init__()
        self.register_buffer('codes', torch.as_tensor(codes))

    def forward(self, x):
        return -((x[:, None, :] - self.codes) ** 2).sum(dim=2)


def lenet5():
    """LeNet-5 (1998): 32x32 input (28x28 padded by 2), C1 S2 C3 S4 C5 F6 and RBF output."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), ScaledTanh(),
        Subsample(6), ScaledTanh(),
        SparseConv2d(6, 16, 5, C3_TABLE), ScaledTanh(),
        Subsample(16), ScaledTanh(),
        nn.Conv2d(16, 120, kernel_size=5), ScaledTanh(),
        nn.Flatten(), nn.Linear(120, 84), ScaledTanh(),
        RBF(rbf_codes()))


def init_lecun98(m):
    """Weights uniform in ±2.4 / F_i, F_i = the unit's number of inputs (the paper's rule); biases 0."""
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        with torch.no_grad():
            for o in range(m.weight.shape[0]):  # C3's maps have 75, 100 or 150 inputs
                mask = m.mask[o] if isinstance(m, SparseConv2d) else torch.ones(1)
                fan_in = int(mask.sum()) * m.weight[o, 0].numel() if isinstance(
                    m, SparseConv2d) else m.weight[o].numel()
                m.weight[o].uniform_(-2.4 / fan_in, 2.4 / fan_in)
            m.bias.zero_()


def alexnet():
    """The slides' AlexNet: one input channel, 224x224, dropout 0.5 before each hidden dense layer."""
    return nn.Sequential(
        nn.Conv2d(1, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 10))


NETS = {
    'ex5-window': lambda: ex5_blocks((6, 16, 32), nn.ReLU),
    'ex5-channels': lambda: ex5_blocks((10, 20, 40), nn.ReLU),
    'ex5-leaky': lambda: ex5_blocks((6, 16, 32), nn.LeakyReLU),
    'ex5-four-convs': lambda: ex5_four_convs(),
    'ex5-extra-fc': lambda: ex5_four_convs(extra_fc=True),
    'ex7-improved': ex7_improved,
    'lenet5': lenet5,
    'alexnet': alexnet,
}
