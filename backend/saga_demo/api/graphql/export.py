"""Print the schema in SDL: `make schema` writes it to schema.graphql at the repository root."""

import sys
from pathlib import Path

from strawberry.printer import print_schema

from .schema import schema


def schema_sdl() -> str:
    return print_schema(schema) + "\n"


def main() -> None:
    """Write the schema to the file named on the command line, or print it."""
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(schema_sdl())
    else:
        sys.stdout.write(schema_sdl())


if __name__ == "__main__":
    main()
