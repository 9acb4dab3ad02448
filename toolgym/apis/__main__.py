"""``python -m toolgym.apis serve ...``: see :mod:`toolgym.apis.cli`."""

import sys

from toolgym.apis.cli import main

sys.exit(main())
