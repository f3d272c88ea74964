#!/usr/bin/env python3
"""PyTorch, unmodified, natively and through AvA (tests/gpu/run's torch part).

  torch_check.py run OUTDIR            runs every check on the GPU, saves each
                                       one's tensors to OUTDIR/<check>.pt (or
                                       the error to OUTDIR/<check>.err)
  torch_check.py compare NATIVE AVA    TAP: each check's tensors of the AvA run
                                       against the native run's
  torch_check.py symbols BUILD         TAP: every CUDA symbol torch/lib/*.so
                                       imports from a library AvA has a shim
                                       for is defined by that shim

Without PyTorch, or (run) without a GPU, it prints a "# SKIP" line and exits 0.
Deterministic algorithms are on (CUBLAS_WORKSPACE_CONFIG is set), so most
results must be bitwise equal; the checks in TOLERANT may differ by the
stated relative tolerance (reductions in a different order by design).
"""
import os
import subprocess
import sys
import traceback

os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print('1..0 # SKIP no PyTorch for %s' % sys.executable)
    sys.exit(0)

# check -> relative tolerance; the others must be bitwise equal
TOLERANT = {'linalg_solve': 1e-5, 'sparse_mm': 1e-5, 'fft': 1e-6}


def cpu_input(*shape, seed=1, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g).to(dtype)


def gpu(t):
    return t.to('cuda')


def check_creation():
    return {'arange': torch.arange(1000, device='cuda'), 'zeros': torch.zeros(3, 5, device='cuda'),
            'full': torch.full((4, 4), 2.5, device='cuda'), 'eye': torch.eye(7, device='cuda'),
            'linspace': torch.linspace(-1, 1, 101, device='cuda'), 'copy': gpu(cpu_input(64, 64))}


def check_elementwise():
    a, b, c = gpu(cpu_input(1 << 16, seed=1)), gpu(cpu_input(1 << 16, seed=2)), gpu(cpu_input(1 << 16, seed=3))
    return {'fma': a * b + c, 'sin_exp': torch.sin(a) + torch.exp(b / 4), 'where': torch.where(a > 0, b, c),
            'clamp': a.clamp(-0.5, 0.5), 'int': (a * 100).to(torch.int32) // 7}


def check_reductions():
    a = gpu(cpu_input(257, 1031))
    m = a.max(dim=1)
    return {'sum': a.sum(), 'mean': a.mean(dim=0), 'max': m.values, 'argmax': m.indices,
            'cumsum': a[0].cumsum(0), 'std': a.std(dim=1), 'norm': a.norm()}


def check_indexing():
    a = gpu(cpu_input(100, 50))
    idx = gpu(torch.arange(0, 100, 3))
    b = a.clone()
    b[b < 0] = 0
    return {'take': a[idx], 'index_select': a.index_select(1, idx[:10]), 'masked': a[a > 1],
            'gather': a.gather(1, gpu(torch.arange(50).repeat(100, 1) % 7)), 'assign': b, 'slice': a[5:50:5, ::3]}


def check_matmul():
    out = {}
    for name, dt in (('fp32', torch.float32), ('fp16', torch.float16), ('bf16', torch.bfloat16)):
        a, b = gpu(cpu_input(256, 384, seed=4, dtype=dt)), gpu(cpu_input(384, 128, seed=5, dtype=dt))
        out[name] = a @ b
        out[name + '_bmm'] = torch.bmm(a.view(4, 64, 384), b.expand(4, 384, 128))
        out[name + '_addmm'] = torch.addmm(gpu(cpu_input(128, seed=6, dtype=dt)), a, b)
    return out


def check_conv2d():
    x = gpu(cpu_input(8, 3, 32, 32, seed=7)).requires_grad_()
    w = gpu(cpu_input(16, 3, 3, 3, seed=8)).requires_grad_()
    y = F.conv2d(x, w, padding=1, stride=1)
    y.square().sum().backward()
    return {'y': y.detach(), 'grad_x': x.grad, 'grad_w': w.grad}


def check_batch_norm():
    x = gpu(cpu_input(16, 8, 10, 10, seed=9))
    mean, var = torch.zeros(8, device='cuda'), torch.ones(8, device='cuda')
    y = F.batch_norm(x, mean, var, training=True, momentum=0.1)
    return {'y': y, 'running_mean': mean, 'running_var': var}


def check_softmax():
    x = gpu(cpu_input(64, 1000, seed=10))
    return {'softmax': F.softmax(x, dim=1), 'log_softmax': F.log_softmax(x, dim=1)}


def check_fft():
    x = gpu(cpu_input(64, 128, seed=11))
    return {'fft': torch.view_as_real(torch.fft.fft(x)), 'rfft2': torch.view_as_real(torch.fft.rfft2(x)),
            'irfft': torch.fft.irfft(torch.fft.rfft(x), n=128)}


def check_linalg_solve():
    a = gpu(cpu_input(64, 64, seed=12)) + 8 * torch.eye(64, device='cuda')
    b = gpu(cpu_input(64, 3, seed=13))
    return {'x': torch.linalg.solve(a, b)}


def check_sparse_mm():
    d = cpu_input(128, 96, seed=14)
    d[d.abs() < 1.2] = 0
    s = gpu(d).to_sparse()
    return {'mm': torch.sparse.mm(s, gpu(cpu_input(96, 32, seed=15))), 'nnz': torch.tensor(s._nnz())}


def check_randn_seed():
    torch.manual_seed(1234)
    a = torch.randn(4096, device='cuda')
    torch.cuda.manual_seed(99)
    return {'randn': a, 'rand': torch.rand(1000, device='cuda'), 'perm': torch.randperm(500, device='cuda')}


def check_cuda_graph():
    static_in = torch.zeros(1024, device='cuda')
    w = gpu(cpu_input(1024, seed=16))
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):  # warm up outside the capture, as PyTorch asks
        for _ in range(3):
            static_out = (static_in * w).relu().sum()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        static_out = (static_in * w).relu().sum()
    outs = []
    for i in range(4):
        static_in.copy_(gpu(cpu_input(1024, seed=20 + i)))
        g.replay()
        outs.append(static_out.clone())
    torch.cuda.synchronize()
    return {'replays': torch.stack(outs)}


def check_allocator():
    kept = [torch.empty(n << 10, device='cuda') for n in range(1, 64)]
    del kept[::2]
    torch.cuda.empty_cache()
    x = torch.ones(1 << 20, device='cuda')
    return {'allocated': torch.tensor(torch.cuda.memory_allocated()), 'sum': x.sum(),
            'device': torch.tensor(torch.cuda.current_device()),
            'name_len': torch.tensor(len(torch.cuda.get_device_name()))}


CHECKS = [(n[len('check_'):], f) for n, f in sorted(globals().items()) if n.startswith('check_')]


def run(outdir):
    if not torch.cuda.is_available():
        print('1..0 # SKIP no CUDA device for PyTorch')
        return 0
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    os.makedirs(outdir, exist_ok=True)
    for name, fn in CHECKS:
        try:
            res = fn()
            torch.cuda.synchronize()
            torch.save({k: v.detach().cpu() for k, v in res.items()}, os.path.join(outdir, name + '.pt'))
            print('%s: done' % name)
        except Exception:  # the comparison reports it
            with open(os.path.join(outdir, name + '.err'), 'w') as f:
                f.write(traceback.format_exc())
            print('%s: FAILED' % name)
    return 0


def differ(name, a, b):
    """None when tensors a (native) and b (AvA) agree, else why not."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return 'dtype/shape %s%s vs %s%s' % (a.dtype, tuple(a.shape), b.dtype, tuple(b.shape))
    if torch.equal(a, b):
        return None
    tol = TOLERANT.get(name)
    if tol is not None and a.is_floating_point():
        if torch.allclose(a.double(), b.double(), rtol=tol, atol=tol):
            return None
    diff = (a.double() - b.double()).abs().max().item() if a.is_floating_point() else 'integers differ'
    return 'not %s (max abs difference %s)' % ('within %g' % tol if tol else 'bitwise equal', diff)


def compare(native, ava):
    n = bad = 0
    for name, _ in CHECKS:
        n += 1
        why = None
        for d, who in ((native, 'native'), (ava, 'AvA')):
            if os.path.exists(os.path.join(d, name + '.err')):
                why = '%s run failed:\n%s' % (who, open(os.path.join(d, name + '.err')).read())
            elif not os.path.exists(os.path.join(d, name + '.pt')):
                why = why or '%s run saved nothing' % who
        if not why:
            a = torch.load(os.path.join(native, name + '.pt'))
            b = torch.load(os.path.join(ava, name + '.pt'))
            whys = ['%s: %s' % (k, differ(name, a[k], b.get(k, torch.tensor([])))) for k in a
                    if differ(name, a[k], b.get(k, torch.tensor([])))]
            why = '; '.join(whys) or None
            how = 'within %g' % TOLERANT[name] if name in TOLERANT else 'bitwise'
        if why:
            bad += 1
            print('not ok %d - torch %s' % (n, name))
            print('\n'.join('#   ' + line for line in why.splitlines()[-30:]))
        else:
            print('ok %d - torch %s: AvA equals native (%s, %d tensors)' % (n, name, how, len(a)))
    print('1..%d' % n)
    return 1 if bad else 0


def defined(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True).stdout
    return {line.split()[-1].split('@')[0] for line in out.splitlines() if len(line.split()) == 3}


def symbols(build):
    """Each torch library's imports from a soname AvA shims, against the shim."""
    shims = {f: os.path.join(build, 'cuda', f) for f in os.listdir(os.path.join(build, 'cuda')) if '.so.' in f}
    libdir = os.path.join(os.path.dirname(torch.__file__), 'lib')
    n = bad = 0
    for lib in sorted(os.listdir(libdir)):
        path = os.path.join(libdir, lib)
        if not lib.endswith('.so'):
            continue
        ldd = subprocess.run(['ldd', path], capture_output=True, text=True).stdout
        undef = subprocess.run(['nm', '-D', '--undefined-only', path], capture_output=True, text=True).stdout
        undef = {line.split()[-1].split('@')[0] for line in undef.splitlines() if line.strip()}
        for line in ldd.splitlines():
            parts = line.split()
            if len(parts) < 3 or parts[0] not in shims or parts[2] == 'not':
                continue
            wanted = (undef & defined(parts[2])) - {s for s in undef if s.startswith('_Z')}
            missing = sorted(wanted - defined(shims[parts[0]]))
            n += 1
            if missing:
                bad += 1
                print('not ok %d - %s: %s lacks %s' % (n, lib, parts[0], ' '.join(missing)))
            else:
                print('ok %d - %s: its %d imports from %s are in AvA\'s shim' % (n, lib, len(wanted), parts[0]))
    print('1..%d' % n)
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'run':
        sys.exit(run(sys.argv[2]))
    if len(sys.argv) == 4 and sys.argv[1] == 'compare':
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 3 and sys.argv[1] == 'symbols':
        sys.exit(symbols(sys.argv[2]))
    sys.exit(__doc__)
