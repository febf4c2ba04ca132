"""A scan of the project's own code for crypto mistakes bandit misses (security-notes §1.6):
ECB mode, constant nonces/IVs, MD5/SHA-1 used for security, `random` used for tokens."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["app.py", "settings.py", "wecom", "web", "handlers", "models", "jobs", "cli", "demo"]
#: Protocols that mandate SHA-1 (WeCom's callback signature, doc 90968) mark the line with this.
PROTOCOL_MARK = "wecom-protocol: sha1"
#: The only module allowed to use `random`: deterministic demo data, not secrets.
RANDOM_ALLOWED = {"demo/hospital.py", "demo/activity.py"}


def project_files():
    for entry in PACKAGES:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def findings(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    rel = path.relative_to(ROOT).as_posix()
    problems = []
    for node in ast.walk(ast.parse(source)):
        line = lines[node.lineno - 1] if hasattr(node, "lineno") else ""
        if isinstance(node, ast.Attribute) and node.attr in ("MODE_ECB", "ECB"):
            problems.append(f"{rel}:{node.lineno} ECB mode")
        if isinstance(node, ast.Attribute) and node.attr in ("md5", "sha1") and PROTOCOL_MARK not in line:
            problems.append(f"{rel}:{node.lineno} {node.attr} used")
        if isinstance(node, ast.keyword) and node.arg in ("nonce", "iv", "initialization_vector"):
            if isinstance(node.value, (ast.Constant, ast.BinOp)):
                problems.append(f"{rel}:{node.lineno} constant {node.arg}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if (
                node.func.attr in ("GCM", "CBC", "CTR")
                and node.args
                and isinstance(node.args[0], (ast.Constant, ast.BinOp))
            ):
                problems.append(f"{rel}:{node.lineno} constant IV/nonce")
        if isinstance(node, (ast.Import, ast.ImportFrom)) and rel not in RANDOM_ALLOWED:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if "random" in names:
                problems.append(f"{rel}:{node.lineno} imports random (use secrets)")
    return problems


def test_project_code_has_no_banned_crypto():
    problems = [p for f in project_files() for p in findings(f)]
    assert problems == []


@pytest.mark.parametrize(
    "snippet",
    [
        "from Crypto.Cipher import AES\nAES.new(k, AES.MODE_ECB)\n",
        "AES.new(k, AES.MODE_GCM, nonce=b'0' * 12)\n",
        "import hashlib\nhashlib.md5(b'x')\n",
        "import random\ntoken = random.random()\n",
        "modes.GCM(b'000000000000')\n",
    ],
)
def test_the_scan_catches_each_mistake(tmp_path, snippet, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(snippet)
    monkeypatch.setattr("tests.test_crypto_hygiene.ROOT", tmp_path)
    assert findings(bad), snippet
