"""The language of teaching text: English (the default) or Simplified Chinese, from gettext message catalogs.

Every function that writes teaching text (derivations, lesson pages, drawings,
worksheets, the command line) takes ``lang="en"`` or ``lang="zh"``. Without
one, the language is the current one: set for a block of code with
``with language("zh"):``, else chosen by the environment variable
``SCALARGRAD_LANG`` (``en``, ``zh``, or a locale name such as ``zh_CN.UTF-8``),
else English. The system locale (``LANG``) is deliberately not consulted: a
derivation printed on a Chinese-language machine stays identical to the one in
the English textbook unless its reader asks.

Each package owns its catalog, ``<package>/locale/zh_CN/LC_MESSAGES/scalargrad.po``,
compiled to the ``.mo`` next to it that `gettext` reads (``make catalogs``
extracts the messages with Babel, updates the ``.po`` and compiles it; a test
fails when the two disagree). A module translates with::

    from autograd.i18n import Catalog
    _ = Catalog("autograd")
    print(_("forward pass"))      # "前向传播" inside `with language("zh"):`

Symbols, node names, numbers and formulas are never translated. The messages
of errors a reader meets (the engine's domain checks, an undefined derivative,
the expression parser's, a lesson's) are in the current language too, so that
``scalargrad ... --lang zh`` reports them in Chinese. Generated JavaScript
keeps the English messages (its errors carry their rule and numbers, and a
lesson page says them in its own language).
"""

from __future__ import annotations

import functools
import gettext
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources

LANGUAGES = ("en", "zh")
"""The languages teaching text is written in: English and Simplified Chinese."""

ENVIRONMENT_VARIABLE = "SCALARGRAD_LANG"
"""Chooses the default language when no ``lang`` is given (unset: English)."""

DOMAIN = "scalargrad"
"""The gettext domain: every catalog is called ``scalargrad.po``."""

LOCALES = {"zh": "zh_CN"}
"""The gettext locale folder of each translated language (English is the source text itself)."""

HTML_LANGS = {"en": "en", "zh": "zh-Hans"}
"""The ``lang`` attribute of an HTML page in each language."""

_current: ContextVar[str | None] = ContextVar("scalargrad_language", default=None)


def check_language(lang: object, where: str = "lang") -> str:
    """`lang` as one of `LANGUAGES`; accepts ``zh-CN``, ``zh_CN.UTF-8``, ``zh-Hans``, ``EN`` and the like.

    Raises TypeError or ValueError naming `where` (the parameter, option or variable that gave it).
    """
    if not isinstance(lang, str):
        raise TypeError(f"{where} must be one of {', '.join(map(repr, LANGUAGES))}, got {type(lang).__name__}")
    language = re.split(r"[-_.@]", lang.strip().lower(), maxsplit=1)[0]
    if language not in LANGUAGES:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, LANGUAGES))} (English, 简体中文), got {lang!r}")
    return language


def default_language() -> str:
    """The language of ``SCALARGRAD_LANG``, or English where it is unset or empty."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    return check_language(value, ENVIRONMENT_VARIABLE) if value.strip() else "en"


def current_language() -> str:
    """The language text is written in now: the innermost `language` block's, else `default_language`."""
    chosen = _current.get()
    return default_language() if chosen is None else chosen


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Write teaching text in `lang` inside the block (None: keep the current language); yields the language."""
    if lang is None:
        yield current_language()
        return
    token = _current.set(check_language(lang))
    try:
        yield _current.get() or "en"
    finally:
        _current.reset(token)


def compiled_catalog(package: str, lang: str) -> bytes:
    """The compiled catalog (``.mo``) of `package` in `lang`, as it ships in the package."""
    folder = resources.files(package).joinpath("locale").joinpath(LOCALES[lang]).joinpath("LC_MESSAGES")
    try:
        return folder.joinpath(DOMAIN + ".mo").read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the {lang} message catalog of {package} is missing ({folder}/{DOMAIN}.mo); "
            "compile the catalogs with `make catalogs` or reinstall scalargrad"
        ) from None


@functools.cache
def translations(package: str, lang: str) -> gettext.NullTranslations:
    """The translations of `package`'s messages into `lang` (English: the messages themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled_catalog(package, lang)))


class Catalog:
    """The translation function of one package: ``_ = Catalog("nn")``, then ``_("text")``.

    Messages are looked up when called, in the current language, so a module
    can define ``_`` once at import and still write either language.
    """

    def __init__(self, package: str) -> None:
        self.package = package

    def __call__(self, message: str) -> str:
        return translations(self.package, current_language()).gettext(message)

    def __repr__(self) -> str:
        return f"Catalog({self.package!r})"


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; it is translated where it is used, with ``_(...)``."""
    return message


__all__ = [
    "DOMAIN",
    "ENVIRONMENT_VARIABLE",
    "HTML_LANGS",
    "LANGUAGES",
    "LOCALES",
    "Catalog",
    "N_",
    "compiled_catalog",
    "check_language",
    "current_language",
    "default_language",
    "language",
    "translations",
]
