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
# # 练习 6：学习率、轮数与初始化 · PyTorch
#
# 种子文档 003 的博客（§2.6）把配方 v2 的学习率改成 0.001、轮数改成 20，并“加上”Xavier 初始化
# （其实 `train_ch6` 本来就用 Xavier）；博客没有给出结果。这里分两部分：
#
# 1. 照博客：配方 v2，lr 0.001，20 轮（`train_ch6`）。
# 2. 初始化本身的作用：配方 v1（`train_ch5`，lr 0.9，5 轮）分别用框架的默认初始化和 Xavier。
#    Gluon 的默认初始化是权重 Uniform(-0.07, 0.07)、偏置为零；PyTorch 的默认是
#    kaiming_uniform(a=√5)，即权重和偏置都是 Uniform(±1/√fan_in)。两个框架的默认值不同，
#    所以这一项的框架差异是预期之内的。
#
# 配对的 MXNet 笔记本结构相同。

# %%
from d2l_compat import torch as d2l
from d2l_compat import bands
import torch

SEED = 0
d2l.set_seed(SEED)

# %% tags=["net"]
from torch import nn


def lenet_v2():
    """配方 v2 的 LeNet（第二版 §6.6）：sigmoid、平均池化，第一层填充 2。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


def lenet_v1():
    """配方 v1 的 LeNet（第一版 §5.5）：sigmoid、最大池化，无填充。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


# %% [markdown]
# ## 1. lr 0.001，20 轮（博客 §2.6）

# %%
d2l.set_seed(SEED)
net = lenet_v2()
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
record = d2l.train_ch6(net, train_iter, test_iter, 20, 0.001, d2l.try_gpu(),
                       recipe='ex6-lr0.001')

# %%
bands.check(record)

# %% [markdown]
# ## 2. 默认初始化与 Xavier（配方 v1）
#
# 先看两种初始化给每层权重的尺度（标准差），再用默认初始化训练；Xavier 的结果就是配方 v1 本身
# （`lenet-v1`，见 LeNet 笔记本和下面的表）。

# %%
LAYERS = ['conv1', 'conv2', 'fc1', 'fc2', 'fc3']


def weight_stds(net):
    """每一层权重的标准差。"""
    return [p.std().item() for name, p in net.named_parameters() if name.endswith('weight')]


default_net = lenet_v1()  # 不调用任何初始化：PyTorch 的默认值
xavier_net = lenet_v1()
for m in xavier_net.modules():
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
stds = zip(LAYERS, weight_stds(default_net), weight_stds(xavier_net))
for layer, default_std, xavier_std in stds:
    print(f'{layer:<6} 权重标准差: 默认 {default_std:.4f}  Xavier {xavier_std:.4f}')

# %%
d2l.set_seed(SEED)
net = lenet_v1()  # 构造时即用 PyTorch 的默认初始化，之后不再初始化
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
net.to(d2l.try_gpu())
trainer = torch.optim.SGD(net.parameters(), lr=0.9)
record = d2l.train_ch5(net, train_iter, test_iter, 256, trainer, d2l.try_gpu(), 5,
                       recipe='ex6-default-init')

# %%
bands.check(record)

# %% [markdown]
# ## 多个种子的对照
#
# 来自 `d2l_compat/bands.json`（完整数据；`ex6-lr0.001` 每个框架 3 个种子，其余 5 个）。

# %%
bands.summary(['lenet-v2/mxnet', 'ex6-lr0.001/mxnet', 'lenet-v1/mxnet', 'ex6-default-init/mxnet',
               'lenet-v2/torch', 'ex6-lr0.001/torch', 'lenet-v1/torch', 'ex6-default-init/torch'])

# %% [markdown]
# ## 结论
#
# - **lr 0.001、20 轮：完全没学起来。** 两个框架、各 3 个种子，最终损失 2.3025 ± 0.0001（即 ln 10，
#   输出与输入无关），测试准确率约 0.10（MXNet 0.1015 ± 0.0310，PyTorch 0.1011 ± 0.0187）；
#   原配方（lr 0.9、10 轮）是 0.8043 / 0.8080。博客的这个改动让结果变差：sigmoid 的 LeNet 需要大
#   学习率（练习 3 的扫描里 lr ≤ 0.1 时 5 轮后测试准确率都不超过 0.12），把轮数翻倍远远补不回来。
#   Xavier 初始化不是变量——`train_ch6` 本来就用它。
# - **初始化很关键，而且两个框架的默认值不一样。** 配方 v1 换成默认初始化后，MXNet 5 个种子全部
#   停在 0.1000（损失 2.3038）；PyTorch 5 个种子里 3 个停在 0.1000，种子 1 到 0.1834，种子 3 到
#   0.4660；用 Xavier 时是 0.7508 / 0.7586。上面打印的权重标准差说明原因：Gluon 的默认值每层都是
#   0.040，比 Xavier（0.061–0.147）小 1.5–3.6 倍；PyTorch 的默认值在全连接层也只有 Xavier 的
#   42–53 %（0.036 / 0.053 / 0.061 对 0.073 / 0.099 / 0.148），第二层 77 %，只有第一层接近（0.111 对 0.114）。
#   权重太小时，四层 sigmoid 把信号和梯度层层压小，5 轮里都走不出“输出与输入无关”的平台。
# - PyTorch 的默认初始化有时能逃出来，所以 `ex6-default-init/torch` 的条带很宽（测试准确率
#   0.07–0.50），只能说明“基本学不起来”；MXNet 的条带则紧贴 0.10。
