// The one raw system call behind Packaging's ConfinedFolder.
//
// Why this exists: openat2(2) has no glibc wrapper, and syscall(2) is C-variadic, which Swift cannot call.
// Only ConfinedFolder (Sources/Packaging/ConfinedFolder.swift) calls this.
#ifndef QC_CONFINED_OPEN_H
#define QC_CONFINED_OPEN_H

/// openat2(dirfd, path, {flags, mode 0, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS}): opens `path` relative to
/// `dirfd` only if every step of its resolution, symbolic links included, stays beneath `dirfd`. Returns the new
/// descriptor, or -1 with errno: EXDEV when the path leads out (an absolute link, `..` above `dirfd`, a link
/// whose target lies outside), ELOOP for a magic link (/proc/self/fd/N), ENOSYS where the kernel lacks openat2
/// (Linux < 5.6) or on a system without it, EPERM when a seccomp filter refuses it. EINTR is retried here.
int qc_open_beneath(int dirfd, const char *path, int flags);

/// O_PATH (open a path without opening the file for reading), which Swift's Glibc module hides behind _GNU_SOURCE.
extern const int qc_o_path;

#endif
