"""Pins, environment.yml and README agree with each other."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def requirement_lines(text):
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith('#')]


def test_every_direct_dependency_is_pinned_exactly():
    for line in requirement_lines((ROOT / 'requirements.txt').read_text()):
        assert re.fullmatch(r'[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.+]*', line), line


def test_environment_yml_has_the_same_pins():
    pins = requirement_lines((ROOT / 'requirements.txt').read_text())
    env = (ROOT / 'environment.yml').read_text()
    listed = re.findall(r'^\s+- ([A-Za-z0-9_.\-]+==\S+)$', env, re.M)
    assert listed == pins
    assert re.search(r'^\s+- python=3\.11$', env, re.M)


def test_constraints_agree_with_requirements():
    constraints = dict(line.split('==') for line in
                       requirement_lines((ROOT / 'constraints.txt').read_text()))
    for line in requirement_lines((ROOT / 'requirements.txt').read_text()):
        name, version = line.split('==')
        assert constraints.get(name) == version, name


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / 'README.md').read_text()
    first_block = re.search(r'```(?:sh|bash)?\n(.*?)```', readme, re.S).group(1)
    assert requirement_lines(first_block) == ['make run', 'make test']


def test_the_modern_lane_is_pinned_with_numpy_2_and_current_torch_only():
    pins = dict(line.split('==') for line in
                requirement_lines((ROOT / 'constraints-modern.txt').read_text()))
    assert int(pins['numpy'].split('.')[0]) >= 2
    assert tuple(int(x) for x in pins['torch'].split('.')[:2]) >= (2, 14)
    assert not {'mxnet', 'd2l', 'd2lzh'} & set(pins)
    for line in requirement_lines((ROOT / 'requirements-modern.txt').read_text()):
        name, version = line.split('==')
        assert pins.get(name) == version, name


def test_the_pytorch_half_installs_without_the_course_pins():
    """pyproject: no upper bound on Python or numpy for the shim itself; MXNet's pins stay in
    its extra, with the reason beside them."""
    text = (ROOT / 'pyproject.toml').read_text()
    assert 'requires-python = ">=3.11"' in text
    deps = re.search(r'^dependencies = \[(.*)\]$', text, re.M).group(1)
    assert '"numpy>=1.23"' in deps and '<' not in deps
    assert re.search(r'^mxnet = \["mxnet==1\.9\.1", "numpy>=1\.23,<1\.24', text, re.M)
    assert 'np.bool' in text  # why MXNet keeps numpy below 1.24
