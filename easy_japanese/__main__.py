import sys

from easy_japanese.cli import main

sys.exit(main(sys.argv[1:]))
