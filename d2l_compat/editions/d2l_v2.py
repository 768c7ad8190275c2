"""d2l-zh v2.0.0 (the second Chinese edition, §6.6): the helpers its LeNet section calls, and
its training loop, written once over the backend hooks."""
import time

from .. import core, loops
from ..animator import Animator
from ..core import Accumulator, Timer

NAMES = ('Accumulator', 'Animator', 'Timer', 'accuracy', 'argmax', 'astype',
         'evaluate_accuracy_gpu', 'load_data_fashion_mnist', 'num_gpus', 'reduce_sum', 'size',
         'train_ch6', 'try_all_gpus', 'try_gpu')


def train_ch6_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                   begin_epoch=None):
    """d2l's train_ch6 loop: Animator five times per epoch, two closing lines."""
    print('training on', record.device)
    animator = Animator(xlabel='epoch', xlim=[1, max(num_epochs, 1)],
                        legend=['train loss', 'train acc', 'test acc'])
    timer, num_batches = Timer(), len(train_iter)
    # max(.., 1): d2l's `num_batches // 5` divides by zero under 5 batches.
    every = max(num_batches // 5, 1)

    def timed_step(X, y):
        timer.start()
        result = step(X, y)
        timer.stop()
        return result

    def plot(i, sums):
        if (i + 1) % every == 0 or i == num_batches - 1:
            animator.add(epoch + (i + 1) / num_batches, (*sums.means(), None))

    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        start = time.time()
        sums = loops.epoch(timed_step, train_iter, to_float, record, plot)
        train_l, train_acc = sums.means()
        test_acc = evaluate()
        animator.add(epoch + 1, (None, None, test_acc))
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    animator.show()
    if record.epochs:
        print(f'loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}')
        print(f'{sums.n * num_epochs / timer.sum():.1f} examples/sec on {record.device}')
    record.save(results)
    return record


train_ch6_loop.trainer, train_ch6_loop.test_loss = 'train_ch6', False
LOOPS = {'train_ch6': train_ch6_loop}


def bind(backend):
    """The edition's names, bound to ``backend``."""

    def evaluate_accuracy_gpu(net, data_iter, device=None):
        """Accuracy of ``net`` over ``data_iter`` (d2l); device defaults to the net's."""
        return backend.evaluate(net, data_iter, device)[1]

    def train_ch6(net, train_iter, test_iter, num_epochs, lr, device, *, recipe=None,
                  results=None):
        """Train with d2l's chapter-6 recipe: Xavier init, SGD, mean loss, Animator.

        Prints d2l's closing lines; returns a RunRecord like ``train_ch5``."""
        num_epochs = core.check_epochs(num_epochs)
        lr = core.check_lr(lr)
        loops.check_batches(train_iter)
        backend.init_ch6(net, device)
        return backend.fit(train_ch6_loop, net, train_iter, test_iter, num_epochs,
                           backend.sgd(net, lr), device, None, recipe, results)

    own = {'Accumulator': Accumulator, 'Animator': Animator, 'Timer': Timer,
           'evaluate_accuracy_gpu': evaluate_accuracy_gpu, 'train_ch6': train_ch6}
    return {name: own.get(name) or getattr(backend, name) for name in NAMES}
