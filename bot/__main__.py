import sys

from bot.cli import main

if __name__ == "__main__":  # not when multiprocessing imports it in the answering process
    sys.exit(main())
