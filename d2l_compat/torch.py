"""PyTorch backend: drop-in for d2l's LeNet helpers, plus d2lzh's ``train_ch5``.

Swap ``from d2l import torch as d2l`` for ``from d2l_compat import torch as d2l``; the
book's cells run unchanged. Training prints the book's lines and returns a RunRecord.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import animator, config, core, loops
from .animator import Animator
from .core import Accumulator, Normalize, RunRecord, Timer
from .data import get_fashion_mnist_labels

BACKEND = 'torch'
__all__ = ['Accumulator', 'Animator', 'BACKEND', 'DataLoader', 'Normalize', 'RunRecord',
           'Timer', 'accuracy', 'evaluate_accuracy', 'evaluate_accuracy_gpu',
           'get_fashion_mnist_labels', 'load_data_fashion_mnist', 'load_data_mnist',
           'set_seed', 'train_ch5', 'train_ch6', 'show_images', 'train_slides', 'try_all_gpus',
           'try_gpu']


def _use_all_cores():
    """Give torch every core again: importing mxnet after torch leaves it one thread."""
    n = config.num_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


_use_all_cores()


def set_seed(seed):
    """Seed Python, numpy (and so the data order) and PyTorch (CPU and CUDA)."""
    core.seed_python_numpy(seed)
    torch.manual_seed(seed)


def try_gpu(i=0):
    """cuda:i if it exists, else cpu (d2l)."""
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f'cuda:{i}')
    return torch.device('cpu')


def try_all_gpus():
    """Every GPU, or [cpu] (d2l)."""
    return [torch.device(f'cuda:{i}') for i in range(torch.cuda.device_count())] or [
        torch.device('cpu')]


class DataLoader:
    """In-memory mini-batches as tensors: X float32 (n, 1, h, w) in [0, 1], y int64."""

    def __init__(self, images, labels, batch_size, shuffle=False, resize=None):
        self._batches = core.ArrayBatches(images, labels, batch_size, shuffle, np.int64)
        self._resize = core.check_resize(resize)

    def __len__(self):
        return len(self._batches)

    @property
    def num_examples(self):
        return self._batches.num_examples

    def __iter__(self):
        for X, y in self._batches:
            X = torch.from_numpy(X)
            if self._resize:
                X = F.interpolate(X, size=self._resize, mode='bilinear', align_corners=False,
                                  antialias=True)
            yield X, torch.from_numpy(y)


def _load(name, batch_size, resize, root):
    train, test = core.train_test_arrays(name, batch_size, resize, root)
    return (DataLoader(*train, batch_size, shuffle=True, resize=resize),
            DataLoader(*test, batch_size, shuffle=False, resize=resize))


def load_data_fashion_mnist(batch_size, resize=None, *, root=None):
    """(train_iter, test_iter) over Fashion-MNIST; the train order is reshuffled each epoch."""
    return _load('fashion-mnist', batch_size, resize, root)


def load_data_mnist(batch_size, resize=None, *, root=None):
    """(train_iter, test_iter) over MNIST; the train order is reshuffled each epoch."""
    return _load('mnist', batch_size, resize, root)


def accuracy(y_hat, y):
    """Number of correct predictions, as a float (d2l)."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).sum())


def _hits(y_hat, y):
    """Correct predictions as a float64 tensor, left on the device (no host sync)."""
    return (y_hat.argmax(dim=1) == y).sum(dtype=torch.float64)


def evaluate_accuracy_gpu(net, data_iter, device=None):
    """Accuracy of ``net`` over ``data_iter`` (d2l); device defaults to the net's."""
    _use_all_cores()
    if isinstance(net, nn.Module):
        net.eval()
        if not device:
            device = next(iter(net.parameters())).device
    memory_format = _memory_format(net) if isinstance(net, nn.Module) else None
    hits, n = torch.zeros((), dtype=torch.float64, device=device), 0
    with torch.inference_mode():
        for X, y in data_iter:
            X = _to(X, device, memory_format or torch.contiguous_format)
            y = y.to(device)
            hits += _hits(net(X), y)
            n += y.numel()
    if n == 0:
        raise ValueError('evaluate_accuracy: data_iter yielded no examples')
    return hits.item() / n


def evaluate_accuracy(data_iter, net, ctx=None):
    """Accuracy with d2lzh's argument order (data_iter, net, ctx)."""
    return evaluate_accuracy_gpu(net, data_iter, ctx)


def _memory_format(net):
    """channels_last for nets with convolutions: oneDNN's fast layout on CPU (LeNet v2's
    235 training steps: 4.2 s -> 2.9 s here); same values, another layout in memory."""
    if any(isinstance(m, nn.Conv2d) for m in net.modules()):
        net.to(memory_format=torch.channels_last)
        return torch.channels_last
    return torch.contiguous_format


def _to(X, device, memory_format):
    if isinstance(X, list):
        return [_to(x, device, memory_format) for x in X]
    if X.dim() == 4:
        return X.to(device, memory_format=memory_format)
    return X.to(device)


def _step(net, loss, optimizer, device, memory_format, grad_divisor=None):
    """One SGD step on a batch; returns (summed loss, hits, n) with the sums on the device.

    ``grad_divisor=None``: ``loss`` is a batch mean (d2l). An int: ``loss`` is a batch sum
    whose gradient is divided by it, as Gluon's ``trainer.step(batch_size)`` does (d2lzh).
    """
    def step(X, y):
        net.train()
        X, y = _to(X, device, memory_format), y.to(device)
        optimizer.zero_grad()
        y_hat = net(X)
        l = loss(y_hat, y)
        (l if grad_divisor is None else l / grad_divisor).backward()
        optimizer.step()
        with torch.no_grad():
            l_sum = (l * X.shape[0] if grad_divisor is None else l).double()
            return l_sum, _hits(y_hat, y), X.shape[0]
    return step


def _to_float(x):
    return x.item()


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device,
              *, recipe=None, results=None):
    """Train with d2l's chapter-6 recipe: Xavier weights, SGD, mean loss, Animator.

    Prints d2l's two closing lines; returns a RunRecord (also appended to ``results`` or
    D2L_RESULTS).
    """
    num_epochs = core.check_epochs(num_epochs)
    lr = core.check_lr(lr)
    loops.check_batches(train_iter)
    _use_all_cores()

    def init_weights(m):
        if type(m) == nn.Linear or type(m) == nn.Conv2d:
            nn.init.xavier_uniform_(m.weight)
    net.apply(init_weights)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    step = _step(net, nn.CrossEntropyLoss(), optimizer, device, _memory_format(net))
    record = loops.new_record(BACKEND, 'train_ch6', device, recipe, lr, None, num_epochs)
    return loops.train_ch6_loop(step, lambda: evaluate_accuracy_gpu(net, test_iter),
                                _to_float, train_iter, num_epochs, record, results)


def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
              *, recipe=None, results=None):
    """Train with d2lzh's semantics on PyTorch: summed loss, gradients divided by batch_size.

    ``trainer`` is a torch optimizer (Gluon's ``trainer.step(batch_size)`` divides the
    summed loss's gradient by ``batch_size``; so does this). The net is initialised by the
    caller, as in the book. Prints d2lzh's lines; returns a RunRecord.
    """
    batch_size = core.check_positive_int('batch_size', batch_size)
    num_epochs = core.check_epochs(num_epochs)
    loops.check_batches(train_iter)
    _use_all_cores()
    net.to(ctx)
    step = _step(net, nn.CrossEntropyLoss(reduction='sum'), trainer, ctx, _memory_format(net),
                 grad_divisor=batch_size)
    record = loops.new_record(BACKEND, 'train_ch5', ctx, recipe,
                              float(trainer.param_groups[0]['lr']), batch_size, num_epochs)
    return loops.train_ch5_loop(step, lambda: evaluate_accuracy_gpu(net, test_iter, ctx),
                                _to_float, train_iter, num_epochs, record, results)


def _loss_and_accuracy(net, data_iter, device):
    """(mean over batches of the mean loss, accuracy): what the slides' test loop prints."""
    net.eval()
    loss, memory_format = nn.CrossEntropyLoss(), _memory_format(net)
    total = torch.zeros((), dtype=torch.float64, device=device)
    hits, n, batches = torch.zeros((), dtype=torch.float64, device=device), 0, 0
    with torch.inference_mode():
        for X, y in data_iter:
            X, y = _to(X, device, memory_format), y.to(device)
            y_hat = net(X)
            total += loss(y_hat, y).double()
            hits += _hits(y_hat, y)
            n, batches = n + y.numel(), batches + 1
    if n == 0:
        raise ValueError('train_slides: test_iter yielded no examples')
    return total.item() / batches, hits.item() / n


def train_slides(net, train_iter, test_iter, num_epochs, trainer, device,
                 *, recipe=None, results=None):
    """The course slides' loop: mean loss, ``optimizer.step()`` per batch, loss every 100 batches.

    ``trainer`` is a torch optimizer; the net is initialised by the caller. Returns a RunRecord."""
    num_epochs = core.check_epochs(num_epochs)
    loops.check_batches(train_iter)
    _use_all_cores()
    net.to(device)
    step = _step(net, nn.CrossEntropyLoss(), trainer, device, _memory_format(net))
    record = loops.new_record(BACKEND, 'train_slides', device, recipe,
                              float(trainer.param_groups[0]['lr']), None, num_epochs)
    return loops.train_slides_loop(step, lambda: _loss_and_accuracy(net, test_iter, device),
                                   _to_float, train_iter, num_epochs, record, results)


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Plot images (arrays of shape (h, w)) in a grid, as d2l.show_images; returns the axes."""
    arrays = [img.detach().cpu().numpy() if torch.is_tensor(img) else img for img in imgs]
    return animator.show_images(arrays, num_rows, num_cols, titles, scale)
