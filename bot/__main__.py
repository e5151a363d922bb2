"""`python -m bot` runs the faqbot command."""

import sys

from .cli import main

sys.exit(main())
