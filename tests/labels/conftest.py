import sys
from pathlib import Path

# samples.py beside this file is imported as a plain module by the label tests; the
# repository root makes `labels` importable when the project is not installed.
HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parents[1]):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
