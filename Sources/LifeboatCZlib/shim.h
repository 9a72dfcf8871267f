#ifndef LIFEBOAT_CZLIB_SHIM_H
#define LIFEBOAT_CZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2 and inflateInit2 are macros (they pass the library version and the stream size),
/// which Swift cannot call; these wrappers expand them once, here.
static inline int lifeboat_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
static inline int lifeboat_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
