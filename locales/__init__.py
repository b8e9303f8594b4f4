"""Gettext catalogs: messages.pot (English source) and <lang>/LC_MESSAGES/messages.po."""
