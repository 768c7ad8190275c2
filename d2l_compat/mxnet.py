"""MXNet/Gluon backend: drop-in for d2lzh (§5.5) and for d2l's MXNet edition (§6.6, ``npx.set_np()``).

Swap ``import d2lzh as d2l`` or ``from d2l import mxnet as d2l`` for
``from d2l_compat import mxnet as d2l``; the book's cells run unchanged. Legacy ``nd`` code
gets ``nd`` arrays, code that called ``npx.set_np()`` gets ``mx.np`` arrays. Importing this
module imports MXNet and changes nothing else: for CPU speed set ``MXNET_ENGINE_TYPE=NaiveEngine``
before MXNet loads (the course's Jupyter kernel does; see the README).
"""
import ctypes
import ctypes.util
import os
import sys
import weakref

# The OpenMP runtime MXNet links (the one torch loaded, if torch came first: same soname).
_GOMP = ctypes.CDLL(ctypes.util.find_library('gomp') or 'libgomp.so.1')
_threads_before_import = _GOMP.omp_get_max_threads()
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet import autograd, gluon, init, nd  # noqa: E402
from mxnet.gluon import loss as gloss, nn  # noqa: E402

# MXNet's import sets this thread's OpenMP threads to 1, which also drops an already-loaded
# torch to one thread; give the process back the setting it had.
if _GOMP.omp_get_max_threads() != _threads_before_import:
    _GOMP.omp_set_num_threads(_threads_before_import)

from . import backend
from .animator import show_images as show_numpy_images

_FAST = weakref.WeakKeyDictionary()  # user's nn.Sequential -> its hybridized twin
_LOSS = gloss.SoftmaxCrossEntropyLoss()


def _np_mode():
    """Whether the user called npx.set_np(): the book's §6.6 code expects mx.np arrays."""
    return mx.util.is_np_array()


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


class MXNetBackend(backend.Backend):
    name = 'mxnet'
    label_dtype = np.int32

    def to_arrays(self, X, y):
        module = mx.np if _np_mode() else nd
        return module.array(X, dtype='float32'), module.array(y, dtype='int32')

    def resize(self, X, size):
        legacy = X.as_nd_ndarray() if _np_mode() else X
        out = nd.contrib.BilinearResize2D(legacy, height=size[0], width=size[1],
                                          align_corners=False)
        return out.as_np_ndarray() if _np_mode() else out

    def to_numpy(self, x):
        return x.asnumpy()

    def to_float(self, x):
        return float(x.asnumpy().reshape(()))

    def seed(self, seed):
        mx.random.seed(seed)

    def cpu(self):
        return mx.cpu()

    def gpu(self, i=0):
        return mx.gpu(i)

    def num_gpus(self):
        return mx.context.num_gpus()

    def device_of(self, net):
        params = list(net.collect_params().values())
        return params[0].list_ctx()[0] if params else mx.cpu()

    def prepare(self, net, device):
        return _fast(net)

    def hits(self, y_hat, y):
        return (y_hat.argmax(axis=1).astype('float32') == y.astype('float32')).sum().astype(
            'float64')

    def step(self, model, trainer, X, y, device, divisor):
        X, y = X.as_in_context(device), y.as_in_context(device)
        with autograd.record():
            y_hat = model(X)
            loss = _LOSS(y_hat, y).sum()
        loss.backward()
        trainer.step(divisor or X.shape[0])
        return loss.astype('float64'), self.hits(y_hat, y)

    def loss_and_hits(self, model, X, y, device):
        X, y = X.as_in_context(device), y.as_in_context(device)
        y_hat = model(X)
        return _LOSS(y_hat, y).sum().astype('float64'), self.hits(y_hat, y)

    def init_ch6(self, net, device):
        self.init_xavier(net, device)  # Gluon's Xavier: the book's train_ch6 on MXNet

    def sgd(self, net, lr, momentum=0.0):
        options = {'learning_rate': lr, **({'momentum': momentum} if momentum else {})}
        return gluon.Trainer(net.collect_params(), 'sgd', options)

    def init_xavier(self, net, device):
        net.initialize(force_reinit=True, ctx=device, init=init.Xavier())

    def init_default(self, net, device):
        net.initialize(force_reinit=True, ctx=device)

    def materialize(self, net, input_shape, device):
        net((mx.np if mx.util.is_np_array() else nd).zeros(input_shape, ctx=device))

    def learning_rate(self, trainer):
        return float(trainer.learning_rate)

    def numpy_interface(self):
        mx.npx.set_np()

    def module_base(self):
        return gluon.Block

    def scalar(self, value):
        return value.detach()

    def cross_entropy(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        l = _LOSS(Y_hat, Y.reshape((-1,)))
        return l.mean() if averaged else l

    def class_accuracy(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        preds = Y_hat.argmax(axis=1).astype(Y.dtype)
        compare = (preds == Y.reshape(-1)).astype('float32')
        return compare.mean() if averaged else compare

    def detached_hits(self, Y_hat, Y):
        with autograd.pause():
            return self.hits(Y_hat, Y)

    def randn(self, *size):
        return (mx.np.random.randn(*size) if _np_mode()
                else nd.random.normal(shape=size))

    def to_device(self, x, device):
        return x.as_in_context(device)

    def move_model(self, model, device):
        params = model.collect_params()
        if any(p._data is not None or p._deferred_init for p in params.values()):
            params.reset_ctx(device)

    def no_grad(self):
        return autograd.pause()

    def fit_batch(self, trainer, batch):
        with autograd.record():
            loss = trainer.model.training_step(batch)
        loss.backward()
        if trainer.gradient_clip_val > 0:
            trainer.clip_gradients(trainer.gradient_clip_val, trainer.model)
        trainer.optim.step(1)  # d2l 1.0.3: the loss is already the batch's mean
        return loss

    def clip_gradients(self, model, max_norm):
        grads = [p.grad() for p in model.collect_params().values() if p.grad_req != 'null']
        norm = float(sum((g ** 2).sum() for g in grads).asnumpy()) ** 0.5
        if norm > max_norm:
            for g in grads:
                g[:] *= max_norm / norm

    def named_arrays(self, net):
        found = []
        for name, param in net.collect_params().items():
            if param.grad_req == 'null':
                continue  # constants (masks, codes) are part of the net's definition
            if param._data is None:
                raise ValueError(f'{name} is not initialised yet: initialize the net and pass '
                                 'one batch through it (Gluon infers input sizes then)')
            layer, kind = name.rsplit('_', 1)
            found.append((layer, kind, param.data().asnumpy()))
        return found

    def assign(self, net, arrays):
        params = [p for p in net.collect_params().values() if p.grad_req != 'null']
        for param, array in zip(params, arrays):
            param.set_data((mx.np if _np_mode() else nd).array(array, dtype=array.dtype))

    _ceiling = None  # the fewest threads this process has run MXNet with, once it went down

    def get_threads(self):
        return _GOMP.omp_get_max_threads()

    def set_threads(self, n):
        # The NaiveEngine runs operators on this thread, with this thread's OpenMP setting.
        _GOMP.omp_set_num_threads(n)
        MXNetBackend._ceiling = min(n, MXNetBackend._ceiling or n)

    def limit_threads(self, n):
        # MXNet 1.9's oneDNN crashes (segfault in a backward pass) when the thread count rises
        # above the one a backward pass already ran with; so the count only ever goes down.
        return n if MXNetBackend._ceiling is None else min(n, MXNetBackend._ceiling)

    def numerics(self):
        return {'onednn': bool(mx.runtime.Features().is_enabled('MKLDNN')),
                'engine': os.environ.get('MXNET_ENGINE_TYPE', 'ThreadedEnginePerDevice'),
                'interface': 'np' if _np_mode() else 'nd'}

    # §5.5's d2lzh and §6.6's d2l disagree here; MXNet follows d2lzh, as its first edition.
    def show_images(self, imgs, num_rows, num_cols, scale=2, *, titles=None):
        """Plot images in a grid with d2lzh's signature; returns the (rows, cols) axes."""
        axes = show_numpy_images([self._as_numpy(img) for img in imgs], num_rows, num_cols,
                                 titles, scale)
        return axes.reshape(num_rows, num_cols)

    @staticmethod
    def size(a):
        return a.size

    @staticmethod
    def astype(x, *args, **kwargs):
        return x.astype(*args, **kwargs)

backend.export(MXNetBackend(), globals())
