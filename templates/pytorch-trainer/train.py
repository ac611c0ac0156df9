#!/usr/bin/env python3
"""A PyTorch classifier as a dlc external trainer (protocol dlc-trainer/1).

dlc runs this program once per unit of work, with the project as its working directory. It reads one JSON
request on stdin and prints JSON lines on stdout, the last one {"type": "result", ...}; logs go to stderr,
and a failure exits non-zero. A request's "task" is one of:

  train     one pass over one partition: continue from checkpoint_in (null for a trial's first unit),
            write checkpoint_out, and evaluate on "validation" when the request has it
  evaluate  the metrics of the model in "checkpoint" on "data"
  export    write the model in "checkpoint" into "dir"

Data come as NumPy files: per partition a float32 "features" array (examples x values) and an int32
"labels" array. The model's whole state (weights and optimizer) travels in the checkpoint, so the next unit
of a trial can run on another worker. The protocol in full: node_modules/dlc/docs/trainer-protocol.md.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

PROTOCOL = "dlc-trainer/1"
CLASSES = 2  # returned_label is 0 or 1


def load(files):
    """A partition's (or several partitions') features and class ids as tensors."""
    x = np.concatenate([np.load(f["features"]) for f in files]).astype(np.float32)
    y = np.concatenate([np.load(f["labels"]) for f in files]).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def build_model(params, inputs, seed):
    """The network of one configuration of the search space in pipeline.yaml."""
    torch.manual_seed(seed)
    hidden = int(params["hidden"])
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))


def score(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return {
            "loss": nn.functional.cross_entropy(logits, y).item(),
            "accuracy": (logits.argmax(dim=1) == y).float().mean().item(),
        }


def train(request):
    params = request["params"]
    x, y = load(request["data"]["files"])
    model = build_model(params, x.shape[1], request["seed"])
    optimizer = torch.optim.Adam(model.parameters(), lr=float(params["learning_rate"]))
    if request["checkpoint_in"]:
        state = torch.load(request["checkpoint_in"])
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])

    torch.manual_seed(request["shuffle_seed"])
    order = torch.randperm(len(x))
    batch_size = int(request["batch_size"])
    model.train()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        logits = model(x[batch])
        loss = nn.functional.cross_entropy(logits, y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(batch)
        correct += (logits.argmax(dim=1) == y[batch]).sum().item()

    # Written under a temporary name and renamed, so a crash never leaves half a checkpoint behind.
    temporary = request["checkpoint_out"] + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, temporary)
    os.replace(temporary, request["checkpoint_out"])
    seen = max(len(x), 1)
    result = {"type": "result", "metrics": {"loss": loss_sum / seen, "accuracy": correct / seen}, "examples": len(x)}
    if request.get("validation"):
        result["validation"] = score(model, *load(request["validation"]["files"]))
    return result


def evaluate(request):
    x, y = load(request["data"]["files"])
    model = build_model(request["params"], x.shape[1], 0)
    model.load_state_dict(torch.load(request["checkpoint"])["model"])
    return {"type": "result", "metrics": score(model, x, y), "examples": len(x)}


def export(request):
    os.makedirs(request["dir"], exist_ok=True)
    path = os.path.join(request["dir"], "model.pt")
    torch.save(torch.load(request["checkpoint"])["model"], path)
    return {"type": "result", "files": [path]}


def answer(request):
    if request.get("protocol") != PROTOCOL:
        raise ValueError(f"train.py speaks {PROTOCOL}, not {request.get('protocol')!r}")
    return {"train": train, "evaluate": evaluate, "export": export}[request["task"]](request)


def main():
    # dlc's workers share the machine's cores; it sets OMP_NUM_THREADS for each trainer.
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    if os.environ.get("DLC_TRAINER_MODE") == "persistent":
        # persistent: true in pipeline.yaml: one request per line until stdin closes, so torch is imported
        # once per worker; a failed request is reported and the next one served.
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
