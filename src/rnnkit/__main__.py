import sys

from rnnkit._entry import main

sys.exit(main())
