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
# # 7.6 Convolutional Neural Networks (LeNet)
#
# The MXNet tab of §7.6 of *Dive into Deep Learning*, the English edition 1.0 (d2l.ai), built on
# the book's object-oriented API (`d2l.Classifier`, `d2l.Trainer`, `d2l.FashionMNIST`). The headings
# are the book's; the prose between the code cells is a short summary of the book's, not its text
# (read the book for that). The code cells are the released section's: d2l-en tag `v1.0.3` (commit b2e2ae30), whose text is pinned
# byte for byte in `../shared/book/d2l-en-v1.0.3/lenet.md` (beside the repository root), with the other tabs' branches removed as
# d2l.ai's own MXNet notebook has them. The one change is the import line:
# `from d2l import mxnet as d2l` becomes `from d2l_compat import mxnet as d2l`, which offers the same
# names and runs offline on the verified Fashion-MNIST files.
#
# Cells marked **Added by this repository** are not the book's: they fix the random seed, keep the
# run's numbers and check them against measured runs. The paired notebook
# `notebooks/pytorch/lenet_en.ipynb` is the same section's PyTorch tab, cell for cell.

# %% [markdown]
# > **Added by this repository**: fix the random seed first. Gluon draws the initial weights only
# > when a net first sees data, so the seed could come later; it comes first to match the PyTorch
# > notebook. The seed also fixes the order of the training batches, so on one machine every run of
# > this notebook prints the same numbers (timings aside). Under other numerics (another thread
# > count or instruction set, measured for this recipe; other CPUs and a GPU, measured for the
# > Chinese editions' recipes) a smoothly training recipe gives the same seed's numbers within the
# > tolerance the check below prints: `make test` compares printed numbers within it (see the
# > README, "What the tests hold runs to").

# %% tags=["parameters", "added"]
SEED = 0  # added by this repository (to measure the band, d2l_lenet/measure.py runs the notebook with 1, 2, 3, 4)

# %% tags=["added"]
from d2l_compat import mxnet as d2l  # added: only for the next line; the book's import follows
d2l.set_seed(SEED)

# %% [markdown]
# LeNet, among the first published CNNs, was introduced by Yann LeCun and colleagues at AT&T Bell Labs
# to recognise handwritten digits (LeCun et al., 1998). The section keeps the spatial structure of the
# images that the softmax regression and MLP chapters flattened away.

# %%
from d2l_compat import mxnet as d2l  # book: from d2l import mxnet as d2l
from mxnet import autograd, gluon, init, np, npx
from mxnet.gluon import nn
npx.set_np()

# %% [markdown]
# ## LeNet
#
# LeNet-5 has two parts: a convolutional encoder of two convolutional layers, and a dense block of
# three fully connected layers. Each convolutional block is a 5×5 convolution, a sigmoid and a 2×2
# average pooling (stride 2); the first convolution has 6 output channels, the second 16. The dense
# block has 120, 84 and 10 outputs. The book builds the net with Xavier initialisation.

# %%
class LeNet(d2l.Classifier):  #@save
    """The LeNet-5 model."""
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential()
        self.net.add(
            nn.Conv2D(channels=6, kernel_size=5, padding=2,
                      activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(num_classes))
        self.net.initialize(init.Xavier())

# %% [markdown]
# The book replaces LeNet's Gaussian output layer by a softmax (in the loss). Passing one 28×28
# single-channel image through the net and printing each layer's output shape inspects the model:

# %%
@d2l.add_to_class(d2l.Classifier)  #@save
def layer_summary(self, X_shape):
    X = d2l.randn(*X_shape)
    for layer in self.net:
        X = layer(X)
        print(layer.__class__.__name__, 'output shape:\t', X.shape)
        
model = LeNet()
model.layer_summary((1, 1, 28, 28))

# %% [markdown]
# In Gluon the sigmoids sit inside `Conv2D` and `Dense` and `Dense` flattens its input, so the summary lists 7 layers where PyTorch lists 12.
#
#
# The first convolution's padding of 2 keeps 28×28; the second convolution has none, so height and
# width shrink by 4; each pooling halves them; the channels go from 1 to 6 to 16, and the dense layers
# shrink the width to the 10 classes.
#
# ## Training
#
# The book trains LeNet-5 on Fashion-MNIST with `d2l.Trainer`: cross-entropy loss, minibatch SGD at
# learning rate 0.1, batch size 128, 10 epochs, on a GPU if there is one.

# %%
trainer = d2l.Trainer(max_epochs=10, num_gpus=1)
data = d2l.FashionMNIST(batch_size=128)
model = LeNet(lr=0.1)
trainer.fit(model, data)

# %% [markdown]
# > **Added by this repository**: `Trainer.fit` prints nothing, as upstream's; the board above plots
# > the training loss twice per epoch and the validation loss and accuracy once (the cell prints
# > the number of points). `d2l.FashionMNIST`'s validation set is Fashion-MNIST's test set (10,000
# > images), what the Chinese editions' notebooks call test accuracy. `trainer.record`
# > keeps each epoch's numbers; `named('lenet-en')` files them under this recipe. The cell prints
# > how many points the board holds, then the numbers: train loss and accuracy over the epoch's
# > examples, validation loss and accuracy as the board plots them (the mean of the validation
# > batches' means; the cell prints how many batches there are and how short the last one is).
# > In the first epochs the loss stays near ln 10 ≈ 2.30 and the accuracy near 0.1, what guessing
# > among 10 classes gives; the table shows in which epoch this sigmoid LeNet starts to learn.

# %% tags=["added"]
record = trainer.record.named('lenet-en')  # added by this repository
print(f'training on {record.device}')
print('points on the board:', {label: len(points) for label, points in model.board.data.items()})
last = len(data.val) - (trainer.num_val_batches - 1) * data.batch_size
print(f'{trainer.num_val_batches} validation batches of {data.batch_size}; the last has {last}')
print('epoch  train loss  train acc  val loss  val acc')
for e in record.epochs:
    print(f"{e['epoch']:5d}  {e['loss']:10.4f}  {e['train_acc']:9.4f}  {e['val_loss']:8.4f}  "
          f"{e['test_acc']:7.4f}")
print(f"time {sum(e['seconds'] for e in record.epochs) / len(record.epochs):.1f} sec per epoch")

# %% [markdown]
# > **Added by this repository**: check the run. A run of a measured seed is first compared with
# > that seed's reference run (in `d2l_compat/bands.json`, measured by executing this notebook); the
# > tolerance is twice the largest difference among that seed's runs under other numerics (the cell
# > prints which were measured), and never below 0.0001 for the loss and 0.001 for accuracies. Then
# > it is compared with the band: the range of seeds 0–4, widened at each end by a margin (the cell
# > prints the margins). If either fails, this cell
# > raises, and `make test` (this repository's test command, see the README) fails with it. If you
# > changed the code or a setting above (the learning rate, the epochs), that is expected: the band
# > holds for this recipe only. If you changed nothing, this machine or software computed numbers
# > outside what was measured: report this cell's output and your machine to this repository.

# %% tags=["added"]
from d2l_compat import bands  # added by this repository
entry = bands.load()['bands'][f'lenet-en/{record.backend}']
print('seed 0 measured again under:', ', '.join(
    r.get('variant') or f"{r['host']['threads']} thread(s)" for r in entry['references'] + entry['variants']))
print('margins:', bands.load()['margins'])
bands.check(record, lang='en')

# %% [markdown]
# ## Summary
#
# The section suggests comparing LeNet-5's error rates on Fashion-MNIST with the best MLPs and with
# later architectures such as ResNet, to which it says LeNet is closer (it gives no numbers), and
# notes how little code LeNet now takes: what was months of C++ and assembly is a few lines today.

# %% [markdown]
# ## Exercises
#
# The book's five exercises, and the notebooks in this repository that answer them (each with an
# MXNet and a PyTorch version):
#
# 1. Modernise LeNet: max-pooling instead of average pooling → [exercise 4: pooling](ex4_pooling.ipynb);
#    "replace the softmax layer with ReLU" (the book's words; read here as ReLU in place of the
#    sigmoid activations) → [exercise 5: deeper and ReLU](ex5_deeper.ipynb) and [exercise 3: activation and learning rate](ex3_activation_lr.ipynb).
# 2. Change the network's size to improve its accuracy: the convolution window →
#    [exercise 1](ex1_window.ipynb); the output channels → [exercise 2](ex2_channels.ipynb); the
#    number of convolution layers → [exercise 13](ex13_conv_layers.ipynb); the number of fully
#    connected layers → [exercise 12](ex12_dense.ipynb); all of them with max-pooling and ReLU →
#    [exercise 5](ex5_deeper.ipynb); learning rates and initialisation →
#    [exercise 6](ex6_optimization.ipynb); epochs → [exercise 14](ex14_epochs.ipynb).
# 3. The improved network on the original MNIST → [exercise 7: MNIST](ex7_mnist.ipynb).
# 4. The first and second layers' activations for different inputs (sweaters and coats) →
#    [exercise 8: activations](ex8_activations.ipynb).
# 5. The activations for significantly different images (cats, cars, random noise) →
#    [exercise 15: unusual inputs](ex15_unusual_inputs.ipynb), trained with this section's recipe.

# %% [markdown]
# > **Added by this repository**: exercises 1–4 are answered there with the Chinese editions' recipes
# > (mostly §6.6's: the same LeNet, learning rate 0.9, batch 256, `train_ch6`; a few on §5.5's
# > variant of the net), which those notebooks compare with. The next cell prints, from the measured
# > bands, how far each recipe takes this same net. The two recipes differ in learning rate, batch
# > size and training loop at once, so the gap is not any one of them's alone.

# %% tags=["added"]
from d2l_compat import bands  # added by this repository
table = bands.load()['bands']
for key, recipe in (('lenet-en/mxnet', '§7.6: lr 0.1, batch 128, 10 epochs, Trainer'),
                    ('lenet-v2/mxnet', '§6.6: lr 0.9, batch 256, 10 epochs, train_ch6')):
    runs = table[key]['runs']
    accs = [r['test_acc'] for r in runs]
    print(f"{recipe}: test acc of seeds 0-{len(runs) - 1} from {min(accs):.4f} to {max(accs):.4f}")
