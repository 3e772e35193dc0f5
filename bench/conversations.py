"""Figures on the blind conversations: two-part messages and follow-ups, by kind.

    python bench/conversations.py            # the development set
    python bench/conversations.py --frozen   # the frozen set too: aggregates only, run rarely

The frozen set is never tuned on; only these aggregate figures are ever printed for it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from evaluation import conversation_figures

from bot.core.cache import load_matcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", action="store_true", help="also the frozen set (aggregates)")
    parser.add_argument("--lexical", action="store_true", help="words alone, no encoder")
    args = parser.parse_args()
    matcher = load_matcher([], "", encoder=not args.lexical)
    development = ("dev", "dev 2", "dev 3", "dev 4", "dev 5", "dev 6")
    for name in (*development, "frozen", "frozen 2") if args.frozen else development:
        print(f"{name} conversations ({matcher.engine})")
        for measure, (passed, total) in conversation_figures(matcher, name).items():
            print(f"  {measure:34} {passed:3}/{total:<3} {passed / total:.3f}")


if __name__ == "__main__":
    main()
