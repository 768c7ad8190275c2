"""The one backend interface: every public helper written once over a few framework hooks.

A backend module (``d2l_compat.mxnet``, ``d2l_compat.torch``) subclasses :class:`Backend`,
implements the hooks (the methods that raise ``NotImplementedError`` here) and calls
:func:`export`. Adding a framework means writing one such module.
"""
from . import capture, core, editions, loops, threads
from .animator import show_images as show_numpy_images

# Every backend module exports exactly these names: the union of the editions' (tests compare
# dir() with this list).
PUBLIC = editions.public_names()


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

    # ---- hooks: d2l-en's Module / Trainer (editions/d2l_en.py) ----------------------------
    def module_base(self):
        """The class a d2l-en Module subclasses (nn.Module, gluon.Block)."""
        raise NotImplementedError

    def numpy_interface(self):
        """Switch to the framework's NumPy interface where it has two (MXNet's npx.set_np(),
        which every d2l-en section calls); nothing elsewhere."""

    def module_methods(self):
        """{name: function} a d2l-en Module has on this framework only (apply_init)."""
        return {}

    def scalar(self, value):
        """A loss or accuracy as a device scalar cut from the autograd graph (not synced)."""
        raise NotImplementedError

    def cross_entropy(self, Y_hat, Y, averaged=True):
        """Softmax cross-entropy of logits, the batch's mean or per example (d2l-en)."""
        raise NotImplementedError

    def class_accuracy(self, Y_hat, Y, averaged=True):
        """Correct predictions as float32, the batch's mean or per example (d2l-en)."""
        raise NotImplementedError

    def detached_hits(self, Y_hat, Y):
        """``hits`` of a training batch, outside the autograd graph."""
        raise NotImplementedError

    def randn(self, *size):
        raise NotImplementedError

    def to_device(self, x, device):
        raise NotImplementedError

    def move_model(self, model, device):
        """Put a d2l-en Module's parameters on ``device``."""
        raise NotImplementedError

    def train_mode(self, model, training):
        """Switch a module to training or evaluation mode (a no-op where there is none)."""

    def no_grad(self):
        """A context in which nothing is recorded for gradients."""
        raise NotImplementedError

    def fit_batch(self, trainer, batch):
        """d2l-en's Trainer step: ``trainer.model.training_step(batch)``, backward, clip if
        ``trainer.gradient_clip_val``, ``trainer.optim`` steps; returns the loss."""
        raise NotImplementedError

    def clip_gradients(self, model, max_norm):
        """Scale every gradient of ``model`` so that their joint L2 norm is at most max_norm."""
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

    def evaluate(self, net, data_iter, device, with_loss=False):
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
            loss, acc = self.evaluate(net, test_iter, device, with_loss=loop.test_loss)
            return (loss, acc) if loop.test_loss else acc
        with threads.chosen(self, record) as policy:
            return loop(step, evaluate, self.to_float, train_iter, num_epochs, record, results,
                        policy.begin_epoch)

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

    show_images_d2l = show_images  # d2l's signature on every backend (d2l-en's visualize)

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
    """Bind every edition's names for ``backend`` as module-level names of ``namespace``."""
    REGISTRY[backend.name] = backend
    namespace.update(editions.bind(backend))
    namespace['__all__'] = list(PUBLIC)
    namespace['__dir__'] = lambda: sorted(PUBLIC)  # PEP 562: dir() shows the API only


def bound_loader(backend):
    """``DataLoader`` with ``backend`` bound (d2l_compat.<backend>.DataLoader)."""
    class BoundDataLoader(DataLoader):
        __doc__ = DataLoader.__doc__

        def __init__(self, images, labels, batch_size, shuffle=False, resize=None):
            super().__init__(backend, images, labels, batch_size, shuffle, resize)
    BoundDataLoader.__name__ = BoundDataLoader.__qualname__ = 'DataLoader'
    return BoundDataLoader
