"""One real `ouro verify` run shared by the report tests (HTML, Chromium, SARIF, baseline).

Two vulnerable fixtures (confirmed findings with Anvil-replayed evidence), two copies of vulnerable
fixtures whose file names are HTML/JS injections (they reach messages too, through Slither), and a
file that does not compile. Run once per session, through the console script as a user runs it.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VULNERABLE = ROOT / "tests" / "fixtures" / "vulnerable"
EVIL_NAMES = {
    "<script>alert(1)<!-- & \"q\" 'r'.sol": "OpenMintToken08.sol",
    "<img src=x onerror=alert(2)>.sol": "UncheckedSend04.sol",
}


@functools.cache
def verified() -> tuple[dict, Path]:
    """(the JSON report document, the folder holding it and the copied files)."""
    work = Path(tempfile.mkdtemp(prefix="ouro-report-cases-"))
    atexit.register(shutil.rmtree, work, True)
    for name, source in EVIL_NAMES.items():
        shutil.copy(VULNERABLE / source, work / name)
    files = [str(VULNERABLE / "ReentrancyBank04.sol"), str(VULNERABLE / "TxOriginWallet04.sol"),
             *(str(work / n) for n in EVIL_NAMES), str(ROOT / "tests" / "fixtures" / "solidity" / "bad_syntax.sol")]
    out = work / "report.json"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(["ouro", "verify", *files, "--format", "json", "--output", str(out), "--seed", "1"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # bad_syntax.sol: a tool error
    return json.loads(out.read_text()), work


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's tokenizer sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.script_bodies: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.script_bodies if self._in_script else self.text).append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]
