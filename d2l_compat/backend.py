"""The one backend interface: every public helper written once over a few framework hooks.

A backend module (``d2l_compat.mxnet``, ``d2l_compat.torch``) subclasses :class:`Backend`,
implements the hooks (the methods that raise ``NotImplementedError`` here) and calls
:func:`export`. Adding a framework means writing one such module.
"""
from . import capture, core, loops, threads
from .animator import Animator
from .animator import show_images as show_numpy_images
from .core import Accumulator, Normalize, RunRecord, Timer
from .data import get_fashion_mnist_labels

# Every backend module exports exactly these names (tests compare dir() with this list).
PUBLIC = (
    'Accumulator', 'Animator', 'BACKEND', 'DataLoader', 'Normalize', 'RunRecord', 'Timer',
    'accuracy', 'argmax', 'astype', 'cpu', 'evaluate_accuracy', 'evaluate_accuracy_gpu',
    'get_fashion_mnist_labels', 'get_params', 'gpu', 'load_data_fashion_mnist',
    'load_data_mnist', 'num_gpus', 'recorded', 'reduce_sum', 'set_params', 'set_seed',
    'show_images', 'size', 'train_ch5', 'train_ch6', 'train_slides', 'try_all_gpus',
    'try_gpu')
_SHARED = {'Accumulator': Accumulator, 'Animator': Animator, 'Normalize': Normalize,
           'RunRecord': RunRecord, 'Timer': Timer,
           'get_fashion_mnist_labels': get_fashion_mnist_labels}


class DataLoader:
    """Mini-batches of in-memory images as framework arrays: X float32 (n, 1, h, w) in [0, 1]."""

    def __init__(self, backend, images, labels, batch_size, shuffle=False, resize=None):
        self._backend = backend
        self._batches = core.ArrayBatches(images, labels, batch_size, shuffle,
                                          backend.label_dtype)
        self._resize = core.check_resize(resize)

    def __len__(self):
        return len(self._batches)

    @property
    def num_examples(self):
        return self._batches.num_examples

    @property
    def batch_size(self):
        return self._batches.indices.batch_size

    def __iter__(self):
        for X, y in self._batches:
            X, y = self._backend.to_arrays(X, y)
            if self._resize:
                X = self._backend.resize(X, self._resize)
            yield X, y


class Backend:
    """Helpers written once; a subclass supplies the framework's hooks."""
    name = None
    label_dtype = None  # numpy dtype of the labels the framework's losses take

    # ---- hooks: arrays ------------------------------------------------------------------
    def to_arrays(self, X, y):
        """numpy (float32 images, labels) -> the framework's arrays."""
        raise NotImplementedError

    def resize(self, X, size):
        """Bilinear resize of a batch to (h, w), half-pixel centres (align_corners=False)."""
        raise NotImplementedError

    def to_numpy(self, x):
        raise NotImplementedError

    def to_float(self, x):
        """A device scalar as a Python float (the one place that waits for the device)."""
        raise NotImplementedError

    def seed(self, seed):
        """Seed the framework's own generators."""
        raise NotImplementedError

    # ---- hooks: devices -----------------------------------------------------------------
    def cpu(self):
        raise NotImplementedError

    def gpu(self, i=0):
        raise NotImplementedError

    def num_gpus(self):
        raise NotImplementedError

    def device_of(self, net):
        """The device of a net's first parameter (d2l's evaluate_accuracy_gpu default)."""
        raise NotImplementedError

    # ---- hooks: training ----------------------------------------------------------------
    def prepare(self, net, device):
        """Put ``net`` on ``device``; return the callable that computes it fastest."""
        raise NotImplementedError

    def step(self, model, trainer, X, y, device, divisor):
        """One SGD step on a batch; return (summed loss, hits) left on the device.

        ``divisor=None``: the gradient of the batch's mean loss (d2l). An int: the gradient
        of the summed loss divided by it, as Gluon's ``trainer.step(batch_size)`` (d2lzh)."""
        raise NotImplementedError

    def loss_and_hits(self, model, X, y, device):
        """(summed loss, hits) of a batch in evaluation mode, left on the device."""
        raise NotImplementedError

    def hits(self, y_hat, y):
        """Correct predictions of a batch, as a float64 device scalar."""
        raise NotImplementedError

    def init_ch6(self, net, device):
        """What the book's train_ch6 does to a net before training (Xavier, edition rules)."""
        raise NotImplementedError

    def sgd(self, net, lr, momentum=0.0):
        """The book's optimizer: minibatch SGD on every parameter (momentum 0: plain SGD)."""
        raise NotImplementedError

    def init_xavier(self, net, device):
        """Gluon's ``init.Xavier()`` on ``device``: Glorot-uniform weights, zero biases (what
        d2lzh §5.5 does, written once for every backend)."""
        raise NotImplementedError

    def init_default(self, net, device):
        """The framework's own default initialisation, on ``device``."""
        raise NotImplementedError

    def materialize(self, net, input_shape, device):
        """Give every parameter of an initialised net its shape on ``device`` (Gluon infers
        shapes on a first forward pass), so weights can be read or assigned before training."""
        raise NotImplementedError

    def learning_rate(self, trainer):
        raise NotImplementedError

    # ---- hooks: parameters, threads, host -----------------------------------------------
    def named_arrays(self, net):
        """[(layer, kind, numpy array)] of the net's parameters in layer order."""
        raise NotImplementedError

    def assign(self, net, arrays):
        """Write numpy arrays (in named_arrays' order, shapes checked) into the net."""
        raise NotImplementedError

    def get_threads(self):
        raise NotImplementedError

    def set_threads(self, n):
        raise NotImplementedError

    def limit_threads(self, n):
        """The thread count the framework can safely switch to, at most ``n``."""
        return n

    def numerics(self):
        """What besides the seed changes this framework's numbers (oneDNN, ...)."""
        return {}

    # ---- the public helpers, written once ------------------------------------------------
    def set_seed(self, seed):
        """Seed Python, numpy (and so every loader's order) and the framework."""
        core.seed_python_numpy(seed)
        self.seed(seed)

    def try_gpu(self, i=0):
        """gpu(i) if it exists, else cpu()."""
        return self.gpu(i) if self.num_gpus() >= i + 1 else self.cpu()

    def try_all_gpus(self):
        """Every GPU, or [cpu()] when there is none (d2lzh; d2l's docstring)."""
        return [self.gpu(i) for i in range(self.num_gpus())] or [self.cpu()]

    def _loaders(self, name, batch_size, resize, root):
        train, test = core.train_test_arrays(name, batch_size, resize, root)
        return (DataLoader(self, *train, batch_size, shuffle=True, resize=resize),
                DataLoader(self, *test, batch_size, shuffle=False, resize=resize))

    def load_data_fashion_mnist(self, batch_size, resize=None, root=None):
        """(train_iter, test_iter) over Fashion-MNIST; the train order is reshuffled each epoch."""
        return self._loaders('fashion-mnist', batch_size, resize, root)

    def load_data_mnist(self, batch_size, resize=None, root=None):
        """(train_iter, test_iter) over MNIST; the train order is reshuffled each epoch."""
        return self._loaders('mnist', batch_size, resize, root)

    # d2l's array helpers; a backend whose arrays spell these otherwise overrides them.
    @staticmethod
    def argmax(x, *args, **kwargs):
        return x.argmax(*args, **kwargs)

    @staticmethod
    def reduce_sum(x, *args, **kwargs):
        return x.sum(*args, **kwargs)

    def accuracy(self, y_hat, y):
        """Number of correct predictions, as a float (d2l)."""
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = self.argmax(y_hat, axis=1)
        cmp = self.astype(y_hat, y.dtype) == y
        return self.to_float(self.reduce_sum(self.astype(cmp, y.dtype)))

    def _evaluate(self, net, data_iter, device, with_loss=False):
        """(test loss or None, accuracy) over data_iter, one device sync per number.

        The loss is the slides' "Avg loss": the mean over batches of each batch's mean."""
        device = self._one_device(device) if device is not None else self.device_of(net)
        model = self.prepare(net, device)
        batch_means = hits = None
        n = batches = 0
        with threads.chosen(self):
            for X, y in data_iter:
                loss_sum, batch_hits = self.loss_and_hits(model, X, y, device)
                hits = batch_hits if hits is None else hits + batch_hits
                if with_loss:
                    mean = loss_sum / len(y)
                    batch_means = mean if batch_means is None else batch_means + mean
                n, batches = n + len(y), batches + 1
        if n == 0:
            raise ValueError('evaluate_accuracy: data_iter yielded no examples')
        loss = self.to_float(batch_means) / batches if with_loss else None
        return loss, self.to_float(hits) / n

    def _one_device(self, device):
        if isinstance(device, (list, tuple)):
            if len(device) != 1:
                raise ValueError(f'evaluation on several devices is not supported: {device!r};'
                                 ' pass one device')
            device = device[0]
        return device

    def evaluate_accuracy(self, data_iter, net, ctx=None):
        """Accuracy of ``net`` over ``data_iter`` (d2lzh's argument order)."""
        return self._evaluate(net, data_iter, ctx if ctx is not None else self.cpu())[1]

    def evaluate_accuracy_gpu(self, net, data_iter, device=None):
        """Accuracy of ``net`` over ``data_iter`` (d2l); device defaults to the net's."""
        return self._evaluate(net, data_iter, device)[1]

    def fit(self, loop, net, train_iter, test_iter, num_epochs, trainer, device, divisor=None,
            recipe=None, results=None, batch_size=None):
        """Run one of ``loops``' epoch loops with this framework's step; return the record."""
        loops.check_batches(train_iter)
        model = self.prepare(net, device)
        record = loops.new_record(self.name, loop.trainer, device, recipe,
                                  self.learning_rate(trainer), batch_size, num_epochs,
                                  self.numerics())

        def step(X, y):
            return self.step(model, trainer, X, y, device, divisor)

        def evaluate():
            loss, acc = self._evaluate(net, test_iter, device, with_loss=loop.test_loss)
            return (loss, acc) if loop.test_loss else acc
        with threads.chosen(self, record) as policy:
            return loop(step, evaluate, self.to_float, train_iter, num_epochs, record, results,
                        policy.begin_epoch)

    def train_ch5(self, net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                  *, recipe=None, results=None):
        """Train with d2lzh's semantics: summed loss, ``trainer.step(batch_size)``.

        The net is initialised by the caller, as in the book. Prints d2lzh's lines; returns
        a RunRecord (also appended to ``results`` or D2L_RESULTS)."""
        batch_size = core.check_positive_int('batch_size', batch_size)
        num_epochs = core.check_epochs(num_epochs)
        return self.fit(loops.train_ch5_loop, net, train_iter, test_iter, num_epochs, trainer,
                        ctx, batch_size, recipe, results, batch_size)

    def train_ch6(self, net, train_iter, test_iter, num_epochs, lr, device,
                  *, recipe=None, results=None):
        """Train with d2l's chapter-6 recipe: Xavier init, SGD, mean loss, Animator.

        Prints d2l's closing lines; returns a RunRecord like ``train_ch5``."""
        num_epochs = core.check_epochs(num_epochs)
        lr = core.check_lr(lr)
        loops.check_batches(train_iter)
        self.init_ch6(net, device)
        return self.fit(loops.train_ch6_loop, net, train_iter, test_iter, num_epochs,
                        self.sgd(net, lr), device, None, recipe, results)

    def train_slides(self, net, train_iter, test_iter, num_epochs, trainer, device,
                     *, recipe=None, results=None):
        """The course slides' loop: mean loss, a step per batch, loss every 100 batches.

        The net is initialised by the caller; returns a RunRecord like ``train_ch5``."""
        num_epochs = core.check_epochs(num_epochs)
        return self.fit(loops.train_slides_loop, net, train_iter, test_iter, num_epochs,
                        trainer, device, None, recipe, results)

    def recorded(self, fn, *, recipe=None, results=None):
        """Wrap a book-defined trainer so that each call also yields a RunRecord.

        The wrapped function runs unchanged and prints what it prints; afterwards
        ``wrapper.record`` holds its per-epoch numbers (read from d2lzh's epoch lines or
        from the d2l Animator it drew), appended to ``results`` or D2L_RESULTS."""
        return capture.recorded(self, fn, recipe, results)

    def show_images(self, imgs, num_rows, num_cols, titles=None, scale=1.5):
        """Plot images (arrays of shape (h, w)) in a grid, as d2l.show_images; returns the axes."""
        return show_numpy_images([self._as_numpy(img) for img in imgs], num_rows, num_cols,
                                 titles, scale)

    def _as_numpy(self, img):
        try:
            return self.to_numpy(img)
        except (AttributeError, TypeError):
            return img

    def get_params(self, net):
        """The net's parameters as numpy arrays, layer by layer ({'layer.kind': array})."""
        return {f'{layer}.{kind}': array for layer, kind, array in self.named_arrays(net)}

    def set_params(self, net, params):
        """Load parameters from get_params (of either backend) into ``net``, layer by layer.

        Layers are matched in order and shapes checked; a mismatch names the layer."""
        from .transfer import match
        self.assign(net, match(params, self.named_arrays(net), self.name))


REGISTRY = {}  # backend name -> its hooks, filled as each backend module is imported


def hooks(name):
    """The hooks of backend ``name`` (importing its module on first use), for the project's
    tooling: framework-neutral code calls these instead of naming a framework."""
    import importlib
    if name not in REGISTRY:
        importlib.import_module(f'{__package__}.{name}')
    return REGISTRY[name]


def export(backend, namespace):
    """Bind ``backend``'s helpers as module-level names of ``namespace`` (a module's globals)."""
    REGISTRY[backend.name] = backend
    for name in PUBLIC:
        if name == 'BACKEND':
            value = backend.name
        elif name == 'DataLoader':
            value = _bound_loader(backend)
        else:
            value = _SHARED.get(name) or getattr(backend, name)
        namespace[name] = value
    namespace['__all__'] = list(PUBLIC)
    namespace['__dir__'] = lambda: sorted(PUBLIC)  # PEP 562: dir() shows the API only


def _bound_loader(backend):
    class BoundDataLoader(DataLoader):
        __doc__ = DataLoader.__doc__

        def __init__(self, images, labels, batch_size, shuffle=False, resize=None):
            super().__init__(backend, images, labels, batch_size, shuffle, resize)
    BoundDataLoader.__name__ = BoundDataLoader.__qualname__ = 'DataLoader'
    return BoundDataLoader
