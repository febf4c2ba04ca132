"""What several test modules share (logins, forms, factories beyond conftest's fixtures): import
from here, never from another test_*.py file."""
