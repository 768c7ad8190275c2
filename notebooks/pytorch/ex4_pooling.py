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
# # 练习 4：平均池化换成最大池化（配方 v2）· PyTorch
#
# 新版教材第 6.6 节练习 1：把 LeNet 的平均汇聚层换成最大汇聚层会怎样？种子文档 003 的博客只写了
# “可能会导致网络的准确率提高”，没有给出数字。这里在配方 v2（填充 2、sigmoid、lr 0.9、10 轮、
# `train_ch6`）上只改池化方式，两个框架各用 5 个种子。配对的 MXNet 笔记本结构相同。

# %%
from d2l_compat import torch as d2l
from d2l_compat import bands
import torch

SEED = 0
d2l.set_seed(SEED)

# %% [markdown]
# ## 模型
#
# 池化层没有参数；变的只是每个 2×2 窗口取最大值还是平均值。下面打印这个网络各层的输出形状和参数个数。

# %% tags=["net"]
from torch import nn


def lenet_maxpool():
    """配方 v2 的 LeNet，平均池化换成最大池化。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))

# %%
net = lenet_maxpool()
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape: \t', X.shape)
print('参数个数:', sum(p.numel() for p in net.parameters()))

# %% [markdown]
# ## 训练

# %%
d2l.set_seed(SEED)
net = lenet_maxpool()
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
record = d2l.train_ch6(net, train_iter, test_iter, 10, 0.9, d2l.try_gpu(), recipe='ex4-maxpool')

# %%
bands.check(record)

# %% [markdown]
# ## 5 个种子的对照
#
# 下表来自 `d2l_compat/bands.json`（`d2l_lenet/measure.py`，种子 0–4，完整数据）：
# 每个配方的最终损失和测试准确率（均值 ± 标准差 [最小, 最大]），然后逐个框架比较两个配方：
# 均值之差，以及 5 个种子的取值范围是否重叠。

# %%
bands.summary(['lenet-v2/mxnet', 'ex4-maxpool/mxnet', 'lenet-v2/torch', 'ex4-maxpool/torch'])
print()
backends = ('mxnet', 'torch')
acc_cmp = {b: bands.compare(f'ex4-maxpool/{b}', f'lenet-v2/{b}') for b in backends}
loss_cmp = {b: bands.compare(f'ex4-maxpool/{b}', f'lenet-v2/{b}', 'loss') for b in backends}

# %%
# 下面结论里的每一句定性说法都由这里的断言检查
for b in backends:
    assert acc_cmp[b].diff > 0 and not acc_cmp[b].overlap    # 最大池化的测试准确率更高，范围不重叠
    assert loss_cmp[b].diff < 0 and not loss_cmp[b].overlap  # 最终损失更低，范围也不重叠

# %% [markdown]
# ## 结论
#
# 在配方 v2 上，最大池化优于平均池化，两个框架一致：上面打印的比较里，最大池化的平均测试准确率更高、
# 平均最终损失更低，而且两个框架上两种池化的 5 个种子的取值范围（测试准确率和损失）都不重叠，
# 所以这不是种子之间的波动。可能的原因（这里没有单独验证）：最大池化保留每个窗口里最强的响应，
# 并把整份梯度交给这一个位置，平均池化则把梯度平分给 4 个位置。
# 这与旧版教材（v1）采用最大池化的选择一致。
