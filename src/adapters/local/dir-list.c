/*
 * blit_list: the entries of an open directory with their statx and listxattrat answers, packed for JavaScript in one
 * call per buffer (dir-list.ffi.ts compiles this with bun:ffi's cc and decodes the records in fs-read.ts). One call
 * replaces the readdir, two FFI crossings and two C strings an entry costs from JavaScript.
 *
 * No headers: it declares the four libc functions and two kernel structs it uses, so it compiles where no C headers
 * are installed. Everything the call touches is passed in (no static state), so threads may share the code.
 *
 * Record (little-endian, unaligned): u16 length | i32 statx errno | u16 mode | u32 uid | u32 gid | u32 nlink |
 * u64 size | i64 mtime seconds | u32 mtime nanoseconds | u64 inode | u32 device major | u32 device minor |
 * u64 blocks | i32 listxattrat answer (byte length, -errno, or NOT_ASKED) | u16 name length | name | attribute names
 * (the answer's length of them, NUL-separated, when it is positive).
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

long syscall(long number, ...);
int statx(int dirfd, const char *path, int flags, unsigned int mask, void *out);
long lseek(int fd, long offset, int whence);
int *__errno_location(void);

struct dirent64 { u64 ino; i64 off; u16 reclen; u8 type; char name[]; };
struct statx_time { i64 sec; u32 nsec; u32 reserved; };
struct statx_buf {
  u32 mask, blksize; u64 attributes; u32 nlink, uid, gid; u16 mode, spare0; u64 ino, size, blocks, attributes_mask;
  struct statx_time atime, btime, ctime, mtime;
  u32 rdev_major, rdev_minor, dev_major, dev_minor; u64 spare[14];
};

#define HEAD 70
#define NOT_ASKED (-1000)
#define AT_SYMLINK_NOFOLLOW 0x100
#define STATX_BASIC 0x7ff
#define SEEK_SET 0
#define SEEK_CUR 1

static void put16(u8 *p, u32 v) { p[0] = v; p[1] = v >> 8; }
static void put32(u8 *p, u32 v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

/*
 * Appends the records of the next entries of directory `dirfd` ("." and ".." left out) to out[0, cap) and returns
 * the bytes written: 0 once the directory is exhausted, -errno when reading it fails before any record or when it
 * cannot be re-positioned (the caller then lists it another way). When a record does not fit, the directory's
 * position goes back to that entry, so the next call starts there.
 * `dents` (dents_cap bytes) holds getdents64's answers; `names` (names_cap bytes) listxattrat's. Attribute names are
 * listed (listxattrat = syscall `sys_listxattrat`) only for files and directories, and only when that number is not 0.
 */
int blit_list(int dirfd, u8 *out, int cap, u8 *dents, int dents_cap, u8 *names, int names_cap,
              int sys_getdents64, int sys_listxattrat) {
  int used = 0;
  for (;;) {
    long pos = lseek(dirfd, 0, SEEK_CUR);
    long n = syscall(sys_getdents64, dirfd, dents, dents_cap);
    if (n < 0) return used > 0 ? used : -*__errno_location();
    if (n == 0) return used;
    for (long off = 0; off < n;) {
      struct dirent64 *d = (struct dirent64 *)(dents + off);
      off += d->reclen;
      const char *name = d->name;
      int len = 0;
      while (name[len] != 0) len++;
      if (len == 1 && name[0] == '.' || len == 2 && name[0] == '.' && name[1] == '.') { pos = d->off; continue; }
      if (used + HEAD + len + names_cap > cap) {
        if (used == 0) return -105; /* ENOBUFS: the caller's buffer cannot hold one record */
        /* Where the directory cannot be re-positioned the listing fails rather than skip what getdents64 read. */
        if (pos < 0) return -29; /* ESPIPE: the start position was not known */
        if (lseek(dirfd, pos, SEEK_SET) < 0) return -*__errno_location();
        return used;
      }
      pos = d->off;
      u8 *r = out + used;
      struct statx_buf s;
      int err = statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC, &s) == 0 ? 0 : *__errno_location();
      if (err != 0) s = (struct statx_buf){0};
      int listed = NOT_ASKED;
      u32 kind = s.mode & 0170000;
      if (err == 0 && sys_listxattrat != 0 && (kind == 0100000 || kind == 0040000)) {
        long m = syscall(sys_listxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, names, (long)names_cap);
        listed = m >= 0 ? (int)m : -*__errno_location();
      }
      put32(r + 2, (u32)err);
      put16(r + 6, s.mode);
      put32(r + 8, s.uid);
      put32(r + 12, s.gid);
      put32(r + 16, s.nlink);
      put64(r + 20, s.size);
      put64(r + 28, (u64)s.mtime.sec);
      put32(r + 36, s.mtime.nsec);
      put64(r + 40, s.ino);
      put32(r + 48, s.dev_major);
      put32(r + 52, s.dev_minor);
      put64(r + 56, s.blocks);
      put32(r + 64, (u32)listed);
      put16(r + 68, len);
      u8 *p = r + HEAD;
      for (int i = 0; i < len; i++) *p++ = name[i];
      for (int i = 0; i < listed; i++) *p++ = names[i];
      put16(r, (u32)(p - r));
      used += (int)(p - r);
    }
  }
}
