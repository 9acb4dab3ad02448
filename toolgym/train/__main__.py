"""``python -m toolgym.train grpo ...`` (the same as ``toolgym train grpo ...``)."""

import sys

from toolgym.train.cli import main

raise SystemExit(main(sys.argv[1:]))
