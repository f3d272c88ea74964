#!/usr/bin/env python3
"""One run of bench/run torch's measurements (bench/torch runs it natively
and through AvA, alternating).  Prints "metric value" lines:
  import_first_op_s          import torch + the first CUDA op, synchronized
  resnet50_train_img_per_s   torchvision resnet50 training, batch 64, 224x224
  gpt2_fwd_bwd_tok_per_s     GPT-2 small (transformers GPT2Config()) forward
                             + backward, batch 8 x 512 tokens
Options: --quick (fewer steps), --only resnet50|gpt2 --steps N (one model,
N timed steps, for counting round trips per step)."""
import sys
import time

T0 = time.perf_counter()


def timed(torch, step, warm, steps):
    for _ in range(warm):
        step()
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return time.perf_counter() - t


def resnet50(torch, warm, steps):
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet50().cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(64, 3, 224, 224, device='cuda')
    y = torch.randint(0, 1000, (64,), device='cuda')

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return 64 * steps / timed(torch, step, warm, steps)


def gpt2(torch, warm, steps):
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).cuda()
    ids = torch.randint(0, 50257, (8, 512), device='cuda')

    def step():
        model.zero_grad(set_to_none=True)
        model(input_ids=ids, labels=ids).loss.backward()
    return 8 * 512 * steps / timed(torch, step, warm, steps)


def main():
    args = sys.argv[1:]
    quick = '--quick' in args
    only = args[args.index('--only') + 1] if '--only' in args else None
    steps = int(args[args.index('--steps') + 1]) if '--steps' in args else (5 if quick else 15)
    import torch
    torch.ones(1, device='cuda').add_(1)
    torch.cuda.synchronize()
    print('import_first_op_s %.3f' % (time.perf_counter() - T0), flush=True)
    torch.backends.cudnn.benchmark = True
    if only in (None, 'resnet50'):
        print('resnet50_train_img_per_s %.1f' % resnet50(torch, 3, steps), flush=True)
    if only in (None, 'gpt2'):
        print('gpt2_fwd_bwd_tok_per_s %.0f' % gpt2(torch, 2, steps), flush=True)


if __name__ == '__main__':
    main()
