"""A seccomp filter that keeps sandboxed code in the namespaces and root it was given.

Unprivileged user namespaces are enabled on most Linux hosts, so without a filter any process can
``unshare -Ur`` and then ``chroot``, ``mount`` or build namespaces of its own: a way around the
sandbox's view of the host and around the supervisor's kill-everything. :func:`install` refuses,
with ``EPERM``, ``unshare``, ``setns``, ``chroot``, ``pivot_root``, the mount family and a
``clone`` that asks for a new namespace; ``clone3`` answers ``ENOSYS`` (its flags live in memory a
filter cannot read, and libc then falls back to ``clone``). Everything else is allowed.

Stdlib only (it is copied into sandbox images next to ``worker.py``). The filter is inherited
across ``fork`` and ``execve`` and cannot be removed; installing it needs ``no_new_privs``.

>>> len(program("x86_64")) % 8   # whole 8-byte BPF instructions
0
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
#: CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME (0x80).
_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80
_X32_BIT = 0x40000000

#: audit arch, then syscall numbers: clone, clone3, and those refused outright.
_ARCHES: dict[str, tuple[int, int, int, tuple[int, ...]]] = {
    # unshare, setns, chroot, pivot_root, mount, umount2, open_tree, move_mount, fsopen, fsconfig,
    # fsmount, fspick, mount_setattr
    "x86_64": (0xC000003E, 56, 435, (272, 308, 161, 155, 165, 166, 428, 429, 430, 431, 432, 433, 442)),
    "aarch64": (0xC00000B7, 220, 435, (97, 268, 51, 41, 40, 39, 428, 429, 430, 431, 432, 433, 442)),
}


class SeccompUnavailable(OSError):
    """This machine's architecture or kernel does not take the filter."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine: str | None = None) -> bytes:
    """The BPF program for ``machine`` (default: this one), as the kernel reads it."""
    machine = machine or platform.machine()
    if machine not in _ARCHES:
        raise SeccompUnavailable(errno.ENOSYS, f"no seccomp filter for {machine}")
    arch, clone, clone3, refused = _ARCHES[machine]
    eperm = _RET_ERRNO | errno.EPERM
    insns = [
        _insn(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _insn(_JEQ_K, 1, 0, arch),
        _insn(_RET_K, 0, 0, eperm),  # another ABI (e.g. 32-bit on a 64-bit kernel): refuse it all
        _insn(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if machine == "x86_64":
        insns += [_insn(_JGE_K, 0, 1, _X32_BIT), _insn(_RET_K, 0, 0, eperm)]
    for nr in refused:
        insns += [_insn(_JEQ_K, 0, 1, nr), _insn(_RET_K, 0, 0, eperm)]
    insns += [
        _insn(_JEQ_K, 0, 1, clone3),
        _insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),
        _insn(_JEQ_K, 0, 3, clone),
        _insn(_LD_W_ABS, 0, 0, 16),  # low 32 bits of args[0]: clone's flags
        _insn(_JSET_K, 0, 1, _NAMESPACE_FLAGS),
        _insn(_RET_K, 0, 0, eperm),
        _insn(_RET_K, 0, 0, _RET_ALLOW),
    ]
    return b"".join(insns)


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def install() -> None:
    """Set ``no_new_privs`` and load the filter into this process (and all it will fork)."""
    code = program()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompUnavailable(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _Fprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_char_p))
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompUnavailable(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
