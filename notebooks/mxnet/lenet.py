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
# # 5.5 卷积神经网络（LeNet）· MXNet/Gluon 版
#
# 本笔记本按《动手学深度学习》MXNet 版第 5.5 节的顺序复现 LeNet（配方 v1），再把新版教材
# （PyTorch 版）第 6.6 节的配方 v2 原样搬到 MXNet 上运行。`notebooks/pytorch/lenet.ipynb`
# 的小节与单元格顺序与本笔记本相同：v1 在前，v2 在后，可以并排阅读或直接 diff 两个 `.py` 文件。
#
# 与原书唯一的代码差别是导入行：`import d2lzh as d2l` 换成了 `from d2l_compat import mxnet as d2l`。
# `d2l_compat` 从本地读取原始的 Fashion-MNIST 文件并校验 md5，训练函数打印的内容与 d2lzh 相同，
# 另外返回一份运行记录（每轮的损失、准确率、耗时）。

# %%
from d2l_compat import mxnet as d2l  # 原书：import d2lzh as d2l
from d2l_compat import bands
import mxnet as mx
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import loss as gloss, nn

SEED = 0  # 固定随机种子：参数初始化和数据顺序都由它决定
d2l.set_seed(SEED)

# %% [markdown]
# ## 5.5.1 LeNet 模型
#
# 卷积块：两个“5×5 卷积 + sigmoid + 2×2 最大池化”单元，输出通道 6 和 16；
# 全连接块：120、84、10 三层。第二个卷积层的输入更小，所以通道数增多，使两层的参数规模相近。

# %%
net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
        nn.MaxPool2D(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
        nn.MaxPool2D(pool_size=2, strides=2),
        # Dense 会把 (批量, 通道, 高, 宽) 的输入自动展平成 (批量, 通道*高*宽)
        nn.Dense(120, activation='sigmoid'),
        nn.Dense(84, activation='sigmoid'),
        nn.Dense(10))

# %% [markdown]
# 用一个 1×1×28×28 的随机样本逐层前向计算，查看每层输出的形状：5×5 卷积（无填充）让高和宽各减 4，
# 池化让它们减半。

# %%
X = nd.random.uniform(shape=(1, 1, 28, 28))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)

# %%
num_params = sum(p.data().size for p in net.collect_params().values())
print('参数个数:', num_params)

# %% [markdown]
# ## 5.5.2 获取数据和训练模型
#
# 批量大小 256。`load_data_fashion_mnist` 把整个数据集一次性读进内存，按批切片；
# 训练集每轮重新打乱（顺序由上面的种子决定）。

# %%
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=batch_size)
X, y = next(iter(train_iter))
print(len(train_iter), 'batches;', X.shape, X.dtype.__name__, y.shape, y.dtype.__name__)

# %% [markdown]
# 有 GPU 就用 `gpu(0)`，否则退回 CPU（本仓库的测试机没有 GPU）。

# %%
ctx = d2l.try_gpu()
ctx

# %% [markdown]
# `evaluate_accuracy(data_iter, net, ctx)` 与 `train_ch5` 的签名和打印内容都与 d2lzh 相同。
# 训练前用 Xavier 重新初始化参数，损失函数是交叉熵，优化器是小批量 SGD，学习率 0.9，训练 5 轮。

# %%
lr, num_epochs = 0.9, 5
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
record_v1 = d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                          recipe='lenet-v1')

# %% [markdown]
# 最终结果与在真实数据上用 5 个种子测得的区间（`d2l_compat/bands.json`，由
# `scripts/measure_bands.py` 生成）比较；超出区间时这个单元格会报错，`make test` 随之失败。

# %%
bands.check(record_v1)

# %% [markdown]
# ## 6.6（对照）新版教材（PyTorch 版）的 LeNet 配方，在 MXNet 上运行
#
# 新版教材的 LeNet 有三处不同：第一个卷积层填充 2（输出仍是 28×28），用平均池化代替最大池化，
# 训练 10 轮；`train_ch6` 自己做 Xavier 初始化，并用每批的平均损失更新。这里用同一个配方在
# MXNet 上训练，与 PyTorch 笔记本中的同名配方直接可比。

# %%
net2 = nn.Sequential()
net2.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
         nn.AvgPool2D(pool_size=2, strides=2),
         nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
         nn.AvgPool2D(pool_size=2, strides=2),
         nn.Dense(120, activation='sigmoid'),
         nn.Dense(84, activation='sigmoid'),
         nn.Dense(10))
X = nd.random.uniform(shape=(1, 1, 28, 28))
net2.initialize()
for layer in net2:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)
print('参数个数:', sum(p.data().size for p in net2.collect_params().values()))

# %%
record_v2 = d2l.train_ch6(net2, train_iter, test_iter, 10, 0.9, ctx, recipe='lenet-v2')

# %%
bands.check(record_v2)

# %% [markdown]
# ## 5.5.3 小结
#
# - 卷积神经网络是含卷积层的网络；LeNet 交替使用卷积层和池化层，最后接全连接层做分类。
# - 两版教材的数字不能直接对比：旧版（本节）无填充、最大池化、5 轮，全连接块输入 16×4×4=256；
#   新版有填充、平均池化、10 轮，输入 16×5×5=400。两者在 MXNet 上的结果见上面两个训练单元格，
#   在 PyTorch 上的结果见配对的笔记本；各自的区间列在 `d2l_compat/bands.json`。
# - 同一配方换框架时仍有差别：MXNet 的 Xavier 初始化把偏置置零，PyTorch 的 `train_ch6` 只重置权重、
#   偏置保留框架默认的均匀初始化。
