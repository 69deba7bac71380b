"""Bearer tokens at rest: sessions and channel API keys are stored as this digest, never as
themselves, so a copy of the database opens no session and calls no API."""

import hashlib


def token_digest(token: str) -> bytes:
    # Tokens are long and random, so a fast hash is enough (unlike PINs and passwords).
    return hashlib.sha256(token.encode()).digest()
