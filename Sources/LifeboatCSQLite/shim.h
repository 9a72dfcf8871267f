#ifndef LIFEBOAT_CSQLITE_SHIM_H
#define LIFEBOAT_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro Swift cannot import; this hands it over as a value.
static inline sqlite3_destructor_type lifeboat_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
