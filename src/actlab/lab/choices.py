"""The names the lab's options choose from, torch-free so that the command line can offer them
without importing torch. The modules that act on them (models, train, runners) import these."""

from __future__ import annotations

__all__ = ["LR_RULES", "MODELS", "OPTIMIZERS", "RUNNERS"]

MODELS = ("mlp", "cnn", "resnet")
OPTIMIZERS = ("sgd", "adam", "adamw")
# how a learning-rate grid picks a rate from probe runs (actlab.lab.train.choose_lr_from)
LR_RULES = ("final_loss", "epochs_to_target")
RUNNERS = ("local", "dask", "ray")
