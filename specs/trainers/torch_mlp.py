#!/usr/bin/env python3
"""A PyTorch MLP as a dlc external trainer (protocol dlc-trainer/1, see docs/trainer-protocol.md).

dlc runs this program once per unit of work: it reads one JSON request on stdin, trains one pass over
the partition it names (or evaluates, or exports), writes its checkpoint where told, and prints JSON
lines on stdout, the last one {"type": "result", ...}. Logs go to stderr. With `persistent: true` in the
spec, dlc starts it once per worker instead (DLC_TRAINER_MODE=persistent) and writes one request per line;
importing torch, which takes over a second, is then paid once. Model hopping then works as
for TensorFlow.js models: the checkpoint (weights and optimizer state) travels between workers.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn


def load(files):
    xs = [np.load(f["features"]) for f in files]
    ys = [np.load(f["labels"]) for f in files]
    return torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys)).long()


def build(params, in_features, seed):
    torch.manual_seed(seed)
    units = int(params.get("units", 128))
    return nn.Sequential(
        nn.Linear(in_features, units),
        nn.ReLU(),
        nn.Dropout(float(params.get("dropout", 0.0))),
        nn.Linear(units, 10),
    )


def optimizer_for(model, params):
    return torch.optim.Adam(model.parameters(), lr=float(params.get("lr", 1e-3)))


def score(model, x, y, batch=1024):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i:i + batch])
            loss_sum += nn.functional.cross_entropy(out, y[i:i + batch], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    return {"loss": loss_sum / len(x), "accuracy": correct / len(x)}


def train(req):
    params = req["params"]
    x, y = load(req["data"]["files"])
    model = build(params, x.shape[1], req["seed"])
    opt = optimizer_for(model, params)
    if req["checkpoint_in"]:
        state = torch.load(req["checkpoint_in"])
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
    torch.manual_seed(req["shuffle_seed"])
    order = torch.randperm(len(x))
    batch = int(req["batch_size"])
    model.train()
    loss_sum, correct = 0.0, 0
    for i in range(0, len(x), batch):
        idx = order[i:i + batch]
        out = model(x[idx])
        loss = nn.functional.cross_entropy(out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(idx)
        correct += (out.argmax(1) == y[idx]).sum().item()
    # Written to a temporary name and renamed: a crash never leaves a half checkpoint under the real name.
    tmp = req["checkpoint_out"] + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp)
    os.replace(tmp, req["checkpoint_out"])
    result = {"type": "result", "metrics": {"loss": loss_sum / len(x), "accuracy": correct / len(x)}, "examples": len(x)}
    if req.get("validation"):
        vx, vy = load(req["validation"]["files"])
        result["validation"] = score(model, vx, vy)
    return result


def restore(req, in_features):
    model = build(req["params"], in_features, 0)
    model.load_state_dict(torch.load(req["checkpoint"])["model"])
    return model


def evaluate(req):
    x, y = load(req["data"]["files"])
    return {"type": "result", "metrics": score(restore(req, x.shape[1]), x, y), "examples": len(x)}


def export(req):
    state = torch.load(req["checkpoint"])["model"]
    os.makedirs(req["dir"], exist_ok=True)
    path = os.path.join(req["dir"], "model.pt")
    torch.save(state, path)
    return {"type": "result", "files": [path]}


HANDLERS = {"train": train, "evaluate": evaluate, "export": export}


def answer(req):
    if req.get("protocol") != "dlc-trainer/1":
        raise ValueError(f"unsupported protocol {req.get('protocol')!r}")
    return HANDLERS[req["task"]](req)


def main():
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    if os.environ.get("DLC_TRAINER_MODE") == "persistent":
        # One request per line until stdin closes; a failed request is reported and the next one served.
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                reply = answer(json.loads(line))
            except Exception as error:  # noqa: BLE001 - any failure of one request goes back to dlc
                reply = {"type": "error", "message": f"{type(error).__name__}: {error}"}
            print(json.dumps(reply), flush=True)
        return 0
    try:
        reply = answer(json.load(sys.stdin))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
