"""PO/POT helpers for scripts/i18n.sh (run with the project's venv: polib comes with Odoo).

    i18n_po.py normalise FILE.pot...          drop the time stamps Odoo writes into the header
    i18n_po.py merge FILE.pot FILE.po LANG    new msgids into FILE.po (empty), translations kept
    i18n_po.py compare ADDON COMMITTED FRESH  exit 1 naming the msgids when COMMITTED is not FRESH
    i18n_po.py untranslated ADDON FILE.pot FILE.po [--strict]
                                              list msgids without translation and translations
                                              that lost a placeholder or tag; exit 1 with --strict
    i18n_po.py count ADDON FILE.pot FILE.po   one line: msgids, translated, untranslated

Entries are keyed by (msgctxt, msgid). Output is written the way Odoo writes it (polib, width 78),
so that an export followed by a merge is stable: running them twice changes nothing.
"""

import collections
import pathlib
import re
import sys

import polib

WRAP = 78
DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")
# {{ expr }} of mail templates, %(name)s, %s, %d ... (not "%%", not "50% of"), {name} / {0} of str.format
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|%\([\w.]+\)[-#0 +]?\d*(?:\.\d+)?[sdifrx]|%[sdifr]|\{\w*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*?/?>")
PLURAL_FORMS = {"zh_CN": "nplurals=1; plural=0;"}


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def _load(path):
    return polib.pofile(str(path), wrapwidth=WRAP)


def _short(msgid, width=100):
    text = msgid.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 3] + "..."


def normalise(paths):
    """Odoo stamps both header dates with the export time: remove them so exports compare equal."""
    for path in map(pathlib.Path, paths):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(tuple(f'"{key}: ' for key in DATE_KEYS))]
        path.write_text("".join(kept), encoding="utf-8")


def merge(pot_path, po_path, lang):
    """Rewrite po_path with pot_path's entries (order, comments, references) and the translations
    po_path had for the same msgids. Translations of msgids no longer in the .pot are dropped
    (and printed); nothing is guessed (no fuzzy matching). The translators' header fields
    (PO-Revision-Date, Last-Translator, Language-Team) are kept as they are."""
    pot = _load(pot_path)
    po_path = pathlib.Path(po_path)
    old = _load(po_path) if po_path.exists() else None
    translations = {}
    if old is not None:
        translations = {_key(e): e for e in old if not e.obsolete and e.msgstr and "fuzzy" not in e.flags}
    new = polib.POFile(wrapwidth=WRAP)
    new.header = old.header if old is not None and old.header else pot.header
    metadata = dict(pot.metadata)
    for key in DATE_KEYS:
        metadata.pop(key, None)
    if old is not None:
        for key in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
            if old.metadata.get(key):
                metadata[key] = old.metadata[key]
    metadata["Language"] = lang
    metadata["Plural-Forms"] = PLURAL_FORMS.get(lang, metadata.get("Plural-Forms", ""))
    new.metadata = metadata
    for entry in pot:
        previous = translations.pop(_key(entry), None)
        new.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgstr=previous.msgstr if previous else "",
                comment=entry.comment,
                tcomment=previous.tcomment if previous else "",
                occurrences=entry.occurrences,
                flags=entry.flags,
            )
        )
    new.save(str(po_path))
    for _msgctxt, msgid in translations:
        print(f"  {po_path}: dropped the translation of a msgid that is gone: {_short(msgid)!r}")


def compare(addon, committed_path, fresh_path):
    committed_path = pathlib.Path(committed_path)
    if not committed_path.exists():
        print(f"{addon}: {committed_path} is missing; run `bash scripts/i18n.sh export`")
        return 1
    committed, fresh = _load(committed_path), _load(fresh_path)
    if str(committed) == str(fresh):
        return 0
    old = {_key(e): e for e in committed}
    cur = {_key(e): e for e in fresh}
    added = [k for k in cur if k not in old]
    removed = [k for k in old if k not in cur]
    moved = [
        k for k in cur if k in old and (cur[k].occurrences, cur[k].comment) != (old[k].occurrences, old[k].comment)
    ]
    print(f"{addon}: {committed_path} is not current; run `bash scripts/i18n.sh export` and translate:")
    for title, keys in (("new msgid", added), ("removed msgid", removed), ("msgid with changed references", moved)):
        for _ctx, msgid in keys:
            print(f"  {title}: {_short(msgid)!r}")
    if not (added or removed or moved):
        print("  header or order differs (same msgids)")
    return 1


def _problems(entry):
    """Placeholders and markup of the msgid that the translation does not keep exactly."""
    problems = []
    want = collections.Counter(PLACEHOLDER.findall(entry.msgid))
    got = collections.Counter(PLACEHOLDER.findall(entry.msgstr))
    if want != got:
        problems.append(f"placeholders {sorted(want.elements())} != {sorted(got.elements())}")
    positional = [p for p in PLACEHOLDER.findall(entry.msgid) if not p.startswith("%(") and p.startswith("%")]
    if positional and positional != [p for p in PLACEHOLDER.findall(entry.msgstr) if p in positional]:
        problems.append("positional placeholders reordered")
    if TAG.search(entry.msgid):
        want_tags = collections.Counter(TAG.findall(entry.msgid))
        got_tags = collections.Counter(TAG.findall(entry.msgstr))
        if want_tags != got_tags:
            problems.append(f"markup differs: missing {sorted((want_tags - got_tags).elements())}")
    return problems


def untranslated(addon, pot_path, po_path, strict=False):
    pot_path, po_path = pathlib.Path(pot_path), pathlib.Path(po_path)
    if not po_path.exists():
        print(f"{addon}: {po_path} is missing; run `bash scripts/i18n.sh export`")
        return 1
    po = {_key(e): e for e in _load(po_path) if not e.obsolete}
    missing, broken = [], []
    for entry in _load(pot_path) if pot_path.exists() else _load(po_path):
        translated = po.get(_key(entry))
        if translated is None or not translated.msgstr or "fuzzy" in translated.flags:
            missing.append(entry.msgid)
        elif problems := _problems(translated):
            broken.append((entry.msgid, problems))
    for msgid in missing:
        print(f"{addon}: untranslated in {po_path.name}: {_short(msgid)!r}")
    for msgid, problems in broken:
        print(f"{addon}: bad translation in {po_path.name} of {_short(msgid)!r}: {'; '.join(problems)}")
    return 1 if strict and (missing or broken) else 0


def count(addon, pot_path, po_path):
    pot = _load(pot_path)
    po = {_key(e): e.msgstr for e in _load(po_path)} if pathlib.Path(po_path).exists() else {}
    done = sum(1 for e in pot if po.get(_key(e)))
    print(f"{addon}: {len(pot)} msgids, {done} translated, {len(pot) - done} untranslated")
    return 0


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "normalise":
        normalise(args)
        return 0
    if command == "merge":
        merge(*args)
        return 0
    if command == "compare":
        return compare(*args)
    if command == "untranslated":
        strict = "--strict" in args
        return untranslated(*[a for a in args if a != "--strict"], strict=strict)
    if command == "count":
        return count(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
