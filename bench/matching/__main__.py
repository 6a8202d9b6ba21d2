"""``python -m bench.matching [--quick]`` — see run.py."""

from bench.matching.run import main

raise SystemExit(main())
