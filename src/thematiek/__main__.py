"""``python -m thematiek``."""

from thematiek.cli import main

if __name__ == "__main__":
    main()
