"""flask keys status | add | promote | rotate | retire — field-key rotation, in Tink's order.

1. `keys add`     a new key joins the ring, not active; deploy that FIELD_KEYS everywhere.
2. `keys promote` the new key becomes active (first); deploy again.
3. `keys rotate`  re-encrypt every value under the active key (batches, resumable).
4. `keys retire`  drop the old key once no value uses it.

In the demo the ring lives in instance/field_keys and these commands edit it. In production
FIELD_KEYS comes from the environment, so they print the value to deploy instead.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers import keys as key_rotation
from models.crypto import Keyring, install_keyring
from settings import RETIRED, FieldKey, format_field_keys, new_field_key, write_instance_field_keys

group = AppGroup("keys", help="字段加密密钥管理（轮换）。")


def _ring() -> list[FieldKey]:
    """The keys in force (active first); `_retired()` has the ids retired from the ring."""
    return list(current_app.extensions["dangjian.keyring"].keys)


def _retired() -> list[FieldKey]:
    return list(current_app.extensions["dangjian.keyring"].retired)


def _publish(keys: list[FieldKey], what: str) -> None:
    """Write the new ring to the demo key file, or print it for the operator to deploy."""
    keyring = Keyring(keys)
    install_keyring(keyring)
    current_app.extensions["dangjian.keyring"] = keyring
    path = current_app.config.get("FIELD_KEYS_FILE")
    if path:
        write_instance_field_keys(Path(path), keys)
        click.echo(f"{what}；已写入 {path}。")
    else:
        click.echo(f"{what}。请在所有应用和任务进程中设置（并另行备份）：")
        click.echo(f"FIELD_KEYS={format_field_keys(keys)}")


@group.command("status")
def status() -> None:
    """Show the ring and how many stored values each key encrypts."""
    ring = _ring()
    for i, key in enumerate(ring):
        click.echo(f"{key.key_id}\t{key.algorithm}\t{'active' if i == 0 else 'decrypt-only'}")
    for key in _retired():
        click.echo(f"{key.key_id}\t-\tretired (never reused)")
    with database().unit_of_work() as session:
        for label, counts in key_rotation.values_per_key(session).items():
            summary = ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "—"
            click.echo(f"  {label}: {summary}")


@group.command("add")
@click.option("--key-id", help="id for the new key (default: next kN)")
@click.option("--sm4", is_flag=True, help="SM4-GCM key (商用密码 profile) instead of AES-256-GCM")
def add(key_id: str | None, sm4: bool) -> None:
    """Add a new key to the ring as decrypt-only (step 1)."""
    ring = _ring()
    # Ids are never reused: a value still tagged with a retired id must never meet another key.
    taken = {k.key_id for k in ring} | {k.key_id for k in _retired()}
    key_id = key_id or next(f"k{n}" for n in range(1, 10_000) if f"k{n}" not in taken)
    if key_id in taken:
        raise click.ClickException(f"key id {key_id} is in the ring or was retired from it: choose another")
    _publish(
        [*ring, new_field_key(key_id, "sm4-gcm" if sm4 else "aes-256-gcm"), *_retired()],
        f"已添加密钥 {key_id}（仅解密）",
    )


@group.command("promote")
@click.argument("key_id")
def promote(key_id: str) -> None:
    """Make KEY_ID the active key (step 2: only once every process has it)."""
    ring = _ring()
    chosen = [k for k in ring if k.key_id == key_id]
    if not chosen:
        raise click.ClickException(f"key id {key_id} is not in the ring")
    _publish(
        chosen + [k for k in ring if k.key_id != key_id] + _retired(), f"密钥 {key_id} 已设为当前加密密钥"
    )


@group.command("rotate")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000))
def rotate(batch_size: int) -> None:
    """Re-encrypt every stored value under the active key (step 3; safe to interrupt and rerun)."""
    keyring: Keyring = current_app.extensions["dangjian.keyring"]
    db = database()
    with db.unit_of_work() as session:
        total = key_rotation.count_stale(session, keyring)
    click.echo(f"当前密钥 {keyring.active.key_id}；待重新加密 {total} 个字段值。")
    with click.progressbar(length=total, label="重新加密") as bar:
        key_rotation.rotate(db.unit_of_work, keyring, batch_size=batch_size, on_progress=bar.update)
    with db.unit_of_work() as session:
        left = key_rotation.count_stale(session, keyring)
    if left:
        raise click.ClickException(f"{left} values are locked by other transactions; run keys rotate again")
    click.echo("全部字段值已使用当前密钥加密。旧密钥可用 keys retire 移除。")


@group.command("retire")
@click.argument("key_id")
def retire(key_id: str) -> None:
    """Remove KEY_ID from the ring (step 4); refused while any value still uses it."""
    ring = _ring()
    if ring[0].key_id == key_id:
        raise click.ClickException("cannot retire the active key; promote another key first")
    if key_id not in {k.key_id for k in ring}:
        raise click.ClickException(f"key id {key_id} is not in the ring")
    with database().unit_of_work() as session:
        in_use = sum(c.get(key_id, 0) for c in key_rotation.values_per_key(session).values())
    if in_use:
        raise click.ClickException(f"{in_use} values still use {key_id}; run keys rotate first")
    # The id stays in the ring as retired (`kN:retired`), so that it is never issued again.
    _publish(
        [k for k in ring if k.key_id != key_id] + _retired() + [FieldKey(key_id, RETIRED, b"")],
        f"密钥 {key_id} 已移除（编号保留为已停用，不再复用）",
    )
