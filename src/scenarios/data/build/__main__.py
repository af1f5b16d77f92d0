"""``python -m scenarios.data.build DATA_DIR [--out DIR]``: rebuild the embedded dataset."""

import sys

from scenarios.data.build.rebuild import main

sys.exit(main())
