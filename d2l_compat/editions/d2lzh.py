"""d2lzh 1.0 (the first Chinese edition, §5.5): the helpers its LeNet section calls, and its
training loop, written once over the backend hooks."""
import re
import time

from .. import core, loops
from ..data import get_fashion_mnist_labels

NAMES = ('evaluate_accuracy', 'get_fashion_mnist_labels', 'load_data_fashion_mnist',
         'show_images', 'train_ch5', 'try_all_gpus', 'try_gpu')
EPOCH_LINE = re.compile(r'epoch (\d+), loss (\S+), train acc (\S+), test acc (\S+), '
                        r'time (\S+) sec')


def epochs_from_lines(text):
    """[(loss, train acc, test acc, seconds)] from d2lzh's printed epoch lines."""
    return [(float(loss), float(train), float(test), float(sec))
            for _, loss, train, test, sec in EPOCH_LINE.findall(text)]


def train_ch5_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                   begin_epoch=None):
    """d2lzh's train_ch5 loop: one line per epoch, wall time including the test pass."""
    print('training on', record.device)
    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        start = time.time()
        sums = loops.epoch(step, train_iter, to_float, record)
        test_acc = evaluate()
        train_l, train_acc = sums.means()
        seconds = time.time() - start
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec'
              % (epoch + 1, train_l, train_acc, test_acc, seconds))
        record.add_epoch(train_l, train_acc, test_acc, seconds, sums.n)
    record.save(results)
    return record


train_ch5_loop.trainer, train_ch5_loop.test_loss = 'train_ch5', False
LOOPS = {'train_ch5': train_ch5_loop}


def bind(backend):
    """The edition's names, bound to ``backend``."""

    def evaluate_accuracy(data_iter, net, ctx=None):
        """Accuracy of ``net`` over ``data_iter`` (d2lzh's argument order)."""
        return backend.evaluate(net, data_iter, ctx if ctx is not None else backend.cpu())[1]

    def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                  *, recipe=None, results=None):
        """Train with d2lzh's semantics: summed loss, ``trainer.step(batch_size)``.

        The net is initialised by the caller, as in the book. Prints d2lzh's lines; returns
        a RunRecord (also appended to ``results`` or D2L_RESULTS)."""
        batch_size = core.check_positive_int('batch_size', batch_size)
        num_epochs = core.check_epochs(num_epochs)
        return backend.fit(train_ch5_loop, net, train_iter, test_iter, num_epochs, trainer,
                           ctx, batch_size, recipe, results, batch_size)

    own = {'evaluate_accuracy': evaluate_accuracy, 'train_ch5': train_ch5,
           'get_fashion_mnist_labels': get_fashion_mnist_labels}
    return {name: own.get(name) or getattr(backend, name) for name in NAMES}
