"""``python -m pipeline.validate [--check] [folder]``: write (or check) the suites of expectations/."""

import sys

from pipeline.validate.suites import main

sys.exit(main())
