#!/usr/bin/env python3
"""PyTorch training through AvA (issue 9): torchvision resnet18 (batch 32)
and a small GPT-2 built from a transformers config, 20 steps each, random
init and random data (nothing is downloaded), deterministic algorithms.

  torch_train.py run OUT.json        trains both, saves the per-step losses
  torch_train.py compare A.json B.json   TAP: losses equal within tolerance

tests/gpu/run runs it natively and through scripts/ava-local --cuda and
compares; without torch, torchvision or transformers it prints a SKIP."""
import json
import os
import sys

STEPS = 20
RTOL = 1e-4     # relative, per step: the same kernels in the same order


def seed_all(torch, s):
    torch.manual_seed(s)
    torch.cuda.manual_seed_all(s)


def train_resnet18(torch):
    import torchvision
    seed_all(torch, 1)
    model = torchvision.models.resnet18(num_classes=10).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    g = torch.Generator(device='cpu').manual_seed(2)
    x = torch.randn(32, 3, 224, 224, generator=g).cuda()
    y = torch.randint(0, 10, (32,), generator=g).cuda()
    losses = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def train_gpt2(torch):
    from transformers import GPT2Config, GPT2LMHeadModel
    seed_all(torch, 3)
    cfg = GPT2Config(vocab_size=1024, n_positions=128, n_embd=256, n_layer=4, n_head=4)
    model = GPT2LMHeadModel(cfg).cuda()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    g = torch.Generator(device='cpu').manual_seed(4)
    ids = torch.randint(0, cfg.vocab_size, (8, 128), generator=g).cuda()
    losses = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def run(out):
    os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
    import torch
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    res = {}
    for name, fn in (('resnet18', train_resnet18), ('gpt2', train_gpt2)):
        try:
            res[name] = fn(torch)
        except ImportError as e:
            res[name] = 'skip: %s' % e
    with open(out, 'w') as f:
        json.dump(res, f)


def compare(a_path, b_path):
    a = json.load(open(a_path))
    b = json.load(open(b_path))
    n = 0
    failed = 0
    for name in ('resnet18', 'gpt2'):
        n += 1
        la, lb = a.get(name), b.get(name)
        if isinstance(la, str):
            print('ok %d - torch training %s # SKIP %s' % (n, name, la))
            continue
        if not isinstance(lb, list) or len(lb) != len(la):
            print('not ok %d - torch training %s: AvA gave %r' % (n, name, lb))
            failed += 1
            continue
        worst = max(abs(x - y) / max(abs(x), 1e-12) for x, y in zip(la, lb))
        if worst <= RTOL:
            print('ok %d - torch training %s: %d steps, per-step losses equal to native '
                  '(worst relative difference %.2g, tolerance %g; loss %.4f -> %.4f)'
                  % (n, name, len(la), worst, RTOL, la[0], la[-1]))
        else:
            failed += 1
            print('not ok %d - torch training %s: worst relative loss difference %.3g > %g'
                  % (n, name, worst, RTOL))
            for i, (x, y) in enumerate(zip(la, lb)):
                print('#   step %2d native %.6f AvA %.6f' % (i, x, y))
    return failed


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'run':
        run(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == 'compare':
        sys.exit(1 if compare(sys.argv[2], sys.argv[3]) else 0)
    else:
        print(__doc__)
        sys.exit(2)
