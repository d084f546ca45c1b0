from miready.cli import main

raise SystemExit(main())
