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
# # 练习 8：第一层和第二层的激活（套头衫与外套）· MXNet
#
# 新版教材第 6.6 节练习 4：输入不同的图片（例如套头衫和外套）时，LeNet 第一层和第二层的激活是什么样？
# 种子文档 003 的博客用一个**没训练过**的网络只打印了卷积输出的形状。这里先按配方 v1 训练 LeNet
# （配方 `ex8-lenet-v1`：网络和设置与 LeNet 笔记本的 v1 相同，5 轮，结果要落在 5 个种子实测的区间里），
# 再取测试集里第一件套头衫和第一件外套，把两层卷积（经过 sigmoid）的输出画成图，并用余弦相似度
# 量一量：越往后，两件衣服在网络眼里是否越像还是越不像。配对的 PyTorch 笔记本结构相同。

# %%
from d2l_compat import mxnet as d2l
from d2l_compat import bands
from mxnet import gluon, init, nd

SEED = 0
d2l.set_seed(SEED)

# %% [markdown]
# ## 训练配方 v1 的 LeNet

# %% tags=["net"]
from mxnet.gluon import nn


def lenet_v1():
    """配方 v1 的 LeNet（5×5 卷积、最大池化、sigmoid）。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    return net

# %%
d2l.set_seed(SEED)
net = lenet_v1()
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
ctx = d2l.try_gpu()
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
record = d2l.train_ch5(net, train_iter, test_iter, 256, trainer, ctx, 5,
                       recipe='ex8-lenet-v1')

# %%
bands.check(record)

# %% [markdown]
# ## 取一件套头衫和一件外套
#
# 测试集不打乱，所以“第一件”每次都是同一张图。

# %%
X_test = nd.concat(*[X for X, _ in test_iter], dim=0)
y_test = nd.concat(*[y for _, y in test_iter], dim=0).asnumpy()
names = d2l.get_fashion_mnist_labels(range(10))
picks = [int((y_test == names.index(c)).nonzero()[0][0]) for c in ('pullover', 'coat')]
X = X_test[picks]
probs = nd.softmax(net(X), axis=1).asnumpy()
for i, p in zip(picks, probs):
    print(f'测试集第 {i} 张: 标签 {names[int(y_test[i])]}, '
          f'P(pullover) {p[2]:.2f}, P(coat) {p[4]:.2f}')

# %% [markdown]
# ## 两层的激活

# %%
layer1 = net[0](X)                 # 卷积 1（含 sigmoid）：6 张 24×24
layer2 = net[2](net[1](layer1))    # 池化 + 卷积 2（含 sigmoid）：16 张 8×8
print('第一层:', tuple(layer1.shape), ' 第二层:', tuple(layer2.shape))


def cosine(a, b):
    return float((a * b).sum().asscalar() / (a.norm() * b.norm()).asscalar())


for name, acts in [('输入', X), ('第一层', layer1), ('第二层', layer2)]:
    print(f'{name}: 套头衫与外套的余弦相似度 {cosine(acts[0], acts[1]):.4f}')

# %%
axes = d2l.show_images(list(X[:, 0]), 1, 2, titles=['pullover', 'coat'], scale=2)

# %%
axes = d2l.show_images(list(layer1[0]) + list(layer1[1]), 2, 6,
                       titles=[f'pullover {c}' for c in range(6)] + [f'coat {c}' for c in range(6)])

# %%
axes = d2l.show_images(list(layer2[0]) + list(layer2[1]), 4, 8,
                       titles=[f'P{c}' for c in range(16)] + [f'C{c}' for c in range(16)], scale=1)

# %% [markdown]
# ## 结论
#
# - **网络把这件外套认成了套头衫。** 两个框架训练出的网络（测试准确率 MXNet 0.7672、PyTorch 0.7674）
#   都把测试集第 1 张的套头衫判为套头衫（P 0.46 / 0.49），但第 6 张的外套也判成套头衫：
#   P(pullover) 0.40 / 0.38，P(coat) 只有 0.15 / 0.09。这两类是 Fashion-MNIST 里最容易混的几类之一。
# - **第一层几乎看不出区别。** 输入图像的余弦相似度是 0.5947，第一层激活反而升到 0.806 / 0.808：
#   6 个 5×5 卷积核对两件衣服给出相似的边缘和亮区响应，而且 sigmoid 的输出全为正（背景处约为
#   常数），这本身就会抬高余弦相似度，所以跨层比较只能看趋势。图上第一层的 6 张图基本是两件衣服
#   的轮廓和明暗。
# - **第二层开始分开。** 第二层的相似度降到 0.626（MXNet）/ 0.456（PyTorch）：16 张 8×8 的图里
#   开始出现只对其中一件有强响应的通道。两个框架的数值不同（权重来自不同的随机数流），趋势相同。
# - 种子文档 003 只打印了未训练网络的卷积输出形状；上面的图和数字来自训练后的网络。
