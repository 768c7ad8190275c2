"""The notebooks' training recipes, runnable on both backends from the notebooks' own code.

Every net is defined once, in a notebook: a recipe names a function of the notebook's cell
tagged ``net`` (each backend folder has its twin), or, for the chapter's own recipes, the
book's first code cell (``book=``), which builds ``net``. So a band run trains exactly the
net a notebook shows, and a notebook's seeded run is the band's run of that seed when the
notebook follows the recipe's order: ``d2l.set_seed(SEED)``, build the net, load the data,
initialise, train.

    python -m d2l_lenet.recipes RECIPE BACKEND SEED [LR] [--epochs N]
                                                             one run; its record as JSON last
    python -m d2l_lenet.recipes --caps-for NOTEBOOK          the D2L_MAX_* a notebook runs under
"""
import functools
import json
import os
import pathlib
import sys

from d2l_compat import backend as interface
from d2l_compat import core

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = {'mxnet': 'mxnet', 'torch': 'pytorch'}  # backend -> notebooks/<folder>

V1 = dict(trainer='train_ch5', lr=0.9, num_epochs=5, batch_size=256, init='xavier',
          dataset='fashion-mnist', resize=None, normalize=None, momentum=0.0)
V2 = dict(V1, trainer='train_ch6', num_epochs=10, init=None)
EN = dict(V1, trainer='Trainer', lr=0.1, num_epochs=10, batch_size=128, init=None)  # d2l-en §7.6
EX5 = dict(V2, lr=0.1)
EX10 = dict(V2, lr=0.01, resize=224, batch_size=128)
RECIPES = {
    'lenet-v1': dict(V1, book='lenet_v1'),
    'lenet-v2': dict(V2, book='lenet'),
    'lenet-en': dict(EN, book='lenet_en'),
    'ex1-window3': dict(V1, net=('ex1_window', 'lenet_window3')),
    'ex2-channels10': dict(V1, net=('ex2_channels', 'lenet_channels10')),
    'ex3-relu-lr0.9': dict(V1, net=('ex3_activation_lr', 'lenet_v1', 'relu')),
    'ex3-relu-lr0.01': dict(V1, lr=0.01, net=('ex3_activation_lr', 'lenet_v1', 'relu')),
    'ex4-maxpool': dict(V2, net=('ex4_pooling', 'lenet_maxpool')),
    'ex5-window': dict(EX5, net=('ex5_deeper', 'ex5_window')),
    'ex5-channels': dict(EX5, net=('ex5_deeper', 'ex5_channels')),
    'ex5-leaky': dict(EX5, net=('ex5_deeper', 'ex5_leaky')),
    'ex5-four-convs': dict(EX5, net=('ex5_deeper', 'ex5_four_convs')),
    'ex5-extra-fc': dict(EX5, net=('ex5_deeper', 'ex5_extra_fc')),
    'ex6-lr0.001': dict(V2, lr=0.001, num_epochs=20, net=('ex6_optimization', 'lenet_v2')),
    'ex6-default-init': dict(V1, init='default', net=('ex6_optimization', 'lenet_v1')),
    'ex7-mnist-improved': dict(V2, lr=0.01, dataset='mnist', net=('ex7_mnist', 'improved')),
    'ex7-mnist-lenet': dict(V2, dataset='mnist', net=('ex7_mnist', 'lenet_v2')),
    'ex7-blog-fashion': dict(V2, lr=0.01, net=('ex7_mnist', 'improved')),  # what its code ran
    'ex8-lenet-v1': dict(V1, net=('ex8_activations', 'lenet_v1')),
    'ex9-lenet5': dict(V1, lr=0.02, dataset='mnist', init='init_lecun98',
                       net=('ex9_lenet5', 'lenet5')),
    # Seed 004's own recipe: Gaussian RBF output, sigmoid, Normalize(0.5, 0.5), batch 64,
    # SGD 0.01 with momentum 0.9, 5 epochs, mean loss per batch (the slides' loop).
    'ex9-blog': dict(V2, trainer='train_slides', lr=0.01, momentum=0.9, num_epochs=5,
                     batch_size=64, init='default', normalize=(0.5, 0.5), dataset='mnist',
                     net=('ex9_lenet5', 'blog_lenet5')),
    'ex10-alexnet': dict(EX10, net=('ex10_alexnet', 'alexnet')),
    'ex10-lenet224': dict(EX10, lr=0.9, net=('ex10_alexnet', 'lenet224')),
    'ex11-slides': dict(V2, trainer='train_slides', lr=0.1, num_epochs=5, batch_size=64,
                        init='xavier', normalize=(0.5, 0.5),
                        net=('ex11_slides_loader', 'lenet_v2')),
    'ex12-fc256-128': dict(V2, net=('ex12_dense', 'lenet_fc', 256, 128)),
    'ex12-fc60-42': dict(V2, net=('ex12_dense', 'lenet_fc', 60, 42)),
    'ex12-one-hidden': dict(V2, net=('ex12_dense', 'lenet_one_hidden')),
    'ex13-three-convs': dict(V2, net=('ex13_conv_layers', 'lenet_three_convs')),
    'ex14-v1-x4': dict(V1, num_epochs=20, net=('ex14_epochs', 'lenet_v1')),
    'ex14-v2-x4': dict(V2, num_epochs=40, net=('ex14_epochs', 'lenet_v2')),
    'ex15-lenet-en': dict(EN, net=('ex15_unusual_inputs', 'lenet_en')),
}
# Recipes too heavy for the full data on 2 CPU cores: make test replays their notebooks under
# these caps (D2L_MAX_*), against bands measured under the same caps (measure_bands.py
# --no-caps measures them on the full data, keyed without the '@profile').
EX5_CAPS = dict(max_train_examples=2048, max_test_examples=1024, max_epochs=2)
EX10_CAPS = dict(max_train_examples=512, max_test_examples=256, max_epochs=2)
EX14_CAPS = dict(max_train_examples=10000, max_test_examples=2000)  # every epoch, a sixth of it
CAPPED = {
    'ex5-window': EX5_CAPS,
    'ex5-channels': EX5_CAPS,
    'ex5-leaky': EX5_CAPS,
    'ex5-four-convs': EX5_CAPS,
    'ex5-extra-fc': EX5_CAPS,
    'ex10-alexnet': EX10_CAPS,
    'ex10-lenet224': EX10_CAPS,
    'ex14-v1-x4': EX14_CAPS,
    'ex14-v2-x4': EX14_CAPS,
}
# Seeds per band: 5, or fewer where one run is long.
BAND_SEEDS = {'ex6-lr0.001': 3}
# What a run of these recipes claims instead of a band (d2l_compat.bands.CLAIMS): a
# chance-level range would accept an untrained net, a claim does not. measure_bands.py records
# the seeds whose runs make the claim; a run of another seed is held to the band.
CLAIMS = {
    'ex3-relu-lr0.9': 'collapses',
    'ex6-lr0.001': 'stays-at-chance',
    'ex6-default-init': 'collapses',
    'ex9-blog': 'stays-at-chance',
    'ex13-three-convs': 'collapses',
}


def settings(recipe):
    """A recipe's settings; a bad name is an error listing the recipes."""
    if recipe not in RECIPES:
        raise KeyError(f'unknown recipe {recipe!r}; known: {", ".join(RECIPES)}')
    return dict(RECIPES[recipe])


def notebook_path(recipe, backend):
    """The notebook (.ipynb) that shows this recipe on ``backend``."""
    s = settings(recipe)
    name = s['book'] if 'book' in s else s['net'][0]
    return ROOT / 'notebooks' / FOLDERS[backend] / f'{name}.ipynb'


def _cells(backend, notebook):
    import jupytext
    path = ROOT / 'notebooks' / FOLDERS[backend] / f'{notebook}.py'
    return jupytext.read(path).cells


@functools.lru_cache(maxsize=None)
def net_cell(backend, notebook):
    """The names the notebook's cell tagged "net" defines (its nets and their helpers)."""
    cells = [c for c in _cells(backend, notebook)
             if c.cell_type == 'code' and 'net' in c.metadata.get('tags', [])]
    if len(cells) != 1:
        raise ValueError(f'notebooks/{FOLDERS[backend]}/{notebook}.py: expected one code cell '
                         f'tagged "net", found {len(cells)}')
    namespace = {'__name__': f'{notebook}_net_cell'}
    exec(compile(cells[0].source, f'{notebook}.py[net]', 'exec'), namespace)
    return namespace


def book_net(backend, notebook):
    """A fresh ``net`` from the book's first code cell of a chapter notebook."""
    cell = next(c for c in _cells(backend, notebook)
                if c.cell_type == 'code' and 'added' not in c.metadata.get('tags', []))
    namespace = {'__name__': f'{notebook}_book_cell'}
    exec(compile(cell.source, f'{notebook}.py[1]', 'exec'), namespace)
    return namespace['net']


def book_cells(backend, notebook):
    """The book's code cells of a chapter notebook (cells tagged 'added' left out)."""
    return [c.source for c in _cells(backend, notebook)
            if c.cell_type == 'code' and 'added' not in c.metadata.get('tags', [])]


def book_namespace(recipe, backend):
    """A d2l-en recipe's notebook, run up to its training cell: (namespace, training cell).

    Every book cell before the last runs (the layer summary too: its random input and lazy
    initialisation are part of the seed's sequence), so a seeded run is the notebook's."""
    *definitions, training = book_cells(backend, settings(recipe)['book'])
    namespace = {'__name__': f'{recipe}_book_cells'}
    for i, source in enumerate(definitions):
        exec(compile(source, f'{recipe}[{i + 1}]', 'exec'), namespace)
    return namespace, training


def build_net(recipe, backend):
    """The recipe's net, built by the notebook's own code."""
    s = settings(recipe)
    if 'book' in s:
        return book_net(backend, s['book'])
    notebook, function, *args = s['net']
    if s['trainer'] == 'Trainer':  # d2l-en: the function makes the model from the data
        data = backend_module(backend).FashionMNIST(batch_size=s['batch_size'])
        return net_cell(backend, notebook)[function](data, *args)
    return net_cell(backend, notebook)[function](*args)


def loaders(d2l, s):
    load = d2l.load_data_mnist if s['dataset'] == 'mnist' else d2l.load_data_fashion_mnist
    train_iter, test_iter = load(s['batch_size'], resize=s['resize'])
    if s['normalize']:
        mean, std = s['normalize']
        train_iter, test_iter = (d2l.Normalize(it, mean, std) for it in (train_iter, test_iter))
    return train_iter, test_iter


def initialize(net, s, backend, device):
    """What the notebook does before a train_ch5 / train_slides run."""
    init = s['init']
    if init and init not in ('xavier', 'default'):  # the notebook's own initialiser
        return net_cell(backend, s['net'][0])[init](net, device)
    hooks = interface.hooks(backend)
    (hooks.init_xavier if init == 'xavier' else hooks.init_default)(net, device)


def sgd(net, s, backend, lr):
    return interface.hooks(backend).sgd(net, lr, s['momentum'])


def backend_module(backend):
    import importlib
    return importlib.import_module(f'd2l_compat.{backend}')


def run(recipe, backend, seed, lr=None, results=None, num_epochs=None):
    """Train one recipe on one backend from ``seed`` with the shim's trainers; its RunRecord.
    ``num_epochs`` trains longer or shorter than the recipe (a run beside the band, not of it:
    the first epochs of a longer run are the recipe's run, as nothing depends on the total)."""
    s = settings(recipe)
    if num_epochs is not None:
        s['num_epochs'] = core.check_epochs(num_epochs)
    lr = s['lr'] if lr is None else lr
    d2l = backend_module(backend)
    d2l.set_seed(seed)
    if s['trainer'] == 'Trainer':
        return run_trainer(recipe, backend, s, lr, d2l, results)
    net = build_net(recipe, backend)
    train_iter, test_iter = loaders(d2l, s)
    device = d2l.try_gpu()
    kw = dict(recipe=recipe, results=results)
    if s['trainer'] == 'train_ch6':
        return d2l.train_ch6(net, train_iter, test_iter, s['num_epochs'], lr, device, **kw)
    initialize(net, s, backend, device)
    trainer = sgd(net, s, backend, lr)
    if s['trainer'] == 'train_slides':
        return d2l.train_slides(net, train_iter, test_iter, s['num_epochs'], trainer, device,
                                **kw)
    return d2l.train_ch5(net, train_iter, test_iter, s['batch_size'], trainer, device,
                         s['num_epochs'], **kw)


def run_trainer(recipe, backend, s, lr, d2l, results):
    """A d2l-en recipe: the chapter notebook's own cells, training cell included; or an
    exercise's net-cell function, which makes the model from the DataModule as §7.6 does."""
    if lr != s['lr']:
        raise ValueError(f"{recipe}: its model is made with lr {s['lr']}; no other lr")
    if 'book' in s:
        namespace, training = book_namespace(recipe, backend)
        exec(compile(training, f'{recipe}[training]', 'exec'), namespace)
        return namespace['trainer'].record.named(recipe, results)
    interface.hooks(backend).numpy_interface()  # as the exercise notebook's first cell does
    notebook, function, *args = s['net']
    data = d2l.FashionMNIST(batch_size=s['batch_size'])
    model = net_cell(backend, notebook)[function](data, *args)
    trainer = d2l.Trainer(max_epochs=s['num_epochs'], num_gpus=1)
    trainer.fit(model, data)
    return trainer.record.named(recipe, results)


def caps_for(notebook):
    """The caps a notebook runs under: those of its recipes (all capped alike)."""
    name = pathlib.Path(notebook).stem
    found = {tuple(sorted(caps.items())) for recipe, caps in CAPPED.items()
             if settings(recipe).get('net', ('',))[0] == name}
    if len(found) > 1:
        raise ValueError(f'{notebook}: its recipes are capped differently: {sorted(found)}')
    return dict(found.pop()) if found else {}


def recipes_of(notebook):
    """The recipes a notebook runs (by the notebook's name, either backend folder)."""
    name = pathlib.Path(notebook).stem
    return [r for r, s in RECIPES.items() if s.get('book', s.get('net', ('',))[0]) == name]


def main(argv):
    if argv[:1] == ['--caps-for']:
        print(' '.join(f'D2L_{k.upper()}={v}' for k, v in caps_for(argv[1]).items()))
        return
    epochs = None
    if '--epochs' in argv:
        i = argv.index('--epochs')
        epochs, argv = int(argv[i + 1]), argv[:i] + argv[i + 2:]
    recipe, backend, seed = argv[0], argv[1], int(argv[2])
    lr = float(argv[3]) if len(argv) > 3 else None
    record = run(recipe, backend, seed, lr, num_epochs=epochs)
    print(json.dumps(record.to_dict()))


if __name__ == '__main__':
    main(sys.argv[1:])
