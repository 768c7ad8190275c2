"""The student's path in a real browser: JupyterLab, the course kernel, Run All Cells.

For each backend, the §6.6 notebook (notebooks/{pytorch,mxnet}/lenet.ipynb) is opened in
JupyterLab, started from this venv on loopback, in headless Chromium driven by playwright;
the test confirms the kernel, clicks Run -> Run All Cells, waits for the kernel to go idle,
saves, and checks that
- the toolbar shows the kernel "Python 3 (d2l: MXNet + PyTorch)";
- every code cell ran and none has an error output;
- the training cell (the book's train_ch6 with d2l.Animator, live) holds ONE image, updated
  in place while it trained: never two images at once, and more than one picture seen;
- the band-check cell printed the check's lines for 'lenet-v2/...'.

To take about a minute, the server (and so each kernel) runs under D2L_MAX_* caps, with
D2L_ANIMATOR unset (live) and no D2L_RESULTS (no run records written). bands.json has no
band for lenet-v2 under these caps, so the check cell would only raise KeyError. Rather than
accept that error, the test opens COPIES of the notebooks (outputs cleared, so nothing stale
can pass for a result) in a temporary root, and gives the kernels an IPython startup file
that points d2l_compat.bands at a temporary bands file: the real one plus, for this caps
profile, an entry whose band holds any run. The notebook's cells are unchanged and the real
bands.check runs; what this shows is the path (record -> check -> printed lines in the
browser), not the numbers, which make test's nbval replay holds to the measured bands.

Needs Debian's Chromium at /usr/bin/chromium (or D2L_CHROMIUM); skipped where it is absent.
This test never installs it: .ci/run does (apt-get install chromium) when it runs as root.
"""
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('D2L_CHROMIUM', '/usr/bin/chromium')
KERNEL, DISPLAY_NAME = 'd2l-lenet', 'Python 3 (d2l: MXNet + PyTorch)'
# One epoch of 5 batches of 256 (the book's loop draws every num_batches // 5 batches, so
# fewer would divide by zero): six redraws of the training figure.
CAPS = {'D2L_MAX_TRAIN_EXAMPLES': '1280', 'D2L_MAX_TEST_EXAMPLES': '256', 'D2L_MAX_EPOCHS': '1'}
BACKENDS = {'pytorch': 'torch', 'mxnet': 'mxnet'}  # notebook folder: backend in bands keys
CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update',
                  '--disable-sync']
RUN_TIMEOUT = 600  # seconds for Run All Cells; a capped run takes well under a minute
STARTUP = '''# tests/test_browser.py: the check cell under caps holds the run to this bands file
import d2l_compat.bands
d2l_compat.bands.BANDS_FILE = {path!r}
'''

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f'browser test: no Chromium at {CHROMIUM} (Debian: apt-get install chromium, '
           'as .ci/run does when it runs as root; or set D2L_CHROMIUM to a Chromium binary)')


def capped_key(backend):
    from d2l_compat import config
    caps = {key: int(CAPS[var]) for key, (var, _) in config.CAPS.items()}
    return f'lenet-v2/{backend}@{config.profile(caps)}'


def write_bands(path):
    """The real bands file plus a band that holds any run, for each backend under CAPS."""
    table = json.loads((ROOT / 'd2l_compat' / 'bands.json').read_text())
    for backend in BACKENDS.values():
        table['bands'][capped_key(backend)] = {
            'produced_by': 'tests/test_browser.py (a band that holds any run: the path, '
                           'not the numbers)',
            'runs': [], 'references': [],
            'tolerance': {'loss': 1.0, 'train_acc': 1.0, 'test_acc': 1.0},
            'loss': [0.0, 100.0], 'train_acc': [0.0, 1.0], 'test_acc': [0.0, 1.0]}
    path.write_text(json.dumps(table))


def cleared_copy(source, target):
    """The notebook with every output and execution count removed."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return nb


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    """A JupyterLab server from this venv on loopback, serving copies of the notebooks."""
    base = tmp_path_factory.mktemp('lab')
    root, runtime = base / 'notebooks', base / 'runtime'
    for folder in BACKENDS:
        cleared_copy(ROOT / 'notebooks' / folder / 'lenet.ipynb', root / folder / 'lenet.ipynb')
    write_bands(base / 'bands.json')
    startup = base / 'ipython' / 'profile_default' / 'startup'
    startup.mkdir(parents=True)
    (startup / '00-bands.py').write_text(STARTUP.format(path=str(base / 'bands.json')))
    settings = base / 'settings' / '@jupyterlab'
    # every cell in the DOM (no virtual scrolling), cell timings saved, no news or update checks
    (settings / 'notebook-extension').mkdir(parents=True)
    (settings / 'notebook-extension' / 'tracker.jupyterlab-settings').write_text(
        json.dumps({'windowingMode': 'none', 'recordTiming': True}))
    (settings / 'apputils-extension').mkdir(parents=True)
    (settings / 'apputils-extension' / 'notification.jupyterlab-settings').write_text(
        json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))

    token = secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items()
           if k not in ('D2L_ANIMATOR', 'D2L_RESULTS')
           and not k.startswith('D2L_MAX_')}
    env.update(CAPS, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(runtime),
               IPYTHONDIR=str(base / 'ipython'), JUPYTERLAB_SETTINGS_DIR=str(base / 'settings'),
               JUPYTERLAB_WORKSPACES_DIR=str(base / 'workspaces'))
    command = [sys.executable, '-m', 'jupyter', 'lab', '--ServerApp.ip=127.0.0.1',
               f'--ServerApp.port={free_port()}', '--ServerApp.port_retries=20',
               '--ServerApp.open_browser=False', f'--ServerApp.root_dir={root}',
               '--LabApp.news_url=None']
    if os.getuid() == 0:
        command.append('--allow-root')
    log = open(base / 'server.log', 'wb')
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = wait_for_server(server, runtime, token, base / 'server.log')
        yield {'url': url, 'token': token, 'root': root, 'base': base}
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def wait_for_server(server, runtime, token, log, timeout=120):
    """The server's base URL, read from the file it writes when it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f'jupyter lab exited ({server.returncode}):\n{log.read_text()[-3000:]}')
        for info in runtime.glob('jpserver-*.json'):
            url = json.loads(info.read_text())['url'].rstrip('/')
            try:
                with urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=5):
                    return url
            except OSError:
                pass
        time.sleep(0.5)
    pytest.fail(f'jupyter lab did not start in {timeout} s:\n{log.read_text()[-3000:]}')


@pytest.fixture(scope='module')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


# In the training cell: the largest number of images seen at once, and the distinct pictures.
WATCH = '''index => {
  const cell = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')[index];
  const seen = {most: 0, pictures: new Set()};
  const look = () => {
    const images = cell.querySelectorAll('.jp-OutputArea-output img');
    seen.most = Math.max(seen.most, images.length);
    images.forEach(image => seen.pictures.add(image.src));
  };
  new MutationObserver(look).observe(cell, {subtree: true, childList: true, attributes: true});
  window.d2lSeen = seen;
}'''
SEEN = '() => ({most: window.d2lSeen.most, pictures: window.d2lSeen.pictures.size})'
# Done: no cell waiting or running ([*]) and the kernel idle.
SETTLED = '''() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')];
  const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return prompts.some(p => /\\[\\d+\\]/.test(p.textContent))
      && !prompts.some(p => p.textContent.includes('*'))
      && (!status || status.dataset.status === 'idle');
}'''


def cell_index(nb, start):
    """The index of the one code cell with a line that starts with ``start``."""
    found = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code'
             and any(line.startswith(start) for line in c.source.splitlines())]
    assert len(found) == 1, f'expected one code cell with a line {start!r}..., found {found}'
    return found[0]


@pytest.mark.parametrize('folder', list(BACKENDS))
def test_run_all_cells_in_jupyterlab(lab, browser, folder):
    path = lab['root'] / folder / 'lenet.ipynb'
    nb = nbformat.read(path, as_version=4)
    training = cell_index(nb, 'train_ch6(net, train_iter, test_iter')
    check = cell_index(nb, 'bands.check(record)')
    page = browser.new_page(viewport={'width': 1400, 'height': 1000})
    shot = lab['base'] / f'{folder}.png'
    try:
        started = time.monotonic()
        # a workspace of its own, so the other notebook is not restored beside this one
        page.goto(f"{lab['url']}/lab/workspaces/{folder}/tree/{folder}/lenet.ipynb"
                  f"?reset&token={lab['token']}", timeout=120_000)
        page.locator('.jp-NotebookPanel .jp-Cell').first.wait_for(timeout=120_000)
        confirm_kernel(page)
        kernel = page.locator('.jp-NotebookPanel .jp-Toolbar-kernelName')
        kernel.filter(has_text=DISPLAY_NAME).wait_for(timeout=60_000)
        page.evaluate(WATCH, training)

        page.locator('.lm-MenuBar-item', has_text='Run').first.click()
        page.locator('.lm-Menu-item:visible', has_text='Run All Cells').first.click()
        page.wait_for_function(SETTLED, polling=500, timeout=RUN_TIMEOUT * 1000)
        page.wait_for_timeout(1000)  # settled, and still settled a moment later
        page.wait_for_function(SETTLED, polling=500, timeout=RUN_TIMEOUT * 1000)
        ran = time.monotonic() - started
        seen = page.evaluate(SEEN)
        shown_kernel = kernel.inner_text().strip()
        images = page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').nth(training) \
            .locator('.jp-OutputArea-output img').count()
        save(page, path)
    finally:
        try:  # what the page showed last, for a failure; then free the kernel's memory
            page.screenshot(path=str(shot))
            print(f'{folder}: screenshot {shot}; server log {lab["base"] / "server.log"}')
        finally:
            page.close()
            shut_kernels_down(lab)
    print(f'{folder}: opened, ran all cells and saved in {ran:.0f} s; slowest cells:',
          slowest(nbformat.read(path, as_version=4)))

    assert shown_kernel == DISPLAY_NAME
    saved = nbformat.read(path, as_version=4)
    assert saved.metadata.kernelspec.name == KERNEL
    code = [(i, c) for i, c in enumerate(saved.cells) if c.cell_type == 'code']
    errors = {i: f"{o.ename}: {o.evalue}" for i, c in code for o in c.outputs
              if o.output_type == 'error'}
    assert not errors, f'cells with an error output: {errors}'
    assert all(c.execution_count for _, c in code), 'a code cell did not run'

    # the Animator: one image, redrawn in place, in the page and in the saved notebook
    assert images == 1 and seen['most'] == 1, (images, seen)
    assert seen['pictures'] >= 2, f'the training figure was never updated: {seen}'
    outputs = saved.cells[training].outputs
    assert [o.output_type for o in outputs if 'image/png' in o.get('data', {})] \
        == ['display_data']
    assert 'examples/sec on' in ''.join(o.get('text', '') for o in outputs)

    # the check cell: the real bands.check's lines for this backend under the caps
    printed = ''.join(o.get('text', '') for o in saved.cells[check].outputs)
    key = capped_key(BACKENDS[folder])
    assert f'{key}：种子' in printed and '的条带' in printed, printed
    assert '参考' not in printed, printed  # this band has no runs, so no same-seed reference
    assert printed.count('：在内') == 3, printed


def slowest(nb, count=3):
    """'index: seconds' of the code cells that took longest (JupyterLab's recordTiming)."""
    from datetime import datetime
    took = {}
    for i, cell in enumerate(nb.cells):
        timing = cell.metadata.get('execution', {})
        if 'shell.execute_reply' in timing and 'iopub.execute_input' in timing:
            took[i] = (datetime.fromisoformat(timing['shell.execute_reply'].rstrip('Z'))
                       - datetime.fromisoformat(timing['iopub.execute_input'].rstrip('Z')))
    top = sorted(took.items(), key=lambda item: -item[1])[:count]
    return ', '.join(f'cell {i}: {t.total_seconds():.1f} s' for i, t in top)


def shut_kernels_down(lab):
    """Shut down the server's kernels (closing the page leaves them running)."""
    def call(method, path):
        request = urllib.request.Request(f"{lab['url']}{path}?token={lab['token']}",
                                         method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b'null')
    for kernel in call('GET', '/api/kernels'):
        call('DELETE', f"/api/kernels/{kernel['id']}")


def confirm_kernel(page):
    """Accept the course kernel if JupyterLab asks which kernel to use."""
    dialog = page.locator('.jp-Dialog')
    try:
        dialog.wait_for(timeout=3000)
    except Exception:
        return  # the notebook's own kernelspec (d2l-lenet) was started without asking
    select = dialog.locator('select')
    if select.count():
        select.first.select_option(label=DISPLAY_NAME)
    dialog.locator('button.jp-mod-accept').click()


def save(page, path):
    """File -> Save, then wait until the file on disk is the saved one."""
    before = path.stat().st_mtime_ns
    page.locator('.jp-NotebookPanel .jp-Notebook').first.click(position={'x': 5, 'y': 5})
    page.keyboard.press('Control+s')
    deadline = time.monotonic() + 60
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, 'the notebook was not saved'
        time.sleep(0.2)
    page.wait_for_timeout(500)
