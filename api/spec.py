"""Parser for AvA API specifications (api/*.spec): the language is in
docs/api-spec.md, the parser in api/avagen/parser.py.  parse(path) returns
the checked spec or raises SpecError ("file:line: message")."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avagen.errors import SpecError  # noqa: E402,F401
from avagen.parser import parse  # noqa: E402,F401
