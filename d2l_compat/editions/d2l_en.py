"""d2l-en 1.0's object-oriented API (§3.2, §4.2, §7.6), written once over a backend's hooks.

``Module``, ``Classifier``, ``Trainer``, ``DataModule``, ``FashionMNIST``, ``HyperParameters``,
``ProgressBoard``, ``add_to_class`` and ``randn`` with d2l 1.0.3's signatures and training rule
(mean loss, plain SGD, the board's points). What this adds: data offline and checksum-verified
from the arrays every other loader reads, a board that is live in Jupyter and silent headless,
and ``Trainer.record``, the run's numbers per epoch (``record.named(recipe)`` files it).
"""
import collections
import inspect
import time

import numpy as np

from .. import config, core, loops, threads
from ..animator import Animator

NAMES = ('Classifier', 'DataModule', 'FashionMNIST', 'HyperParameters', 'Module',
         'ProgressBoard', 'Trainer', 'add_to_class', 'randn')
_NATIVE = (28, 28)  # Fashion-MNIST's own size: FashionMNIST's default resize is a no-op


def add_to_class(Class):
    """Register functions as methods in created class (d2l)."""
    def wrapper(obj):
        setattr(Class, obj.__name__, obj)
    return wrapper


class HyperParameters:
    """The base class of hyperparameters (d2l)."""

    def save_hyperparameters(self, ignore=[]):
        """Save the calling function's arguments as attributes (and in ``self.hparams``)."""
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {k: v for k, v in local_vars.items()
                        if k not in set(ignore + ['self']) and not k.startswith('_')}
        for k, v in self.hparams.items():
            setattr(self, k, v)


class _BoardView(Animator):
    """The Animator's figure (live, final or off; PNG on save) drawing a board's lines."""

    def __init__(self, board):
        super().__init__(figsize=board.figsize)
        self.board = board

    def _redraw(self):
        board, ax = self.board, self.axes[0]
        ax.cla()
        lines = []
        for (label, points), ls, color in zip(board.data.items(), board.ls, board.colors):
            lines.append(ax.plot([p.x for p in points], [p.y for p in points],
                                 linestyle=ls, color=color)[0])
        if board.xlim:
            ax.set_xlim(board.xlim)
        if board.ylim:
            ax.set_ylim(board.ylim)
        ax.set_xlabel(board.xlabel)
        ax.set_ylabel(board.ylabel)
        ax.set_xscale(board.xscale)
        ax.set_yscale(board.yscale)
        ax.legend(lines, list(board.data))


class ProgressBoard(HyperParameters):
    """The board that plots data points in animation (d2l): ``data`` holds, per label, the
    mean of every ``every_n`` points drawn, as upstream; the figure is drawn as the Animator's
    (updated in place in Jupyter, once with D2L_ANIMATOR=final, never headless)."""
    Point = collections.namedtuple('Point', ['x', 'y'])
    read = staticmethod(float)  # a device scalar -> float (a Module's board reads its framework's)

    def __init__(self, xlabel=None, ylabel=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear',
                 ls=['-', '--', '-.', ':'], colors=['C0', 'C1', 'C2', 'C3'],
                 fig=None, axes=None, figsize=(3.5, 2.5), display=True):
        self.save_hyperparameters()
        self.raw_points = collections.OrderedDict()
        self.data = collections.OrderedDict()
        self._view = None

    def draw(self, x, y, label, every_n=1):
        """Add a point; every ``every_n`` points of a label become one point of its line.
        ``y`` may be a device scalar: it is read once its point is complete."""
        points = self.raw_points.setdefault(label, [])
        line = self.data.setdefault(label, [])
        points.append((x, y))
        if len(points) != every_n:
            return
        ys = [self.read(v) for _, v in points]
        line.append(self.Point(sum(p[0] for p in points) / len(points), sum(ys) / len(ys)))
        points.clear()
        if self.display:
            self.view.refresh()

    @property
    def view(self):
        if self._view is None:
            self._view = _BoardView(self)
        return self._view

    def finish(self):
        """Show the final figure once in D2L_ANIMATOR=final mode (Trainer.fit calls it)."""
        if self.display and self.data:
            self.view.finish()

    def save(self, path):
        """Write the figure as a PNG file."""
        return self.view.save(path)


class DataModule(HyperParameters):
    """The base class of data (d2l)."""

    def __init__(self, root='../data', num_workers=4):
        self.save_hyperparameters()

    def get_dataloader(self, train):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)


class ImageDataset:
    """One split as (image, label) pairs: image float32 (1, h, w) in [0, 1] (``FashionMNIST.train``)."""

    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i][None] / np.float32(255), int(self.labels[i])


def bind(backend):
    """The edition's names, bound to ``backend``'s hooks: {name: object}."""
    from ..backend import DataLoader
    Base = backend.module_base()

    class Module(Base, HyperParameters):
        """The base class of models (d2l); a framework module (nn.Module / gluon.Block)."""

        def __init__(self, plot_train_per_epoch=2, plot_valid_per_epoch=1):
            super().__init__()
            self.save_hyperparameters()
            self.board = ProgressBoard()
            self.board.read = backend.to_float

        def loss(self, y_hat, y):
            raise NotImplementedError

        def forward(self, X):
            assert hasattr(self, 'net'), 'Neural network is defined'
            return self.net(X)

        def plot(self, key, value, train):
            """Plot a point in animation."""
            assert hasattr(self, 'trainer'), 'Trainer is not inited'
            self.board.xlabel = 'epoch'
            if train:
                x = self.trainer.train_batch_idx / self.trainer.num_train_batches
                n = self.trainer.num_train_batches / self.plot_train_per_epoch
            else:
                x = self.trainer.epoch + 1
                n = self.trainer.num_val_batches / self.plot_valid_per_epoch
            self.board.draw(x, backend.scalar(value), ('train_' if train else 'val_') + key,
                            every_n=int(n))

        def training_step(self, batch):
            Y_hat = self(*batch[:-1])
            l = self.loss(Y_hat, batch[-1])
            self.plot('loss', l, train=True)
            self.trainer._tally_train(l, Y_hat, batch[-1])
            return l

        def validation_step(self, batch):
            l = self.loss(self(*batch[:-1]), batch[-1])
            self.plot('loss', l, train=False)

        def configure_optimizers(self):
            """Minibatch SGD on every parameter at ``self.lr`` (d2l §4.2)."""
            return backend.sgd(self, self.lr)

    for name, method in backend.module_methods().items():  # apply_init on PyTorch
        setattr(Module, name, method)

    class Classifier(Module):
        """The base class of classification models (d2l)."""

        def validation_step(self, batch):
            Y_hat = self(*batch[:-1])
            l, acc = self.loss(Y_hat, batch[-1]), self.accuracy(Y_hat, batch[-1])
            self.plot('loss', l, train=False)
            self.plot('acc', acc, train=False)
            self.trainer._tally_val(l, acc)

        def accuracy(self, Y_hat, Y, averaged=True):
            """The fraction (averaged) or the 0/1 per example of correct predictions."""
            return backend.class_accuracy(Y_hat, Y, averaged)

        def loss(self, Y_hat, Y, averaged=True):
            """Cross-entropy of the logits, averaged over the batch or per example."""
            return backend.cross_entropy(Y_hat, Y, averaged)

        def layer_summary(self, X_shape):
            """Print each layer's output shape for a random input of ``X_shape`` (§7.6)."""
            X = backend.randn(*X_shape)
            for layer in self.net:
                X = layer(X)
                print(layer.__class__.__name__, 'output shape:\t', X.shape)

    class FashionMNIST(DataModule):
        """The Fashion-MNIST dataset (d2l), read offline and checksum-verified."""

        def __init__(self, batch_size=64, resize=(28, 28)):
            super().__init__()
            self.save_hyperparameters()
            size = core.check_resize(resize)
            self._resize = None if size == _NATIVE else size
            train, val = core.train_test_arrays('fashion-mnist', batch_size, size,
                                                None if self.root == '../data' else self.root)
            self.train, self.val = ImageDataset(*train), ImageDataset(*val)

        def text_labels(self, indices):
            """Return text labels."""
            labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                      'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
            return [labels[int(i)] for i in indices]

        def get_dataloader(self, train):
            """Mini-batches of framework arrays; the train order reshuffled each epoch."""
            data = self.train if train else self.val
            return DataLoader(backend, data.images, data.labels, self.batch_size,
                              shuffle=train, resize=self._resize)

        def visualize(self, batch, nrows=1, ncols=8, labels=[]):
            X, y = batch
            if not labels:
                labels = self.text_labels(y)
            backend.show_images_d2l(X.squeeze(1), nrows, ncols, titles=labels)

    class Trainer(HyperParameters):
        """The base class for training models with data (d2l 1.0.3's, with GPUs).

        ``fit`` trains as upstream does and prints nothing; afterwards ``self.record`` holds
        the run's numbers per epoch: train loss and accuracy over the epoch's examples, and
        the validation loss and accuracy the board plots (means of the batches' means)."""

        def __init__(self, max_epochs, num_gpus=0, gradient_clip_val=0):
            self.save_hyperparameters()
            self.gpus = [backend.gpu(i) for i in range(min(num_gpus, backend.num_gpus()))]
            self.record = None

        @property
        def device(self):
            return self.gpus[0] if self.gpus else backend.cpu()

        def prepare_data(self, data):
            self.train_dataloader = data.train_dataloader()
            self.val_dataloader = data.val_dataloader()
            self.num_train_batches = len(self.train_dataloader)
            self.num_val_batches = (len(self.val_dataloader)
                                    if self.val_dataloader is not None else 0)

        def prepare_model(self, model):
            model.trainer = self
            model.board.xlim = [0, self.max_epochs]
            backend.move_model(model, self.device)
            self.model = model

        def prepare_batch(self, batch):
            return [backend.to_device(a, self.device) for a in batch]

        def fit(self, model, data):
            max_epochs = core.check_epochs(self.max_epochs)
            self.prepare_data(data)
            loops.check_batches(self.train_dataloader)
            self.prepare_model(model)
            self.optim = model.configure_optimizers()
            self.epoch = 0
            self.train_batch_idx = 0
            self.val_batch_idx = 0
            self.record = loops.new_record(
                backend.name, 'Trainer', self.device, None, getattr(model, 'lr', None),
                getattr(data, 'batch_size', None), max_epochs, backend.numerics())
            with threads.chosen(backend, self.record) as policy:
                for self.epoch in range(max_epochs):
                    policy.begin_epoch()
                    start = time.time()
                    self.fit_epoch()
                    self._close_epoch(time.time() - start)
            model.board.finish()

        def fit_epoch(self):
            """One pass over the training batches, then over the validation batches."""
            self._train = loops.Sums(backend.to_float, keep_steps=config.record_steps())
            self._val = [None, None, 0]
            backend.train_mode(self.model, True)
            for batch in self.train_dataloader:
                backend.fit_batch(self, self.prepare_batch(batch))
                self.train_batch_idx += 1
            if self.val_dataloader is None:
                return
            backend.train_mode(self.model, False)
            for batch in self.val_dataloader:
                with backend.no_grad():
                    self.model.validation_step(self.prepare_batch(batch))
                self.val_batch_idx += 1

        def clip_gradients(self, grad_clip_val, model):
            """Scale every gradient down so that their joint norm is at most grad_clip_val."""
            backend.clip_gradients(model, grad_clip_val)

        def _tally_train(self, loss, Y_hat, Y):
            """Module.training_step's batch: summed loss and hits, left on the device."""
            if getattr(self, '_train', None) is not None:
                n = len(Y)
                if not self.record.batch_size:  # a DataModule need not name its batch size
                    self.record.batch_size = n
                self._train.add(backend.scalar(loss) * n, backend.detached_hits(Y_hat, Y), n)

        def _tally_val(self, loss, acc):
            if getattr(self, '_val', None) is not None:
                loss, acc = backend.scalar(loss), backend.scalar(acc)
                sums = self._val
                sums[0] = loss if sums[0] is None else sums[0] + loss
                sums[1] = acc if sums[1] is None else sums[1] + acc
                sums[2] += 1

        def _close_epoch(self, seconds):
            record, train = self.record, self._train
            if not train.n:  # a Module whose training_step is its own: nothing tallied
                return
            train_l, train_acc = train.means()
            val_loss, val_acc, batches = self._val
            val_acc = backend.to_float(val_acc) / batches if batches else float('nan')
            record.add_epoch(train_l, train_acc, val_acc, seconds, train.n)
            record.epochs[-1]['val_loss'] = (backend.to_float(val_loss) / batches
                                             if batches else None)
            record.threads.append(backend.get_threads())
            record.steps.extend(train.step_losses())
            record.train_examples = train.n

    def randn(*size):
        """Standard normal samples of shape ``size``, from the framework's generator."""
        return backend.randn(*size)

    return {'Classifier': Classifier, 'DataModule': DataModule, 'FashionMNIST': FashionMNIST,
            'HyperParameters': HyperParameters, 'Module': Module,
            'ProgressBoard': ProgressBoard, 'Trainer': Trainer, 'add_to_class': add_to_class,
            'randn': randn}

