"""Errors in a spec, reported as file:line: message."""


class SpecError(Exception):
    def __init__(self, msg, where=None):
        self.msg = msg
        self.where = where      # (path, line) or None
        super().__init__(self.__str__())

    def __str__(self):
        if self.where:
            return '%s:%d: %s' % (self.where[0], self.where[1], self.msg)
        return self.msg
