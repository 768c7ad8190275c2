"""d2l-en's object-oriented API in d2l_compat: upstream's names and signatures on both
backends, the frameworks' base classes, one batch order for both, a quiet board, the record."""
import inspect

import numpy as np
import pytest

from d2l_compat import backend as interface
from d2l_compat import mxnet as mx_shim
from d2l_compat import torch as torch_shim
from d2l_compat.editions import d2l_en

SHIMS = {'mxnet': mx_shim, 'torch': torch_shim}
# (class, method) whose leading parameters must be d2l 1.0.3's; None: the constructor
METHODS = [('Module', None), ('Module', 'plot'), ('Module', 'training_step'),
           ('Module', 'validation_step'), ('Module', 'configure_optimizers'),
           ('Classifier', 'validation_step'), ('Classifier', 'accuracy'), ('Classifier', 'loss'),
           ('Classifier', 'layer_summary'), ('Trainer', None), ('Trainer', 'fit'),
           ('Trainer', 'prepare_data'), ('Trainer', 'prepare_model'),
           ('Trainer', 'prepare_batch'), ('Trainer', 'fit_epoch'), ('Trainer', 'clip_gradients'),
           ('DataModule', None), ('DataModule', 'get_dataloader'),
           ('DataModule', 'train_dataloader'), ('DataModule', 'val_dataloader'),
           ('FashionMNIST', None), ('FashionMNIST', 'text_labels'),
           ('FashionMNIST', 'get_dataloader'), ('FashionMNIST', 'visualize'),
           ('ProgressBoard', None), ('ProgressBoard', 'draw'),
           ('HyperParameters', 'save_hyperparameters'), ('add_to_class', None)]


def upstream(backend):
    from d2l import mxnet as d2l_mxnet, torch as d2l_torch
    return {'mxnet': d2l_mxnet, 'torch': d2l_torch}[backend]


def parameters(obj, method):
    target = getattr(obj, method) if method else obj
    return [(name, p.kind, p.default) for name, p in inspect.signature(target).parameters.items()]


@pytest.mark.parametrize('cls, method', METHODS, ids=lambda v: str(v))
def test_signatures_are_upstreams(backend, cls, method):
    mine = parameters(getattr(SHIMS[backend], cls), method)
    theirs = parameters(getattr(upstream(backend), cls), method)
    assert mine[:len(theirs)] == theirs
    assert all(default is not inspect.Parameter.empty for _, _, default in mine[len(theirs):])


def test_apply_init_is_pytorchs_only():
    assert parameters(torch_shim.Module, 'apply_init') == parameters(
        upstream('torch').Module, 'apply_init')
    assert not hasattr(mx_shim.Module, 'apply_init')


def test_every_edition_is_exported_and_dir_is_their_union(backend):
    module = SHIMS[backend]
    assert set(d2l_en.NAMES) <= set(dir(module))
    assert {'train_ch5', 'train_ch6', 'Trainer', 'FashionMNIST'} <= set(dir(module))
    assert dir(module) == sorted(interface.PUBLIC)


def test_modules_are_the_frameworks_own():
    import mxnet.gluon
    import torch
    assert issubclass(torch_shim.Classifier, torch.nn.Module)
    assert issubclass(mx_shim.Classifier, mxnet.gluon.Block)
    assert issubclass(torch_shim.Classifier, torch_shim.HyperParameters)


def test_one_seed_gives_both_backends_the_same_batches():
    firsts = {}
    for name, shim in SHIMS.items():
        shim.set_seed(3)
        data = shim.FashionMNIST(batch_size=128)
        loader = data.get_dataloader(True)
        X, y = next(iter(loader))
        firsts[name] = (np.asarray(interface.hooks(name).to_numpy(X)),
                        np.asarray(interface.hooks(name).to_numpy(y)))
        assert len(loader) == 469 and len(data.val_dataloader()) == 79
    np.testing.assert_array_equal(firsts['mxnet'][0], firsts['torch'][0])
    np.testing.assert_array_equal(firsts['mxnet'][1], firsts['torch'][1])
    assert firsts['torch'][0].shape == (128, 1, 28, 28)


def test_a_bad_batch_size_or_resize_is_named():
    with pytest.raises(ValueError, match='batch_size must be a positive int'):
        torch_shim.FashionMNIST(batch_size=0)
    with pytest.raises(ValueError, match='resize must be a positive int'):
        torch_shim.FashionMNIST(resize=(28, 0))


def test_the_board_keeps_upstreams_points_and_is_silent_headless(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    board = torch_shim.ProgressBoard()
    for i, y in enumerate([1.0, 3.0, 5.0, 7.0, 9.0]):
        board.draw(i, y, 'loss', every_n=2)
    assert [tuple(p) for p in board.data['loss']] == [(0.5, 2.0), (2.5, 6.0)]
    assert capsys.readouterr().out == ''
    png = board.save(tmp_path / 'board.png')
    assert open(png, 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


def test_a_record_is_named_before_it_is_filed(tmp_path):
    record = torch_shim.RunRecord('torch', 'Trainer', 'cpu')
    with pytest.raises(ValueError, match='recipe must be a non-empty name'):
        record.named('')
    path = tmp_path / 'runs.jsonl'
    assert record.named('lenet-en', results=str(path)).recipe == 'lenet-en'
    assert '"recipe": "lenet-en"' in path.read_text()
