"""The settings a spec may give: `<name> <value>` lines.

Each entry: name -> (shape, default, doc).  Shapes: 'word' (one word),
'words2' (two words), 'list' (words), 'text' (the rest of the line),
or a tuple of the allowed words.  A name not listed here is an error.
"""

REQUIRED = object()

SETTINGS = {
    'status_type': ('word', REQUIRED, 'the C type of the status the functions return'),
    'success': ('word', REQUIRED, 'the status value of success'),
    'transport_error': ('word', REQUIRED, 'returned when the worker cannot be reached'),
    'nomem_error': ('word', None, 'returned when the guest runs out of memory (default: transport_error)'),
    'oom_error': ('word', None, 'the API\'s out-of-memory status: a device-memory quota refuses an @alloc call with it'),
    'unsupported_error': ('word', None, 'returned by @unsupported functions (default: transport_error)'),
    'invalid_value': ('word', None, 'the API\'s error for an invalid argument value (@strings, @callback(on_release))'),
    'errcode': ('word', None, 'the name of the error output parameter of object-returning functions'),
    'icd_table': ('text', None, 'the ICD dispatch table type the guest fills (OpenCL)'),
    'callconv': ('word', '', 'the calling convention macro of the API\'s functions'),
    'coverage_note': ('text', '', 'a paragraph for docs/coverage.md'),
    'exports': (('yes', 'no'), 'no', 'stubs carry the API\'s own names (a shim library)'),
    'guest_rt_header': ('word', None, 'the guest runtime header the guest stubs include (default <api>_guest_rt.h)'),
    'worker_rt_header': ('word', None, 'the worker runtime header the worker code includes (default <api>_worker_rt.h)'),
    'worker_dlopen': ('word', None, 'the vendor library the worker opens with dlopen'),
    'worker_missing_error': ('word', None, 'returned when the library or an entry point is missing'),
    'worker_syms': ('list', [], 'more entry points the worker resolves with dlsym'),
    'worker_devptr_check': ('words2', None, '`fn err`: each @devptr argument is checked by fn'),
    'worker_range_check': ('words2', None, '`fn err`: a @devptr(bytes) workspace lies in one allocation (fn(ptr, bytes))'),
    'pointer_mode': ('words2', None, '`guest_fn worker_fn`: how @pmode scalars learn and check a handle\'s pointer mode'),
    'scale_factor': ('word', None, '`guest_fn`: how the guest reads @scale(desc) factors: guest_fn(uint64_t *wire, '
                     'p, desc) fills wire after desc\'s data type and returns it (NULL for a NULL p)'),
    'handles_of': ('words2', None, '`<api> <API id constant>`: the handles are another spec\'s'),
    'exports_list': ('word', None, 'the vendor library\'s exports (a file next to the spec, api/avagen/exportlist.py): '
                     'the shim exports each; those the spec does not serve answer unsupported_error'),
    'guest_impl_prefix': ('word', None, 'the exported entry point of each @guest function is generated (it counts '
                          'the call for AVA_TRACE) and calls the hand-written <prefix><name>'),
    'async_errors': (('deferred', 'last_error'), 'deferred',
                     'where errors of calls sent without waiting go'),
}


def parse_value(name, rest, err):
    """The value of one setting line, checked against its shape."""
    shape = SETTINGS[name][0]
    words = rest.split()
    if shape == 'text':
        if not rest:
            raise err('setting %s needs a value' % name)
        return rest
    if shape == 'list':
        return words
    want = 2 if shape == 'words2' else 1
    if len(words) != want:
        raise err('setting %s takes %d word%s, got %r' % (name, want, 's' if want > 1 else '', rest))
    if isinstance(shape, tuple) and words[0] not in shape:
        raise err('setting %s must be one of %s, got %r' % (name, ', '.join(shape), rest))
    return words if shape == 'words2' else words[0]


def with_defaults(given, err):
    """All settings: those given, the defaults of the others."""
    out = {}
    for name, (shape, default, _) in SETTINGS.items():
        if name in given:
            out[name] = given[name]
        elif default is REQUIRED:
            raise err('missing setting %s' % name)
        else:
            out[name] = default
    out['nomem_error'] = out['nomem_error'] or out['transport_error']
    out['unsupported_error'] = out['unsupported_error'] or out['transport_error']
    out['worker_missing_error'] = out['worker_missing_error'] or out['unsupported_error']
    return out
