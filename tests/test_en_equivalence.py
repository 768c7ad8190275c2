"""d2l-en's Trainer: from the same weights and batches, d2l_compat's ``Trainer.fit`` takes the
steps upstream d2l 1.0.3's takes.

The §7.6 notebook's own cells (``init_cnn``, ``LeNet``) are run twice, once over upstream's
``d2l`` and once over the shim's; both models start from the same weights and train over the
same fixed batches of real Fashion-MNIST, whose last batch is short (300 = 2 x 128 + 44). Every
step's loss, the board's points and the final weights must agree to 1e-4; a step at 0.8 x the
learning rate must not.
"""
import numpy as np
import pytest

from d2l_compat import data
from d2l_lenet import recipes

RTOL = 1e-4
N_TRAIN, N_VAL, BATCH, EPOCHS = 300, 200, 128, 2
UPSTREAM = {'mxnet': 'from d2l import mxnet as d2l', 'torch': 'from d2l import torch as d2l'}


def notebook_namespace(backend, upstream):
    """The notebook's import and model cells, over upstream's d2l or the shim's."""
    cells = recipes.book_cells(backend, 'lenet_en')
    imports = cells[0]
    if upstream:
        imports = imports.replace(imports.split('\n', 1)[0], UPSTREAM[backend])
    namespace = {'__name__': f'lenet_en_{"upstream" if upstream else "shim"}'}
    for source in [imports] + [c for c in cells[1:] if c.startswith(('def init_cnn', 'class'))]:
        exec(source, namespace)
    return namespace


def fixed_batches(to_arrays):
    (xtr, ytr), (xte, yte) = (data.load_split('fashion-mnist', s) for s in ('train', 'test'))
    scale = lambda x: x.astype(np.float32)[:, None] / np.float32(255)  # noqa: E731
    split = lambda x, y: [to_arrays(scale(x[i:i + BATCH]), y[i:i + BATCH])  # noqa: E731
                          for i in range(0, len(y), BATCH)]
    train, val = split(xtr[:N_TRAIN], ytr[:N_TRAIN]), split(xte[:N_VAL], yte[:N_VAL])
    assert len(train[-1][1]) == N_TRAIN % BATCH == 44
    return train, val


class Hooks:
    """What differs between the frameworks in this test: arrays, weights, the net's start."""

    def __init__(self, backend):
        self.backend = backend
        if backend == 'mxnet':
            from mxnet import np as mnp, npx
            npx.set_np()  # the section's MXNet tab runs in NumPy mode (undone in teardown)
            self.to_arrays = lambda X, y: (mnp.array(X), mnp.array(y.astype(np.int32)))
        else:
            import torch
            self.to_arrays = lambda X, y: (torch.from_numpy(X), torch.from_numpy(y.astype(np.int64)))

    def start(self, model, namespace, batch):
        """Give the model its shapes and its initialisation, as the notebook's cell does."""
        if self.backend == 'torch':
            model.apply_init([batch[0]], namespace['init_cnn'])
        else:
            model(batch[0])

    def weights(self, model):
        if self.backend == 'torch':
            return [p.detach().numpy().copy() for p in model.parameters()]
        return [p.data().asnumpy().copy() for p in model.collect_params().values()]

    def load(self, model, arrays):
        if self.backend == 'torch':
            import torch
            with torch.no_grad():
                for p, a in zip(model.parameters(), arrays):
                    p.copy_(torch.from_numpy(a))
        else:
            from mxnet import np as mnp
            for p, a in zip(model.collect_params().values(), arrays):
                p.set_data(mnp.array(a))

    def close(self):
        if self.backend == 'mxnet':
            from mxnet import npx
            npx.reset_np()


@pytest.fixture
def hooks(backend):
    made = Hooks(backend)
    yield made
    made.close()


def train(namespace, hooks, start, lr_scale=1.0):
    """Fit the notebook's LeNet from ``start`` over the fixed batches; (step losses, board, weights)."""
    d2l = namespace['d2l']
    train_batches, val_batches = fixed_batches(hooks.to_arrays)

    class Fixed(d2l.DataModule):  # no batch_size: a DataModule need not have one
        def get_dataloader(self, train):
            return train_batches if train else val_batches

    class Probe(namespace['LeNet']):
        def training_step(self, batch):
            loss = super().training_step(batch)
            self.losses.append(loss.detach())
            return loss

    model = Probe(lr=0.1 * lr_scale)
    model.losses = []
    hooks.start(model, namespace, train_batches[0])
    hooks.load(model, start)
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=EPOCHS)
    trainer.fit(model, Fixed())
    losses = np.array([float(loss) for loss in model.losses])
    board = {k: np.array([p.y for p in v]) for k, v in model.board.data.items()}
    train.record = getattr(trainer, 'record', None)  # the shim's; upstream keeps none
    return losses, board, hooks.weights(model)


@pytest.fixture
def runs(backend, hooks):
    upstream, shim = notebook_namespace(backend, True), notebook_namespace(backend, False)
    first = upstream['LeNet']()
    hooks.start(first, upstream, fixed_batches(hooks.to_arrays)[0][0])
    start = hooks.weights(first)
    return upstream, shim, start


def apart(a, b):
    """Where two runs' numbers differ by more than RTOL (relative), as messages."""
    a_losses, a_board, a_weights = a
    b_losses, b_board, b_weights = b
    found = []
    if len(a_losses) != len(b_losses):
        return [f'{len(a_losses)} steps against {len(b_losses)}']
    bad = np.flatnonzero(~np.isclose(a_losses, b_losses, rtol=RTOL, atol=0))
    if bad.size:
        found.append(f'step {bad[0] + 1}: loss {a_losses[bad[0]]:.6f} against {b_losses[bad[0]]:.6f}')
    if a_board.keys() != b_board.keys():
        found.append(f'board labels {list(a_board)} against {list(b_board)}')
    for label in a_board.keys() & b_board.keys():
        if not np.allclose(a_board[label], b_board[label], rtol=RTOL, atol=0):
            found.append(f'board {label}: {a_board[label]} against {b_board[label]}')
    for i, (wa, wb) in enumerate(zip(a_weights, b_weights)):
        if not np.allclose(wa, wb, rtol=RTOL, atol=1e-6):
            found.append(f'parameter {i}: largest difference {np.abs(wa - wb).max():.2e}')
    return found


def test_the_shims_trainer_takes_upstreams_steps(backend, hooks, runs):
    upstream, shim, start = runs
    theirs, ours = train(upstream, hooks, start), train(shim, hooks, start)
    assert len(ours[0]) == EPOCHS * 3  # 2 full batches and the short one, per epoch
    assert set(ours[1]) == {'train_loss', 'val_loss', 'val_acc'}
    assert apart(theirs, ours) == []
    assert ours[0][-1] < ours[0][0]  # it trained: an untouched net would also agree with itself


def test_the_run_record_holds_what_the_board_plots(backend, hooks, runs):
    _, shim, start = runs
    losses, board, _ = train(shim, hooks, start)
    record = train.record
    assert [e['epoch'] for e in record.epochs] == list(range(1, EPOCHS + 1))
    assert record.batch_size == BATCH  # from the batches, as the Chinese editions' loops do
    np.testing.assert_allclose([e['test_acc'] for e in record.epochs], board['val_acc'], rtol=1e-6)
    np.testing.assert_allclose([e['val_loss'] for e in record.epochs], board['val_loss'], rtol=1e-6)
    sizes = np.array([BATCH, BATCH, N_TRAIN % BATCH])  # the epoch's loss: per example
    per_epoch = losses.reshape(EPOCHS, 3) @ sizes / N_TRAIN
    np.testing.assert_allclose([e['loss'] for e in record.epochs], per_epoch, rtol=1e-6)
    assert all(0 <= e['train_acc'] <= 1 for e in record.epochs) and record.train_examples == N_TRAIN


def test_a_step_at_another_learning_rate_is_caught(backend, hooks, runs):
    upstream, shim, start = runs
    theirs, perturbed = train(upstream, hooks, start), train(shim, hooks, start, lr_scale=0.8)
    found = apart(theirs, perturbed)
    assert found and found[0].startswith('step 2:'), found  # step 1 is before any update
