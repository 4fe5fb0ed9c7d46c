#!/usr/bin/env python3
"""The peer figure for `make bench`: pyemv 1.5.0 + psec 1.3.0 doing CSNBPCU's VISAPCU2 work.

Per call, the work a pyemv+psec PIN-change service does: decrypt the new and the current ISO-0 PIN blocks under the
PIN key and decode them (psec), derive the card keys from the authentication and encryption
issuer master keys (pyemv derive_icc_mk_a, EMV option A from a PAN/PSN that changes every
call), derive the session key (TDES-XOR: derive_visa_sm_sk; TDESEMV4: derive_emv2000_tree_sk
b=4 H=8) with a changing ATC, build the VIS PIN block with the current PIN and encrypt it with
the Visa framing (pyemv). One thread, and one process per core for "all cores" (the GIL keeps
threads from scaling).

Usage: pyemv_pcu.py [seconds-per-run]
"""
import multiprocessing as mp
import warnings
import sys
import time

# cryptography deprecates two-key TDES and warns on every cipher it builds; even an ignored
# warning costs a stack walk. Silence warn() itself so the peer is measured at its fastest.
warnings.warn = lambda *args, **kwargs: None

from psec import des, pinblock
from pyemv import kd, sm

MAC_MDK = bytes.fromhex("FEDCBA98765432100123456789ABCDEF")
ENC_MDK = bytes.fromhex("1111111111111111222222222222222F")
PIN_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
NEW_BLOCK = bytes.fromhex("278CE4308BF9844D")  # test set 1 (tests/vectors/README.md), PIN 9999
CUR_BLOCK = bytes.fromhex("00AC61598137740A")  # PIN 8888
PAN_FOR_BLOCKS = "1234567890123456"  # PAN data 456789012345 = rightmost 12 excl. check digit


def one_call(alg: str, n: int) -> bytes:
    new_pin = pinblock.decode_pinblock_iso_0(des.decrypt_tdes_ecb(PIN_KEY, NEW_BLOCK), PAN_FOR_BLOCKS)
    cur_pin = pinblock.decode_pinblock_iso_0(des.decrypt_tdes_ecb(PIN_KEY, CUR_BLOCK), PAN_FOR_BLOCKS)
    pan = f"{5400000000000000 + n:016d}"
    psn = f"{n % 100:02d}"
    atc = (n & 0xFFFF).to_bytes(2, "big")
    icc_mk_ac = kd.derive_icc_mk_a(MAC_MDK, pan, psn)
    icc_mk_smc = kd.derive_icc_mk_a(ENC_MDK, pan, psn)
    if alg == "TDES-XOR":
        sk = kd.derive_visa_sm_sk(icc_mk_smc, atc)
    else:
        sk = kd.derive_emv2000_tree_sk(icc_mk_smc, atc, height=8, branch_factor=4)
    pb = sm.format_vis_pin_block(icc_mk_ac, new_pin, cur_pin)
    return sm.encrypt_command_data(sk, pb, sm.EncryptionType.VISA)


def run_for(alg: str, secs: float, seed: int) -> int:
    n = seed * 1_000_000
    end = time.perf_counter() + secs
    done = 0
    while time.perf_counter() < end:
        for _ in range(100):
            one_call(alg, n)
            n += 1
        done += 100
    return done


def worker(args):
    alg, secs, seed = args
    return run_for(alg, secs, seed)


def main():
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    cores = mp.cpu_count()
    # The same test-set-1 (tests/vectors/README.md) answer softcca's tests check, so both sides do the same work.
    assert sm.format_vis_pin_block(
        kd.derive_icc_mk_a(MAC_MDK, "1234567890123456", "01"), "9999", "8888"
    ).hex().upper() == "8C1199FFC4B001F1"
    print(f"pyemv+psec VISAPCU2 equivalent, new card per call ({secs} s per run)")
    for alg in ("TDES-XOR", "TDESEMV4"):
        run_for(alg, 0.2, 0)
        t = time.perf_counter()
        one = run_for(alg, secs, 1) / (time.perf_counter() - t)
        with mp.Pool(cores) as pool:
            t = time.perf_counter()
            total = sum(pool.map(worker, [(alg, secs, 2 + i) for i in range(cores)]))
            allc = total / (time.perf_counter() - t)
        print(f"pyemv    {alg:<8} 1 thread: {one:>10.0f} calls/s   {cores} procs:   {allc:>10.0f} calls/s")


if __name__ == "__main__":
    main()
