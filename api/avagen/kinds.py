"""Parameter kinds: how one parameter travels, both sides in one class.

A kind is chosen by the parameter's annotation (@in, @out, ...) or, without
one, by its type (a handle type, or a scalar).  Each kind declares the
arguments its annotation takes and checks what they name (check), writes
the guest's encoding (g_prepare, g_put) and decoding (g_get, g_finish), and
the worker's decoding (w_decode), validation (w_check), the argument of the
vendor call (w_arg), what follows the call (w_post), the reply (w_reply)
and the clean-up (w_free).  The guest and worker writers (guest.py,
worker.py) call them in parameter order; the wire order is the parameter
order on both sides.  Codecs (arguments with their own wire encoding) are
in codecs.py.
"""

from .context import esize
from .errors import SpecError


class Kind:
    annot = None        # the annotation that selects this kind
    args = (0, 0)       # how many positional arguments (min, max; None: any)
    flags = ()          # positional words it accepts besides those
    keys = ()           # key=value options it accepts
    pointer = False     # applies to pointer parameters only

    def __init__(self, ctx, f, p):
        self.ctx, self.f, self.p, self.n = ctx, f, p, p.name

    def error(self, msg):
        an = self.p.annots.get(self.annot)
        line = an.line if an else self.p.where[1]
        return SpecError('%s: %s: %s' % (self.f.name, self.n, msg), (self.p.where[0], line))

    def a(self, i=0, default=None):
        """The i-th positional argument of the kind's annotation."""
        pos = [x for x in self.p.pos(self.annot) if x not in self.flags]
        return pos[i] if len(pos) > i else default

    def check_args(self):
        if self.annot is None:
            return
        if self.pointer and not self.p.ptr:
            raise self.error('@%s applies to pointer parameters only' % self.annot)
        an = self.p.annots[self.annot]
        pos = [x for x in an.pos if x not in self.flags]
        lo, hi = self.args
        if len(pos) < lo or (hi is not None and len(pos) > hi):
            want = str(lo) if lo == hi else '%d to %s' % (lo, hi if hi is not None else 'any')
            raise self.error('@%s takes %s argument(s), got %d' % (self.annot, want, len(pos)))
        for k in an.kw:
            if k not in self.keys:
                raise self.error('@%s: unknown option %s= (options: %s)' %
                                 (self.annot, k, ', '.join(self.keys) or 'none'))

    def check(self):
        """Checks what the annotation's arguments name."""

    def handle(self, ctype):
        h = self.ctx.handle_of(ctype)
        if not h:
            raise self.error('%s is not a handle type of this spec' % ctype)
        return h

    def ht(self):
        """The handle-type id of what the pointer parameter points to."""
        return self.ctx.ht(self.ctx.handle_of(self.p.base)['short'])

    def names_param(self, name, annot=None):
        q = self.f.param(name)
        if q is None or (annot and not q.has(annot)):
            raise self.error('%r is not a parameter%s' % (name, ' with @' + annot if annot else ''))
        return q

    def w_arg(self, w):
        """The argument of the vendor call."""
        return self.n

    def replies(self):
        """Does the caller need the reply for this parameter (an output)?"""
        return False

    def _no_lines(self, side, *_):
        return []

    # the other steps write nothing unless a kind says otherwise
    g_prepare = g_put = g_get = g_finish = g_async_done = _no_lines
    w_decode = w_check = w_post = w_reply = w_free = w_failed = _no_lines


class Scalar(Kind):
    """A value passed as it is (integers, enums, flags)."""

    def check(self):
        if self.p.has('wfix') and len(self.p.annots['wfix'].args) != 1:
            raise self.error('@wfix takes one argument: the function the worker applies')

    def g_put(self, g):
        return ['ava_put_u64(&c, (uint64_t)%s);' % self.n]

    def w_decode(self, w):
        p = self.p
        out = ['%s %s = (%s)avaw_get_u64(c);' % (p.ctype, self.n, p.ctype)]
        if p.has('wfix'):
            out.append('%s = %s(%s);' % (self.n, p.arg('wfix'), self.n))
        return out


class Handle(Kind):
    """An object of the API: a guest id, checked against the session's table."""

    def g_put(self, g):
        h = self.ctx.handle_of(self.p.ctype)
        return ['ava_put_u64(&c, %s(%s, %s));' %
                (h['opts'].get('guest_id', 'ava_obj_id'), self.n, self.ctx.ht(h['short']))]

    def w_decode(self, w):
        # the local is written by the table lookup: never const, whatever
        # the prototype says (`const cudnnTensorDescriptor_t d`: writing a
        # const object is undefined, and the compiler kept its NULL)
        ctype = self.p.ctype[len('const '):] if self.p.ctype.startswith('const ') else self.p.ctype
        if self.ctx.int_handle(self.p.ctype):
            # an integer handle: the table keeps the vendor's value as a pointer
            return ['uint64_t h_%s = avaw_get_u64(c);' % self.n, 'void *o_%s = NULL;' % self.n,
                    '%s %s = 0;' % (ctype, self.n)]
        return ['uint64_t h_%s = avaw_get_u64(c);' % self.n, '%s %s = NULL;' % (ctype, self.n)]

    def w_check(self, w):
        h = self.ctx.handle_of(self.p.ctype)
        num = self.ctx.int_handle(self.p.ctype)
        look = '%s(c, h_%s, %s, %s)' % (h['opts'].get('worker_lookup', 'avaw_handle'), self.n,
                                         self.ctx.ht(h['short']), '&o_' + self.n if num else '(void **)&' + self.n)
        conv = ['%s = (%s)(intptr_t)o_%s;' % (self.n, self.p.ctype, self.n)] if num else []
        return w.reply_if('!' + look, h['invalid']) + conv


class DevPtr(Kind):
    """@devptr[(bytes)]: a device address, a value never dereferenced in the
    guest; with bytes (a workspace the library uses whole), the worker also
    checks that they lie inside one device allocation (worker_range_check)."""
    annot, args = 'devptr', (0, 1)

    def check(self):
        if self.a() and not self.ctx.range_check:
            raise self.error('@devptr(bytes) needs the worker_range_check setting')

    def g_put(self, g):
        return ['ava_put_u64(&c, (uint64_t)(uintptr_t)%s);' % self.n]

    def w_decode(self, w):
        return ['%s %s = (%s)(uintptr_t)avaw_get_u64(c);' % (self.p.ctype, self.n, self.p.ctype)]

    def w_check(self, w):
        if not self.ctx.devptr_check:
            return []
        fn, err = self.ctx.devptr_check
        # a device address must be this session's device memory
        out = w.reply_if('!%s(c, (uint64_t)(uintptr_t)%s)' % (fn, self.n), err)
        if self.a():
            rfn, rerr = self.ctx.range_check
            out += w.reply_if('%s && (uint64_t)(%s) != 0 && !%s((uint64_t)(uintptr_t)%s, (uint64_t)(%s))' %
                              (self.n, self.a(), rfn, self.n, self.a()), rerr)
        return out


class ByVal(Kind):
    """@byval: a structure passed by value (dim3)."""
    annot = 'byval'

    def g_put(self, g):
        return ['ava_put_data(&c, &%s, sizeof(%s));' % (self.n, self.n)]

    def w_decode(self, w):
        n = self.n
        return ['struct avaw_data d_%s;' % n, 'avaw_get_data(c, &d_%s);' % n,
                '%s %s;' % (self.p.ctype, n), 'memset(&%s, 0, sizeof(%s));' % (n, n)]

    def w_check(self, w):
        n = self.n
        return w.bad_if('!d_%s.present || avaw_in(c, &d_%s, 1, sizeof(%s))' % (n, n, n)) + \
            ['memcpy(&%s, d_%s.p, sizeof(%s));' % (n, n, n)]


class Fixed(Kind):
    """@fixed(expr): not sent; the worker passes expr."""
    annot, args = 'fixed', (1, 1)

    def g_put(self, g):
        return ['(void)%s;\t/* not sent: the worker uses %s */' % (self.n, self.a())]

    def w_decode(self, w):
        return ['%s %s = %s;' % (self.p.ctype, self.n, self.a())]


class Scratch(Kind):
    """@scratch(bytes): host memory the library only works in during the call
    (cuSOLVER's host workspaces): not sent; the worker passes bytes of its
    own (NULL when bytes is 0), so a NULL from the guest never reaches it."""
    annot, args = 'scratch', (1, 1)
    pointer = True

    def g_put(self, g):
        return ['(void)%s;\t/* scratch: the worker passes its own */' % self.n]

    def w_decode(self, w):
        return ['%s %s = NULL;' % (self.p.ctype, self.n)]

    def w_check(self, w):
        n = self.n
        return ['if ((uint64_t)(%s) != 0) {' % self.a(), '\t%s = avaw_alloc(c, (uint64_t)(%s));' % (n, self.a()),
                '\tif (!%s)' % n, '\t\tgoto bad;', '}']


class In(Kind):
    """@in(count[, stream=COND]): an input array of count elements."""
    annot, args, keys = 'in', (1, 1), ('stream',)
    pointer = True

    def bytes(self):
        return '(uint64_t)(%s) * %s' % (self.a(), esize(self.p))

    def g_put(self, g):
        stream = self.p.kw('in', 'stream')
        if stream:
            return ['ava_put_data_stream(&c, %s, %s, %s);' % (self.n, self.bytes(), stream)]
        return ['ava_put_data(&c, %s, %s);' % (self.n, self.bytes())]

    def w_decode(self, w):
        get = 'avaw_get_data_stream' if self.p.kw('in', 'stream') else 'avaw_get_data'
        return ['struct avaw_data d_%s;' % self.n, '%s(c, &d_%s);' % (get, self.n),
                '%s %s = NULL;' % (self.p.ctype, self.n)]

    def w_check(self, w):
        return w.bad_if(self.w_valid()) + ['%s = (%s)d_%s.p;' % (self.n, self.p.ctype, self.n)]

    def w_valid(self):
        return 'avaw_in(c, &d_%s, (uint64_t)(%s), %s)' % (self.n, self.a(), esize(self.p))


class ScaleFactor(In):
    """@scale(desc): a scaling factor whose width follows desc's data type
    (cuDNN's alpha and beta: a double for double data, a float otherwise).
    The scale_factor setting names the guest function that reads it so
    into 8 bytes, before the call begins (fn(uint64_t *wire, p, desc):
    wire, or NULL for a NULL p); the 8 bytes travel as @in(8) would."""
    annot, args, keys = 'scale', (1, 1), ()

    def check(self):
        if not self.ctx.scale:
            raise self.error('@scale needs the scale_factor setting')
        if not self.ctx.handle_of(self.names_param(self.a()).ctype or ''):
            raise self.error('@scale(%s): not a handle parameter' % self.a())

    def bytes(self):
        return '(uint64_t)8'

    def g_prepare(self, g):
        n = self.n
        return ['uint64_t sf_%s;' % n, 'const void *sp_%s = %s(&sf_%s, %s, %s);' % (n, self.ctx.scale, n, n, self.a())]

    def g_put(self, g):
        return ['ava_put_data(&c, sp_%s, %s);' % (self.n, self.bytes())]

    def w_valid(self):
        return 'avaw_in(c, &d_%s, %s, 1)' % (self.n, self.bytes())


class String(In):
    """@string: a NUL-terminated input string."""
    annot = 'string'
    args = (0, 0)
    keys = ()

    def g_put(self, g):
        return ['ava_put_string(&c, %s);' % self.n]

    def w_valid(self):
        return 'avaw_string(c, &d_%s)' % self.n


class Handles(Kind):
    """@handles(count[, err]): an input array of count handles."""
    pointer = True
    annot = 'handles'
    args = (1, 2)

    def check(self):
        self.handle(self.p.base)

    def g_put(self, g):
        return ['ava_put_handles(&c, (const void *const *)%s, (uint64_t)(%s), %s);' %
                (self.n, self.a(), self.ht())]

    def w_decode(self, w):
        n = self.n
        return ['struct avaw_data d_%s;' % n, 'avaw_get_data(c, &d_%s);' % n, 'void **a_%s = NULL;' % n]

    def w_check(self, w):
        err = self.a(1, self.ctx.handle_of(self.p.base)['invalid'])
        return w.status_check('avaw_handles(c, &d_%s, (uint64_t)(%s), %s, %s, &a_%s)' %
                              (self.n, self.a(), self.ht(), err, self.n))

    def w_arg(self, w):
        return '(%s)a_%s' % (self.p.ctype, self.n)

    def w_free(self, w, ok):
        return ['free(a_%s);' % self.n]


class Errcode(Kind):
    """@errcode: the error output of a function that returns an object."""
    pointer = True
    annot = 'errcode'

    def check(self):
        if self.n != self.ctx.errcode:
            raise self.error('@errcode on a parameter the errcode setting does not name (%s)' %
                             (self.ctx.errcode or 'no errcode setting'))
        if not self.ctx.returns_obj(self.f):
            raise self.error('@errcode in a function that returns its status')

    def w_arg(self, w):
        return '&ret'


class Opaque(Kind):
    """@opaque: a callback's user data; only whether it is NULL is sent."""
    annot = 'opaque'

    def check(self):
        if not self.ctx.callback_param(self.f):
            raise self.error('@opaque in a function without a callback parameter')

    def g_put(self, g):
        return ['ava_put_u64(&c, %s != NULL);' % self.n]

    def w_decode(self, w):
        return ['uint64_t ud_present_%s = avaw_get_u64(c);' % self.n]

    def w_arg(self, w):
        cb = self.ctx.callback_param(self.f)
        if cb.arg('callback') == 'async':
            return '(cb_%s ? ud_%s : (ud_present_%s ? (void *)1 : NULL))' % (cb.name, cb.name, self.n)
        # The vendor sees a user_data only when it would reject one.
        return '((!cb_%s && ud_present_%s) ? (void *)1 : NULL)' % (cb.name, self.n)


class Consumed(Kind):
    """@consumed: lengths sent with the @strings parameter that names them."""
    annot = 'consumed'

    def owner(self):
        for q in self.f.params:
            if q.has('strings') and q.arg('strings', 1) == self.n:
                return q
        return None

    def check(self):
        if not self.owner():
            raise self.error('@consumed, but no @strings parameter names it as its lengths')

    def w_arg(self, w):
        return 'v_%s.lengths' % self.owner().name


class PModeScalar(Kind):
    """@pmode(handle[, bytes][, out]): a scalar that follows handle's pointer mode.

    The pointer_mode setting names the guest function that tells the mode
    of a handle (nonzero: device) and the worker check that the mode the
    guest sent is the handle's.  Host mode: bytes (default one element) go
    inline, or with `out` come back in the reply (NULL is refused with
    invalid_value, when set); device mode: a device address, a value
    (checked like @devptr).
    """
    pointer = True
    annot = 'pmode'
    args = (1, 2)
    flags = ('out',)

    def check(self):
        if not self.ctx.pmode:
            raise self.error('@pmode needs the pointer_mode setting')
        h = self.names_param(self.a())
        if not self.ctx.handle_of(h.ctype or ''):
            raise self.error('@pmode(%s): not a handle parameter' % self.a())

    def out(self):
        return 'out' in self.p.pos('pmode')

    def bytes(self):
        return '(uint64_t)(%s)' % self.a(1) if self.a(1) else '(uint64_t)%s' % esize(self.p)

    def g_prepare(self, g):
        return ['const int pm_%s = %s(%s) != 0;' % (self.n, self.ctx.pmode[0], self.a())]

    def g_put(self, g):
        n = self.n
        put = 'ava_put_out' if self.out() else 'ava_put_data'
        return ['ava_put_u64(&c, (uint64_t)pm_%s);' % n,
                'ava_put_u64(&c, pm_%s ? (uint64_t)(uintptr_t)%s : 0);' % (n, n),
                '%s(&c, pm_%s ? NULL : %s, pm_%s ? 0 : %s);' % (put, n, n, n, self.bytes())]

    def replies(self):
        return bool(self.out())

    def g_get(self, g):
        if not self.out():
            return []
        n = self.n
        return ['ava_get_out(&c, (%s && !pm_%s) ? %s : NULL, pm_%s ? 0 : %s);' % (g.ok, n, n, n, self.bytes())]

    def w_decode(self, w):
        n = self.n
        buf = ['struct avaw_out o_%s;' % n, 'avaw_get_out(c, &o_%s);' % n] if self.out() else \
            ['struct avaw_data d_%s;' % n, 'avaw_get_data(c, &d_%s);' % n]
        return ['uint64_t pm_%s = avaw_get_u64(c);' % n, 'uint64_t dp_%s = avaw_get_u64(c);' % n] + buf + \
            ['%s %s = NULL;' % (self.p.ctype, n)]

    def w_check(self, w):
        n, buf = self.n, ('o_' if self.out() else 'd_') + self.n
        # exactly one of the address and the bytes travels, as the mode says
        out = w.bad_if('pm_%s > 1 || (pm_%s ? %s.present : dp_%s != 0)' % (n, n, buf, n))
        out += w.status_check('%s(c, %s, (int)pm_%s)' % (self.ctx.pmode[1], self.a(), n))
        dev = []
        if self.ctx.devptr_check:
            fn, err = self.ctx.devptr_check
            dev = w.reply_if('!%s(c, dp_%s)' % (fn, n), err)
        check = 'avaw_out(c, &o_%s, %s, 1)' % (n, self.bytes()) if self.out() else \
            'avaw_in(c, &d_%s, %s, 1)' % (n, self.bytes())
        host = w.bad_if(check)
        if self.ctx.invalid_value:
            # a NULL host scalar would be dereferenced in the worker
            host += w.reply_if('!%s.present' % buf, self.ctx.invalid_value)
        host += ['%s = (%s)%s.p;' % (n, self.p.ctype, buf)]
        return out + ['if (pm_%s) {' % n] + ['\t' + s for s in dev] + \
            ['\t%s = (%s)(uintptr_t)dp_%s;' % (n, self.p.ctype, n), '} else {'] + \
            ['\t' + s for s in host] + ['}']

    def w_reply(self, w):
        if not self.out():
            return []
        n = self.n
        return ['avaw_put_out(c, &o_%s, (%s && !pm_%s) ? o_%s.cap : 0);' % (n, w.ok, n, n)]
