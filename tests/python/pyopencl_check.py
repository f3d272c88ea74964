#!/usr/bin/python3
"""Runs an unmodified PyOpenCL program and checks its results with NumPy.

An asymmetric 5-point stencil over a 1024x1024 float32 grid (clamped at the edges),
a local-memory reduction of the result, and a pyopencl.array reduction.
Inputs are small integers, so every float result is exact and the printed
summary is deterministic.  Uses the first platform and its first device.

Prints "pyopencl: OK ..." and exits 0, or prints the mismatch and exits 1.
Needs the system python3 (python3-pyopencl, python3-numpy).
"""
import os
import sys

# Before importing pyopencl: no on-disk binary cache (no side effects, and
# every run really compiles through the OpenCL implementation under test).
os.environ["PYOPENCL_NO_CACHE"] = "1"

import numpy as np  # noqa: E402
import pyopencl as cl  # noqa: E402
import pyopencl.array as cla  # noqa: E402

N = 1024
GROUP = 256

SOURCE = """
__kernel void stencil(__global const float *in, __global float *out, int n)
{
    int x = get_global_id(0), y = get_global_id(1);
    int xl = max(x - 1, 0), xr = min(x + 1, n - 1);
    int yu = max(y - 1, 0), yd = min(y + 1, n - 1);
    out[y * n + x] = 2.0f * in[y * n + x]
                     + in[y * n + xl] + in[y * n + xr]
                     - in[yu * n + x] + in[yd * n + x];
}

__kernel void partial_sums(__global const float *in, __global float *partial,
                           __local float *scratch)
{
    size_t lid = get_local_id(0);
    scratch[lid] = in[get_global_id(0)];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t s = get_local_size(0) / 2; s > 0; s /= 2) {
        if (lid < s)
            scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        partial[get_group_id(0)] = scratch[0];
}
"""


def fail(msg):
    print("pyopencl: FAIL " + msg)
    sys.exit(1)


def main():
    platform = cl.get_platforms()[0]
    device = platform.get_devices(device_type=cl.device_type.ALL)[0]
    ctx = cl.Context([device])
    queue = cl.CommandQueue(ctx)
    prg = cl.Program(ctx, SOURCE).build()

    y, x = np.mgrid[0:N, 0:N]
    grid = (((x * 7 + y * 13) % 31) - 15).astype(np.float32)

    mf = cl.mem_flags
    d_in = cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=grid)
    d_out = cl.Buffer(ctx, mf.READ_WRITE, grid.nbytes)
    prg.stencil(queue, (N, N), None, d_in, d_out, np.int32(N))
    out = np.empty_like(grid)
    cl.enqueue_copy(queue, out, d_out)

    p = np.pad(grid, 1, mode="edge")
    want = (2 * p[1:-1, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
            - p[:-2, 1:-1] + p[2:, 1:-1])
    if not np.array_equal(out, want):
        bad = np.argwhere(out != want)
        yy, xx = bad[0]
        fail("stencil: %d of %d values differ, first at (%d, %d): got %r, "
             "expected %r" % (len(bad), out.size, xx, yy, float(out[yy, xx]),
                              float(want[yy, xx])))

    groups = out.size // GROUP
    d_partial = cl.Buffer(ctx, mf.WRITE_ONLY, groups * 4)
    prg.partial_sums(queue, (out.size,), (GROUP,), d_out, d_partial,
                     cl.LocalMemory(GROUP * 4))
    partial = np.empty(groups, dtype=np.float32)
    cl.enqueue_copy(queue, partial, d_partial)
    want_partial = want.reshape(groups, GROUP).sum(axis=1, dtype=np.float64)
    if not np.array_equal(partial.astype(np.float64), want_partial):
        bad = np.flatnonzero(partial != want_partial)
        fail("reduction: %d of %d partial sums differ, first group %d: got "
             "%r, expected %r" % (len(bad), groups, bad[0],
                                  float(partial[bad[0]]),
                                  float(want_partial[bad[0]])))
    total = int(partial.astype(np.int64).sum())

    # pyopencl.array generates and runs its own reduction kernels.
    ints = cla.to_device(queue, out.astype(np.int32))
    array_sum = int(cla.sum(ints).get())
    want_sum = int(want.astype(np.int64).sum())
    if total != want_sum or array_sum != want_sum:
        fail("sum: kernel %d, pyopencl.array %d, numpy %d"
             % (total, array_sum, want_sum))

    checksum = int(np.abs(out.astype(np.int64)).sum())
    print("pyopencl: OK stencil %dx%d exact, %d partial sums exact, "
          "sum %d, abs sum %d" % (N, N, groups, want_sum, checksum))
    return 0


if __name__ == "__main__":
    sys.exit(main())
