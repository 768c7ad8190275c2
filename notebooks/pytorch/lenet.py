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
# # 6.6 卷积神经网络（LeNet）· PyTorch 版
#
# 本笔记本先把旧版教材（MXNet 版）第 5.5 节的配方 v1 搬到 PyTorch 上运行，再按新版教材
# （PyTorch 版）第 6.6 节复现 LeNet（配方 v2）。`notebooks/mxnet/lenet.ipynb` 的小节与单元格顺序
# 与本笔记本相同：v1 在前，v2 在后，可以并排阅读或直接 diff 两个 `.py` 文件。
#
# 与原书唯一的代码差别是导入行：`from d2l import torch as d2l` 换成了
# `from d2l_compat import torch as d2l`。`d2l_compat` 从本地读取原始的 Fashion-MNIST 文件并校验 md5，
# 训练函数打印的内容与 d2l 相同，另外返回一份运行记录（每轮的损失、准确率、耗时）。

# %%
from d2l_compat import torch as d2l  # 原书：from d2l import torch as d2l
from d2l_compat import bands
import torch
from torch import nn

SEED = 0  # 固定随机种子：参数初始化和数据顺序都由它决定
d2l.set_seed(SEED)

# %% [markdown]
# ## 5.5.1（对照）旧版教材（MXNet 版）的 LeNet 配方，在 PyTorch 上运行
#
# 配方 v1：两个“5×5 卷积（无填充）+ sigmoid + 2×2 最大池化”单元，输出通道 6 和 16；
# 全连接块 120、84、10。PyTorch 的 `nn.Linear` 要写明输入个数：16×4×4=256。

# %%
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))

# %% [markdown]
# 用一个 1×1×28×28 的随机样本逐层前向计算，查看每层输出的形状：5×5 卷积（无填充）让高和宽各减 4，
# 池化让它们减半。

# %%
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape: \t', X.shape)

# %%
num_params = sum(p.numel() for p in net.parameters())
print('参数个数:', num_params)

# %% [markdown]
# ## 5.5.2（对照）获取数据和训练模型
#
# 批量大小 256。`load_data_fashion_mnist` 把整个数据集一次性读进内存，按批切片；
# 训练集每轮重新打乱（顺序由上面的种子决定）。

# %%
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=batch_size)
X, y = next(iter(train_iter))
print(len(train_iter), 'batches;', tuple(X.shape), X.dtype, tuple(y.shape), y.dtype)

# %% [markdown]
# 有 GPU 就用 `cuda:0`，否则退回 CPU（本仓库的测试机没有 GPU）。

# %%
device = d2l.try_gpu()
device

# %% [markdown]
# 旧版的 `train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs)` 在这里接受
# PyTorch 优化器，语义与 Gluon 相同：损失按批求和，梯度除以 `batch_size`。初始化也照搬 Gluon 的
# `init.Xavier()`：权重取 Glorot 均匀分布，偏置置零。学习率 0.9，训练 5 轮。

# %%
def init_like_gluon_xavier(m):
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


lr, num_epochs = 0.9, 5
net.apply(init_like_gluon_xavier)
trainer = torch.optim.SGD(net.parameters(), lr=lr)
record_v1 = d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, device, num_epochs,
                          recipe='lenet-v1')

# %% [markdown]
# 最终结果与在真实数据上用 5 个种子测得的区间（`d2l_compat/bands.json`，由
# `scripts/measure_bands.py` 生成）比较；超出区间时这个单元格会报错，`make test` 随之失败。

# %%
bands.check(record_v1)

# %% [markdown]
# ## 6.6 LeNet（新版教材的配方 v2）
#
# 新版教材的 LeNet 有三处不同：第一个卷积层填充 2（输出仍是 28×28），用平均池化代替最大池化，
# 训练 10 轮；`train_ch6` 自己用 Xavier 初始化权重，并用每批的平均损失更新。

# %%
net2 = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net2:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape: \t', X.shape)
print('参数个数:', sum(p.numel() for p in net2.parameters()))

# %%
record_v2 = d2l.train_ch6(net2, train_iter, test_iter, 10, 0.9, device, recipe='lenet-v2')

# %%
bands.check(record_v2)

# %% [markdown]
# ## 6.6.3 小结
#
# - 卷积神经网络是含卷积层的网络；LeNet 交替使用卷积层和池化层，最后接全连接层做分类。
# - 两版教材的数字不能直接对比：旧版（v1）无填充、最大池化、5 轮，全连接块输入 16×4×4=256；
#   新版（v2）有填充、平均池化、10 轮，输入 16×5×5=400。两者在 PyTorch 上的结果见上面两个训练单元格，
#   在 MXNet 上的结果见配对的笔记本；各自的区间列在 `d2l_compat/bands.json`。
# - 同一配方换框架时仍有差别：MXNet 的 Xavier 初始化把偏置置零，PyTorch 的 `train_ch6` 只重置权重、
#   偏置保留框架默认的均匀初始化。
