#!/usr/bin/env python3
"""Trains one unit of work for dlc: one epoch of one model on one partition of the training data.

dlc runs this once per unit with a JSON request on stdin (protocol dlc-trainer/1, described in
node_modules/dlc/docs/trainer-protocol.md):

    {"protocol": "dlc-trainer/1", "params": {...}, "epoch": 0,
     "partition": {"path": "...", "format": "arrow"}, "validation": {"path": "..."},
     "checkpoint_in": null, "checkpoint_out": "...", "features": [...], "label": "...",
     "batch_size": 32, "seed": 42}

and reads JSON lines from stdout, the last one the result:

    {"type": "result", "metrics": {"loss": ...}, "validation": {"loss": ...}, "examples": 480}

Anything meant for people goes to stderr; a failure exits non-zero. The model's whole state (weights and
optimizer) travels in the checkpoint files, so the next unit of the same trial can run on another worker.
"""
import json
import sys

import numpy as np
import pyarrow as pa
import torch
from torch import nn

PROTOCOL = "dlc-trainer/1"
CLASSES = 2  # returned_label is 0 or 1


def read_table(path):
    """An Arrow IPC file (or stream) as one table."""
    with pa.memory_map(path, "r") as source:
        try:
            return pa.ipc.open_file(source).read_all()
        except pa.ArrowInvalid:
            source.seek(0)
            return pa.ipc.open_stream(source).read_all()


def column_matrix(column):
    """One feature column as rows x values: a scalar column gives one value, a fixed-size list (one-hot) several."""
    column = column.combine_chunks()
    if pa.types.is_fixed_size_list(column.type):
        values = column.flatten().to_numpy(zero_copy_only=False)
        return values.reshape(len(column), column.type.list_size)
    return column.to_numpy(zero_copy_only=False).reshape(len(column), 1)


def load(path, features, label):
    """Features as a float32 matrix and the label as class ids."""
    table = read_table(path)
    x = np.hstack([column_matrix(table.column(name)) for name in features]).astype(np.float32)
    y = table.column(label).to_numpy(zero_copy_only=False).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def build_model(params, inputs):
    """The network of one configuration of the search space in pipeline.yaml."""
    hidden = int(params["hidden"])
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return {
            "loss": nn.functional.cross_entropy(logits, y).item(),
            "accuracy": (logits.argmax(dim=1) == y).float().mean().item(),
        }


def train_unit(request):
    params = request["params"]
    torch.manual_seed(request["seed"])
    x, y = load(request["partition"]["path"], request["features"], request["label"])

    model = build_model(params, x.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=float(params["learning_rate"]))
    if request.get("checkpoint_in"):
        state = torch.load(request["checkpoint_in"])
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])

    model.train()
    batch_size = int(request["batch_size"])
    order = torch.randperm(len(x))
    total_loss, correct = 0.0, 0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad()
        logits = model(x[batch])
        loss = nn.functional.cross_entropy(logits, y[batch])
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(batch)
        correct += (logits.argmax(dim=1) == y[batch]).sum().item()

    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, request["checkpoint_out"])
    seen = max(len(x), 1)
    result = {"type": "result", "metrics": {"loss": total_loss / seen, "accuracy": correct / seen}, "examples": len(x)}
    if request.get("validation"):
        result["validation"] = evaluate(model, *load(request["validation"]["path"], request["features"], request["label"]))
    return result


def main():
    request = json.load(sys.stdin)
    if request.get("protocol") != PROTOCOL:
        sys.exit(f"train.py speaks {PROTOCOL}, got {request.get('protocol')!r}")
    print(json.dumps(train_unit(request)), flush=True)


if __name__ == "__main__":
    main()
