"""MXNet/Gluon backend: drop-in for d2lzh's LeNet helpers, plus d2l's ``train_ch6``.

Swap ``import d2lzh as d2l`` for ``from d2l_compat import mxnet as d2l``; the book's cells
run unchanged. Training prints the book's lines and returns a :class:`RunRecord`.
"""
import contextlib
import os
import sys
import weakref

from . import animator, config, core, loops
from .animator import Animator
from .core import Accumulator, Normalize, RunRecord, Timer
from .data import get_fashion_mnist_labels

if 'mxnet' not in sys.modules:
    # Read by MXNet once, at import. The NaiveEngine runs each operator inline instead of
    # through the threaded dependency engine: for a net this small the engine's hand-offs
    # cost more than the math (measured 4.9 s -> 2.95 s per epoch here). Users can override.
    os.environ.setdefault('MXNET_ENGINE_TYPE', 'NaiveEngine')
    os.environ.setdefault('OMP_NUM_THREADS', str(config.num_threads()))

import mxnet as mx  # noqa: E402
from mxnet import autograd, gluon, init, nd  # noqa: E402
from mxnet.gluon import loss as gloss, nn  # noqa: E402

if 'torch' in sys.modules:  # MXNet's import leaves an already-loaded torch on one thread
    sys.modules['torch'].set_num_threads(config.num_threads())


@contextlib.contextmanager
def _native_stderr_silenced():
    """Hide what MXNet's C++ core writes straight to fd 2 (timestamped INFO lines)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, 'w') as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


# Start the engine now, quietly: its first use logs "MXNet start using engine: ..." with a
# timestamp, which would land in whichever notebook cell happened to run first.
with _native_stderr_silenced():
    nd.zeros((1,)).wait_to_read()

BACKEND = 'mxnet'
__all__ = ['Accumulator', 'Animator', 'BACKEND', 'DataLoader', 'Normalize', 'RunRecord',
           'Timer', 'accuracy', 'evaluate_accuracy', 'evaluate_accuracy_gpu',
           'get_fashion_mnist_labels', 'load_data_fashion_mnist', 'load_data_mnist',
           'set_seed', 'train_ch5', 'train_ch6', 'show_images', 'train_slides', 'try_all_gpus',
           'try_gpu']


def set_seed(seed):
    """Seed Python, numpy (and so the data order) and MXNet."""
    core.seed_python_numpy(seed)
    mx.random.seed(seed)


def try_gpu():
    """gpu(0) if MXNet can allocate on it, else cpu() (d2lzh)."""
    if mx.context.num_gpus() == 0:  # skip the attempt, and the C++ warning it logs
        return mx.cpu()
    try:
        ctx = mx.gpu()
        _ = nd.zeros((1,), ctx=ctx)
    except mx.base.MXNetError:
        ctx = mx.cpu()
    return ctx


def try_all_gpus():
    """Every usable GPU, or [cpu()] (d2lzh)."""
    ctxes = []
    for i in range(mx.context.num_gpus()):  # 0 on a CPU-only build: no attempt, no warning
        try:
            nd.zeros((1,), ctx=mx.gpu(i))
            ctxes.append(mx.gpu(i))
        except mx.base.MXNetError:
            break
    return ctxes or [mx.cpu()]


class DataLoader:
    """In-memory mini-batches as NDArrays: X float32 (n, 1, h, w) in [0, 1], y int32."""

    def __init__(self, images, labels, batch_size, shuffle=False, resize=None):
        self._batches = core.ArrayBatches(images, labels, batch_size, shuffle, 'int32')
        self._resize = core.check_resize(resize)

    def __len__(self):
        return len(self._batches)

    @property
    def num_examples(self):
        return self._batches.num_examples

    def __iter__(self):
        for X, y in self._batches:
            X = nd.array(X, dtype='float32')
            if self._resize:
                X = nd.contrib.BilinearResize2D(X, height=self._resize[0], width=self._resize[1])
            yield X, nd.array(y, dtype='int32')


def _load(name, batch_size, resize, root):
    train, test = core.train_test_arrays(name, batch_size, resize, root)
    return (DataLoader(*train, batch_size, shuffle=True, resize=resize),
            DataLoader(*test, batch_size, shuffle=False, resize=resize))


def load_data_fashion_mnist(batch_size, resize=None, root=None):
    """(train_iter, test_iter) over Fashion-MNIST; the train order is reshuffled each epoch."""
    return _load('fashion-mnist', batch_size, resize, root)


def load_data_mnist(batch_size, resize=None, root=None):
    """(train_iter, test_iter) over MNIST; the train order is reshuffled each epoch."""
    return _load('mnist', batch_size, resize, root)


_FAST = weakref.WeakKeyDictionary()  # user's nn.Sequential -> its hybridized twin


def _fast(net):
    """A hybridized net computing the same function with the same Parameters.

    The book builds LeNet as ``nn.Sequential``, which cannot be compiled as a whole; a
    HybridSequential holding the very same child blocks can, and updates ``net``'s
    weights as it trains. Anything else is used as it is.
    """
    if isinstance(net, nn.HybridBlock):
        net.hybridize(static_alloc=True)
        return net
    children = list(net._children.values()) if type(net) is nn.Sequential else []
    if not children or not all(isinstance(b, nn.HybridBlock) for b in children):
        return net
    fast = _FAST.get(net)
    if fast is None or list(fast._children.values()) != children:
        fast = nn.HybridSequential(prefix=net.prefix)
        with fast.name_scope():
            fast.add(*children)
        fast.hybridize(static_alloc=True)
        _FAST[net] = fast  # not an attribute: a Block would adopt it as a child
    return fast


def _contexts(ctx):
    if ctx is None:
        return [mx.cpu()]
    return list(ctx) if isinstance(ctx, (list, tuple)) else [ctx]


def accuracy(y_hat, y):
    """Number of correct predictions, as a float (d2l)."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    return float((y_hat.astype(y.dtype) == y).sum().asscalar())


def _hits(y_hat, y):
    """Correct predictions as a float64 array, left on the device (no host sync)."""
    return (y_hat.argmax(axis=1) == y.astype('float32')).sum().astype('float64')


def evaluate_accuracy(data_iter, net, ctx=None):
    """Accuracy of ``net`` over ``data_iter`` on ``ctx`` (d2lzh; one host sync at the end)."""
    ctxes, model = _contexts(ctx), _fast(net)
    acc_sum, n = nd.zeros((1,), ctx=ctxes[0], dtype='float64'), 0
    for X, y in data_iter:
        for Xs, ys in zip(gluon.utils.split_and_load(X, ctxes),
                          gluon.utils.split_and_load(y, ctxes)):
            acc_sum += _hits(model(Xs), ys).as_in_context(ctxes[0])
            n += ys.size
    if n == 0:
        raise ValueError('evaluate_accuracy: data_iter yielded no examples')
    return acc_sum.asscalar() / n


def evaluate_accuracy_gpu(net, data_iter, device=None):
    """Accuracy of ``net`` over ``data_iter`` (d2l order); device defaults to the net's."""
    if device is None:
        params = list(net.collect_params().values())
        device = params[0].list_ctx()[0] if params else mx.cpu()
    return evaluate_accuracy(data_iter, net, device)


def _step(model, loss, trainer, device, step_size=None):
    """One SGD step on a batch; returns (summed loss, hits, n) with the sums on the device.

    ``step_size=None`` steps by the batch's own size (d2l: mean loss); an int is d2lzh's
    ``trainer.step(batch_size)``, applied to the last, short batch too.
    """
    def step(X, y):
        X, y = X.as_in_context(device), y.as_in_context(device)
        with autograd.record():
            y_hat = model(X)
            l = loss(y_hat, y).sum()
        l.backward()
        trainer.step(step_size or X.shape[0])
        return l.astype('float64'), _hits(y_hat, y), X.shape[0]
    return step


def _to_float(x):
    return x.asscalar()


def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
              *, recipe=None, results=None):
    """Train and evaluate with d2lzh's semantics: summed loss, ``trainer.step(batch_size)``.

    Prints d2lzh's lines; returns a RunRecord (also appended to ``results`` or D2L_RESULTS).
    """
    batch_size = core.check_positive_int('batch_size', batch_size)
    num_epochs = core.check_epochs(num_epochs)
    loops.check_batches(train_iter)
    step = _step(_fast(net), gloss.SoftmaxCrossEntropyLoss(), trainer, ctx, batch_size)
    record = loops.new_record(BACKEND, 'train_ch5', ctx, recipe, float(trainer.learning_rate),
                              batch_size, num_epochs)
    return loops.train_ch5_loop(step, lambda: evaluate_accuracy(test_iter, net, ctx),
                                _to_float, train_iter, num_epochs, record, results)


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device,
              *, recipe=None, results=None):
    """Train with d2l's chapter-6 recipe on MXNet: Xavier init, SGD, mean loss, Animator.

    Prints d2l's two closing lines; returns a RunRecord like ``train_ch5``.
    """
    num_epochs = core.check_epochs(num_epochs)
    lr = core.check_lr(lr)
    loops.check_batches(train_iter)
    net.initialize(force_reinit=True, ctx=device, init=init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
    step = _step(_fast(net), gloss.SoftmaxCrossEntropyLoss(), trainer, device)
    record = loops.new_record(BACKEND, 'train_ch6', device, recipe, lr, None, num_epochs)
    return loops.train_ch6_loop(step, lambda: evaluate_accuracy(test_iter, net, device),
                                _to_float, train_iter, num_epochs, record, results)


def _loss_and_accuracy(net, data_iter, ctx):
    """(mean over batches of the mean loss, accuracy): what the slides' test loop prints."""
    model, loss = _fast(net), gloss.SoftmaxCrossEntropyLoss()
    total = nd.zeros((1,), ctx=ctx, dtype='float64')
    hits, n, batches = nd.zeros((1,), ctx=ctx, dtype='float64'), 0, 0
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx)
        y_hat = model(X)
        total += loss(y_hat, y).mean().astype('float64')
        hits += _hits(y_hat, y)
        n, batches = n + y.size, batches + 1
    if n == 0:
        raise ValueError('train_slides: test_iter yielded no examples')
    return total.asscalar() / batches, hits.asscalar() / n


def train_slides(net, train_iter, test_iter, num_epochs, trainer, device,
                 *, recipe=None, results=None):
    """The course slides' loop: mean loss, ``trainer.step`` per batch, loss every 100 batches.

    The net is initialised by the caller; returns a RunRecord like ``train_ch5``."""
    num_epochs = core.check_epochs(num_epochs)
    loops.check_batches(train_iter)
    step = _step(_fast(net), gloss.SoftmaxCrossEntropyLoss(), trainer, device)
    record = loops.new_record(BACKEND, 'train_slides', device, recipe,
                              float(trainer.learning_rate), None, num_epochs)
    return loops.train_slides_loop(step, lambda: _loss_and_accuracy(net, test_iter, device),
                                   _to_float, train_iter, num_epochs, record, results)


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Plot images (arrays of shape (h, w)) in a grid, as d2l.show_images; returns the axes."""
    arrays = [img.asnumpy() if hasattr(img, 'asnumpy') else img for img in imgs]
    return animator.show_images(arrays, num_rows, num_cols, titles, scale)
