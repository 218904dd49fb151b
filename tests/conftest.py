"""Test setup: no window, no sound device, ever."""

import os
import sys
import tempfile
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# settings and best scores go to a throwaway folder, never the user's own
os.environ["BREACH_PROTOCOL_CONFIG_DIR"] = tempfile.mkdtemp(prefix="breach-test-config-")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
