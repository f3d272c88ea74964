"""The coverage table of one spec (docs/coverage.md): how AvA serves each
function."""

CALLBACK_NOTE = {'drop': '; notification callback not delivered',
                 'sync': '; callback called in the guest when the call returns',
                 'async': '; callback delivered through the notification queue',
                 'on_release': '; callback called when the guest releases the object'}


def how(ctx, f):
    if f.has('unsupported'):
        return 'not remoted: returns `%s`' % ctx.unsup
    if f.has('guest') and f.has('via'):
        text = 'remoted through `%s` by a hand-written guest wrapper' % '`, `'.join(f.annots['via'].args)
    elif f.has('guest'):
        text = 'answered in the guest library'
    elif f.has('retain') or f.has('release'):
        text = 'reference count kept in the guest; last release frees the host object'
    elif f.has('async_create'):
        text = 'remoted; creates without waiting%s (errors at the next synchronization point)' % \
            (' when `%s`' % f.arg('async_create') if f.arg('async_create') else '')
    elif f.has('async') and f.arg('async'):
        text = 'remoted; asynchronous when `%s` (errors at the next synchronization point)' % f.arg('async')
    elif f.has('async'):
        text = 'remoted, asynchronous (errors at the next synchronization point)'
    else:
        text = 'remoted, synchronous'
    cb = ctx.callback_param(f)
    # a hand-written guest function calls its function pointer itself (no @callback)
    return text + (CALLBACK_NOTE.get(cb.arg('callback'), '') if cb is not None else '')


def table(ctx):
    funcs = [f for f in ctx.sp.funcs if not f.has('internal')]
    n_unsup = sum(1 for f in funcs if f.has('unsupported'))
    head = ['## %s (api/%s.spec)' % (ctx.api, ctx.api), '', ctx.sp.settings['coverage_note'], '',
            '%d functions in the spec, %d remoted or answered locally, %d not remoted.' %
            (len(funcs), len(funcs) - n_unsup, n_unsup), '',
            '| function | how AvA serves it |', '|---|---|']
    rows = ['| `%s` | %s |' % (f.name, how(ctx, f)) for f in funcs]
    return '\n'.join(head + rows + exports(ctx)) + '\n'


def exports(ctx):
    """The vendor library's other exports (exports_list): all unsupported."""
    rows = ctx.unsupported_exports()
    if ctx.export_list() is None:
        return []
    fwd = [e[1] for e in ctx.other_exports() if ctx.forwarded_export(e)]
    out = ['', 'The shim exports every symbol of NVIDIA\'s library (`api/%s.exports`); these %d are not in '
           'the spec and return `%s`:' % (ctx.api, len(rows), ctx.unsup), '',
           ' '.join('`%s`' % name for _, name, _, _ in rows)]
    if fwd:
        out += ['', 'These %d per-thread default stream variants call the function they vary (a NULL stream '
                'becomes the per-thread stream):' % len(fwd), '', ' '.join('`%s`' % n for n in fwd)]
    return out
