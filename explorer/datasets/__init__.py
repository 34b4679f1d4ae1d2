"""Datasets for the sparse-autoencoder explorer, as flattened images in [0, 1].

Pure NumPy. The default datasets ship with the package (natural photographs, UCI digits)
or are generated (bars and a sparse dictionary, both with their true features); MNIST is read
from local IDX files. Sources and licences are in ``files/DATA-LICENSES``.

>>> from explorer.datasets import load
>>> data = load("bars", n_samples=100, random_state=0)
>>> data.X.shape, data.image_shape
((100, 64), (8, 8))
"""

from ._dataset import Dataset, Setting
from ._registry import NAMES, load, options
from .images import from_images
from .mnist import load_mnist

__all__ = ["NAMES", "Dataset", "Setting", "from_images", "load", "load_mnist", "options"]
