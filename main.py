"""Start convlab (see ``python main.py --help``)."""
import sys

from convlab.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
