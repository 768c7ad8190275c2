"""PyTorch backend: drop-in for d2l's PyTorch edition (§6.6), and d2lzh's §5.5 helpers ported.

Swap ``from d2l import torch as d2l`` for ``from d2l_compat import torch as d2l``; the
book's cells run unchanged. Importing this module imports PyTorch and changes nothing else.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import backend


def _memory_format(net):
    """channels_last for nets with convolutions: oneDNN's fast layout on CPU; same values,
    another layout in memory."""
    if any(isinstance(m, nn.Conv2d) for m in net.modules()):
        return torch.channels_last
    return torch.contiguous_format


def _to(X, device, memory_format):
    if isinstance(X, list):  # d2l: several inputs (BERT fine-tuning)
        return [_to(x, device, memory_format) for x in X]
    if X.dim() == 4:
        return X.to(device, memory_format=memory_format)
    return X.to(device)


class _Prepared:
    """A net on its device in its fastest memory layout."""

    def __init__(self, net, device):
        self.net, self.device = net, device
        self.memory_format = _memory_format(net)
        net.to(device, memory_format=self.memory_format)

    def inputs(self, X, y):
        return _to(X, self.device, self.memory_format), y.to(self.device)


def _apply_init(self, inputs, init=None):
    """Run ``inputs`` through the net once (lazy layers take their shapes), then
    ``self.net.apply(init)`` (d2l-en §6.4)."""
    self.forward(*inputs)
    if init is not None:
        self.net.apply(init)


class TorchBackend(backend.Backend):
    name = 'torch'
    label_dtype = np.int64

    def to_arrays(self, X, y):
        return torch.from_numpy(X), torch.from_numpy(y)

    def resize(self, X, size):
        return F.interpolate(X, size=size, mode='bilinear', align_corners=False)

    def to_numpy(self, x):
        return x.detach().cpu().numpy()

    def to_float(self, x):
        return x.item()

    def seed(self, seed):
        torch.manual_seed(seed)

    def cpu(self):
        return torch.device('cpu')

    def gpu(self, i=0):
        return torch.device(f'cuda:{i}')

    def num_gpus(self):
        return torch.cuda.device_count()

    def device_of(self, net):
        return next(iter(net.parameters())).device

    def prepare(self, net, device):
        return _Prepared(net, device)

    def hits(self, y_hat, y):
        return (y_hat.argmax(dim=1) == y).sum(dtype=torch.float64)

    def step(self, model, trainer, X, y, device, divisor):
        model.net.train()
        X, y = model.inputs(X, y)
        trainer.zero_grad()
        y_hat = model.net(X)
        if divisor is None:  # d2l: the batch's mean loss
            loss = F.cross_entropy(y_hat, y)
            loss.backward()
            loss_sum = loss.detach() * X.shape[0]
        else:  # d2lzh: the summed loss, its gradient divided by batch_size
            loss_sum = F.cross_entropy(y_hat, y, reduction='sum')
            (loss_sum / divisor).backward()
            loss_sum = loss_sum.detach()
        trainer.step()
        return loss_sum.double(), self.hits(y_hat.detach(), y)

    def loss_and_hits(self, model, X, y, device):
        model.net.eval()
        X, y = model.inputs(X, y)
        with torch.inference_mode():
            y_hat = model.net(X)
            return F.cross_entropy(y_hat, y, reduction='sum').double(), self.hits(y_hat, y)

    def init_ch6(self, net, device):
        def init_weights(m):
            if type(m) == nn.Linear or type(m) == nn.Conv2d:
                nn.init.xavier_uniform_(m.weight)
        net.apply(init_weights)

    def sgd(self, net, lr, momentum=0.0):
        return torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)

    def init_xavier(self, net, device):
        def like_gluon(m):
            if type(m) in (nn.Linear, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        net.to(device)
        net.apply(like_gluon)

    def init_default(self, net, device):
        net.to(device)

    def materialize(self, net, input_shape, device):
        net.to(device)
        if any(isinstance(p, nn.parameter.UninitializedParameter) for p in net.parameters()):
            with torch.no_grad():
                net(torch.zeros(input_shape, device=device))  # lazy layers take their shapes

    def learning_rate(self, trainer):
        return float(trainer.param_groups[0]['lr'])

    def module_base(self):
        return nn.Module

    def module_methods(self):
        return {'apply_init': _apply_init}

    def scalar(self, value):
        return value.detach()

    def cross_entropy(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        return F.cross_entropy(Y_hat, Y.reshape((-1,)), reduction='mean' if averaged else 'none')

    def class_accuracy(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)).type(torch.float32)
        return compare.mean() if averaged else compare

    def detached_hits(self, Y_hat, Y):
        return self.hits(Y_hat.detach(), Y)

    def randn(self, *size):
        return torch.randn(*size)

    def to_device(self, x, device):
        return x.to(device)

    def move_model(self, model, device):
        model.to(device)

    def train_mode(self, model, training):
        model.train(training)

    def no_grad(self):
        return torch.no_grad()

    def fit_batch(self, trainer, batch):
        loss = trainer.model.training_step(batch)
        trainer.optim.zero_grad()
        with torch.no_grad():  # as d2l 1.0.3's Trainer.fit_epoch
            loss.backward()
            if trainer.gradient_clip_val > 0:
                trainer.clip_gradients(trainer.gradient_clip_val, trainer.model)
            trainer.optim.step()
        return loss

    def clip_gradients(self, model, max_norm):
        params = [p for p in model.parameters() if p.requires_grad]
        norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
        if norm > max_norm:
            for param in params:
                param.grad[:] *= max_norm / norm

    def named_arrays(self, net):
        return [(*name.rsplit('.', 1), p.detach().cpu().numpy())
                for name, p in net.named_parameters()]

    def assign(self, net, arrays):
        with torch.no_grad():
            for param, array in zip(net.parameters(), arrays):
                param.copy_(torch.from_numpy(np.ascontiguousarray(array)))

    def get_threads(self):
        return torch.get_num_threads()

    def set_threads(self, n):
        torch.set_num_threads(n)

    def numerics(self):
        return {'onednn': bool(torch.backends.mkldnn.is_available()
                               and torch.backends.mkldnn.enabled)}

    @staticmethod
    def size(x, *args, **kwargs):
        return x.numel(*args, **kwargs)

    @staticmethod
    def astype(x, *args, **kwargs):
        return x.type(*args, **kwargs)

backend.export(TorchBackend(), globals())
