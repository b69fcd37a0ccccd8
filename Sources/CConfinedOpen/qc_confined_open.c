// See include/qc_confined_open.h.
#define _GNU_SOURCE
#include "qc_confined_open.h"

#include <fcntl.h>

#include <errno.h>

#if defined(O_PATH)
const int qc_o_path = O_PATH;
#else
const int qc_o_path = 0;
#endif

#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437  // the same number on every architecture (the unified syscall table)
#endif

int qc_open_beneath(int dirfd, const char *path, int flags) {
    struct open_how how = {0};
    how.flags = (unsigned long long)(unsigned int)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    } while (fd < 0 && errno == EINTR);
    return (int)fd;
}
#else
int qc_open_beneath(int dirfd, const char *path, int flags) {
    (void)dirfd;
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
}
#endif
