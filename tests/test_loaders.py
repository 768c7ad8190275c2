"""The loaders: the same batches on both backends for one seed, shuffled, resized alike."""
import numpy as np
import pytest

from d2l_compat import backend, data
from d2l_compat import mxnet as mx_shim
from d2l_compat import torch as torch_shim

SHIMS = {'mxnet': mx_shim, 'torch': torch_shim}


def numpy_of(shim, X):
    return backend.hooks(shim.BACKEND).to_numpy(X)


def first_batches(shim, seed, resize=None, epochs=2):
    shim.set_seed(seed)
    train_iter, test_iter = shim.load_data_fashion_mnist(256, resize=resize)
    out = []
    for _ in range(epochs):
        X, y = next(iter(train_iter))
        out.append((numpy_of(shim, X), numpy_of(shim, y)))
    return out, next(iter(test_iter))


def test_training_batches_are_the_seeds_shuffle_of_the_real_data(backend):
    images, labels = data.load_split('fashion-mnist', 'train')
    (first, second), _ = first_batches(SHIMS[backend], seed=0)
    # What set_seed(0) fixes, computed here without the loader: the loader's own generator is
    # seeded from numpy's global one, and each epoch draws a new permutation from it.
    np.random.seed(0)
    rng = np.random.default_rng(np.random.randint(2**31))
    for (X, y), order in zip((first, second), (rng.permutation(60000), rng.permutation(60000))):
        idx = order[:256]
        np.testing.assert_array_equal(y, labels[idx])
        np.testing.assert_array_equal(X[:, 0], images[idx].astype(np.float32) / np.float32(255))
    assert not np.array_equal(first[1], second[1])  # reshuffled every epoch


def test_both_backends_give_the_same_batches_for_one_seed():
    batches = {b: first_batches(SHIMS[b], seed=3, resize=32) for b in SHIMS}
    for (mx_X, mx_y), (pt_X, pt_y) in zip(batches['mxnet'][0], batches['torch'][0]):
        np.testing.assert_array_equal(mx_y, pt_y)
        np.testing.assert_allclose(mx_X, pt_X, atol=1e-6)
        assert mx_X.shape == (256, 1, 32, 32)


def half_pixel_bilinear(image, size):
    """Bilinear resize with half-pixel centres (align_corners=False), written out in numpy."""
    def weights(n_in, n_out):
        src = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        m = np.zeros((n_out, n_in))
        m[np.arange(n_out), lo] += 1 - (src - lo)
        m[np.arange(n_out), hi] += src - lo
        return m
    return weights(image.shape[0], size) @ image @ weights(image.shape[1], size).T


def test_resize_is_half_pixel_bilinear_on_both_backends(backend):
    shim = SHIMS[backend]
    _, (X, _) = first_batches(shim, seed=0, resize=224, epochs=0)
    images, _ = data.load_split('fashion-mnist', 'test')
    expected = half_pixel_bilinear(images[0].astype(np.float64) / 255, 224)
    np.testing.assert_allclose(numpy_of(shim, X)[0, 0], expected, atol=1e-5)


def test_evaluation_runs_the_net_in_inference_mode(backend):
    """With dropout, a training-mode evaluation would differ from call to call."""
    shim = SHIMS[backend]
    shim.set_seed(0)
    _, test_iter = shim.load_data_fashion_mnist(500)
    if backend == 'torch':
        import torch
        from torch import nn
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.9),
                            nn.Linear(512, 10))
        X, y = next(iter(test_iter))
        with torch.no_grad():
            net.eval()
            expected = float((net(X).argmax(1) == y).float().mean())
    else:
        from mxnet import init, nd
        from mxnet.gluon import nn
        net = nn.Sequential()
        net.add(nn.Dense(512, activation='relu'), nn.Dropout(0.9), nn.Dense(10))
        net.initialize(init.Xavier())
        X, y = next(iter(test_iter))
        expected = float((net(X).argmax(axis=1) == y.astype('float32')).mean().asscalar())
    small = [next(iter(test_iter))]
    accs = [shim.evaluate_accuracy_gpu(net, small) for _ in range(3)]
    assert accs == [pytest.approx(expected)] * 3
