"""What this project adds on every edition: seeds, run records, parameters across frameworks,
MNIST, the course slides' loop, and the devices by name."""
import time

from .. import core, loops
from ..core import Normalize, RunRecord

NAMES = ('BACKEND', 'DataLoader', 'Normalize', 'RunRecord', 'cpu', 'get_params', 'gpu',
         'load_data_mnist', 'recorded', 'set_params', 'set_seed', 'train_slides')


def train_slides_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                      begin_epoch=None):
    """The course slides' loop (PyTorch tutorial style): loss every 100 batches, test per epoch.

    ``evaluate()`` returns (mean test loss, test accuracy)."""
    size = getattr(train_iter, 'num_examples', None) or '?'
    last = {}

    def report(batch, sums):
        if batch % 100 == 0:  # one host sync per 100 batches, as the slides print
            loss_sum, n = last['loss'], last['n']
            print(f'loss: {to_float(loss_sum) / n:>7f}  [{sums.n:>5d}/{size:>5}]')

    def remember(X, y):
        loss_sum, hits = step(X, y)
        last.update(loss=loss_sum, n=len(y))
        return loss_sum, hits

    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        print(f'Epoch {epoch + 1}\n-------------------------------')
        start = time.time()
        sums = loops.epoch(remember, train_iter, to_float, record, report)
        test_loss, test_acc = evaluate()
        print(f'Test Error: \n Accuracy: {100 * test_acc:>0.1f}%, Avg loss: {test_loss:>8f} \n')
        train_l, train_acc = sums.means()
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    record.save(results)
    return record


train_slides_loop.trainer, train_slides_loop.test_loss = 'train_slides', True
LOOPS = {'train_slides': train_slides_loop}


def bind(backend):
    """The names, bound to ``backend``."""
    from ..backend import bound_loader

    def train_slides(net, train_iter, test_iter, num_epochs, trainer, device, *, recipe=None,
                     results=None):
        """The course slides' loop: mean loss, a step per batch, loss every 100 batches.

        The net is initialised by the caller; returns a RunRecord like ``train_ch5``."""
        num_epochs = core.check_epochs(num_epochs)
        return backend.fit(train_slides_loop, net, train_iter, test_iter, num_epochs,
                           trainer, device, None, recipe, results)

    own = {'BACKEND': backend.name, 'DataLoader': bound_loader(backend),
           'Normalize': Normalize, 'RunRecord': RunRecord, 'train_slides': train_slides}
    return {name: own[name] if name in own else getattr(backend, name) for name in NAMES}
