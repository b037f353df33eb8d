"""RFC 6238 time-based one-time codes, computed by the test itself (not by django-otp)."""

import hashlib
import hmac
import struct
import time
from base64 import b32decode


def totp(secret_base32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    secret = secret_base32.replace(" ", "").upper()
    key = b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10 ** digits).zfill(digits)
