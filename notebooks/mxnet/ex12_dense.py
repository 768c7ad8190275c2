# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: 'Python 3 (d2l: MXNet + PyTorch)'
#     language: python
#     name: d2l-lenet
# ---

# %% [markdown]
# # 练习 12：全连接层的输出个数与层数（配方 v2）· MXNet
#
# 旧版教材第 5.5 节的练习建议调整“全连接层输出个数”；新版教材第 6.6 节练习 2 还列出了
# “全连接层的数量”。LeNet 的卷积部分输出 16×5×5 = 400 个数，全连接层块是 400 → 120 → 84 → 10
# （两个隐藏层加输出层）。这里在配方 v2（填充 2、平均池化、sigmoid，`train_ch6`、lr 0.9、
# 批量 256、10 轮）上只改全连接层块，卷积部分不动，试三个变体：
#
# | 配方 | 全连接层块 | 改动 |
# |---|---|---|
# | `ex12-fc256-128` | 400 → 256 → 128 → 10 | 两个隐藏层加宽（120 → 256，84 → 128） |
# | `ex12-fc60-42` | 400 → 60 → 42 → 10 | 两个隐藏层减半 |
# | `ex12-one-hidden` | 400 → 120 → 10 | 去掉 84 个输出的那一层 |
#
# 对照是配方 v2 本身（`lenet-v2`，书中 §6.6 的网络），两个框架各用 5 个种子。
# 配对的 PyTorch 笔记本结构相同。

# %%
from d2l_compat import mxnet as d2l
from d2l_compat import bands
from mxnet import nd

SEED = 0

# %% [markdown]
# ## 模型
#
# 三个网络都由下面这个单元格定义（`d2l_lenet/recipes.py` 的配方也从这里取网络）：
# `lenet_fc(hidden1, hidden2)` 是两个隐藏层分别有 `hidden1`、`hidden2` 个输出的 v2 LeNet，
# `lenet_fc(120, 84)` 就是书中的网络；`lenet_one_hidden()` 只有一个 120 个输出的隐藏层。

# %% tags=["net"]
from mxnet.gluon import nn


def lenet_fc(hidden1, hidden2):
    """配方 v2 的 LeNet，两个隐藏全连接层分别有 hidden1 和 hidden2 个输出。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(hidden1, activation='sigmoid'),
            nn.Dense(hidden2, activation='sigmoid'),
            nn.Dense(10))
    return net


def lenet_one_hidden():
    """配方 v2 的 LeNet 去掉 84 个输出的隐藏层：400 -> 120 -> 10。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(10))
    return net

# %% [markdown]
# 逐层形状和参数个数，先看书中的网络（`lenet_fc(120, 84)`）作对照。每个网络都是新建的实例，
# 只用来看形状，训练时另建。四个网络的卷积部分相同；每个网络最后一行打印第一个全连接层
# （400 × 第一个隐藏层的输出个数个权重，加偏置）占全部参数的比例，单元格断言它超过一半。

# %%
def show_shapes(net):
    """逐层打印输出形状和参数个数；返回（全部参数个数，第一个全连接层的参数个数）。"""
    X = nd.random.uniform(shape=(1, 1, 28, 28))
    net.initialize()
    sizes = []
    for layer in net:
        X = layer(X)
        sizes.append(sum(p.data().size for p in layer.collect_params().values()))
        shape = str(tuple(X.shape))
        print(f'{layer.__class__.__name__:<10} output shape: {shape:<16} 参数 {sizes[-1]}')
    first_fc = next(n for layer, n in zip(net, sizes) if isinstance(layer, nn.Dense))
    return sum(sizes), first_fc


NETS = {'lenet-v2': lenet_fc(120, 84), 'ex12-fc256-128': lenet_fc(256, 128),
        'ex12-fc60-42': lenet_fc(60, 42), 'ex12-one-hidden': lenet_one_hidden()}
PARAMS = {}
for name, net in NETS.items():
    print(name)
    PARAMS[name], first_fc = show_shapes(net)
    print(f'参数个数: {PARAMS[name]}，其中第一个全连接层 {first_fc}（{first_fc / PARAMS[name]:.0%}）')
    print()
    assert first_fc > PARAMS[name] / 2

# %% [markdown]
# ## 训练
#
# 每个配方一个单元格，顺序与 `d2l_lenet/recipes.py` 的 `run` 相同：固定种子、建网络、读数据、训练。
# 所以这里的运行就是条带里种子 0 的那次运行（同一种 CPU、同样的线程数下逐位相同），
# `bands.check` 先和它比，再和 5 个种子的区间比。

# %%
d2l.set_seed(SEED)
net = lenet_fc(256, 128)
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
record = d2l.train_ch6(net, train_iter, test_iter, 10, 0.9, d2l.try_gpu(),
                       recipe='ex12-fc256-128')

# %%
bands.check(record)

# %%
d2l.set_seed(SEED)
net = lenet_fc(60, 42)
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
record = d2l.train_ch6(net, train_iter, test_iter, 10, 0.9, d2l.try_gpu(),
                       recipe='ex12-fc60-42')

# %%
bands.check(record)

# %%
d2l.set_seed(SEED)
net = lenet_one_hidden()
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
record = d2l.train_ch6(net, train_iter, test_iter, 10, 0.9, d2l.try_gpu(),
                       recipe='ex12-one-hidden')

# %%
bands.check(record)

# %% [markdown]
# ## 5 个种子的对照
#
# 下表来自 `d2l_compat/bands.json`（`d2l_lenet/measure.py`，种子 0–4；键名不带 `@封顶配置`
# 后缀，即完整数据）。

# %%
bands.summary(['lenet-v2/mxnet', 'ex12-fc256-128/mxnet', 'ex12-fc60-42/mxnet',
               'ex12-one-hidden/mxnet', 'lenet-v2/torch', 'ex12-fc256-128/torch',
               'ex12-fc60-42/torch', 'ex12-one-hidden/torch'])

# %% [markdown]
# 每个变体与书中网络（`lenet-v2`）比：测试准确率均值之差，以及两组 5 个种子的取值范围是否重叠。

# %%
VARIANTS = ('ex12-fc256-128', 'ex12-fc60-42', 'ex12-one-hidden')
C = {}
for backend in ('mxnet', 'torch'):
    for recipe in VARIANTS:
        C[recipe, backend] = bands.compare(f'{recipe}/{backend}', f'lenet-v2/{backend}')

# %% [markdown]
# 代价与收益放在一起：每个网络的参数个数（上面用本笔记本的网络数的）、相对书中网络的倍数，
# 以及两个框架上 5 个种子测试准确率的均值 ± 标准差 [最小, 最大]。

# %%
print(f'{"recipe":<16} {"params":>7} {"x v2":>5}  {"test acc mxnet":<32} test acc torch')
for name, n in PARAMS.items():
    cells = [bands.spread(bands.values(f'{name}/{backend}')) for backend in ('mxnet', 'torch')]
    print(f'{name:<16} {n:>7} {n / PARAMS["lenet-v2"]:5.2f}  {cells[0]:<32} {cells[1]}')

# %% [markdown]
# 结论要用的事实由下面这个单元格打印并断言：每个框架上四个网络按 5 个种子测试准确率均值的
# 排序，以及每个变体的种子范围是否与书中网络的重叠。

# %%
import statistics

ORDER = {}
for backend in ('mxnet', 'torch'):
    means = {name: statistics.mean(bands.values(f'{name}/{backend}')) for name in PARAMS}
    ORDER[backend] = sorted(means, key=means.get, reverse=True)
    print(f'{backend}: 均值从高到低 ' + ' > '.join(f'{n} {means[n]:.4f}' for n in ORDER[backend]))
    print(f'{backend}: 与 lenet-v2 的种子范围重叠的变体: '
          + ', '.join(r for r in VARIANTS if C[r, backend].overlap))
assert ORDER['mxnet'] == ORDER['torch']  # 两个框架的排序相同
assert ORDER['mxnet'][0] == 'ex12-one-hidden' and ORDER['mxnet'][-1] == 'ex12-fc256-128'
assert all(C[r, b].overlap for r in VARIANTS for b in ('mxnet', 'torch'))

# %% [markdown]
# ## 结论
#
# - **两个框架给出同样的排序**（上面打印并断言）：去掉一个隐藏层的 `ex12-one-hidden` 均值最高
#   （MXNet 0.8301、PyTorch 0.8254），加宽的 `ex12-fc256-128` 最低（0.7952、0.7943），
#   减半的 `ex12-fc60-42` 与书中网络在中间。
# - **但没有一个变体与书中网络分得开**：每个变体 5 个种子的测试准确率范围都与 `lenet-v2` 的重叠
#   （上面打印并断言），所以 5 个种子只能说出方向，不能说哪个网络确实更好。
# - **回答练习**：输出个数——加宽到 2.26 倍参数的 `ex12-fc256-128` 均值比书中网络低
#   （−0.0097 / −0.0106，MXNet / PyTorch），减半到 0.48 倍参数的 `ex12-fc60-42` 均值略高
#   （+0.0044 / +0.0056）；层数——少一个隐藏层（0.84 倍参数）均值最高（+0.0252 / +0.0206）。
#   在这个 sigmoid、lr 0.9、10 轮的配方里，加宽全连接层没有带来更高的均值，但以上差别都在
#   种子范围的重叠之内。
