"""Codec kinds: arguments with a wire encoding of their own.

The guest half is ava_<codec>_put (userlib/guest_codecs.c or the API's guest
runtime), the worker half avaw_<codec>_get, _check and _free
(worker/worker_codecs.c or the API's worker runtime); a check returns 0, an
API error, or AVAW_BAD (worker/worker_call.h).
"""

from .kinds import Kind


class Codec(Kind):
    cname = None        # the C name: ava_<cname>_put, avaw_<cname>_get/_check/_free
    pointer = True

    def g_args(self):
        """Arguments of ava_<cname>_put after the parameter."""
        return []

    def w_get_args(self):
        return []

    def w_check_args(self):
        return []

    def g_put(self, g):
        return ['ava_%s_put(&c, %s);' % (self.cname, ', '.join([self.n] + self.g_args()))]

    def w_decode(self, w):
        n = self.n
        return ['struct avaw_%s v_%s;' % (self.cname, n),
                'avaw_%s_get(%s);' % (self.cname, ', '.join(['c', '&v_%s' % n] + self.w_get_args())),
                '%s %s = NULL;' % (self.p.ctype, n)]

    def w_check(self, w):
        n = self.n
        return w.status_check('avaw_%s_check(%s)' % (self.cname, ', '.join(['c', '&v_%s' % n] +
                                                                           self.w_check_args()))) + \
            ['%s = (%s)v_%s.val;' % (n, self.p.ctype, n)]

    def w_free(self, w, ok):
        return ['avaw_%s_free(c, &v_%s, %s);' % (self.cname, self.n, ok)]


class Strings(Codec):
    """@strings(count, lengths|NULL[, err]): an array of strings."""
    annot, cname, args = 'strings', 'strings', (2, 3)

    def check(self):
        if self.a(1) != 'NULL':
            self.names_param(self.a(1), 'consumed')
        if not self.a(2) and not self.ctx.invalid_value:
            raise self.error('@strings needs an error argument or the invalid_value setting')

    def g_args(self):
        return [self.a(0), self.a(1)]

    def w_get_args(self):
        return ['(uint64_t)(%s)' % self.a(0)]

    def w_check_args(self):
        return [self.a(0), self.a(2, self.ctx.invalid_value)]


class Blobs(Codec):
    """@blobs(count, lengths): an array of binaries; lengths is an @in parameter."""
    annot, cname, args = 'blobs', 'blobs', (2, 2)

    def check(self):
        self.names_param(self.a(1), 'in')

    def g_args(self):
        return [self.a(0), self.a(1)]

    def w_get_args(self):
        return ['(uint64_t)(%s)' % self.a(0)]

    def w_check_args(self):
        return [self.a(0), '(const size_t *)d_%s.p' % self.a(1)]


class Props(Codec):
    """@props: a zero-terminated key/value list; handle values translated."""
    annot, cname = 'props', 'props'

    def g_args(self):
        return [self.ctx.hapi]

    def g_put(self, g):
        # the API's property types (cl_context_properties, cl_queue_properties, ...) are all 64 bits
        return ['ava_%s_put(&c, (const intptr_t *)%s, %s);' % (self.cname, self.n, self.ctx.hapi)]


class ZList(Codec):
    """@zlist: a zero-terminated list of values."""
    annot, cname = 'zlist', 'zlist'


class ImageDesc(Codec):
    """@image_desc: a cl_image_desc, whose buffer is a handle."""
    annot, cname = 'image_desc', 'cl_image_desc'


class KernelArg(Codec):
    """@kernel_arg(kernel, index, size, err): bytes, or a handle of the session,
    checked against what the kernel's slot takes."""
    annot, cname, args = 'kernel_arg', 'kernel_arg', (4, 4)

    def check(self):
        self.names_param(self.a(0))
        self.names_param(self.a(1))

    def g_args(self):
        return [self.a(2)]

    def w_check_args(self):
        return [self.a(0), self.a(1), self.a(2), self.a(3)]


class Unmap(Codec):
    """@unmap(mem, err): a pointer returned by a map call of mem."""
    annot, cname, args = 'unmap', 'map_arg', (2, 2)

    def check(self):
        self.names_param(self.a(0))

    def g_prepare(self, g):
        n = self.n
        out = ['struct ava_map *m_%s = ava_map_find(%s, %s);' % (n, self.a(0), n)]
        return out + g.fail_if('!m_%s' % n, self.a(1))

    def g_put(self, g):
        return ['ava_map_put(&c, m_%s);' % self.n]

    def g_async_done(self, g):
        return ['ava_map_close(m_%s);' % self.n]

    def g_finish(self, g):
        return ['if (%s)' % g.ok, '\tava_map_close(m_%s);' % self.n]

    def w_check_args(self):
        return [self.a(0), self.a(1)]


class KParams(Codec):
    """@kparams(f, extra): a CUDA kernel's packed parameter buffer."""
    annot, cname, args = 'kparams', 'cu_kparams', (2, 2)

    def check(self):
        self.names_param(self.a(0))

    def g_args(self):
        return [self.a(0), self.a(1)]

    w_check_args = g_args


class RtKParams(Codec):
    """@rtkparams(kernel): the runtime API's packed kernel parameters."""
    annot, cname, args = 'rtkparams', 'cudart_kparams', (1, 1)

    def check(self):
        self.names_param(self.a(0))

    def g_args(self):
        return [self.a(0)]

    w_check_args = g_args


class HostFn(Codec):
    """@hostfn: a host function registered with __cudaRegisterFunction.  Its
    id is looked up before the call begins: the first lookup of a lazily
    registered fat binary's function sends the fat binary (calls of its own)."""
    annot, cname = 'hostfn', 'cudart_hostfn'

    def g_prepare(self, g):
        return ['uint64_t hf_%s = ava_%s_id(%s);' % (self.n, self.cname, self.n)]

    def g_put(self, g):
        return ['ava_put_u64(&c, hf_%s);' % self.n]
