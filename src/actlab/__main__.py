"""``python -m actlab`` is the ``actlab`` command."""

from .cli import main

raise SystemExit(main())
