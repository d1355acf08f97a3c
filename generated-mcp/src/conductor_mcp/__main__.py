"""`python -m <package>`: the server."""

from .server import main

main()
