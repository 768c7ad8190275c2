"""Both backends export one list of names, with the upstream d2lzh / d2l signatures."""
import inspect

import pytest

from d2l_compat import backend as interface
from d2l_compat import mxnet as mx_shim
from d2l_compat import torch as torch_shim

SHIMS = {'mxnet': mx_shim, 'torch': torch_shim}


def upstream(edition):
    if edition == 'd2lzh':
        import d2lzh
        return d2lzh
    from d2l import mxnet as d2l_mxnet, torch as d2l_torch
    return {'d2l.mxnet': d2l_mxnet, 'd2l.torch': d2l_torch}[edition]


# The names d2l v2's §6.6 code calls (both tabs), checked against d2l 1.0.3 on each backend.
CHAPTER_6_6 = ['Accumulator', 'Animator', 'Timer', 'accuracy', 'argmax', 'astype',
               'evaluate_accuracy_gpu', 'load_data_fashion_mnist', 'num_gpus', 'reduce_sum',
               'size', 'train_ch6', 'try_all_gpus', 'try_gpu']
# (shim name, upstream edition) beyond §6.6: d2lzh §5.5's helpers and the rest of d2l's.
MXNET_MATCHES = [(n, 'd2l.mxnet') for n in CHAPTER_6_6] + [
    ('try_gpu', 'd2lzh'), ('try_all_gpus', 'd2lzh'), ('load_data_fashion_mnist', 'd2lzh'),
    ('evaluate_accuracy', 'd2lzh'), ('train_ch5', 'd2lzh'), ('show_images', 'd2lzh'), ('get_fashion_mnist_labels', 'd2lzh')]
TORCH_MATCHES = [(n, 'd2l.torch') for n in CHAPTER_6_6] + [
    ('show_images', 'd2l.torch'), ('get_fashion_mnist_labels', 'd2l.torch'),
    ('train_ch5', 'd2lzh'), ('evaluate_accuracy', 'd2lzh')]
# Where the two editions disagree, each backend follows its own edition (README: d2l_compat).
EDITION_SPECIFIC = {'show_images', 'size'}


def test_public_names_are_the_one_list(backend):
    module = SHIMS[backend]
    assert module.__all__ == list(interface.PUBLIC)
    assert dir(module) == sorted(interface.PUBLIC)  # what tab completion offers a student
    assert all(hasattr(module, name) for name in interface.PUBLIC)
    assert module.BACKEND == backend


def test_same_parameter_names_in_both_backends():
    for name in interface.PUBLIC:
        a, b = getattr(mx_shim, name), getattr(torch_shim, name)
        if not callable(a) or name in EDITION_SPECIFIC:
            continue
        assert list(inspect.signature(a).parameters) == list(inspect.signature(b).parameters), name


def check_upstream(shim, edition, name):
    mine = inspect.signature(getattr(shim, name)).parameters
    theirs = inspect.signature(getattr(upstream(edition), name)).parameters
    # Upstream's parameters come first, in order, with the same kinds; extras have defaults.
    assert [(p, v.kind) for p, v in list(mine.items())[:len(theirs)]] == [
        (p, v.kind) for p, v in theirs.items()], (shim.__name__, name, edition)
    for extra in list(mine)[len(theirs):]:
        assert mine[extra].default is not inspect.Parameter.empty, (name, extra)


@pytest.mark.parametrize('name, edition', MXNET_MATCHES)
def test_mxnet_matches_upstream(name, edition):
    check_upstream(mx_shim, edition, name)


@pytest.mark.parametrize('name, edition', TORCH_MATCHES)
def test_torch_matches_upstream(name, edition):
    check_upstream(torch_shim, edition, name)


@pytest.mark.parametrize('shim', [mx_shim, torch_shim], ids=['mxnet', 'torch'])
def test_bad_arguments_raise_clear_value_errors(shim):
    for bad in (0, -1, 2.5, True, '256'):
        with pytest.raises(ValueError, match='batch_size must be a positive int'):
            shim.load_data_fashion_mnist(bad)
    for bad in (0, -28, 1.5, 'big', (28, 0)):
        with pytest.raises(ValueError, match='resize must be a positive int'):
            shim.load_data_fashion_mnist(8, resize=bad)
    train_iter, test_iter = shim.load_data_fashion_mnist(8)
    with pytest.raises(ValueError, match='num_epochs must be an int >= 0'):
        shim.train_ch6(None, train_iter, test_iter, -1, 0.1, None)
    with pytest.raises(ValueError, match='lr must be a positive number'):
        shim.train_ch6(None, train_iter, test_iter, 1, 0.0, None)
    with pytest.raises(ValueError, match='num_epochs must be an int >= 0'):
        shim.train_ch5(None, train_iter, test_iter, 8, None, None, 2.5)
    with pytest.raises(ValueError, match='seed must be a non-negative int'):
        shim.set_seed(-3)


def test_bad_environment_settings_are_named(monkeypatch):
    monkeypatch.setenv('D2L_MAX_EPOCHS', 'ten')
    with pytest.raises(ValueError, match="D2L_MAX_EPOCHS='ten'"):
        mx_shim.train_ch6(None, [], [], 1, 0.1, None)
    monkeypatch.delenv('D2L_MAX_EPOCHS')
    monkeypatch.setenv('D2L_RECORD_STEPS', 'yes')
    with pytest.raises(ValueError, match="D2L_RECORD_STEPS='yes'"):
        from d2l_compat import config
        config.record_steps()


def test_devices_fall_back_to_cpu():
    assert str(mx_shim.try_gpu()) == 'cpu(0)' and mx_shim.num_gpus() == 0
    assert [str(d) for d in mx_shim.try_all_gpus()] == ['cpu(0)']
    assert str(torch_shim.try_gpu()) == 'cpu' and str(torch_shim.try_gpu(3)) == 'cpu'
    assert [str(d) for d in torch_shim.try_all_gpus()] == ['cpu']


def test_loaders_yield_the_book_tensors():
    X, y = next(iter(mx_shim.load_data_fashion_mnist(256)[0]))
    assert (X.shape, str(X.dtype), y.shape, str(y.dtype)) == (
        (256, 1, 28, 28), "<class 'numpy.float32'>", (256,), "<class 'numpy.int32'>")
    X, y = next(iter(torch_shim.load_data_fashion_mnist(256, resize=32)[1]))
    assert (tuple(X.shape), X.dtype, y.dtype) == ((256, 1, 32, 32), torch_shim.torch.float32,
                                                   torch_shim.torch.int64)
    train_iter, test_iter = torch_shim.load_data_mnist(1000)
    assert (len(train_iter), len(test_iter)) == (60, 10)
    assert 0.0 <= float(X.min()) and float(X.max()) <= 1.0


def test_mxnet_numpy_interface_gets_numpy_arrays_and_d2l_helpers():
    """§6.6's MXNet tab calls npx.set_np(); its cells then see mx.np arrays and d2l's helpers."""
    import mxnet as mx
    from mxnet import npx
    train_iter, _ = mx_shim.load_data_fashion_mnist(8)
    X, y = next(iter(train_iter))
    assert not isinstance(X, mx.np.ndarray)
    assert mx_shim.accuracy(mx.nd.array([[0.1, 0.9], [0.8, 0.2]]), mx.nd.array([1, 1])) == 1.0
    npx.set_np()
    try:
        X, y = next(iter(train_iter))
        assert isinstance(X, mx.np.ndarray) and isinstance(y, mx.np.ndarray)
        X.as_in_ctx(mx.cpu())  # the book's call
        y_hat = mx.np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
        labels = mx.np.array([1, 1, 1], dtype='int32')
        assert mx_shim.accuracy(y_hat, labels) == 2.0  # d2l's count of hits
        assert mx_shim.size(labels) == 3
        assert float(mx_shim.reduce_sum(mx_shim.astype(labels, 'float32'))) == 3.0
        assert mx_shim.argmax(y_hat, axis=1).tolist() == [1, 0, 1]
    finally:
        npx.reset_np()
