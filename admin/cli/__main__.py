"""``python -m admin.cli``: the `xinfang` command."""

import sys

from . import main

sys.exit(main())
