"""Clean-room reference model for the parts of softcca that no published
library covers.

Written from IBM's published layouts (docs/tokens.md, docs/pin-blocks.md,
docs/CSNBPCU.md) and docs/decisions.md only -- NOT from
softcca's Rust code (docs/decisions.md F17). Where pyemv/psec cover the same thing,
gen.py cross-checks this model against them.

Contents
  * DES helpers over `cryptography` (single = EDE3 with K|K|K, double = EDE2).
  * PIN-block formats of docs/pin-blocks.md that neither pyemv nor psec implement:
    ISO-1, VISA-2, VISA-3, VISA-4, 3621, 3624, ECI-2, ECI-3, ECI-4, 4704-EPP.
    ISO-0/2/3 are also implemented here, but only to cross-check psec.
    encode_pinblock() builds a clear block from the PIN plus caller-chosen
    (deterministic) fill / pad / sequence; decode_pinblock() applies the
    consistency checks listed in docs/pin-blocks.md and docs/codes.md and raises
    PinBlockError on any violation. cpe_template() gives the block Clear PIN
    Encrypt must produce, its random nibbles as classes (r any hex, a A-F,
    d decimal).
  * The CSNBPCU computation of docs/CSNBPCU.md (auth code, card key, TDES-XOR and
    EMV2000-tree session keys, VIS PIN block, VISA framing) -- a second,
    independent implementation used to cross-check pyemv.
  * AMEXPCU1/AMEXPCU2 output per docs/decisions.md F8 (UNVERIFIED against IBM
    hardware: no public source gives the layout).
  * CCA internal DES key tokens, WRAP-ECB, TVV and MKVP per docs/tokens.md and
    docs/decisions.md F13, and softcca's token authentication code in bytes 48-55
    (written from the design in docs/decisions.md D25: HMAC-SHA-256 with
    Python's hmac/hashlib, not from the Rust code).
"""

import hashlib
import hmac
import warnings

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

__all__ = [
    "PinBlockError", "FORMATS", "PAN_FORMATS", "PAD_FORMATS", "PIN_LIMITS",
    "tdes_ecb_encrypt", "tdes_ecb_decrypt", "odd_parity", "xor",
    "encode_pinblock", "decode_pinblock", "RANDOM_CLASSES", "cpe_template", "matches_template",
    "auth_code", "card_key", "sk_tdes_xor", "sk_emv_tree", "vis_pin_block",
    "visa_message", "amex_message",
    "mkvp", "tvv", "wrap_ecb", "TAC_LABEL", "tac", "internal_token",
]

# ---------------------------------------------------------------------------
# DES helpers
# ---------------------------------------------------------------------------


def _expand(key: bytes) -> bytes:
    # Single DES = TDES with K1=K2=K3, double = EDE2 (K1,K2,K1), triple = EDE3.
    if len(key) == 8:
        return key * 3
    if len(key) == 16:
        return key + key[:8]
    if len(key) == 24:
        return key
    raise ValueError("DES key must be 8, 16 or 24 bytes")


def tdes_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    assert len(data) % 8 == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = Cipher(TripleDES(_expand(key)), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def tdes_ecb_decrypt(key: bytes, data: bytes) -> bytes:
    assert len(data) % 8 == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dec = Cipher(TripleDES(_expand(key)), modes.ECB()).decryptor()
    return dec.update(data) + dec.finalize()


def xor(a: bytes, b: bytes) -> bytes:
    assert len(a) == len(b)
    return bytes(x ^ y for x, y in zip(a, b))


def odd_parity(key: bytes) -> bytes:
    # docs/CSNBPCU.md notation: odd(k) flips bit 0 of every byte with even parity.
    return bytes(b ^ 1 if bin(b).count("1") % 2 == 0 else b for b in key)


# ---------------------------------------------------------------------------
# PIN-block formats (docs/pin-blocks.md table; docs/pin-blocks.md for the pad digit)
# ---------------------------------------------------------------------------

class PinBlockError(ValueError):
    """Clear PIN block fails a consistency check (docs/codes.md: 8/407)."""


FORMATS = ["ISO-0", "ISO-1", "ISO-2", "ISO-3", "VISA-2", "VISA-3", "VISA-4",
           "3621", "3624", "ECI-2", "ECI-3", "ECI-4", "4704-EPP"]
# Formats that XOR the 12-digit PAN data (docs/pin-blocks.md; docs/decisions.md F16).
PAN_FORMATS = {"ISO-0", "ISO-3", "VISA-4"}
# Formats whose *input* profile pad digit is significant (docs/pin-blocks.md:
# "Input-profile pad digit used only for 3621/3624").
PAD_FORMATS = {"3621", "3624"}
# PIN length limits used for the vectors (docs/pin-blocks.md and docs/CSNBPCU.md "Processing" step 3: the
# verb supports 4..12; VISA-2/ECI-3 have L=4..6; ECI-2 is exactly 4 digits).
PIN_LIMITS = {f: (4, 12) for f in FORMATS}
PIN_LIMITS.update({"VISA-2": (4, 6), "ECI-3": (4, 6), "ECI-2": (4, 4)})

_HEX = "0123456789ABCDEF"
_DEC = "0123456789"


def _pan_block(pan12: str) -> bytes:
    # docs/pin-blocks.md ISO-0: "⊕ 0000‖PAN12"; the caller has already selected the
    # 12 digits (rightmost excl. check digit for ISO-0/3, leftmost for VISA-4).
    if len(pan12) != 12 or any(c not in _DEC for c in pan12):
        raise ValueError("PAN data must be 12 decimal digits")
    return bytes.fromhex("0000" + pan12)


def _need(s: str, n: int, alphabet: str, what: str) -> str:
    s = s.upper()
    if len(s) < n or any(c not in alphabet for c in s[:n]):
        raise ValueError(f"{what}: need {n} nibbles from {alphabet!r}, got {s!r}")
    return s[:n]


def encode_pinblock(fmt: str, pin: str, pan12: str = None, pad: str = None,
                    fill: str = None, seq: str = None) -> bytes:
    """Build the 8-byte clear PIN block for `fmt` (docs/pin-blocks.md table).

    `fill` is a string of hex nibbles used, in order, for every random /
    pad position (only as many as needed are consumed); `pad` is the profile
    pad digit (3621/3624); `seq` the sequence number (3621: 4 nibbles,
    4704-EPP: 2 nibbles).
    """
    lo, hi = PIN_LIMITS[fmt]
    if not lo <= len(pin) <= hi or any(c not in _DEC for c in pin):
        raise ValueError(f"{fmt}: PIN must be {lo}..{hi} decimal digits")
    n = len(pin)
    L = _HEX[n]
    fill = (fill or "").upper()

    if fmt in ("ISO-0", "VISA-4"):
        # ISO-0: 0LPPPPffffffffFF ⊕ 0000‖PAN12. VISA-4: same, PAN12 = leftmost
        # 12 PAN digits excluding the check digit (caller-supplied).
        nib = "0" + L + pin + "F" * (14 - n)
        return xor(bytes.fromhex(nib), _pan_block(pan12))
    if fmt in ("ISO-1", "ECI-4"):
        # 1LPPPPrrrrrrrrRR (ISO-1 = ECI-4): random fill, any hex digit.
        nib = "1" + L + pin + _need(fill, 14 - n, _HEX, "fill")
        return bytes.fromhex(nib)
    if fmt == "ISO-2":
        nib = "2" + L + pin + "F" * (14 - n)
        return bytes.fromhex(nib)
    if fmt == "ISO-3":
        # 3LPPPPrrrrrrrrRR, fill random X'A'-X'F', ⊕ 0000‖PAN12.
        nib = "3" + L + pin + _need(fill, 14 - n, "ABCDEF", "fill")
        return xor(bytes.fromhex(nib), _pan_block(pan12))
    if fmt == "VISA-2":
        # LPPPPzzDDDDDDDDD, L=4..6: z = PIN digit or 0, D = decimal pad.
        nib = L + pin + "0" * (6 - n) + _need(fill, 9, _DEC, "decimal pad")
        return bytes.fromhex(nib)
    if fmt == "ECI-3":
        # LPPPPzzRRRRRRRRR, L=4..6: z = PIN digit or 0, R random (any hex).
        nib = L + pin + "0" * (6 - n) + _need(fill, 9, _HEX, "fill")
        return bytes.fromhex(nib)
    if fmt == "VISA-3":
        # PPPP…F then any pad: PIN, X'F' delimiter, pad nibbles.
        nib = pin + "F" + _need(fill, 15 - n, _HEX, "pad")
        return bytes.fromhex(nib)
    if fmt == "3624":
        # PPPPxxxxxxxxxxxx: PIN then the profile pad digit X (PADDIGIT).
        p = _need(pad or "", 1, _HEX, "pad digit")
        if p in pin:
            raise ValueError("PADDIGIT extraction: pad digit must not occur in the PIN")
        return bytes.fromhex(pin + p * (16 - n))
    if fmt == "3621":
        # SSSSPPPPxxxxxxxx: 4-nibble sequence, PIN, profile pad digit.
        p = _need(pad or "", 1, _HEX, "pad digit")
        if p in pin:
            raise ValueError("PADDIGIT extraction: pad digit must not occur in the PIN")
        return bytes.fromhex(_need(seq or "", 4, _HEX, "sequence") + pin + p * (12 - n))
    if fmt == "ECI-2":
        # PPPPRRRRRRRRRRRR: exactly 4 PIN digits, 12 random nibbles.
        return bytes.fromhex(pin + _need(fill, 12, _HEX, "fill"))
    if fmt == "4704-EPP":
        # LPPPPffffffffFSS: L, PIN, F fill (f = P or F), X'F', 2-nibble sequence.
        return bytes.fromhex(L + pin + "F" * (13 - n) + _need(seq or "", 2, _HEX, "sequence"))
    raise ValueError(f"unknown format {fmt}")


# Classes of random nibbles in a CSNBCPE template (cpe_template): any hex digit, X'A'-X'F',
# decimal. Every other character of a template is a fixed hex nibble.
RANDOM_CLASSES = {"r": _HEX, "a": "ABCDEF", "d": _DEC}


def cpe_template(fmt: str, pin: str, pad: str = None, seq: str = None) -> str:
    """The 16-nibble clear block Clear PIN Encrypt must produce, before the PAN XOR.

    From the layouts of docs/pin-blocks.md with the notation of its heading: R/r random (any hex
    digit) -> "r"; ISO-3's fill "random X'A'-X'F'" -> "a"; VISA-2's D "decimal pad" -> the
    profile's pad digit when it is decimal, else random decimal "d"; F and f -> "F"; z -> "0";
    x/X (3621, 3624, and VISA-3's "any pad") -> the profile's pad digit (docs/pin-blocks.md), X'F' for VISA-3
    when the profile has none; S -> the sequence number's decimal digits.
    """
    n = len(pin)
    L = _HEX[n]
    p = (pad or "").upper()
    if fmt in ("ISO-0", "VISA-4", "ISO-2"):
        return {"ISO-2": "2"}.get(fmt, "0") + L + pin + "F" * (14 - n)
    if fmt in ("ISO-1", "ECI-4"):
        return "1" + L + pin + "r" * (14 - n)
    if fmt == "ISO-3":
        return "3" + L + pin + "a" * (14 - n)
    if fmt == "VISA-2":
        return L + pin + "0" * (6 - n) + (p * 9 if p in _DEC and p else "d" * 9)
    if fmt == "ECI-3":
        return L + pin + "0" * (6 - n) + "r" * 9
    if fmt == "VISA-3":
        return pin + "F" + (p or "F") * (15 - n)
    if fmt == "3624":
        return pin + p * (16 - n)
    if fmt == "3621":
        return seq + pin + p * (12 - n)
    if fmt == "ECI-2":
        return pin + "r" * 12
    if fmt == "4704-EPP":
        return L + pin + "F" * (13 - n) + seq
    raise ValueError(f"unknown format {fmt}")


def matches_template(block: bytes, template: str) -> bool:
    """True when the clear block (before any PAN XOR) fits the template's fixed nibbles and
    random classes."""
    return all(c == t if t not in RANDOM_CLASSES else c in RANDOM_CLASSES[t]
               for c, t in zip(block.hex().upper(), template))


def decode_pinblock(fmt: str, block: bytes, pan12: str = None, pad: str = None,
                    check_iso_digits: bool = True) -> str:
    """Recover the PIN from a clear block or raise PinBlockError.

    Checks (docs/pin-blocks.md extraction column, docs/codes.md "control nibble, fill,
    non-decimal digits", docs/CSNBPCU.md "Processing" step 3 "PIN length 4..12"). For ISO formats the
    decimal-digit check can be switched off: ACP X'0055' "ISO PIN blocks do
    not check PIN digits" is ON by default (docs/pin-blocks.md, docs/decisions.md F11).
    """
    if len(block) != 8:
        raise PinBlockError("block must be 8 bytes")
    if fmt in PAN_FORMATS:
        block = xor(block, _pan_block(pan12))
    s = block.hex().upper()

    def pin_ok(pin, digits_checked=True):
        if not 4 <= len(pin) <= 12:
            raise PinBlockError(f"PIN length {len(pin)} outside 4..12")
        if digits_checked and any(c not in _DEC for c in pin):
            raise PinBlockError(f"non-decimal PIN digit in {pin}")
        return pin

    if fmt in ("ISO-0", "VISA-4", "ISO-1", "ECI-4", "ISO-2", "ISO-3"):
        ctl = {"ISO-0": "0", "VISA-4": "0", "ISO-1": "1", "ECI-4": "1",
               "ISO-2": "2", "ISO-3": "3"}[fmt]
        if s[0] != ctl:
            raise PinBlockError(f"control nibble {s[0]}, expected {ctl}")
        n = int(s[1], 16)
        if not 4 <= n <= 12:
            raise PinBlockError(f"PIN length {n} outside 4..12")
        pin = pin_ok(s[2:2 + n], check_iso_digits)
        rest = s[2 + n:]
        if fmt in ("ISO-0", "VISA-4", "ISO-2") and rest != "F" * len(rest):
            raise PinBlockError(f"fill {rest} is not all F")
        if fmt == "ISO-3" and any(c not in "ABCDEF" for c in rest):
            raise PinBlockError(f"fill {rest} not in A-F")
        return pin
    if fmt in ("VISA-2", "ECI-3"):
        n = int(s[0], 16)
        if not 4 <= n <= 6:
            raise PinBlockError(f"PIN length {n} outside 4..6")
        pin = pin_ok(s[1:1 + n])
        if s[1 + n:7] != "0" * (6 - n):
            raise PinBlockError("z positions after the PIN must be 0")
        if fmt == "VISA-2" and any(c not in _DEC for c in s[7:]):
            raise PinBlockError("VISA-2 pad must be decimal")
        return pin
    if fmt == "VISA-3":
        i = s.find("F")
        if i < 0:
            raise PinBlockError("no X'F' delimiter")
        return pin_ok(s[:i])
    if fmt in ("3624", "3621"):
        body = s if fmt == "3624" else s[4:]
        p = (pad or "").upper()
        if len(p) != 1 or p not in _HEX:
            raise PinBlockError("pad digit required")
        i = body.find(p)
        pin = body if i < 0 else body[:i]
        return pin_ok(pin)
    if fmt == "ECI-2":
        return pin_ok(s[:4])
    if fmt == "4704-EPP":
        n = int(s[0], 16)
        if not 4 <= n <= 12:
            raise PinBlockError(f"PIN length {n} outside 4..12")
        pin = pin_ok(s[1:1 + n])
        if s[1 + n:14] != "F" * (13 - n):
            raise PinBlockError("fill before the sequence number must be F")
        return pin
    raise ValueError(f"unknown format {fmt}")


# ---------------------------------------------------------------------------
# CSNBPCU computation (docs/CSNBPCU.md), independent of pyemv
# ---------------------------------------------------------------------------

def auth_code(mac_mdk: bytes, d: bytes, adjust: bool = True) -> bytes:
    # docs/CSNBPCU.md "Processing" step 4: A = rightmost 4 bytes of E_{MAC-MDK}(D[0:8]); docs/decisions.md F6:
    # odd-parity adjusted by default, raw when adjust=False.
    u = tdes_ecb_encrypt(mac_mdk, d[:8])
    return (odd_parity(u) if adjust else u)[4:8]


def card_key(enc_mdk: bytes, d: bytes, adjust: bool = True) -> bytes:
    # docs/CSNBPCU.md "Processing" step 5: IKL = E(D[0:8]); IKR = E(D[8:16]) if |D|=16 else E(D ⊕ FF..).
    left = tdes_ecb_encrypt(enc_mdk, d[:8])
    right = tdes_ecb_encrypt(enc_mdk, d[8:16] if len(d) == 16 else xor(d[:8], b"\xff" * 8))
    ik = left + right
    return odd_parity(ik) if adjust else ik   # docs/decisions.md F6


def sk_tdes_xor(ik: bytes, atc: bytes) -> bytes:
    # docs/CSNBPCU.md "Processing" step 6, TDES-XOR: SKL = IKL ⊕ (0..0‖ATC), SKR = IKR ⊕ (0..0‖~ATC).
    return xor(ik[:8], bytes(6) + atc) + xor(ik[8:], bytes(6) + xor(atc, b"\xff\xff"))


def sk_emv_tree(ik: bytes, atc: bytes, b: int, h: int, iv: bytes = bytes(16)) -> bytes:
    # docs/CSNBPCU.md "Processing" step 6, TDESEMVn (EMV 4.0 Book 2 A1.3); docs/decisions.md F7 for (b, H).
    # Returned without parity adjustment (irrelevant when used as a key).
    def F(x, y, j):
        jb = (j % b).to_bytes(8, "big")
        return (tdes_ecb_encrypt(x, xor(y[:8], jb)) +
                tdes_ecb_encrypt(x, xor(xor(y[8:], jb), bytes(7) + b"\xf0")))

    memo = {}

    def IK(i, j):
        if i == 0:
            return ik          # IK(0,0) = card key
        if i == -1:
            return iv          # IK(-1,0) = IV
        if (i, j) not in memo:
            memo[(i, j)] = F(IK(i - 1, j // b), IK(i - 2, j // (b * b)), j)
        return memo[(i, j)]

    a = int.from_bytes(atc, "big")
    gp = IK(h - 2, a // (b * b))
    return xor(F(IK(h - 1, a // b), gp, a), gp)


def vis_pin_block(a: bytes, new_pin: str, cur_pin: str = None) -> bytes:
    # docs/CSNBPCU.md "Processing" step 7: PB = (00000000‖A) ⊕ (0 L P..P F..F) ⊕ (current PIN, 0-filled).
    b1 = bytes(4) + a
    b2 = bytes.fromhex("0" + _HEX[len(new_pin)] + new_pin + "F" * (14 - len(new_pin)))
    b3 = bytes.fromhex((cur_pin or "") + "0" * (16 - len(cur_pin or "")))
    return xor(xor(b1, b2), b3)


def visa_message(sk: bytes, pb: bytes) -> bytes:
    # docs/CSNBPCU.md "Processing" step 8: OUT = E_SK(08‖PB‖80 00×6), TDES-ECB, 16 bytes.
    return tdes_ecb_encrypt(sk, b"\x08" + pb + b"\x80" + bytes(6))


def amex_message(sk: bytes, pb: bytes) -> bytes:
    # docs/decisions.md F8 (docs/CSNBPCU.md hypothesis H1): the same PIN block as
    # the Visa methods (AMEXPCU1 with the current PIN, AMEXPCU2 without),
    # TDES-ECB under the session key, 8 bytes, no length byte, no padding.
    # UNVERIFIED against IBM hardware.
    return tdes_ecb_encrypt(sk, pb)


# ---------------------------------------------------------------------------
# Key tokens (docs/tokens.md, docs/decisions.md F13)
# ---------------------------------------------------------------------------

def mkvp(mk: bytes) -> bytes:
    # First 8 bytes of SHA-1(X'01' ‖ MK), always (docs/decisions.md F13).
    assert len(mk) == 24
    return hashlib.sha1(b"\x01" + mk).digest()[:8]


def tvv(token: bytes) -> bytes:
    # 32-bit sum, carries ignored, of the 15 big-endian words at 0,4,…,56.
    return (sum(int.from_bytes(token[i:i + 4], "big") for i in range(0, 60, 4))
            & 0xFFFFFFFF).to_bytes(4, "big")


def wrap_ecb(mk: bytes, key: bytes, cv: bytes) -> bytes:
    # docs/decisions.md F13: part x -> E_K3(D_K2(E_K1(x))), K1‖K2‖K3 = MK ⊕ (CVhalf×3);
    # left part with the left CV half, right part with the right half.
    out = b""
    for i in range(0, len(key), 8):
        cvh = cv[i:i + 8]
        out += tdes_ecb_encrypt(xor(mk, cvh * 3), key[i:i + 8])
    return out


TAC_LABEL = b"softcca/token-auth/v1"


def tac(mk: bytes, token: bytes) -> bytes:
    # docs/decisions.md D25: TAC key KT = HMAC-SHA-256(MK, "softcca/token-auth/v1");
    # TAC = HMAC-SHA-256(KT, token[0:48] ‖ token[56:60])[0:8] (bytes 48-55, the TAC
    # itself, and 60-63, the TVV, are not covered).
    assert len(mk) == 24 and len(token) == 64
    kt = hmac.new(mk, TAC_LABEL, hashlib.sha256).digest()
    return hmac.new(kt, token[0:48] + token[56:60], hashlib.sha256).digest()[:8]


def internal_token(mk: bytes, key: bytes, cv: bytes, version: int = 0,
                   byte59: int = 0, flag1: int = 0xC0, authenticated: bool = True) -> bytes:
    # authenticated=False gives the plain IBM layout (part C slot zero), as tests/vectors/README.md
    # publishes it and as Key Token Build KEY assembles a token from wrapped parts.
    # docs/tokens.md table (offsets below).
    assert len(key) in (8, 16) and len(cv) == len(key)
    t = bytearray(64)
    t[0] = 0x01                      # internal
    t[4] = version                   # X'00' (X'01' only zero-CV DATA dbl/tpl)
    t[6] = flag1                     # X'C0': encrypted key + MKVP, CV applied
    t[7] = 0x00                      # WRAP-ECB
    t[8:16] = mkvp(mk)
    w = wrap_ecb(mk, key, cv)
    t[16:16 + len(w)] = w            # left / right half (zeros if single)
    t[32:32 + len(cv)] = cv          # CV left / right (zeros if single)
    t[59] = byte59                   # zero-CV DATA length marker
    if authenticated:
        t[48:56] = tac(mk, bytes(t))  # softcca TAC in the part-C slot (unused for 8/16 bytes)
    t[60:64] = tvv(bytes(t))         # TVV last, over the TAC
    return bytes(t)
