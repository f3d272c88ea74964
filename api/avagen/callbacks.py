"""The callback kind: @callback(mode, ...) on a function-pointer parameter.

Modes: drop (not delivered; a @wimpl gets, in the function pointer's place,
whether the guest passed one), sync(arg) (called in the guest when the call
returns, with arg; `ret` is the new object), async(obj, worker trampoline,
guest invoker) (delivered through the notification queue), on_release(obj)
(called when the guest releases obj; the whole call stays in the guest).
"""

from .kinds import Kind

MODES = {'drop': 1, 'sync': 2, 'async': 4, 'on_release': 2}


class Callback(Kind):
    annot = 'callback'
    args = (1, 4)

    def mode(self):
        return self.a(0)

    def check(self):
        if not self.p.is_fnptr:
            raise self.error('@callback on a parameter that is not a function pointer')
        mode = self.mode()
        if mode not in MODES:
            raise self.error('@callback mode %r: one of %s' % (mode, ', '.join(MODES)))
        if len(self.p.pos('callback')) != MODES[mode]:
            raise self.error('@callback(%s, ...) takes %d argument(s)' % (mode, MODES[mode]))
        if mode in ('async', 'on_release'):
            self.names_param(self.a(1))
        if mode == 'on_release' and not self.ctx.invalid_value:
            raise self.error('@callback(on_release) needs the invalid_value setting')

    def user_data(self):
        for q in self.f.params:
            if q.has('opaque'):
                return q.name
        return 'NULL'

    # guest side
    def g_prepare(self, g):
        if self.mode() != 'async':
            return []
        out = ['uint64_t cookie = 0;']
        out += g.fail_if('%s && !(cookie = ava_cb_register(%s, (void (*)(void))%s, %s, %s))' %
                         (self.n, self.a(3), self.n, self.user_data(), self.a(1)), self.ctx.nomem)
        g.undo.append('ava_cb_cancel(cookie);')
        return out

    def replies(self):
        return self.mode() in ('sync', 'async')    # called on the reply, or cancelled on failure

    def g_put(self, g):
        if self.mode() == 'async':
            return ['ava_put_u64(&c, cookie);']
        return ['ava_put_u64(&c, %s != NULL);' % self.n]

    def g_finish(self, g):
        if self.mode() == 'async':
            return ['if (cookie && !%s)' % g.ok, '\tava_cb_cancel(cookie);']
        if self.mode() != 'sync':
            return []
        arg = self.a(1)
        if arg == 'ret':
            arg = '(%s)nobj' % self.f.ret
        made = 'nobj != NULL' if self.f.has('new') else '1'
        return ['if (%s && ava_%s_notify_due(ret, %s))' % (self.n, self.ctx.api, made),
                '\t%s(%s, %s);' % (self.n, arg, self.user_data())]

    # worker side
    def w_decode(self, w):
        out = ['uint64_t cb_%s = avaw_get_u64(c);' % self.n]
        if self.mode() == 'async':
            out.append('void *ud_%s = NULL;' % self.n)
        return out

    def w_check(self, w):
        if self.mode() != 'async':
            return []
        return w.bad_if('cb_%s && !(ud_%s = avaw_cb_record(c, cb_%s))' % (self.n, self.n, self.n))

    def w_arg(self, w):
        if self.mode() == 'async':
            return '(cb_%s ? %s : NULL)' % (self.n, self.a(2))
        if self.mode() == 'drop' and self.f.has('wimpl'):
            return '(cb_%s != 0)' % self.n
        return 'NULL'

    def w_post(self, w):
        if self.mode() != 'async':
            return []
        return ['if (!%s && ud_%s)' % (w.ok, self.n), '\tfree(ud_%s);' % self.n]
