"""Plant one-line bugs in a copy of the project; each must make the fast tests fail.

    python -m d2l_lenet.mutants [--only NAME ...]      (or: make mutants)

Each mutant is a one-line change to d2l_compat, or to the book's own code in a notebook (the
train_ch6 that §6.6 defines), the kind a real bug would make while training still looks
plausible. It is applied to a fresh copy of the working tree (the
repository is never touched), then the unit tests run there (``pytest tests -x``, without
the notebooks and the browser test). A mutant is killed when a test fails that passes on the
unchanged copy; the script prints which test caught each one and the kill rate, and exits 1
if any mutant survives.
"""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Two stages, each stopping at the first failure: the tests that train or load (the likeliest
# to catch a numeric bug, and quick), then the rest (pytest sorts one run's files by path).
FIRST = ['tests/test_equivalence.py', 'tests/test_en_equivalence.py', 'tests/test_loaders.py',
         'tests/test_capture.py', 'tests/test_samestart.py']
PYTEST = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider']
STAGES = ([*PYTEST, '-x', *FIRST],
          [*PYTEST, '-x', 'tests', '--ignore=tests/test_browser.py',
           '--ignore=tests/test_animator_kernel.py', *(f'--ignore={t}' for t in FIRST)])

# name -> (file, the line as it is, the line as the bug has it)
MUTANTS = {
    'lr x 0.67 (train_ch6)': (
        'd2l_compat/editions/d2l_v2.py', 'backend.sgd(net, lr), device, None, recipe, results)',
        'backend.sgd(net, lr * 0.67), device, None, recipe, results)'),
    'short last batch divided by its own size (d2lzh)': (
        'd2l_compat/mxnet.py', 'trainer.step(divisor or X.shape[0])',
        'trainer.step(X.shape[0])'),
    'mean loss where the sum belongs (torch train_ch5)': (
        'd2l_compat/torch.py', "loss_sum = F.cross_entropy(y_hat, y, reduction='sum')",
        "loss_sum = F.cross_entropy(y_hat, y, reduction='mean')"),
    'bias initialisation changed (torch train_ch6)': (
        'd2l_compat/torch.py', 'nn.init.xavier_uniform_(m.weight)\n        net.apply(init_weights)',
        'nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)\n        net.apply(init_weights)'),
    'bias initialisation changed (MXNet train_ch6)': (
        'd2l_compat/mxnet.py', 'net.initialize(force_reinit=True, ctx=device, init=init.Xavier())',
        "net.initialize(force_reinit=True, ctx=device, init=init.Mixed(['.*bias', '.*'], "
        '[init.Uniform(0.07), init.Xavier()]))'),
    'no shuffling': (
        'd2l_compat/core.py', 'order = (self._rng.permutation(self.num_examples) if self.shuffle',
        'order = (self._rng.permutation(self.num_examples) if False'),
    'one epoch fewer': (
        'd2l_compat/editions/d2lzh.py', '    for epoch in range(num_epochs):\n        begin_epoch and '
        'begin_epoch()\n        start = time.time()\n        sums = loops.epoch(step, train_iter',
        '    for epoch in range(num_epochs - 1):\n        begin_epoch and begin_epoch()\n'
        '        start = time.time()\n        sums = loops.epoch(step, train_iter'),
    'evaluation in training mode (torch)': (
        'd2l_compat/torch.py', 'model.net.eval()', 'model.net.train()'),
    'align_corners flipped in resize (MXNet)': (
        'd2l_compat/mxnet.py', 'align_corners=False)', 'align_corners=True)'),
    'align_corners flipped in resize (torch)': (
        'd2l_compat/torch.py', "mode='bilinear', align_corners=False)",
        "mode='bilinear', align_corners=True)"),
    'labels off by one': (
        'd2l_compat/core.py', 'yield X, self.labels[idx].astype(self.label_dtype)',
        'yield X, ((self.labels[idx] + 1) % 10).astype(self.label_dtype)'),
    'recorded() reads the train accuracy as the test accuracy': (
        'd2l_compat/editions/d2lzh.py', 'return [(float(loss), float(train), float(test), float(sec))',
        'return [(float(loss), float(train), float(train), float(sec))'),
    'step loss not scaled back to a sum (train_ch6)': (
        'd2l_compat/torch.py', 'loss_sum = loss.detach() * X.shape[0]',
        'loss_sum = loss.detach()'),
    'lr x 0.8 in d2l-en\'s Module.configure_optimizers': (
        'd2l_compat/editions/d2l_en.py', 'return backend.sgd(self, self.lr)',
        'return backend.sgd(self, self.lr * 0.8)'),
    'd2l-en run record: val acc over one batch too many': (
        'd2l_compat/editions/d2l_en.py', 'val_acc = backend.to_float(val_acc) / batches if',
        'val_acc = backend.to_float(val_acc) / (batches + 1) if'),
    # In the book's own code: the train_ch6 that §6.6's notebooks define and call.
    'lr x 0.8 in the book\'s train_ch6 (PyTorch notebook)': (
        'notebooks/pytorch/lenet.py', 'optimizer = torch.optim.SGD(net.parameters(), lr=lr)',
        'optimizer = torch.optim.SGD(net.parameters(), lr=lr * 0.8)'),
    'Xavier gain 0.85 in the book\'s train_ch6 (PyTorch notebook)': (
        'notebooks/pytorch/lenet.py', 'nn.init.xavier_uniform_(m.weight)',
        'nn.init.xavier_uniform_(m.weight, gain=0.85)'),
    'lr x 0.8 in the book\'s train_ch6 (MXNet notebook)': (
        'notebooks/mxnet/lenet.py', "'sgd', {'learning_rate': lr})",
        "'sgd', {'learning_rate': lr * 0.8})"),
    'Xavier gain 0.85 in the book\'s train_ch6 (MXNet notebook)': (  # magnitude = 3 gain²
        'notebooks/mxnet/lenet.py', 'init=init.Xavier())',
        'init=init.Xavier(magnitude=3 * 0.85 ** 2))'),
}


def copy_tree(destination):
    """The working tree as git sees it (tracked and untracked, not ignored) in ``destination``."""
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split('\n')
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def apply(copy, path, before, after):
    target = copy / path
    text = target.read_text()
    if text.count(before) != 1:
        raise SystemExit(f'{path}: expected the line {before!r} exactly once, found '
                         f'{text.count(before)}: update MUTANTS to the code')
    target.write_text(text.replace(before, after))


def run_tests(copy, stages=STAGES):
    """The result of the first stage that fails, else of the last."""
    env = {**os.environ, 'PYTHONPATH': str(copy), 'D2L_NUM_THREADS': '1',
           'OMP_NUM_THREADS': '1', 'MXNET_ENGINE_TYPE': 'NaiveEngine', 'D2L_ANIMATOR': 'off'}
    env.pop('D2L_RESULTS', None)
    for args in stages:
        result = subprocess.run([sys.executable, *args], cwd=copy, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            break
    return result


def caught_by(output):
    found = re.findall(r'^FAILED (\S+)', output, re.M) or re.findall(r'^ERROR (\S+)', output,
                                                                      re.M)
    return found[0] if found else None


def try_mutant(name, pristine, folder):
    """Apply one mutant to its own copy and run the tests there; its table row and verdict."""
    copy = pathlib.Path(folder) / f'mutant-{abs(hash(name))}'
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(pristine, copy)
    apply(copy, *MUTANTS[name])
    start = time.time()
    result = run_tests(copy)
    test = caught_by(result.stdout)
    # a kill counts only if that test passes without the mutant (not a failure the tree
    # already had)
    killed = (result.returncode != 0 and test is not None
              and run_tests(pristine, [[*PYTEST, test]]).returncode == 0)
    shutil.rmtree(copy, ignore_errors=True)
    return (f"| {name} | `{MUTANTS[name][0]}` | {'killed' if killed else 'SURVIVED'} "
            f"| {test or '—'} | {time.time() - start:.0f} |"), killed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', nargs='+', choices=MUTANTS, metavar='NAME')
    parser.add_argument('--jobs', type=int, default=1, help='mutants tried side by side')
    args = parser.parse_args()
    names = args.only or list(MUTANTS)
    rows, survived = {}, []
    with tempfile.TemporaryDirectory() as folder:
        pristine = pathlib.Path(folder) / 'pristine'
        copy_tree(pristine)
        check = subprocess.run([sys.executable, '-c', 'import d2l_compat; '
                                'print(d2l_compat.__file__)'], cwd=pristine, text=True,
                               capture_output=True, env={**os.environ, 'PYTHONPATH': str(pristine)})
        if not check.stdout.startswith(str(pristine)):
            raise SystemExit(f'the copy does not import its own d2l_compat: {check.stdout}')
        baseline = run_tests(pristine, STAGES[:1])  # a tree that fails unchanged kills nothing
        if baseline.returncode != 0:
            raise SystemExit('the unchanged copy already fails the first stage of tests, so no '
                             f'mutant could be judged (is D2L_DATA_DIR set?):\n'
                             f'{baseline.stdout[-2000:]}')
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(try_mutant, name, pristine, folder): name for name in names}
            for future in concurrent.futures.as_completed(futures):
                row, killed = future.result()
                rows[futures[future]] = row
                print(row, flush=True)
                if not killed:
                    survived.append(futures[future])
    print('\n| mutant | file | result | first test that failed | seconds |\n|---|---|---|---|---|')
    print('\n'.join(rows[name] for name in names))
    print(f'\nkilled {len(names) - len(survived)} of {len(names)} mutants')
    sys.exit(1 if survived else 0)


if __name__ == '__main__':
    main()
