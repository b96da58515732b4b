"""`python -m dealer_audit` runs the CLI."""

from dealer_audit.cli.app import main

main()
