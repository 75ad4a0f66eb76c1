#!/usr/bin/env python3
"""Brings a copy of the published vault sdk in line with the sdk in vault's own tree.

Usage: patch-sdk.py SDK_DIR

Vault's go.mod requires a published github.com/hashicorp/vault/sdk but builds against its
in-tree ./sdk, which the module zip leaves out. At the pinned vault version the published sdk
differs from the tree in two declarations that vault's code uses:
  - framework.Backend.ActivationFunc: the tree's takes (ctx, req), the published one also a flag
    name; vault assigns and calls the two-argument form;
  - keysutil.LockManager.RestorePolicy: the tree's returns the restored key's name with the
    error, the published one only the error; the transit engine reads both.
Each change is checked; a copy that does not look as expected fails loudly, so a new pin gets a
look instead of a half-patched build.
"""
import pathlib
import re
import sys


def patch(path: pathlib.Path, change) -> None:
    text = path.read_text()
    new = change(text)
    if new == text:
        sys.exit(f"patch-sdk.py: {path}: nothing changed; the sdk pin needs a look")
    path.write_text(new)


def activation_func(text: str) -> str:
    old = "ActivationFunc func(context.Context, *logical.Request, string) error"
    if text.count(old) != 1:
        sys.exit("patch-sdk.py: framework.Backend.ActivationFunc is not declared as expected")
    return text.replace(old, "ActivationFunc func(context.Context, *logical.Request) error")


def restore_policy(text: str) -> str:
    head = "func (lm *LockManager) RestorePolicy("
    start = text.find(head)
    end = text.find("\n}\n", start)
    if start < 0 or end < 0:
        sys.exit("patch-sdk.py: keysutil.LockManager.RestorePolicy not found")
    body = text[start:end + 3]
    signature_end = body.index(") error {\n")
    body = body[:signature_end] + ") (string, error) {\n" + body[signature_end + len(") error {\n"):]
    body, finals = re.subn(r"\n\treturn nil\n}\n$", "\n\treturn name, nil\n}\n", body)
    if finals != 1:
        sys.exit("patch-sdk.py: RestorePolicy does not end in 'return nil'")
    body = re.sub(r"(\n\t+)return (?!name, nil)(?!\"\", )", r'\1return "", ', body)
    return text[:start] + body + text[end + 3:]


def main() -> None:
    sdk = pathlib.Path(sys.argv[1])
    patch(sdk / "framework" / "backend.go", activation_func)
    patch(sdk / "helper" / "keysutil" / "lock_manager.go", restore_policy)


if __name__ == "__main__":
    main()
