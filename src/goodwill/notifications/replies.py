"""Reply tokens, pure: a reply to a message names the message it answers, and cannot be forged.

A message's token is its id (32 hex) followed by the first 16 hex of HMAC-SHA256(server secret,
"reply:<id>"): the email's Reply-To is `reply+<token>@<reply domain>`, and the SMS or push provider is given the
token with the message and hands it back with a reply. The database holds no token; rotating the server secret
makes old tokens unrecognised (a reply then still arrives, matched by the provider's message id or not at all).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

_TOKEN = re.compile(r"(?:reply\+)?([0-9a-f]{32})([0-9a-f]{16})(?:@.*)?$", re.IGNORECASE)
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "arret", "arrêt", "baja"})


def _mac(server_secret: str, message_id: uuid.UUID) -> str:
    return hmac.new(server_secret.encode(), f"reply:{message_id.hex}".encode(), hashlib.sha256).hexdigest()[:16]


def token_for(server_secret: str, message_id: uuid.UUID) -> str:
    return f"{message_id.hex}{_mac(server_secret, message_id)}"


def message_of(server_secret: str, token_or_address: str) -> uuid.UUID | None:
    """The message a token (or a reply+<token>@ address) names, or None when it is not one of ours."""
    found = _TOKEN.match(token_or_address.strip().strip("<>"))
    if found is None:
        return None
    message_id = uuid.UUID(found.group(1))
    if not hmac.compare_digest(_mac(server_secret, message_id), found.group(2).lower()):
        return None
    return message_id


def is_stop(text: str) -> bool:
    """Whether a text reply asks us to stop texting (the carriers' STOP keywords, and a few translations)."""
    return text.strip().strip(".!").lower() in STOP_WORDS
