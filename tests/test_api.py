"""Both backends expose the same names, with the upstream d2lzh / d2l signatures."""
import inspect

import pytest

from d2l_compat import mxnet as mx_shim
from d2l_compat import torch as torch_shim


def upstream(edition):
    if edition == 'd2lzh':
        import d2lzh
        return d2lzh
    from d2l import torch as d2l_torch
    return d2l_torch


# (shim function name, upstream edition, upstream name) for each backend.
MXNET_MATCHES = [('try_gpu', 'd2lzh', 'try_gpu'),
                 ('load_data_fashion_mnist', 'd2lzh', 'load_data_fashion_mnist'),
                 ('evaluate_accuracy', 'd2lzh', 'evaluate_accuracy'),
                 ('train_ch5', 'd2lzh', 'train_ch5'),
                 ('train_ch6', 'd2l', 'train_ch6'),
                 ('evaluate_accuracy_gpu', 'd2l', 'evaluate_accuracy_gpu'),
                 ('accuracy', 'd2l', 'accuracy'),
                 ('show_images', 'd2l', 'show_images')]
TORCH_MATCHES = [('try_gpu', 'd2l', 'try_gpu'),
                 ('load_data_fashion_mnist', 'd2l', 'load_data_fashion_mnist'),
                 ('accuracy', 'd2l', 'accuracy'),
                 ('evaluate_accuracy_gpu', 'd2l', 'evaluate_accuracy_gpu'),
                 ('train_ch6', 'd2l', 'train_ch6'),
                 ('train_ch5', 'd2lzh', 'train_ch5'),
                 ('evaluate_accuracy', 'd2lzh', 'evaluate_accuracy'),
                 ('Accumulator', 'd2l', 'Accumulator'),
                 ('Timer', 'd2l', 'Timer'),
                 ('Animator', 'd2l', 'Animator'),
                 ('show_images', 'd2l', 'show_images')]


def test_same_public_names():
    assert mx_shim.__all__ == torch_shim.__all__
    for module in (mx_shim, torch_shim):
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f'{module.__name__} lacks {missing}'


def test_same_parameter_names_in_both_backends():
    for name in mx_shim.__all__:
        a, b = getattr(mx_shim, name), getattr(torch_shim, name)
        if not callable(a) or name in ('try_gpu', 'DataLoader'):
            continue  # try_gpu: d2lzh takes no argument, d2l takes i (see below)
        assert list(inspect.signature(a).parameters) == list(inspect.signature(b).parameters), name


def check_upstream(shim, edition, name):
    mine = inspect.signature(getattr(shim, name)).parameters
    theirs = inspect.signature(getattr(upstream(edition), name)).parameters
    # Upstream's parameters come first, in order; anything extra is keyword-only with a default.
    assert list(mine)[:len(theirs)] == list(theirs), (shim.__name__, name)
    for extra in list(mine)[len(theirs):]:
        assert mine[extra].kind is inspect.Parameter.KEYWORD_ONLY, (name, extra)
        assert mine[extra].default is not inspect.Parameter.empty, (name, extra)


@pytest.mark.parametrize('name, edition, upstream_name', MXNET_MATCHES)
def test_mxnet_matches_upstream(name, edition, upstream_name):
    check_upstream(mx_shim, edition, upstream_name)


@pytest.mark.parametrize('name, edition, upstream_name', TORCH_MATCHES)
def test_torch_matches_upstream(name, edition, upstream_name):
    check_upstream(torch_shim, edition, upstream_name)


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


def test_bad_environment_caps_are_named(monkeypatch):
    monkeypatch.setenv('D2L_MAX_EPOCHS', 'ten')
    with pytest.raises(ValueError, match="D2L_MAX_EPOCHS='ten'"):
        mx_shim.train_ch6(None, [], [], 1, 0.1, None)


def test_try_gpu_falls_back_to_cpu():
    assert str(mx_shim.try_gpu()) == 'cpu(0)'
    assert str(torch_shim.try_gpu()) == 'cpu' and str(torch_shim.try_gpu(3)) == 'cpu'


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
