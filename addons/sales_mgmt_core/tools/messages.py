"""Messages of plain-Python modules in the reader's language, with Odoo's lazy translations.

A module without an environment builds its messages with
``_lt = LazyTranslate(__name__, default_lang="en_US")``: ``_lt("… %(name)s …", name=value)``
(a literal first argument, so that ``odoo-bin i18n export`` extracts it). Arguments that are
lazy translations themselves (field labels, column names) are translated with the message, in
the same language (:func:`odoo.tools.translate.get_translation`). Whoever shows a message
renders it for its reader: ``env._(message)``, or :func:`render` for anything this module
knows (errors, lists of labels, plain text).

Exceptions carrying such messages derive from :class:`TranslatableError`: ``str(error)`` is
English (logs, plain-Python tests), ``error.render(env)`` the reader's language.
"""

from odoo.exceptions import UserError
from odoo.tools.translate import LazyGettext

DEFAULT_LANG = "en_US"
# List separators of the languages written with full-width punctuation: the full-width
# semicolon U+FF1B and the ideographic comma U+3001.
FULL_WIDTH_SEPARATORS = {"; ": "\uff1b", ", ": "\u3001"}
FULL_WIDTH_LANGS = ("zh", "ja")


def lang_of(env_or_lang):
    """The language code of an environment (its ``lang``) or a code; en_US when none."""
    if env_or_lang is None or isinstance(env_or_lang, str):
        return env_or_lang or DEFAULT_LANG
    return env_or_lang.lang or DEFAULT_LANG


def render(message, env_or_lang=DEFAULT_LANG):
    """``message`` as text in the language of ``env_or_lang`` (an environment or a code).

    ``message``: a lazy translation, a :class:`TranslatableError`, a :class:`TranslatableUserError`,
    any other UserError (Odoo's own: text in the language it was raised in, kept as it is), or text.
    """
    lang = lang_of(env_or_lang)
    if isinstance(message, LazyGettext):
        # what Environment._ and get_translation do with a lazy translation, for a given language
        return message._translate(lang)
    if isinstance(message, TranslatableError):
        return message.render(lang)
    if isinstance(message, TranslatableUserError):
        return render(message.lazy, lang)
    if isinstance(message, UserError):  # ValidationError is one
        return message.args[0] if message.args else str(message)
    return "" if message is None else str(message)


def separator(text, lang):
    """``text`` (a list separator: "; ", ", ") as written in ``lang``."""
    if (lang or DEFAULT_LANG).split("_")[0] in FULL_WIDTH_LANGS:
        return FULL_WIDTH_SEPARATORS.get(text, text)
    return text


def installed_langs(env):
    """en_US and the codes of every active language of ``env``'s database."""
    return sorted({DEFAULT_LANG, *(code for code, _name in env["res.lang"].get_installed())})


def translations(env, message):
    """{language code: text} of ``message`` in en_US and every active language, as
    ``update_field_translations`` takes them for a field with ``translate=True``."""
    return {lang: render(message, lang) for lang in installed_langs(env)}


class LazyJoin(LazyGettext):
    """Items (lazy translations or text) joined by ``separator``, as one argument of a lazy
    message: ``_lt("Missing columns: %(columns)s.", columns=LazyJoin(labels))``. Translated with
    the message, in its language, as Odoo translates every lazy argument of a lazy message."""

    __slots__ = ("_items", "_separator")

    def __init__(self, items, separator=", "):
        super().__init__("", _module="base", _default_lang=DEFAULT_LANG)
        self._items = tuple(items)
        self._separator = separator

    def _translate(self, lang=""):
        lang = lang or DEFAULT_LANG
        return separator(self._separator, lang).join(render(item, lang) for item in self._items)

    def __repr__(self):
        return f"LazyJoin({self._items!r}, {self._separator!r})"


class TranslatableError(Exception):
    """An error whose messages (``args``) are lazy translations or text: ``str()`` is English,
    :meth:`render` the reader's language. Subclasses with another list of messages override
    :attr:`messages`."""

    separator = "; "

    @property
    def messages(self):
        return list(self.args)

    @property
    def message(self):
        """The (first) message itself, lazy: to be an argument of another lazy message."""
        messages = self.messages
        return messages[0] if len(messages) == 1 else LazyJoin(messages, self.separator)

    def render(self, env_or_lang=DEFAULT_LANG):
        """The messages as text in the language of ``env_or_lang`` (an environment or a code)."""
        lang = lang_of(env_or_lang)
        return separator(self.separator, lang).join(render(message, lang) for message in self.messages)

    def __str__(self):
        return self.render(DEFAULT_LANG)


class TranslatableUserError(UserError):
    """A UserError raised with a lazy message: shown in the language of ``env`` (the raiser's), and
    kept lazy (:attr:`lazy`) so that whoever stores it can write it in every language."""

    def __init__(self, message, env=None):
        self.lazy = message
        super().__init__(render(message, env))
